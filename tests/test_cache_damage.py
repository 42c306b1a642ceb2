"""A damaged or foreign file in the extraction cache never stops a run: it is removed and the
articles it held count as not cached (parsed again)."""

from __future__ import annotations

from pathlib import Path

from storage import cache
from transforms import schema


def _store(root: Path, ids: list[str]) -> str:
    frames = {t.name: schema.empty(t) for t in schema.EXTRACT_TABLES}
    return cache.write_cached(root, "v1", frames, {i: "k" for i in ids})


def test_unreadable_extract_cache_files_drop_their_articles_only(tmp_path: Path) -> None:
    _store(tmp_path, ["a1"])
    damaged = _store(tmp_path, ["a2"])
    keys = {"a1": "k", "a2": "k", "a3": "k"}
    assert cache.cached_ids(tmp_path, "v1", keys) == {"a1", "a2"}
    base = cache.cache_dir_for(tmp_path, "v1")
    foreign = base / "_inputs" / "zz_foreign.parquet"
    foreign.write_text("not parquet")
    assert cache.cached_keys(tmp_path, "v1") == {("a1", "k"), ("a2", "k")}
    assert cache.cached_ids(tmp_path, "v1", keys) == {"a1", "a2"} and not foreign.exists()
    # a truncated table file of a batch: that batch's articles are parsed again
    table = schema.EXTRACT_TABLES[0].name
    part = base / table / f"{damaged}.parquet"
    part.write_bytes(part.read_bytes()[:20])
    assert cache.cached_ids(tmp_path, "v1", keys) == {"a1"}
    assert cache.read_cached_table(tmp_path, "v1", keys, schema.EXTRACT_TABLES[0]).height == 0


def test_a_valid_parquet_file_of_other_columns_in_a_batch_drops_that_batch(tmp_path: Path) -> None:
    # Readable but foreign (another table's or program's file under a batch's name): its articles
    # are parsed again instead of every later run failing on a missing column.
    import polars as pl

    _store(tmp_path, ["a1"])
    foreign = _store(tmp_path, ["a2"])
    keys = {"a1": "k", "a2": "k"}
    table = schema.TABLES["x_quotes"]
    pl.DataFrame({"something": [1]}).write_parquet(
        cache.cache_dir_for(tmp_path, "v1") / table.name / f"{foreign}.parquet"
    )
    assert cache.cached_ids(tmp_path, "v1", keys) == {"a1"}
    assert cache.read_cached_table(tmp_path, "v1", keys, table).height == 0
