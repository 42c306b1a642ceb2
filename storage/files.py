"""Files on the local disk: Parquet, JSON and text written atomically, digests, folders.

Every write goes to a temp file that is fsynced and renamed into place, so a reader never sees a
partial file. Nothing here ever loads a pickle.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from transforms import schema

# Every Parquet file's settings (fixed: the same rows give the same bytes).
_PARQUET_SETTINGS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "write_statistics": True,
    "use_dictionary": True,
    "store_schema": True,
}
ROW_GROUP_ROWS = 50_000
# A frame larger than this (polars' estimate) is converted to Arrow and written a slice at a time.
WRITE_SLICE_BYTES = 16 << 20


def described(data: pa.Table, table: schema.Table, nulls: Mapping[str, int] | None = None) -> pa.Table:
    """Returns ``data`` with the schema module's description of ``table`` in its Arrow schema:
    each column's description as field metadata, its columns not null where the schema says so
    (and the data has no null: a column is never declared not null over a null; ``nulls``: the
    null counts of the whole table when ``data`` is a slice of it), the table's description as
    schema metadata."""
    fields = []
    for f in data.schema:
        try:
            col = table.column(f.name)
        except KeyError:
            fields.append(f)
            continue
        n_null = nulls[f.name] if nulls is not None else data.column(f.name).null_count
        required = not col.nullable and n_null == 0
        col_meta = {"description": col.description}
        if col.values:
            col_meta["values"] = ",".join(col.values)
        fields.append(pa.field(f.name, f.type, nullable=not required, metadata=col_meta))
    meta: dict[bytes | str, bytes | str] = {
        **(data.schema.metadata or {}),
        b"description": table.description.encode(),
        b"table": table.name.encode(),
    }
    return data.cast(pa.schema(fields, metadata=meta))


def write_parquet(
    frame: pl.DataFrame, path: Path, table: schema.Table | None = None, *, sync: bool = True
) -> None:
    """Writes ``frame`` to ``path`` with fixed settings (same frame → same bytes), via a temp file
    renamed into place so a reader never sees a partial file. With ``table``, the file's schema
    carries the column descriptions and nullability of the schema module (:func:`described`).
    ``sync=False`` leaves the flush to the caller (a staging release is flushed whole before its
    switch). A frame over ``WRITE_SLICE_BYTES`` is converted to Arrow a slice at a time, one row
    group each (a whole-frame conversion would copy every column at once)."""
    size = int(frame.estimated_size())
    if size <= WRITE_SLICE_BYTES or frame.height < 2:
        write_arrow(frame.to_arrow(), path, table, sync=sync)
        return
    rows = max(1, min(ROW_GROUP_ROWS, frame.height * WRITE_SLICE_BYTES // max(size, 1)))
    nulls = frame.null_count().row(0, named=True) if table is not None else None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    writer: pq.ParquetWriter | None = None
    try:
        for offset in range(0, frame.height, rows):
            data = frame.slice(offset, rows).to_arrow()
            if table is not None:
                data = described(data, table, nulls)
            if writer is None:
                writer = pq.ParquetWriter(tmp, data.schema, **_PARQUET_SETTINGS)
            writer.write_table(data, row_group_size=ROW_GROUP_ROWS)
            del data
    finally:
        if writer is not None:
            writer.close()
    if sync:
        fsync(tmp)
    os.replace(tmp, path)


def write_arrow(data: pa.Table, path: Path, table: schema.Table | None = None, *, sync: bool = True) -> None:
    """Writes the Arrow table ``data`` as :func:`write_parquet` writes a frame (the same settings,
    so the same rows give the same bytes): lets a caller convert a frame to Arrow once and write
    slices of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(
        data if table is None else described(data, table),
        tmp,
        row_group_size=ROW_GROUP_ROWS,
        **_PARQUET_SETTINGS,
    )
    if sync:
        fsync(tmp)
    os.replace(tmp, path)


def sink_parquet(rows: pl.LazyFrame, path: Path) -> None:
    """Writes the rows of the query ``rows`` to ``path`` with polars' streaming engine (never the
    whole result in memory), via a temp file renamed into place as :func:`write_parquet` does. For
    internal files only: the bytes are polars', not this module's fixed settings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    rows.sink_parquet(tmp, compression="zstd", compression_level=3, row_group_size=ROW_GROUP_ROWS)
    fsync(tmp)
    os.replace(tmp, path)


def read_parquet(
    path: Path, table: schema.Table | None = None, columns: list[str] | None = None
) -> pl.DataFrame:
    """Reads a Parquet file written by :func:`write_parquet` (only ``columns`` when given); an
    absent file reads as the table's empty frame when ``table`` is given."""
    if not path.exists():
        if table is None:
            raise FileNotFoundError(path)
        empty = schema.empty(table)
        return empty.select(columns) if columns else empty
    return pl.read_parquet(path, columns=columns)


class TableFiles(Mapping[str, pl.DataFrame]):
    """Work tables by name, each read from its file whenever it is looked up and never kept: a
    caller that uses a table for one step and moves on does not hold it through the next."""

    def __init__(self, paths: Mapping[str, Path]) -> None:
        self._paths = dict(paths)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return read_parquet(self._paths[name], schema.TABLES[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def drop_unreadable(files: list[Path], columns: list[str]) -> tuple[list[Path], list[Path]]:
    """Returns (readable, dropped) of the cache files ``files``: a file that does not read whole
    as Parquet or lacks one of ``columns`` (damaged, truncated, foreign) is removed, so the next
    lookup does not meet it again and what it held is computed afresh. For caches only."""
    good: list[Path] = []
    bad: list[Path] = []
    for f in files:
        try:
            ok = set(columns) <= set(pl.read_parquet(f, columns=None).columns)
        except (OSError, pl.exceptions.PolarsError, pa.ArrowException):
            ok = False
        (good if ok else bad).append(f)
    for f in bad:
        f.unlink(missing_ok=True)
    return good, bad


def parquet_facts(path: Path) -> dict[str, object]:
    """Returns what a manifest records of a Parquet file: its rows, bytes and sha256."""
    return {
        "rows": pl.scan_parquet(path).select(pl.len()).collect().item(),
        "bytes": path.stat().st_size,
        "sha256": file_sha256(path),
    }


def table_names(folder: Path) -> list[str]:
    """Returns the names of the Parquet tables in ``folder`` (file stems, sorted)."""
    return sorted(p.stem for p in folder.glob("*.parquet"))


def file_sha256(path: Path) -> str:
    """Returns the sha256 hex digest of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(obj: object, path: Path) -> None:
    """Writes ``obj`` as indented, key-sorted JSON atomically."""
    write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", path)


def write_bytes(data: bytes, path: Path) -> None:
    """Writes bytes atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    fsync(tmp)
    os.replace(tmp, path)


def write_text(text: str, path: Path) -> None:
    """Writes text atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    fsync(tmp)
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, object] | None:
    """Returns the parsed JSON object at ``path``, or None when absent or unreadable."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def read_text(path: Path) -> str | None:
    """Returns the text of the file at ``path``, or None when it does not exist."""
    return path.read_text(encoding="utf-8") if path.exists() else None


def make_dir(path: Path) -> Path:
    """Creates ``path`` (and its parents) if missing; returns it."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def remove_dir(path: Path) -> None:
    """Removes a folder and everything in it, if it exists (errors ignored: best effort)."""
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)


# A work folder older than this whose run's process is gone is left by a killed run (SIGKILL, a
# power cut): a live run writes into its own folder throughout, and names it ``<time>-<pid>``.
STALE_WORK_S = 6 * 3600


def clear_stale_work(work_root: Path, now: float | None = None) -> list[str]:
    """Removes the run work folders under ``work_root`` (named ``<time>-<pid>``) whose process no
    longer runs on this machine and which nothing has changed for ``STALE_WORK_S``; returns their
    names. Folders of live processes, recent folders and other names are kept (best effort)."""
    now = time.time() if now is None else now
    gone: list[str] = []
    if not work_root.is_dir():
        return gone
    for folder in sorted(work_root.iterdir()):
        pid = folder.name.rpartition("-")[2]
        if not folder.is_dir() or not pid.isdigit() or process_alive(int(pid)):
            continue
        try:
            age = now - folder.stat().st_mtime
        except OSError:
            continue
        if age >= STALE_WORK_S:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder.name)
    return gone


def process_alive(pid: object) -> bool:
    """Returns whether ``pid`` names a process that exists on this machine (ours or another
    user's); anything but a positive int names none."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync(path: Path) -> None:
    """Flushes a file (or a folder's entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Flushes a folder's entries to the disk where the OS allows it."""
    with contextlib.suppress(OSError):
        fsync(path)
