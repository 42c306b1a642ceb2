"""Prefect's temporary server for ``newsfacts run``, started first thing and stopped without a wait.

Without ``PREFECT_API_URL`` a flow runs against a temporary server that Prefect starts on its first
API call (:class:`prefect.server.api.server.SubprocessASGIServer`): a ``python -m uvicorn`` process
that imports the server (seconds of CPU) and opens its database. Prefect starts it only once its
own modules and the pipeline's are imported, and its server module costs this process ~2.5 s of
imports more. :func:`spawn` starts the same command (through :data:`flows.stop.SERVER_LAUNCHER`)
before ``prefect`` is imported at all (stdlib only here), so the server starts while this process
imports; :func:`adopt` waits until it answers and points this process's Prefect settings at it, as
a ``PREFECT_API_URL`` would (an API URL the operator configured in a Prefect profile wins: the
early server is stopped then).

At exit (:func:`stop`, an exit handler run after Prefect's last log and event flushes) the server
is sent SIGTERM (uvicorn's graceful shutdown: its database closed) and nobody waits for it; its
launcher does the same if this process is gone without it (killed), and ends it 10 s later.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

# Prefect's range of ports for the temporary server (SubprocessASGIServer._port_range).
PORTS = range(8000, 9000)
# The exit code uvicorn gives when its start fails, e.g. the port was taken after all (then it is
# started again on another port, at most ``PORT_RETRIES`` times; any other failure is reported).
PORT_TAKEN = 3
PORT_RETRIES = 3


@dataclass
class EarlyServer:
    """The temporary server's process (``proc``) listening on ``port`` (once up)."""

    proc: subprocess.Popen[bytes]
    port: int
    adopted: bool = False
    _stopped: bool = field(default=False, repr=False)

    @property
    def api_url(self) -> str:
        """Returns the server's API address, as Prefect names it."""
        return f"http://127.0.0.1:{self.port}/api"


def _port_free(port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """Returns a port of :data:`PORTS` nobody listens on now (chosen at random, as Prefect does)."""
    for _ in range(20):
        port = random.choice(PORTS)
        if _port_free(port):
            return port
    raise RuntimeError("no free port for the temporary Prefect server")


def server_command(port: int, parent_pid: int) -> list[str]:
    """Returns the command Prefect runs for its temporary server (``_run_uvicorn_command``), run
    through :data:`flows.stop.SERVER_LAUNCHER` (own session; ends when ``parent_pid`` is gone)."""
    from flows.stop import SERVER_LAUNCHER

    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise RuntimeError("prefect is not installed")
    app_dir = str(Path(spec.origin).parent.parent)
    uvicorn = ["-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app"]
    uvicorn += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"]
    return [sys.executable, "-c", SERVER_LAUNCHER, str(parent_pid), *uvicorn]


def _popen(port: int) -> subprocess.Popen[bytes]:
    # As Prefect's: the UI off, the server told it is a temporary one.
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
    env["PREFECT__SERVER_FINAL"] = "1"
    # A closed stdout or stderr (``>&-``) is not the server's to inherit: it would fail at start.
    out, err = (None if _fd_open(fd) else subprocess.DEVNULL for fd in (1, 2))
    return subprocess.Popen(server_command(port, os.getpid()), env=env, stdout=out, stderr=err)


def _fd_open(fd: int) -> bool:
    """Returns whether this process's file descriptor ``fd`` is open."""
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def spawn() -> EarlyServer | None:
    """Starts the temporary server now, unless ``PREFECT_API_URL`` is set in the environment (a
    profile's setting is seen later, by :func:`adopt`, which stops this one then). Returns it, or
    None when there is nothing to start or it could not be started (Prefect starts its own)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    try:
        port = free_port()
        server = EarlyServer(_popen(port), port)
    except (OSError, RuntimeError):
        return None
    atexit.register(stop, server)  # registered first, run last: after Prefect's last log flushes
    return server


def _wait_healthy(server: EarlyServer, timeout_s: float) -> None:
    """Waits until the server answers ``/health`` (a port taken meanwhile: started again on
    another); raises RuntimeError after ``timeout_s``."""
    import httpx

    deadline = time.monotonic() + timeout_s
    retries = PORT_RETRIES
    with httpx.Client() as client:
        while time.monotonic() < deadline:
            code = server.proc.poll()
            if code == PORT_TAKEN and retries > 0 and not _port_free(server.port):
                retries -= 1
                server.port = free_port()
                server.proc = _popen(server.port)
                continue
            if code is not None:
                raise RuntimeError(
                    f"the temporary Prefect server exited with code {code} (its log, above, says why)"
                )
            with contextlib.suppress(httpx.TransportError):
                if client.get(f"{server.api_url}/health").status_code == 200:
                    return
            time.sleep(0.1)
    raise RuntimeError("timed out while waiting for the temporary Prefect server to start")


def adopt(server: EarlyServer | None) -> None:
    """Waits until ``server`` is up and makes it this process's Prefect API (raises RuntimeError
    when it does not come up). Call it once this process's imports are done, before the flow
    starts. With an API URL configured after all (a Prefect profile), the early server is stopped
    and the flow uses that API."""
    if server is None:
        return
    try:
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
            get_current_settings,
        )

        if PREFECT_API_URL.value():
            stop(server)
            return
        _wait_healthy(server, float(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()))
        use_api(server.api_url, ui=get_current_settings().ui_url is not None)
        server.adopted = True
    except BaseException:
        stop(server)
        raise
    print(f"newsfacts: temporary Prefect server on {server.api_url}", file=sys.stderr, flush=True)


def use_api(api_url: str, ui: bool) -> None:
    """Points this process's Prefect settings at ``api_url``, the way a ``PREFECT_API_URL`` in the
    environment would have (Prefect's clients, logs and events then use it as any server, and Prefect
    never imports its own server module here: ~2.5 s of CPU). The temporary server serves no UI: no
    "View at" link is logged unless ``ui`` (a UI address the operator configured)."""
    import prefect.context

    os.environ["PREFECT_API_URL"] = api_url
    if not ui:
        os.environ.setdefault("PREFECT_UI_URL", "")  # empty: Prefect logs no link to a UI
    prefect.context.refresh_global_settings_context()


def stop(server: EarlyServer) -> None:
    """Asks the server to stop (SIGTERM) without waiting for it. Runs at exit, after Prefect has
    sent the run's last logs and events."""
    if server._stopped:
        return
    server._stopped = True
    if server.proc.poll() is None:
        with contextlib.suppress(OSError):
            server.proc.terminate()
