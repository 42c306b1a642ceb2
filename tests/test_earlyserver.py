"""The temporary Prefect server started before the CLI's imports (flows.earlyserver) and the CLI's
exit without the interpreter's teardown."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows import cli, earlyserver

ROOT = Path(__file__).resolve().parents[1]


def test_no_early_server_when_an_api_url_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:1/api")
    assert earlyserver.spawn() is None
    earlyserver.adopt(None)  # nothing to wait for


def test_server_command_is_prefects_uvicorn_under_the_launcher() -> None:
    cmd = earlyserver.server_command(8123, 4242)
    assert cmd[0] == sys.executable and cmd[1] == "-c" and cmd[3] == "4242"
    assert cmd[4:6] == ["-m", "uvicorn"]
    assert "prefect.server.api.server:create_app" in cmd and cmd[cmd.index("--port") + 1] == "8123"
    assert (Path(cmd[cmd.index("--app-dir") + 1]) / "prefect" / "__init__.py").exists()


def test_free_port_is_in_prefects_range() -> None:
    assert earlyserver.free_port() in earlyserver.PORTS


def test_stop_sends_sigterm_once_and_does_not_wait() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = earlyserver.EarlyServer(proc, 8999)
    t0 = time.monotonic()
    earlyserver.stop(server)
    earlyserver.stop(server)  # a second call (the exit handler after an error) does nothing
    assert time.monotonic() - t0 < 0.5
    assert proc.wait(timeout=10) != 0


def test_a_profile_api_url_stops_the_early_server() -> None:
    # The environment had no API URL at spawn time; Prefect's settings (a profile) have one.
    from prefect.settings import PREFECT_API_URL, temporary_settings

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = earlyserver.EarlyServer(proc, 8999)
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:1/api"}):
        earlyserver.adopt(server)
    assert not server.adopted
    assert proc.wait(timeout=10) != 0


def test_use_api_points_prefect_at_the_server_without_a_ui_link() -> None:
    import contextvars

    import prefect.context
    from prefect.settings import PREFECT_API_URL
    from prefect.utilities.urls import url_for

    names = ("PREFECT_API_URL", "PREFECT_UI_URL")
    saved_env = {k: os.environ.pop(k) for k in names if k in os.environ}
    saved_global = prefect.context.GLOBAL_SETTINGS_CONTEXT  # a session harness may have set it
    try:
        earlyserver.use_api("http://127.0.0.1:8765/api", ui=False)

        def seen() -> tuple[object, object]:
            # as a thread without a settings context of its own (the CLI's) sees them
            return PREFECT_API_URL.value(), url_for("flow-run", obj_id="x")

        api, link = contextvars.Context().run(seen)
        assert api == "http://127.0.0.1:8765/api"
        assert link is None  # the temporary server serves no UI
    finally:
        for k in names:
            os.environ.pop(k, None)
        os.environ.update(saved_env)
        prefect.context.GLOBAL_SETTINGS_CONTEXT = saved_global


def test_main_called_in_process_returns_instead_of_exiting(monkeypatch: pytest.MonkeyPatch) -> None:
    # A test (or any caller) gets the exit code back: only the command's own process exits early.
    # ``run`` starts the server before parsing; a mistyped value stops it again.
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(earlyserver, "spawn", lambda: earlyserver.EarlyServer(proc, 8999))
    assert cli.main(["run", "--processes", "0"]) == cli.EXIT_USAGE
    assert proc.wait(timeout=10) != 0


def test_the_command_exits_at_once_with_its_code_and_output(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--processes", "0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == cli.EXIT_USAGE
    assert "newsfacts:" in done.stderr
