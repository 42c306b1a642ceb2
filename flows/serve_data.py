"""``newsfacts serve-data``: serves an out dir (its download page, catalog and release files) over
HTTP on 127.0.0.1, for local use. A static web server or an object store serves the same files
in production (set ``NEWSFACTS_PUBLIC_URL`` to its URL so the run's artifacts link there).

While it runs, ``<out_dir>/.serve-data.json`` names its URL: runs publishing into that out dir
link their artifacts to it, and the download page is rewritten with absolute URLs.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from storage.catalog import SERVE_MARKER, write_page
from storage.files import write_json
from storage.stores import LocalStore

DEFAULT_PORT = 8765


class _Handler(SimpleHTTPRequestHandler):
    """Serves the out dir; hides dot files (the lock, the serve marker, staging folders)."""

    extensions_map = {  # noqa: RUF012 - the base class's attribute, extended
        **SimpleHTTPRequestHandler.extensions_map,
        ".parquet": "application/vnd.apache.parquet",
        ".md": "text/markdown; charset=utf-8",
        ".cff": "text/plain; charset=utf-8",
        ".sql": "text/plain; charset=utf-8",
        ".json": "application/json",
    }

    def send_head(self):  # type: ignore[no-untyped-def]
        if any(part.startswith(".") for part in self.path.split("?", 1)[0].split("/") if part):
            self.send_error(404)
            return None
        return super().send_head()

    def log_message(self, format: str, *args: object) -> None:
        print(f"serve-data: {self.address_string()} {format % args}", file=sys.stderr)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def make_server(out_dir: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """Returns an HTTP server of ``out_dir`` bound to 127.0.0.1:``port`` (0: any free port)."""
    handler = functools.partial(_Handler, directory=str(out_dir))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve(out_dir: Path, port: int = DEFAULT_PORT) -> None:
    """Serves ``out_dir`` until interrupted, announcing its URL in the out dir's marker."""
    out_dir.mkdir(parents=True, exist_ok=True)
    server = make_server(out_dir, port)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    marker = out_dir / SERVE_MARKER
    write_json({"url": url, "pid": os.getpid()}, marker)
    # `kill` (SIGTERM) stops it as Ctrl-C does, removing the marker.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        write_page(LocalStore(out_dir))  # absolute links now that the URL is known
        print(f"newsfacts serve-data: {url}/index.html serves {out_dir} (Ctrl-C stops)", file=sys.stderr)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            marker.unlink()


def add_serve_data_args(p: argparse.ArgumentParser) -> None:
    """Adds the options of ``newsfacts serve-data``."""
    p.add_argument("--out-dir", default="data/out", help="the out folder to serve (default: data/out)")
    p.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default: {DEFAULT_PORT})"
    )


def cmd_serve_data(args: argparse.Namespace) -> int:
    """Runs ``newsfacts serve-data``; returns the exit code."""
    out = Path(args.out_dir).expanduser().absolute()
    if not out.is_dir():
        print(
            f"newsfacts serve-data: {out} is not a folder (run `newsfacts run --out-dir {out}` first)",
            file=sys.stderr,
        )
        return 2
    serve(out, args.port)
    return 0
