"""The stage cache: content keys, store/restore round trip, pruning and the rerun choices."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from flows.stagekit import ignores_cache
from storage import stagecache
from storage.files import write_parquet


def _write(path: Path, values: list[int]) -> Path:
    write_parquet(pl.DataFrame({"x": values}), path)
    return path


def test_key_follows_input_bytes_and_parameters(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.parquet", [1, 2, 3])
    k1 = stagecache.stage_key("resolve", [a], {"p": 1})
    assert stagecache.stage_key("resolve", [a], {"p": 1}) == k1
    assert stagecache.stage_key("resolve", [a], {"p": 2}) != k1
    assert stagecache.stage_key("clean", [a], {"p": 1}) != k1
    _write(a, [1, 2, 4])
    assert stagecache.stage_key("resolve", [a], {"p": 1}) != k1


def test_absent_input_has_its_own_key(tmp_path: Path) -> None:
    a = tmp_path / "a.parquet"
    k_absent = stagecache.stage_key("clean", [a], {})
    _write(a, [])
    assert stagecache.stage_key("clean", [a], {}) != k_absent


def test_store_then_restore_copies_outputs_and_result(tmp_path: Path) -> None:
    work, cache, dest = tmp_path / "work", tmp_path / "cache", tmp_path / "dest"
    _write(work / "t.parquet", [7, 8])
    (work / "docs").mkdir()
    (work / "docs" / "index.html").write_text("<p>ok</p>")
    assert stagecache.restore(cache, "validate", "k1", dest) is None
    stagecache.store(cache, "validate", "k1", work, None, {"verdict": "passed", "rows": 2})
    got = stagecache.restore(cache, "validate", "k1", dest)
    assert got == {"verdict": "passed", "rows": 2}
    assert pl.read_parquet(dest / "t.parquet")["x"].to_list() == [7, 8]
    assert (dest / "docs" / "index.html").read_text() == "<p>ok</p>"
    # only the named outputs are kept when names are given
    stagecache.store(cache, "clean", "k2", work, ["t.parquet"], {"articles": 2})
    assert sorted(p.name for p in (cache / "stages" / "clean" / "k2").iterdir()) == [
        "result.json",
        "t.parquet",
    ]


def test_entry_without_result_is_not_a_hit(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    half = cache / "stages" / "resolve" / "k"
    half.mkdir(parents=True)
    _write(half / "entities.parquet", [1])
    assert stagecache.restore(cache, "resolve", "k", tmp_path / "dest") is None


def test_prune_keeps_the_most_recently_used(tmp_path: Path) -> None:
    cache, work = tmp_path / "cache", tmp_path / "work"
    _write(work / "t.parquet", [1])
    for i, key in enumerate(("old", "mid", "new")):
        stagecache.store(cache, "clean", key, work, ["t.parquet"], {"i": i})
        os.utime(cache / "stages" / "clean" / key, (1_000_000 + i, 1_000_000 + i))
    stagecache.restore(cache, "clean", "old", tmp_path / "dest")  # used again: now the newest
    assert stagecache.prune(cache, "clean", keep=2) == ["mid"]
    assert sorted(p.name for p in (cache / "stages" / "clean").iterdir()) == ["new", "old"]


@pytest.mark.parametrize(
    ("rerun_from", "full_refresh", "redone"),
    [
        ("auto", False, set()),
        ("auto", True, {"clean", "extract", "resolve", "validate"}),
        ("resolve", False, {"resolve", "validate"}),
        ("validate", False, {"validate"}),
        ("clean", False, {"clean", "extract", "resolve", "validate"}),
    ],
)
def test_rerun_from_redoes_that_stage_and_the_later_ones(
    rerun_from: str, full_refresh: bool, redone: set[str]
) -> None:
    stages = ("clean", "extract", "resolve", "validate")
    got = {s for s in stages if ignores_cache(s, rerun_from, full_refresh)}
    assert got == redone


def test_unknown_rerun_choice_is_refused() -> None:
    with pytest.raises(ValueError, match="rerun_from"):
        ignores_cache("clean", "parse", False)


def test_raw_listing_says_when_a_rerun_may_parse(tmp_path: Path) -> None:
    # The hint that starts parse workers early: files added, rewritten or another model count.
    raw, cache = tmp_path / "raw", tmp_path / "cache"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.jsonl").write_text('{"id": "1", "text": "An invented article."}\n')
    assert stagecache.raw_may_have_changed(cache, raw, "m")  # no run recorded yet
    stagecache.keep_raw_listing(cache, raw, stagecache.raw_listing(raw, "m"))
    assert not stagecache.raw_may_have_changed(cache, raw, "m")
    assert stagecache.raw_may_have_changed(cache, raw, "another-extractor")
    (raw / "sub" / "b.txt").write_text("Another invented article.")
    (raw / os.fsdecode(b"caf\xe9.txt")).write_text("A file name that is not UTF-8.")
    assert stagecache.raw_may_have_changed(cache, raw, "m")
    stagecache.keep_raw_listing(cache, raw, stagecache.raw_listing(raw, "m"))
    st = (raw / "a.jsonl").stat()
    os.utime(raw / "a.jsonl", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert stagecache.raw_may_have_changed(cache, raw, "m")
    # a single raw file is listed too
    one = raw / "a.jsonl"
    stagecache.keep_raw_listing(cache, one, stagecache.raw_listing(one, "m"))
    assert not stagecache.raw_may_have_changed(cache, one, "m")
