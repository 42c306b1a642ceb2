"""Helpers that keep memory down give the same results as the plain polars calls they replace."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from expectations.common import key_duplicated
from storage import files
from storage.raw import _read_items
from transforms import schema
from transforms.ingest import IngestLimits


def test_key_duplicated_matches_struct_is_duplicated() -> None:
    rng = np.random.default_rng(3)
    for trial in range(100):
        n = int(rng.integers(0, 50))
        frame = pl.DataFrame(
            {
                "a": [None if rng.random() < 0.1 else f"x{int(v)}" for v in rng.integers(0, 4, n)],
                "s": [None if rng.random() < 0.1 else int(v) for v in rng.integers(0, 3, n)],
                "e": rng.integers(0, 2, n).tolist(),
            },
            schema={"a": pl.String, "s": pl.Int64, "e": pl.Int64},
        )
        if trial % 2:
            frame = frame.sort(["a", "s", "e"])
        want = frame.select(pl.struct(["a", "s", "e"]).is_duplicated()).to_series().to_list()
        assert key_duplicated(frame, ["a", "s", "e"]).to_list() == want


def test_large_frame_written_in_slices_reads_back_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "WRITE_SLICE_BYTES", 2_000)
    table = schema.QUARANTINE
    frame = schema.conform(
        pl.DataFrame(
            {
                "source_path": [f"f{i:03d}.txt" for i in range(300)],
                "record": [None if i % 7 == 0 else i for i in range(300)],
                "reason": ["no_text"] * 300,
                "detail": ["a detail"] * 300,
                "size_bytes": list(range(300)),
            }
        ),
        table,
    )
    files.write_parquet(frame, tmp_path / "sliced.parquet", table)
    monkeypatch.setattr(files, "WRITE_SLICE_BYTES", 1 << 40)
    files.write_parquet(frame, tmp_path / "whole.parquet", table)
    assert pq.ParquetFile(tmp_path / "sliced.parquet").metadata.num_row_groups > 1
    assert pq.read_schema(tmp_path / "sliced.parquet") == pq.read_schema(tmp_path / "whole.parquet")
    assert pl.read_parquet(tmp_path / "sliced.parquet").equals(frame)


def test_raw_records_read_in_batches_equal_one_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    from storage import raw

    items = [raw.RawInput(f"d{i:02d}.txt", f"Text number {i}.".encode(), None) for i in range(7)]
    limits = IngestLimits(max_file_bytes=10_000, max_article_chars=10_000)
    whole, _, n = _read_items(iter(items), limits)
    monkeypatch.setattr(raw, "ROW_BATCH", 2)
    batched, _, n2 = _read_items(iter(items), limits)
    assert n == n2 == 7 and batched.equals(whole) and whole.height == 7


def test_conform_keeps_a_frame_already_in_order() -> None:
    frame = pl.DataFrame(
        {
            "source_path": ["a", "b", "b"],
            "record": [None, 1, 2],
            "reason": ["x", "y", "z"],
            "detail": ["d"] * 3,
        }
    )
    out = schema.conform(frame, schema.QUARANTINE)
    assert out["reason"].to_list() == ["x", "y", "z"]
    shuffled = schema.conform(frame.reverse(), schema.QUARANTINE)
    assert shuffled.equals(out)
