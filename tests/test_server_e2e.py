"""End to end against a real Prefect server: ``prefect server start`` in one subprocess, the served
deployment (``python -m flows.serve``) in another, runs triggered through the REST API with custom
parameters exactly as the UI's Run button does, then the release and the artifacts are checked.

Everything lives in a temporary PREFECT_HOME on a free loopback port; both processes are always
stopped. Generous timeouts: CI machines are small.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT
from transforms import guard

pytestmark = pytest.mark.slow

SERVER_START_TIMEOUT = 180.0
DEPLOYMENT_TIMEOUT = 180.0
RUN_TIMEOUT = 900.0
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
DEPLOYMENT = "e2e"
# Never due during a test run: the schedule is checked, not waited for.
CRON = "0 3 1 1 *"

NEW_ARTICLE = (
    "Harbor workers end strike after deal on wages\n\n"
    "PORTSMOUTH — Dock workers at the city's container harbor returned to work on Tuesday after "
    'their union accepted a new wage agreement. "We got what we came for," said Maria Delgado, '
    "the union's regional secretary, speaking outside the harbor gates. The port authority said "
    "ships delayed by the week-long strike would be unloaded by Friday.\n"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stops a process group started by this test: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _wait_for(
    what: str, check: Any, timeout: float, logs: list[Path], procs: list[subprocess.Popen[bytes]]
) -> Any:
    """Polls ``check()`` until it returns something truthy; fails with the processes' logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"{p.args!r} exited with {p.returncode} while waiting for {what}\n{_tails(logs)}")
        with contextlib.suppress(httpx.HTTPError):
            got = check()
            if got:
                return got
        time.sleep(1.0)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{_tails(logs)}")


def _tails(logs: list[Path]) -> str:
    return "\n".join(
        f"--- {p.name} ---\n" + "\n".join(p.read_text(errors="replace").splitlines()[-40:])
        for p in logs
        if p.exists()
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A Prefect server and the served deployment, torn down at the end whatever happens."""
    base = tmp_path_factory.mktemp("server-e2e")
    raw, out = base / "raw", base / "out"
    shutil.copytree(ROOT / "data" / "raw", raw)
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(base / "prefect-home"),
        "PREFECT_PROFILES_PATH": str(base / "prefect-home" / "profiles.toml"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "GX_ANALYTICS_ENABLED": "false",
    }
    server_log, serve_log = base / "server.log", base / "serve.log"
    logs = [server_log, serve_log]
    procs: list[subprocess.Popen[bytes]] = []
    prefect_bin = Path(sys.executable).with_name("prefect")
    try:
        with open(server_log, "wb") as fh:
            procs.append(
                subprocess.Popen(
                    [str(prefect_bin), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=base,
                    env=env,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        client = _RetryingClient(base_url=api, timeout=30.0)
        _wait_for(
            "the server", lambda: client.get("/health").status_code == 200, SERVER_START_TIMEOUT, logs, procs
        )
        with open(serve_log, "wb") as fh:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "flows.serve",
                        "--name",
                        DEPLOYMENT,
                        "--cron",
                        CRON,
                        "--raw-dir",
                        str(raw),
                        "--out-dir",
                        str(out),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

        def deployment() -> dict[str, Any] | None:
            r = client.get(f"/deployments/name/newsfacts/{DEPLOYMENT}")
            return r.json() if r.status_code == 200 else None

        dep = _wait_for("the deployment", deployment, DEPLOYMENT_TIMEOUT, logs, procs)
        yield {"client": client, "deployment": dep, "raw": raw, "out": out, "logs": logs, "procs": procs}
        client.close()
    finally:
        for p in reversed(procs):
            _stop(p)


class _RetryingClient(httpx.Client):
    """The server answers 503 while its SQLite database is busy (a loaded 2-core CI box): what the
    UI would show as a passing hiccup, retried here with a growing pause."""

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:
        response = super().request(*args, **kwargs)
        for attempt in range(8):
            if response.status_code not in (502, 503):
                break
            time.sleep(1.0 + attempt)
            response = super().request(*args, **kwargs)
        return response


def _run(stack: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    """Starts a flow run of the deployment with custom parameters and waits for its final state."""
    client: httpx.Client = stack["client"]
    r = client.post(
        f"/deployments/{stack['deployment']['id']}/create_flow_run", json={"parameters": parameters}
    )
    assert r.status_code in (200, 201), r.text
    run_id = r.json()["id"]

    def finished() -> dict[str, Any] | None:
        fr: dict[str, Any] = client.get(f"/flow_runs/{run_id}").json()
        return fr if fr.get("state") and fr["state"]["type"] in FINAL_STATES else None

    fr = _wait_for(f"flow run {run_id}", finished, RUN_TIMEOUT, stack["logs"], stack["procs"])
    if fr["state"]["type"] != "COMPLETED":
        logs = client.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200})
        text = "\n".join(f"{x['level']} {x['message']}" for x in logs.json())
        pytest.fail(f"flow run ended {fr['state']['type']}: {fr['state'].get('message')}\n{text}")
    arts = client.post("/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}).json()
    return {"flow_run": fr, "artifacts": {a["key"]: a for a in arts if a.get("key")}}


@pytest.fixture(scope="module")
def runs(stack: dict[str, Any]) -> dict[str, Any]:
    """The first run on the seeds, then a second one after one new article is added."""
    params = {"raw_dir": str(stack["raw"]), "out_dir": str(stack["out"]), "n_process": 1, "batch_size": 8}
    first = _run(stack, params)
    first["manifest"] = json.loads((stack["out"] / "current" / "manifest.json").read_text())
    (stack["raw"] / "zz_new_article.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    second = _run(stack, {**params, "rerun_from": "auto"})
    return {"first": first, "second": second}


def test_deployment_has_schedule_and_typed_parameters(stack: dict[str, Any]) -> None:
    dep = stack["deployment"]
    crons = [s["schedule"].get("cron") for s in dep["schedules"]]
    assert crons == [CRON]
    props = dep["parameter_openapi_schema"]["properties"]
    for name in ("raw_dir", "out_dir", "full_refresh", "rerun_from", "model", "batch_size"):
        assert name in props, name
    assert dep["parameters"]["out_dir"] == str(stack["out"])


def test_custom_run_publishes_a_release(runs: dict[str, Any], stack: dict[str, Any]) -> None:
    first = runs["first"]
    assert first["flow_run"]["parameters"]["n_process"] == 1
    manifest = first["manifest"]
    n_seeds = len(list((ROOT / "data" / "raw").iterdir()))
    assert guard.rows_of(manifest["files"])["articles"] == n_seeds
    arts = first["artifacts"]
    for key in (
        "newsfacts-run-summary",
        "newsfacts-release-files",
        "newsfacts-release",
        "newsfacts-data-docs",
    ):
        assert key in arts, sorted(arts)
    summary = arts["newsfacts-run-summary"]["data"]
    assert "published: **True**" in summary
    assert f"Articles in: {n_seeds}; new {n_seeds}, changed 0, removed 0" in summary
    files = arts["newsfacts-release-files"]["data"]
    rows = json.loads(files) if isinstance(files, str) else files
    by_file = {r["file"]: r for r in rows}
    assert by_file["entities.parquet"]["sha256"] == manifest["files"]["entities.parquet"]["sha256"]
    assert set(by_file) == set(manifest["files"])  # partition files included
    assert "file://" in arts["newsfacts-release"]["data"]


def test_added_article_is_the_only_one_parsed(runs: dict[str, Any], stack: dict[str, Any]) -> None:
    summary = runs["second"]["artifacts"]["newsfacts-run-summary"]["data"]
    n = len(list((ROOT / "data" / "raw").iterdir())) + 1
    assert f"Articles in: {n}; new 1, changed 0, removed 0, unchanged {n - 1}" in summary
    assert "Extraction: parsed 1, reused from cache" in summary
    assert "published: **True**" in summary
