"""Safe releases end to end, on a temporary Prefect server: an empty input and a 50% drop are
blocked (the run ends Failed "Blocked", the CLI exits non-zero with the reason, every published
byte stays as it was) unless ``allow_shrink``; a new release emits ``newsfacts.release.published``;
``newsfacts rollback`` switches back; bad bounds are refused at run creation; and a headless
Chromium opens the download page from ``serve-data``, follows a file link and checks its sha256."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _snapshot(out: Path) -> dict[str, object]:
    """Returns every file's bytes and every link's target under out (dot files aside)."""
    state: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue
        if path.is_symlink():
            state[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            state[rel] = path.read_bytes()
    return state


def _run(**kw: Any) -> dict[str, Any]:
    from flows.pipeline import newsfacts_pipeline

    summary: dict[str, Any] = newsfacts_pipeline(n_process=1, **kw)
    return summary


@pytest.fixture(scope="module")
def runs(harness: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """First a release of four seed articles, then: an empty raw dir through the CLI, the raw dir
    halved (blocked), the same allowed; each run's outcome and the out dir before and after."""
    from flows.cli import main
    from flows.outcome import ReleaseBlocked
    from flows.params import ROOTS_ENV

    base = tmp_path_factory.mktemp("publish")
    raw, empty, out = base / "raw", base / "empty", base / "out"
    raw.mkdir()
    empty.mkdir()
    seeds = sorted(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix == ".txt")[:4]
    assert len(seeds) == 4
    for p in seeds:
        shutil.copy(p, raw / p.name)
    res: dict[str, Any] = {"out": out, "raw": raw}
    res["first"] = _run(raw_dir=str(raw), out_dir=str(out))
    before = _snapshot(out)

    with pytest.MonkeyPatch.context() as mp:  # the CLI widens the data roots of this process
        mp.setenv(ROOTS_ENV, os.environ.get(ROOTS_ENV, ""))
        err_text = io.StringIO()
        with contextlib.redirect_stderr(err_text):
            res["empty_exit"] = main(
                ["run", "--raw-dir", str(empty), "--out-dir", str(out), "--processes", "1"]
            )
        res["empty_stderr"] = err_text.getvalue()
    res["empty_unchanged"] = _snapshot(out) == before

    for p in seeds[2:]:
        (raw / p.name).unlink()
    try:
        _run(raw_dir=str(raw), out_dir=str(out))
        res["halved"] = None
    except ReleaseBlocked as err:
        res["halved"] = err
    res["halved_unchanged"] = _snapshot(out) == before
    res["allowed"] = _run(raw_dir=str(raw), out_dir=str(out), allow_shrink=True)
    return res


def test_empty_input_is_blocked_by_the_cli_and_changes_nothing(runs: dict[str, Any]) -> None:
    assert runs["first"]["published"] and runs["first"]["outcome"] == "published"
    assert runs["empty_exit"] == 1
    assert "BLOCKED" in runs["empty_stderr"] and "0 articles" in runs["empty_stderr"]
    assert runs["empty_unchanged"]


def test_a_50_percent_drop_is_blocked_unless_allowed(runs: dict[str, Any]) -> None:
    err = runs["halved"]
    assert err is not None, "the halved input published"
    assert "articles would shrink from 4 to 2 rows (50% lost)" in err.reason
    assert err.summary["outcome"] == "blocked" and not err.summary["published"]
    assert runs["halved_unchanged"]
    allowed = runs["allowed"]
    assert allowed["published"] and allowed["rows"]["articles"] == 2


def _flow_runs_by_state(harness: str) -> dict[str, str]:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {str(fr.id): fr.state_name or "" for fr in client.read_flow_runs(limit=200)}


def test_outcomes_are_state_names(runs: dict[str, Any], harness: str) -> None:
    names = set(_flow_runs_by_state(harness).values())
    assert {"Published", "Blocked"} <= names, names


def test_a_new_release_emits_the_event(runs: dict[str, Any], harness: str) -> None:
    from prefect.client.orchestration import get_client

    wanted = {runs["first"]["release_id"], runs["allowed"]["release_id"]}
    found: set[str] = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not wanted <= found:
        with get_client(sync_client=True) as client:
            resp = client.request(
                "POST",
                "/events/filter",
                json={"filter": {"event": {"name": ["newsfacts.release.published"]}}, "limit": 50},
            )
        events = resp.json().get("events", [])
        found = {e["payload"].get("release_id") for e in events}
        resources = {e["resource"]["prefect.resource.id"] for e in events}
        time.sleep(2)
    assert wanted <= found, found
    assert f"newsfacts.out-dir.{runs['out']}" in resources
    event = next(e for e in events if e["payload"]["release_id"] == runs["allowed"]["release_id"])
    assert event["payload"]["rows"]["articles"] == 2


def test_rollback_switches_current_back(runs: dict[str, Any]) -> None:
    from flows.cli import main

    out = runs["out"]
    first, second = runs["first"]["release_id"], runs["allowed"]["release_id"]
    assert (out / "current").resolve().name == second
    assert main(["rollback", "--out-dir", str(out)]) == 0
    assert (out / "current").resolve().name == first
    assert json.loads((out / "current.json").read_text())["release"] == first
    assert (out / "articles.parquet").resolve().parent.name == first
    assert json.loads((out / "catalog.json").read_text())["current"] == first
    assert main(["rollback", second, "--out-dir", str(out)]) == 0
    assert (out / "current").resolve().name == second
    assert main(["rollback", "no-such-release", "--out-dir", str(out)]) == 2


def test_bad_bounds_are_refused_at_run_creation(harness: str) -> None:
    from prefect.client.orchestration import get_client

    from flows.pipeline import newsfacts_pipeline

    deployment_id = newsfacts_pipeline.to_deployment(name="bounds-check").apply()
    with get_client(sync_client=True) as client:
        for bad in ({"batch_size": -5}, {"max_row_loss": 1.5}, {"publish_text": "some"}):
            with pytest.raises(Exception, match=r"[Vv]alidation") as err:
                client.create_flow_run_from_deployment(deployment_id, parameters=bad)
            assert next(iter(bad)) in str(err.value), err.value
        ok = client.create_flow_run_from_deployment(deployment_id, parameters={"batch_size": 8})
        client.delete_flow_run(ok.id)  # never to be run


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")
def test_download_page_in_a_headless_browser(runs: dict[str, Any], tmp_path: Path) -> None:
    out: Path = runs["out"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "serve-data", "--out-dir", str(out), "--port", "0"],
        env=env,
        start_new_session=True,
    )
    try:
        marker = out / ".serve-data.json"
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        url = json.loads(marker.read_text())["url"]
        dom = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--user-data-dir={tmp_path / 'profile'}",
                "--dump-dom",
                f"{url}/index.html",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        assert "Current release" in dom and "<svg" in dom
        links = re.findall(r'href="([^"]+\.parquet)"', dom)
        assert links, dom[:2000]
        href = urllib.parse.urljoin(
            f"{url}/index.html", next(h for h in links if h.endswith("/entities.parquet"))
        )
        with urllib.request.urlopen(href, timeout=30) as resp:
            data = resp.read()
        cat = json.loads(urllib.request.urlopen(f"{url}/catalog.json", timeout=30).read())
        current = cat["releases"][0]
        assert current["current"] and current["id"] == cat["current"]
        facts = next(f for f in current["files"] if f["name"] == "entities.parquet")
        assert any(f["name"].startswith("articles.parquet/published_date=") for f in current["files"])
        assert hashlib.sha256(data).hexdigest() == facts["sha256"]
        assert urllib.request.urlopen(f"{url}/card.html", timeout=30).status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert not (out / ".serve-data.json").exists()


def test_a_mistyped_raw_dir_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli import main

    missing = tmp_path / "no-such-dir"
    code = main(["run", "--raw-dir", str(missing), "--out-dir", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "raw_dir" in err and "not an existing directory" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
