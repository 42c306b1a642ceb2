"""Concurrency: two runs started together on one out dir. One publishes; the other stops with a clear
message (or, when told to wait, publishes after it). Never an interleaved release."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from storage.locations import Locations
from storage.releases import PublishLocked, clear_stale_staging, current_release, publish_lock, releases_dir
from tests.conftest import ROOT
from tests.test_crash_safety import (
    KEEP,
    VERDICT,
    _content,
    _meta,
    _plain_logger,
    _stage,
    api_url,  # noqa: F401 - the shared Prefect test server fixture
    check_out,
    check_releases_complete,
)

HOLD_SECONDS = 1.5  # how long the winner holds the lock before publishing, so the runs overlap


def child_run(out: str, version: int, wait: float, barrier: str, result: str) -> None:
    """One run: waits for the barrier file (so both start together), takes the publish lock and
    publishes ``version``; writes what happened to ``result`` as JSON."""
    from flows import stages

    stages.get_run_logger = _plain_logger  # type: ignore[assignment]
    while not Path(barrier).exists():
        time.sleep(0.001)
    started = time.monotonic()
    try:
        with publish_lock(Path(out), wait_seconds=wait):
            got = time.monotonic()
            clear_stale_staging(Path(out))
            staging = _stage(Path(out), f"run{version}-{os.getpid()}", version)
            time.sleep(HOLD_SECONDS)
            pub = stages.publish_stage.fn(Locations.resolve(out), str(staging), VERDICT, _meta(), KEEP)
        Path(result).write_text(
            json.dumps({"published": pub["published"], "release": pub["release"], "waited": got - started})
        )
    except PublishLocked as err:
        Path(result).write_text(json.dumps({"locked": str(err)}))


def _ctx() -> Any:
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["flows.pipeline", "tests.test_concurrency"])
    return ctx


def _race(out: Path, tmp: Path, waits: tuple[float, float]) -> list[dict[str, Any]]:
    """Starts two runs (versions 1 and 2) that take the lock at the same instant; returns their results."""
    barrier = tmp / "go"
    procs = []
    for v, wait in zip((1, 2), waits, strict=True):
        p = _ctx().Process(target=child_run, args=(str(out), v, wait, str(barrier), str(tmp / f"r{v}.json")))
        p.start()
        procs.append(p)
    time.sleep(0.5)  # both children are up and spinning on the barrier
    barrier.touch()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    return [json.loads((tmp / f"r{v}.json").read_text()) for v in (1, 2)]


def test_two_runs_one_publishes_the_other_stops_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = _race(out, tmp_path, (0.0, 0.0))
    winners = [r for r in results if "published" in r]
    losers = [r for r in results if "locked" in r]
    assert len(winners) == 1 and len(losers) == 1, results
    assert winners[0]["published"]
    msg = losers[0]["locked"]
    assert "another newsfacts run is publishing" in msg and str(out) in msg and "without touching" in msg
    # One complete release, the winner's; no staging debris of the loser.
    cur = current_release(out)
    assert cur is not None and str(cur) == str(Path(winners[0]["release"]).resolve())
    check_out(out, {"winner": _content(cur)})
    assert [p.name for p in releases_dir(out).iterdir()] == [cur.name]


def test_a_run_told_to_wait_publishes_after_the_other(tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = _race(out, tmp_path, (60.0, 60.0))
    assert all(r.get("published") for r in results), results
    # One of them waited at least as long as the other held the lock: the publishes did not overlap.
    assert max(r["waited"] for r in results) >= HOLD_SECONDS * 0.9
    later = max(results, key=lambda r: r["waited"])
    cur = current_release(out)
    assert cur is not None and str(cur) == str(Path(later["release"]).resolve())
    check_out(out, {"later": _content(cur)})
    check_releases_complete(out)
    assert len(list(releases_dir(out).iterdir())) == 2


# ---- the real command, twice at once ----


@pytest.mark.slow
def test_two_cli_runs_started_together(api_url: str, tmp_path: Path) -> None:  # noqa: F811
    from tests.bad_inputs import GOOD_STORM

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD_STORM, encoding="utf-8")
    out = tmp_path / "out"
    cmd = [str(ROOT / ".venv" / "bin" / "newsfacts"), "run", "--raw-dir", str(raw), "--out-dir", str(out)]
    cmd += ["--processes", "1"]
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    done = [(*p.communicate(timeout=600), p.returncode) for p in procs]
    codes = sorted(d[2] for d in done)
    assert codes == [0, 3], [(d[2], d[1][-1500:]) for d in done]
    loser = next(d for d in done if d[2] == 3)
    assert "another newsfacts run is publishing" in loser[1]
    cur = current_release(out)
    assert cur is not None
    check_out(out, {"it": _content(cur)})
    assert [p.name for p in releases_dir(out).iterdir()] == [cur.name]
