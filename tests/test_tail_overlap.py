"""The run's tail does the same work in less wall time: the partition files of a table are written
by several threads with the bytes and facts of one writer, and the extraction cache is read back
table by table with one lookup of its batches. Handmade tables from :mod:`tests.test_validation`."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from expectations import units
from storage import cache, partitions
from storage.partitions import data_files, read_table, write_table
from tests.test_cache_compact import MENTIONS, _store
from tests.test_validation import make_tables
from transforms import partitions as keys_of
from transforms import schema


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return make_tables(n_articles=10)


def test_partition_files_written_by_threads_are_those_of_one_writer(
    tmp_path: Path, tables: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    arts = tables["articles"]
    keys = keys_of.partition_keys(arts, schema.ARTICLES, units.article_days(arts))
    facts: dict[str, dict[str, dict[str, object]]] = {}
    for writers, batch in ((1, 32_000_000), (4, 32_000_000), (4, 1)):  # batch 1: a group per partition
        monkeypatch.setattr(partitions, "WRITERS", writers)
        monkeypatch.setattr(partitions, "WRITE_BATCH_BYTES", batch)
        dest = tmp_path / f"{writers}-{batch}"
        got: dict[str, dict[str, object]] = {}
        assert write_table(dest, schema.ARTICLES, arts, keys, {}, got) == (5, 0)
        listed = data_files(dest)  # the facts told are those read back
        assert got == {rel: {k: listed[rel][k] for k in ("rows", "bytes", "sha256")} for rel in listed}
        back = read_table(dest, schema.ARTICLES)
        assert back is not None and back.equals(arts)
        facts[dest.name] = got
    first, *others = facts.values()
    assert all(list(f.items()) == list(first.items()) for f in others)  # same files, same order


def test_tables_read_back_together_equal_each_read_alone(tmp_path: Path) -> None:
    for i in range(4):
        _store(tmp_path, {f"a{i}": "k"})
    _store(tmp_path, {"a0": "k", "a1": "k"})  # parsed twice
    _store(tmp_path, {"a2": "old"}, tag="old")  # under an earlier key: not served
    keys = {f"a{i}": "k" for i in range(4)}
    together = list(cache.read_cached_tables(tmp_path, "v1", keys, schema.EXTRACT_TABLES))
    assert [t for t, _ in together] == list(schema.EXTRACT_TABLES)
    for t, frame in together:
        assert frame.equals(cache.read_cached_table(tmp_path, "v1", keys, t))
    mentions = dict((t.name, f) for t, f in together)[MENTIONS.name]
    assert sorted(mentions["article_id"].to_list()) == sorted(keys)
    assert "Nameold" not in mentions["text"].to_list()
    assert all(f.is_empty() for _, f in cache.read_cached_tables(tmp_path, "v1", {}, schema.EXTRACT_TABLES))
