"""No-change reruns against a running Prefect server, the way scheduled runs and UI reruns work.

``newsfacts run`` without ``PREFECT_API_URL`` starts Prefect's temporary server and stops it again:
a fixed 5-8 s that a no-change rerun pays in full. Operators run a server (``prefect server start``
plus ``newsfacts serve``), so this measures the same reruns with one started beforehand, on the
corpora a kept ``run_benchmarks --keep`` left under ``--work``, and prints them as shares of the
full runs recorded in ``<work>/results.json``. Nothing is asserted.

    .venv/bin/python -m benchmarks.server_reruns --work /tmp/newsfacts-bench
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.run_benchmarks import ROOT, _env, run_pipeline


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(env: dict[str, str], timeout: float = 180.0) -> tuple[subprocess.Popen[bytes], str]:
    """Starts ``prefect server start`` on a free port; returns the process and its API URL once
    its health check answers."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={**env, "PREFECT_SERVER_API_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                if r.status == 200:
                    return proc, api
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the Prefect server did not start")


def main(argv: list[str] | None = None) -> int:
    """Measures no-change reruns per kept scale with a running server; prints them; returns 0."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="the --work directory of a kept run_benchmarks run")
    ap.add_argument("--repeat", type=int, default=3, help="reruns per scale (the median is reported)")
    args = ap.parse_args(argv)
    work = Path(args.work)
    results = json.loads((work / "results.json").read_text())
    params = results["parameters"]
    env = _env(work / "prefect-home-server")
    proc, api = start_server(env)
    env["PREFECT_API_URL"] = api
    out: list[dict[str, Any]] = []
    try:
        for scale in results["scales"]:
            base = work / f"x{scale['scale']}"
            walls = []
            for _ in range(args.repeat):
                r = run_pipeline(
                    base / "raw", base / "out", env, params["processes"], params["batch_size"], []
                )
                if r["counts"]["extract"]["parsed"]:
                    print(f"WARNING {scale['scale']}×: the rerun parsed articles (code changed?)")
                walls.append(r["wall_s"])
            walls.sort()
            median = walls[len(walls) // 2]
            full = scale["full"]["wall_s"]
            out.append({"scale": scale["scale"], "full_s": full, "reruns_s": walls, "median_s": median})
            print(
                f"{scale['scale']}×: no-change rerun with a running server {median:.1f}s "
                f"(runs {', '.join(f'{w:.1f}' for w in walls)}) = {100 * median / full:.1f}% of the "
                f"full run ({full:.1f}s, temporary server)"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (work / "server_reruns.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
