"""Determinism: two full, independent runs on the same input give byte-identical Parquet files, and
manifests that differ only in the run time (and the release id, which embeds it).

The second run parses with two processes and one article per chunk, so articles finish in another
order: the published bytes must not depend on it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from storage.partitions import data_files, table_of
from tests.bad_inputs import GOOD_HARBOUR, GOOD_MUSEUM, GOOD_RAIL_JSONL, GOOD_SCHOOLS, GOOD_STORM
from tests.conftest import read_out_table, release_bytes
from transforms import schema

pytestmark = pytest.mark.slow

# Manifest keys that name the run rather than the data.
RUN_KEYS = ("created_at", "release_id")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory, harness: str) -> Iterator[dict[str, Path]]:
    from flows.pipeline import newsfacts_pipeline

    base = tmp_path_factory.mktemp("determinism")
    raw = base / "raw"
    raw.mkdir()
    for name, text in (
        ("harbour.txt", GOOD_HARBOUR),
        ("schools.txt", GOOD_SCHOOLS),
        ("storm.txt", GOOD_STORM),
    ):
        (raw / name).write_text(text, encoding="utf-8")
    (raw / "museum.html").write_text(
        "<html><head><title>Masks</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in GOOD_MUSEUM.split("\n\n"))
        + "</article></body></html>",
        encoding="utf-8",
    )
    (raw / "wire.jsonl").write_text(
        "\n".join(json.dumps(r) for r in GOOD_RAIL_JSONL) + "\n", encoding="utf-8"
    )
    a = newsfacts_pipeline(raw_dir=str(raw), out_dir=str(base / "a" / "out"), n_process=1)
    b = newsfacts_pipeline(
        raw_dir=str(raw),
        out_dir=str(base / "b" / "out"),
        cache_dir=str(base / "b" / "cache"),
        n_process=2,
        chunk_size=1,
    )
    assert a["published"] and b["published"], (a, b)
    yield {"a": base / "a" / "out", "b": base / "b" / "out"}


def _tables(out: Path) -> dict[str, bytes]:
    return release_bytes(out)


def test_parquet_files_are_byte_identical(two_runs: dict[str, Path]) -> None:
    a, b = _tables(two_runs["a"]), _tables(two_runs["b"])
    assert set(a) == set(b) and len(a) >= 7
    differ = [name for name in a if a[name] != b[name]]
    assert differ == [], f"tables differ between two runs on the same input: {differ}"
    assert read_out_table(two_runs["a"], "articles").height == 6


def test_manifests_differ_only_in_run_time(two_runs: dict[str, Path]) -> None:
    ma = json.loads((two_runs["a"] / "current" / "manifest.json").read_text())
    mb = json.loads((two_runs["b"] / "current" / "manifest.json").read_text())
    for key in RUN_KEYS:
        ma.pop(key), mb.pop(key)
    # The parallelism settings are recorded as given: they differ on purpose between the two runs.
    for m in (ma, mb):
        for k in ("n_process", "chunk_size"):
            m["parameters"].pop(k, None)
    assert ma == mb


def test_tables_are_sorted_and_written_with_fixed_settings(two_runs: dict[str, Path]) -> None:
    cur = two_runs["a"] / "current"
    for name in data_files(cur):  # every file, a partition's too, is sorted and written alike
        p = cur / name
        t = schema.TABLES[table_of(name)]
        frame = pl.read_parquet(p, hive_partitioning=False)
        if frame.height and t.sort_by:
            assert frame.equals(frame.sort(list(t.sort_by), nulls_last=False)) or frame.equals(
                frame.sort(list(t.sort_by), nulls_last=True)
            ), f"{name} is not sorted by {t.sort_by}"
        meta = pq.ParquetFile(p.resolve()).metadata
        assert meta.num_row_groups <= max(1, -(-meta.num_rows // 50_000))
        if meta.num_row_groups:
            assert meta.row_group(0).column(0).compression == "ZSTD"


def test_ids_are_content_hashes_stable_across_runs(two_runs: dict[str, Path]) -> None:
    for table, key in (("articles", "article_id"), ("entities", "entity_id"), ("events", "event_id")):
        ia = read_out_table(two_runs["a"], table)[key].to_list()
        ib = read_out_table(two_runs["b"], table)[key].to_list()
        assert ia == ib and len(set(ia)) == len(ia), table
