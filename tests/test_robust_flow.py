"""Issue 14, round two, the fast checks: extract errors become quarantine rows, the raw listing
quarantines links it cannot follow, the cache never lands in the raw or out dir, orphaned
workers exit by themselves, and a stopped run's guard exits within its deadline."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import psutil
import pytest

from flows import params
from flows.stages import quarantine_extract_errors
from storage.files import read_parquet, write_parquet
from storage.locations import Locations, check_separate, default_cache
from storage.raw import list_raw
from tests.conftest import ROOT
from transforms import schema
from transforms.ingest import IngestLimits


def _article(article_id: str, path: str, sha: str, dup: str | None = None) -> dict[str, object]:
    return {
        "article_id": article_id,
        "source_path": path,
        "text": "Some text.",
        "raw_sha256": sha,
        "credits": [],
        "boilerplate_removed": [],
        "boilerplate_rules": [],
        "n_chars": 10,
        "published_at_method": "none",
        "language": "en",
        "duplicate_of": dup,
        "duplicate_score": 0.9 if dup else None,
    }


def test_extract_errors_become_quarantine_rows_and_leave_the_articles(tmp_path: Path) -> None:
    ids = ["a" + c * 16 for c in "0123"]
    loc = Locations.resolve(str(tmp_path / "out"), str(tmp_path / "cache")).for_run("r1")
    arts = [
        _article(ids[0], "feed.jsonl", "s1"),
        _article(ids[1], "feed.jsonl", "s2"),
        _article(ids[2], "one.txt", "s3"),
        _article(ids[3], "two.txt", "s4", dup=ids[2]),
    ]
    articles = pl.DataFrame(arts, schema=schema.ARTICLES.polars_schema)
    write_parquet(schema.conform(articles, schema.ARTICLES), loc.work_file("articles"))
    raw = pl.DataFrame(
        [
            {
                "source_path": "feed.jsonl",
                "record": 1,
                "format": "jsonl",
                "text": "x",
                "raw_sha256": "s1",
                "size_bytes": 11,
            },
            {
                "source_path": "feed.jsonl",
                "record": 2,
                "format": "jsonl",
                "text": "x",
                "raw_sha256": "s2",
                "size_bytes": 12,
            },
            {
                "source_path": "one.txt",
                "record": None,
                "format": "txt",
                "text": "x",
                "raw_sha256": "s3",
                "size_bytes": 13,
            },
            {
                "source_path": "two.txt",
                "record": None,
                "format": "txt",
                "text": "x",
                "raw_sha256": "s4",
                "size_bytes": 14,
            },
        ],
        schema=schema.RAW_ARTICLES.polars_schema,
    )
    write_parquet(schema.conform(raw, schema.RAW_ARTICLES), loc.work_file("raw_articles"))
    errors = pl.DataFrame(
        [
            {"article_id": ids[1], "reason": "crashed_in_extract", "detail": "ValueError: [E088] too long"},
            {"article_id": ids[2], "reason": "extract_timeout", "detail": "over the budget"},
        ],
        schema=schema.X_EXTRACT_ERRORS.polars_schema,
    )
    write_parquet(errors, loc.work_file("x_extract_errors"))

    assert quarantine_extract_errors(loc) == 2
    q = read_parquet(loc.work_file("quarantine_extract")).sort("source_path")
    assert q.select("source_path", "record", "reason", "size_bytes").rows() == [
        ("feed.jsonl", 2, "crashed_in_extract", 12),
        ("one.txt", None, "extract_timeout", 13),
    ]
    kept = read_parquet(loc.work_file("articles"))
    assert sorted(kept["article_id"]) == [ids[0], ids[3]]
    # the near-duplicate of a quarantined article points at nothing now
    assert kept.filter(pl.col("article_id") == ids[3])["duplicate_of"].to_list() == [None]


def test_no_extract_errors_write_an_empty_quarantine(tmp_path: Path) -> None:
    loc = Locations.resolve(str(tmp_path / "out"), str(tmp_path / "cache")).for_run("r1")
    write_parquet(schema.empty(schema.X_EXTRACT_ERRORS), loc.work_file("x_extract_errors"))
    assert quarantine_extract_errors(loc) == 0
    assert read_parquet(loc.work_file("quarantine_extract")).height == 0


def test_links_that_cannot_be_followed_are_quarantined_with_the_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").symlink_to("b.txt")
    (raw / "b.txt").symlink_to("a.txt")
    (raw / "gone.txt").symlink_to("missing/file.txt")
    (raw / "up").symlink_to("..")  # a link to a folder above: refused, never walked
    odd = os.fsdecode(b"caf\xe9.txt")
    (raw / odd).write_text("A story.", encoding="utf-8")
    found = {r.source_path: r for r in list_raw(raw, IngestLimits())}
    assert set(found) == {"a.txt", "b.txt", "gone.txt", "up", "caf\\xe9.txt"}
    assert found["up"].problem is not None and found["up"].problem.reason == "outside_raw_dir"
    assert found["a.txt"].problem is not None and "symlink loop" in found["a.txt"].problem.detail
    assert found["gone.txt"].problem is not None
    assert "broken symlink" in found["gone.txt"].problem.detail
    assert found["caf\\xe9.txt"].data == b"A story."


def test_the_default_cache_is_never_the_raw_dir(tmp_path: Path) -> None:
    raw, out = tmp_path / "cache", tmp_path / "out"
    assert default_cache(str(out)) == tmp_path / "cache"
    assert default_cache(str(out), str(raw)) == tmp_path / "out-cache"
    loc = Locations.resolve(str(out), None, raw=str(raw))
    assert Path(loc.cache) == tmp_path / "out-cache"


@pytest.mark.parametrize(
    ("out", "cache", "raw", "message"),
    [
        ("out", "raw/cache", "raw", "inside the --raw-dir folder .* Give --cache-dir a folder outside it"),
        ("out", "out/cache", "raw", "inside the --out-dir folder"),
        ("raw/out", "cache", "raw", "overlap: the run would ingest its own releases"),
        ("out", "cache", "cache/raw", "the raw dir .* is inside the cache"),
    ],
)
def test_overlapping_folders_are_refused_naming_the_fix(
    tmp_path: Path, out: str, cache: str, raw: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        check_separate(str(tmp_path / out), str(tmp_path / cache), str(tmp_path / raw))


def test_parameters_refuse_a_cache_inside_the_out_dir(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    with pytest.raises(ValueError, match=r"must not be inside out_dir .* beside out_dir"):
        params.validate_params(
            raw_dir=str(tmp_path / "raw"),
            out_dir=str(tmp_path / "out"),
            cache_dir=str(tmp_path / "out" / "cache"),
            roots=[tmp_path.resolve()],
        )


def test_an_orphaned_worker_exits_by_itself(tmp_path: Path) -> None:
    # a parent that starts a watched child and dies by SIGKILL: the child must not outlive it
    ready = tmp_path / "ready"
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import os, sys, time; from flows.parallel import watch_parent; "
        'watch_parent(int(sys.argv[1]), 0.2); open(sys.argv[2], "w").close(); time.sleep(60)\', '
        "str(os.getpid()), sys.argv[1]])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, "-c", code, str(ready)], stdout=subprocess.PIPE, env=env, text=True
    )
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    deadline = time.monotonic() + 120
    while not ready.exists():  # the watcher thread is up
        assert time.monotonic() < deadline and child.is_running()
        time.sleep(0.2)
    parent.kill()
    parent.wait()
    t0 = time.monotonic()
    try:
        child.wait(timeout=15)
    except psutil.TimeoutExpired:
        child.kill()
        pytest.fail("the orphaned worker kept running")
    print(f"\norphan exited {time.monotonic() - t0:.1f} s after its parent's SIGKILL")
