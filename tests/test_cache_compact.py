"""Many small batches in the extraction cache are folded into one: the rows read back are the
same, batches of other articles or other keys are kept, and an article is never served twice."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from storage import cache
from transforms import schema

MENTIONS = schema.TABLES["x_entity_mentions"]


def _store(root: Path, done: dict[str, str], tag: str = "") -> str:
    frames = {t.name: schema.empty(t) for t in schema.EXTRACT_TABLES}
    ids = sorted(done)
    frames[MENTIONS.name] = schema.conform(
        pl.DataFrame(
            {
                "article_id": ids,
                "start": [0] * len(ids),
                "end": [4] * len(ids),
                "text": [f"Name{tag}"] * len(ids),
                "label": ["PERSON"] * len(ids),
            }
        ),
        MENTIONS,
    )
    return cache.write_cached(root, "v1", frames, done)


def _batches(root: Path) -> int:
    return len(list((cache.cache_dir_for(root, "v1") / "_inputs").glob("*.parquet")))


def test_compact_folds_batches_and_reads_the_same_rows(tmp_path: Path) -> None:
    for i in range(5):
        _store(tmp_path, {f"a{i}": "k"})
    _store(tmp_path, {"a0": "k", "a2": "k"})  # articles parsed twice
    other = _store(tmp_path, {"gone": "k"})  # an article no longer in the input
    stale = _store(tmp_path, {"a1": "old"}, tag="old")  # an article under an earlier key
    keys = {f"a{i}": "k" for i in range(5)}
    before = cache.read_cached_table(tmp_path, "v1", keys, MENTIONS)
    assert cache.compact(tmp_path, "v1", keys, max_batches=100, min_age_s=0) == 0  # few batches: left alone
    assert cache.compact(tmp_path, "v1", keys, max_batches=2) == 0  # just written: a run may read them
    assert cache.compact(tmp_path, "v1", keys, max_batches=2, min_age_s=0) == 6
    base = cache.cache_dir_for(tmp_path, "v1")
    assert (base / "_inputs" / f"{other}.parquet").exists()
    assert (base / "_inputs" / f"{stale}.parquet").exists()
    assert _batches(tmp_path) == 3
    after = cache.read_cached_table(tmp_path, "v1", keys, MENTIONS)
    assert after.equals(before) and after.height == 5
    assert cache.cached_ids(tmp_path, "v1", keys) == set(keys)
    assert cache.read_cached_table(tmp_path, "v1", {"a1": "old"}, MENTIONS)["text"].to_list() == ["Nameold"]


def test_compact_folds_the_callers_own_young_batches_only(tmp_path: Path) -> None:
    mine = {_store(tmp_path, {f"a{i}": "k"}) for i in range(4)}
    theirs = _store(tmp_path, {"b0": "k"})  # young, written by another run sharing the cache
    keys = {**{f"a{i}": "k" for i in range(4)}, "b0": "k"}
    before = cache.read_cached_table(tmp_path, "v1", keys, MENTIONS)
    assert cache.compact(tmp_path, "v1", keys, max_batches=2, own=mine) == 4
    base = cache.cache_dir_for(tmp_path, "v1")
    assert (base / "_inputs" / f"{theirs}.parquet").exists()
    assert _batches(tmp_path) == 2
    assert cache.read_cached_table(tmp_path, "v1", keys, MENTIONS).equals(before)


def test_compact_keeps_rows_repeated_within_a_batch_for_the_read_to_fold(tmp_path: Path) -> None:
    # A batch with a row twice: the folded batch is streamed, not deduplicated; a read returns it once.
    frames = {t.name: schema.empty(t) for t in schema.EXTRACT_TABLES}
    row = {
        "article_id": ["a0", "a0"],
        "start": [0, 0],
        "end": [4, 4],
        "text": ["Name"] * 2,
        "label": ["PERSON"] * 2,
    }
    frames[MENTIONS.name] = schema.conform(pl.DataFrame(row), MENTIONS)
    own = {cache.write_cached(tmp_path, "v1", frames, {"a0": "k"}), _store(tmp_path, {"a1": "k"})}
    keys = {"a0": "k", "a1": "k"}
    before = cache.read_cached_table(tmp_path, "v1", keys, MENTIONS)
    assert cache.compact(tmp_path, "v1", keys, max_batches=1, own=own) == 2
    after = cache.read_cached_table(tmp_path, "v1", keys, MENTIONS)
    assert after.equals(before) and after.height == 2


def test_a_read_of_own_batches_folded_by_another_run_finds_the_rows_by_their_keys(tmp_path: Path) -> None:
    # Two full refreshes share the cache and write the same batches; one folds them while the
    # other is about to read back "its" batches by name: the rows are found under their keys,
    # never silently missing.
    own = {_store(tmp_path, {f"a{i}": "k"}) for i in range(3)}
    keys = {f"a{i}": "k" for i in range(3)}
    tables = [MENTIONS, schema.TABLES["x_quotes"]]
    before = {t.name: f for t, f in cache.read_cached_tables(tmp_path, "v1", keys, tables, own)}
    assert before[MENTIONS.name].height == 3
    assert cache.compact(tmp_path, "v1", keys, max_batches=1, own=own) == 3
    after = {t.name: f for t, f in cache.read_cached_tables(tmp_path, "v1", keys, tables, own)}
    assert all(after[n].equals(before[n]) for n in before)


def test_a_batch_folded_between_two_tables_is_listed_again(tmp_path: Path) -> None:
    own = {_store(tmp_path, {f"a{i}": "k"}) for i in range(3)}
    keys = {f"a{i}": "k" for i in range(3)}
    reads = cache.read_cached_tables(tmp_path, "v1", keys, [schema.TABLES["x_quotes"], MENTIONS], own)
    next(reads)  # the first table is read; the other run folds before the second
    assert cache.compact(tmp_path, "v1", keys, max_batches=1, own=own) == 3
    table, rows = next(reads)
    assert table is MENTIONS and sorted(rows["article_id"].to_list()) == ["a0", "a1", "a2"]
