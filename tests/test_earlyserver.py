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


class _Exited:
    """A server process that has already ended with ``code``."""

    def __init__(self, code: int) -> None:
        self.code = code

    def poll(self) -> int:
        return self.code


def test_a_server_that_cannot_start_is_reported_not_restarted(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn's exit 3 is any failed start; only a port taken meanwhile is worth another port.
    started: list[int] = []
    monkeypatch.setattr(earlyserver, "_popen", lambda port: started.append(port) or _Exited(3))
    server = earlyserver.EarlyServer(_Exited(3), earlyserver.free_port())  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="exited with code 3"):
        earlyserver._wait_healthy(server, 30)
    assert started == []


def test_closed_descriptors_are_not_handed_to_the_server() -> None:
    r, w = os.pipe()
    os.close(r)
    assert earlyserver._fd_open(w)
    os.close(w)
    assert not earlyserver._fd_open(w)


def test_a_reader_gone_changes_no_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    r, w = os.pipe()
    os.close(r)  # nobody reads: writing gives EPIPE
    with os.fdopen(w, "w") as out:
        monkeypatch.setattr(sys, "stdout", out)
        cli._say("summary")  # no BrokenPipeError
        cli._say("again")
        monkeypatch.undo()


def test_a_failed_run_has_its_own_exit_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import flows.pipeline

    def unreachable(**_: object) -> None:
        raise RuntimeError("Failed to reach API at http://127.0.0.1:9/api")

    monkeypatch.setattr(earlyserver, "spawn", lambda: None)
    monkeypatch.setattr(cli, "_warm_parse_workers", lambda p: False)
    monkeypatch.setattr(flows.pipeline, "newsfacts_pipeline", unreachable)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Text.\n")
    code = cli.main(["run", "--raw-dir", str(raw), "--out-dir", str(tmp_path / "out")])
    assert code == cli.EXIT_FAILED != cli.EXIT_BLOCKED
    assert "the run failed, nothing published" in capsys.readouterr().err


def test_the_exit_gives_up_on_handlers_that_never_end() -> None:
    # Prefect's last log flush to an API that is gone retries forever: the command still ends.
    code = (
        "import atexit, threading, time\n"
        "from flows import cli\n"
        "atexit.register(time.sleep, 600)\n"
        "threading.Thread(target=time.sleep, args=(600,)).start()\n"
        "cli._exit_now(5, grace_s=1.0)\n"
    )
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 5
    assert time.monotonic() - t0 < 60
    assert "stopped waiting for Prefect's last logs" in done.stderr
