"""Crash safety of publish: SIGKILL at many points, then ``out/`` holds the complete previous release
or the complete new one (never a mix, never a partial file), and the next run recovers by itself.

The publish step runs in a forked child. The child counts its filesystem operations (rename,
replace, symlink, unlink, rmdir, mkdir, fsync, open for writing) and SIGKILLs itself right before
the N-th one; N takes every value around each rename/replace/symlink and evenly spaced values in
between. A second set of children is killed by the parent at random times across the publish window.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import hashlib
import io as stdio
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from storage.files import file_sha256, read_json, write_json, write_parquet, write_text
from storage.locations import Locations
from storage.partitions import data_files, partition_release
from storage.releases import (
    STAGING_PREFIX,
    clear_stale_staging,
    current_release,
    new_staging,
    releases_dir,
    switch_release,
)
from tests.conftest import ROOT, read_out_table
from transforms import guard, release, schema

KEEP = 3
N_DOCS_FILES = 8  # files in the staging release's validation/ folder (Data Docs stand-in)
MIN_KILL_POINTS = 20
N_RANDOM_KILLS = 20
SEED = 20240611


# ---- building releases ----


def _plain_logger() -> logging.Logger:
    """Stands in for Prefect's run logger when a task body runs outside a flow run."""
    return logging.getLogger("publish")


def _tables(version: int) -> dict[str, pl.DataFrame]:
    """Returns a version's tables: different bytes for every version and table."""
    tables = {
        t.name: pl.DataFrame({"version": [version] * (3 + version), "table": [t.name] * (3 + version)})
        for t in schema.PUBLISHED_TABLES
    }
    # The dataset card reads the quarantine table: give it the real columns.
    row = {"source_path": f"v{version}.txt", "record": None, "reason": "empty", "detail": "0 bytes"}
    quarantine = pl.DataFrame([row] * (3 + version), schema=schema.QUARANTINE.polars_schema)
    tables["quarantine"] = schema.conform(quarantine, schema.QUARANTINE)
    # Articles of two days (one partition unchanged between versions, one new per version) and
    # undated ones: the publish partitions them.
    days = [dt.date(2024, 1, 1)] * 2 + [dt.date(2024, 1, 1 + version)] * version + [None]
    tables["articles"] = pl.DataFrame(
        {"article_id": [f"a{i}-v{version if i >= 2 else 0}" for i in range(len(days))], "published_at": days}
    )
    return tables


def _stage(out: Path, run_id: str, version: int) -> Path:
    staging = new_staging(out, run_id)
    for name, frame in _tables(version).items():
        write_parquet(frame, staging / f"{name}.parquet")
    for i in range(N_DOCS_FILES):
        write_text(
            f"<html>validation page {i} of version {version}</html>\n", staging / "validation" / f"p{i}.html"
        )
    return staging


def _meta() -> dict[str, Any]:
    return {
        "model": {"name": "test-model", "version": "0", "spacy_version": "0"},
        "extractor_version": "test",
        "input_fingerprint": "0" * 16,
        "parameters": {},
        "counts": {},
    }


VERDICT = {"verdict": "passed", "rejected": 0, "docs_index": None, "summary": "ok"}


def _old_release(out: Path, version: int, when: dt.datetime) -> None:
    """Publishes a complete release the way publish does, dated ``when``."""
    staging = _stage(out, f"old{version}", version)
    partition_release(staging)
    files: dict[str, dict[str, Any]] = data_files(staging)
    content = release.content_fingerprint({k: v["sha256"] for k, v in files.items()})
    rid = release.release_id(when, content)
    man = release.manifest(
        release=rid,
        created_at=when,
        files=files,
        model=_meta()["model"],
        extractor_version="test",
        input_fp="0" * 16,
        parameters={},
        validation={"verdict": "passed"},
        counts={},
    )
    write_json(man, staging / "manifest.json")
    write_text("# old release\n", staging / "README.md")
    switch_release(out, staging, rid, [p.stem for p in staging.glob("*.parquet")], keep=KEEP)


def _content(release_dir: Path) -> str:
    return release.content_fingerprint({k: str(v["sha256"]) for k, v in data_files(release_dir).items()})


def _publish(out: Path, version: int) -> dict[str, Any]:
    """What a run does around publish: clear dead staging, stage, publish (the real task body)."""
    from flows import stages

    clear_stale_staging(out)
    staging = _stage(out, f"run{version}-{os.getpid()}", version)
    try:
        result: dict[str, Any] = stages.publish_stage.fn(
            Locations.resolve(str(out)), str(staging), VERDICT, _meta(), KEEP
        )
    finally:  # as the flow does: an unpublished staging release is removed
        shutil.rmtree(staging, ignore_errors=True)
    return result


# ---- the state every kill must leave ----


def check_out(out: Path, allowed: dict[str, str], links_may_lag: bool = False) -> str:
    """Asserts ``out`` holds one complete release whose content is one of ``allowed`` (name →
    content fingerprint) and that every published file is whole; returns that release's name.
    ``links_may_lag``: a table link may be absent (never wrong), as right after a first release."""
    cur = current_release(out)
    assert cur is not None, "no current release"
    assert cur.parent == releases_dir(out).resolve() and not cur.name.startswith(".")
    man = json.loads((cur / "manifest.json").read_text(encoding="utf-8"))
    files: dict[str, dict[str, Any]] = man["files"]
    assert set(files) == set(data_files(cur)), "manifest and files differ"
    for name, info in files.items():
        assert file_sha256(cur / name) == info["sha256"], f"{name} is not the file the manifest names"
    for table, rows in guard.rows_of(files).items():
        link = out / f"{table}.parquet"
        if links_may_lag and not link.is_symlink() and not link.exists():
            continue
        assert link.is_symlink(), f"{link} is not a link into the current release"
        assert link.resolve() == (cur / link.name).resolve(), f"{link} points into another release"
        assert read_out_table(out, table).height == rows
    assert (cur / "README.md").exists()
    content = _content(cur)
    which = [k for k, v in allowed.items() if v == content]
    assert which, f"current release content {content} is neither the previous nor the new one"
    return which[0]


def check_releases_complete(out: Path) -> None:
    """Asserts every release directory is complete: manifest present, files match it."""
    for d in releases_dir(out).iterdir():
        assert not d.name.startswith(STAGING_PREFIX), f"staging left behind: {d.name}"
        man = read_json(d / "manifest.json")
        assert man is not None, f"release {d.name} has no manifest"
        files = man["files"]
        assert isinstance(files, dict)
        for name, info in files.items():
            assert (d / name).exists() and file_sha256(d / name) == info["sha256"], (d.name, name)


# ---- killing a forked publish ----

_OPS = ("replace", "rename", "symlink", "unlink", "rmdir", "mkdir", "fsync", "remove")


@contextlib.contextmanager
def _counting(on_op: Callable[[int, str, str], None]) -> Iterator[None]:
    """Calls ``on_op(i, kind, path)`` before every filesystem operation of the publish code."""
    saved: dict[str, Any] = {name: getattr(os, name) for name in _OPS}
    saved_open, saved_io_open = builtins.open, stdio.open
    n = [0]

    def wrap(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def inner(*args: Any, **kwargs: Any) -> Any:
            n[0] += 1
            on_op(n[0], kind, str(args[0]) if args else "")
            return fn(*args, **kwargs)

        return inner

    def wrap_open(fn: Callable[..., Any]) -> Callable[..., Any]:
        def inner(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(c in mode for c in "wax+"):
                n[0] += 1
                on_op(n[0], "open-w", str(file))
            return fn(file, mode, *args, **kwargs)

        return inner

    for name in _OPS:
        setattr(os, name, wrap(name, saved[name]))
    builtins.open = wrap_open(saved_open)
    stdio.open = wrap_open(saved_io_open)
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(os, name, fn)
        builtins.open, stdio.open = saved_open, saved_io_open


def _ctx() -> Any:
    """A forkserver context: children fork from a fresh server process that imported the publish
    code but never started polars' thread pool (forking the test process itself can deadlock)."""
    import multiprocessing as mp

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["flows.pipeline", "tests.test_crash_safety"])
    return ctx


def child_publish(out: str, version: int, kill_at: int | None, log: str | None) -> None:
    """The child's work: a run's publish of ``version`` into ``out``, SIGKILLing itself right before
    filesystem operation ``kill_at``; with ``log``, writes every operation there as JSON."""
    from flows import stages

    stages.get_run_logger = _plain_logger  # type: ignore[assignment]
    ops: list[tuple[int, str, str]] = []

    def on_op(i: int, kind: str, path: str) -> None:
        if kill_at is not None and i >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        ops.append((i, kind, path))

    clear_stale_staging(Path(out))
    staging = _stage(Path(out), f"run{version}-{os.getpid()}", version)
    with _counting(on_op):
        stages.publish_stage.fn(Locations.resolve(out), str(staging), VERDICT, _meta(), KEEP)
    if log is not None:
        Path(log).write_text(json.dumps(ops))


def _start(out: Path, version: int, kill_at: int | None, log: Path | None) -> Any:
    p = _ctx().Process(
        target=child_publish, args=(str(out), version, kill_at, None if log is None else str(log))
    )
    p.start()
    return p


def _publish_in_child(out: Path, version: int, kill_at: int | None, log: Path | None) -> int | None:
    """Runs :func:`child_publish` in a child process; returns its exit code (-9 when SIGKILLed)."""
    p = _start(out, version, kill_at, log)
    p.join(timeout=120)
    code: int | None = p.exitcode
    return code


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An out dir holding KEEP complete releases (versions 1..KEEP); version KEEP is current."""
    out = tmp_path_factory.mktemp("crash") / "out"
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for v in range(1, KEEP + 1):
        _old_release(out, v, base + dt.timedelta(days=v))
    cur = current_release(out)
    assert cur is not None
    prev = _content(cur)
    # The content the new release (version 9) will have.
    probe = _stage(out, "probe", 9)
    partition_release(probe)
    new = _content(probe)
    shutil.rmtree(probe)
    return {"out": out, "allowed": {"previous": prev, "new": new}}


def _copy(template: dict[str, Any], dest: Path) -> Path:
    out = dest / "out"
    shutil.copytree(template["out"], out, symlinks=True)
    return out


def _kill_points(ops: list[tuple[int, str, str]]) -> list[int]:
    """Every operation around a rename/replace/symlink (the switch), plus 16 evenly spaced ones."""
    n = len(ops)
    points = {1, n}
    for i, kind, _ in ops:
        if kind in ("rename", "replace", "symlink"):
            points |= {i - 1, i, i + 1}
    points |= {1 + (n - 1) * k // 15 for k in range(16)}
    return sorted(p for p in points if 1 <= p <= n)


def test_publish_survives_sigkill_at_every_kind_of_point(template: dict[str, Any], tmp_path: Path) -> None:
    allowed = template["allowed"]
    # A clean run first, to count the operations of one publish.
    out = _copy(template, tmp_path / "count")
    log = tmp_path / "ops.json"
    assert _publish_in_child(out, 9, None, log) == 0
    ops: list[tuple[int, str, str]] = [(int(i), str(k), str(p)) for i, k, p in json.loads(log.read_text())]
    assert check_out(out, allowed) == "new"
    points = _kill_points(ops)
    assert len(points) >= MIN_KILL_POINTS, len(points)

    seen = {"previous": 0, "new": 0}
    for k in points:
        out = _copy(template, tmp_path / f"k{k}")
        assert _publish_in_child(out, 9, k, None) == -signal.SIGKILL, (k, ops[k - 1])
        try:
            seen[check_out(out, allowed)] += 1
        except AssertionError as err:
            raise AssertionError(f"after SIGKILL before op {k} {ops[k - 1]}: {err}") from err
        # The next run recovers without help and publishes the new release.
        _quiet_publish(out, 9)
        assert check_out(out, allowed) == "new", k
        check_releases_complete(out)
        shutil.rmtree(out.parent)
    # Both outcomes occur: the kills fall before and after the switch.
    assert seen["previous"] > 0 and seen["new"] > 0, seen
    print(f"\ncrash safety: {len(points)} kill points of {len(ops)} operations; outcome {seen}")


def _quiet_publish(out: Path, version: int) -> None:
    from flows import stages

    saved = stages.get_run_logger
    stages.get_run_logger = _plain_logger  # type: ignore[assignment]
    try:
        _publish(out, version)
    finally:
        stages.get_run_logger = saved


def test_publish_survives_sigkill_at_random_times(template: dict[str, Any], tmp_path: Path) -> None:
    allowed = template["allowed"]
    rng = random.Random(SEED)
    # The publish window: how long one uninterrupted publish child takes.
    out = _copy(template, tmp_path / "timing")
    t0 = time.perf_counter()
    _publish_in_child(out, 9, None, None)
    window = time.perf_counter() - t0
    killed = 0
    for i in range(N_RANDOM_KILLS):
        out = _copy(template, tmp_path / f"r{i}")

        p = _start(out, 9, None, None)
        time.sleep(rng.uniform(0, window))
        with contextlib.suppress(ProcessLookupError):
            os.kill(p.pid, signal.SIGKILL)
        p.join(timeout=120)
        killed += p.exitcode == -signal.SIGKILL
        check_out(out, allowed)
        _quiet_publish(out, 9)
        assert check_out(out, allowed) == "new"
        check_releases_complete(out)
        shutil.rmtree(out.parent)
    print(f"\ncrash safety: {N_RANDOM_KILLS} random-time kills, {killed} landed mid-publish")


def test_kill_before_the_first_release_leaves_nothing_half_published(tmp_path: Path) -> None:
    """With no previous release, a kill leaves either no release at all or the complete new one."""
    out = tmp_path / "first" / "out"
    out.mkdir(parents=True)
    probe = _stage(out, "probe", 9)
    partition_release(probe)
    new = _content(probe)
    shutil.rmtree(probe)
    for k in (1, 5, 10, 20, 40, 60, 80, 100, 120):
        o = tmp_path / f"f{k}" / "out"
        shutil.copytree(out, o, symlinks=True)
        _publish_in_child(o, 9, k, None)
        if current_release(o) is None:
            assert not list(o.glob("*.parquet")), "a table link exists without a release"
        else:
            check_out(o, {"new": new}, links_may_lag=True)
        _quiet_publish(o, 9)
        assert check_out(o, {"new": new}) == "new"


# ---- the real command, killed while it publishes ----


@pytest.fixture(scope="module")
def api_url(harness: str) -> str:
    """The session's Prefect test server, which the CLI subprocesses share."""
    return harness


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_cli_killed_during_publish_recovers_on_the_next_run(api_url: str, tmp_path: Path) -> None:
    """``newsfacts run`` in a subprocess, SIGKILLed as soon as its staging release holds a manifest
    (publish has begun); the next ``newsfacts run`` clears the debris and publishes a complete release."""
    from tests.bad_inputs import GOOD_SCHOOLS, GOOD_STORM

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD_STORM, encoding="utf-8")
    (raw / "b.txt").write_text(GOOD_SCHOOLS, encoding="utf-8")
    out = tmp_path / "out"
    cmd = [str(ROOT / ".venv" / "bin" / "newsfacts"), "run", "--raw-dir", str(raw), "--out-dir", str(out)]
    cmd += ["--processes", "1"]
    env = {**os.environ, "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            if any(releases_dir(out).glob(f"{STAGING_PREFIX}*/manifest.json")):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        proc.wait(timeout=600)
    # -9 when the kill landed in the publish window; 0 if the run outpaced the 2 ms polling.
    assert proc.returncode in (-signal.SIGKILL, 0), proc.returncode
    print(f"\ncli crash: first run ended with {proc.returncode}")
    # Killed or finished: either nothing is published or one complete release is.
    if current_release(out) is not None:
        cur = current_release(out)
        assert cur is not None
        check_out(out, {"it": _content(cur)})
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    cur = current_release(out)
    assert cur is not None
    check_out(out, {"it": _content(cur)})
    check_releases_complete(out)
    assert read_out_table(out, "articles").height == 2
