"""Reading the raw inputs: every file under a local folder or an fsspec URL, with its bytes or the
reason it was quarantined unread."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from storage.locations import is_url, local_path, url_fs
from transforms import schema
from transforms.ingest import IngestLimits, Quarantined, read_records, safe_name

# Records turned into columns at a time while the raw files are read.
ROW_BATCH = 512


@dataclass(frozen=True)
class RawInput:
    """One raw file: its path relative to the raw dir and its bytes (or why it could not be read)."""

    source_path: str
    data: bytes | None
    problem: Quarantined | None


def _too_large(rel: str, size: int, limits: IngestLimits) -> RawInput:
    """Returns the quarantine entry of a file over the size limit (its bytes are never read)."""
    detail = f"{size:,} bytes > limit {limits.max_file_bytes:,}"
    return RawInput(rel, None, Quarantined(rel, None, "too_large", detail, size))


def _unreadable(rel: str, detail: str) -> RawInput:
    """Returns the quarantine entry of a file that could not be read."""
    return RawInput(rel, None, Quarantined(rel, None, "unreadable", detail, None))


def _link_problem(path: Path, rel: str) -> RawInput | None:
    """Returns the quarantine entry of a symlink that cannot be followed (a loop, or a target that
    does not exist), None for anything else."""
    if not path.is_symlink():
        return None
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop so
        return _unreadable(rel, f"symlink loop (via {safe_name(target)})")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return _unreadable(rel, f"symlink loop (via {safe_name(target)})")
        if err.errno == errno.ENOENT:
            return _unreadable(rel, f"broken symlink: its target {safe_name(target)} does not exist")
        return None
    return None


def list_raw(raw_dir: Path, limits: IngestLimits, allow_outside: bool = False) -> Iterator[RawInput]:
    """Yields every regular file under ``raw_dir`` (sorted, hidden files skipped) with its bytes.

    A symlink resolving outside ``raw_dir`` (unless ``allow_outside``), a symlink loop or a broken
    link, a file larger than the limit (its bytes are not read), one that vanished or cannot be read
    yields a quarantine entry instead. A name that is not UTF-8 is kept with its bytes escaped.
    """
    root = raw_dir.resolve()
    for path in sorted(raw_dir.rglob("*")):
        rel = safe_name(path.relative_to(raw_dir).as_posix())
        if any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        try:
            if (bad_link := _link_problem(path, rel)) is not None:
                yield bad_link
                continue
            real = path.resolve(strict=True)
            if not allow_outside and not real.is_relative_to(root):
                yield RawInput(
                    rel,
                    None,
                    Quarantined(
                        rel, None, "outside_raw_dir", "symlink points outside the raw directory", None
                    ),
                )
                continue
            if real.is_dir():  # its files are listed on their own
                continue
            if not real.is_file():  # never opened: reading a FIFO would block the run
                yield _unreadable(rel, "not a regular file (a FIFO, socket or device)")
                continue
            size = real.stat().st_size
            if size > limits.max_file_bytes:
                yield _too_large(rel, size, limits)
                continue
            with open(real, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
        except FileNotFoundError:
            yield _unreadable(rel, "file disappeared during the run")
            continue
        except RuntimeError:  # a loop that appeared between the two checks
            yield _unreadable(rel, "symlink loop")
            continue
        except OSError as err:
            yield _unreadable(rel, f"cannot read: {err.strerror or err}")
            continue
        yield RawInput(rel, data, None)


def list_raw_url(url: str, limits: IngestLimits) -> Iterator[RawInput]:
    """Yields every file under the fsspec URL ``url`` (sorted, hidden files skipped) with its bytes:
    the remote counterpart of :func:`list_raw` (object stores have no symlinks to check)."""
    fs, root = url_fs(url)
    found = fs.find(root, detail=True)
    for path in sorted(found):
        info = found[path]
        if info.get("type", "file") != "file":
            continue
        rel = safe_name(str(path)[len(root) :].lstrip("/"))
        if not rel or any(part.startswith(".") for part in rel.split("/")):
            continue
        size = int(info.get("size") or 0)
        if size > limits.max_file_bytes:
            yield _too_large(rel, size, limits)
            continue
        try:
            data = fs.cat_file(path)
        except FileNotFoundError:
            yield _unreadable(rel, "file disappeared during the run")
            continue
        except OSError as err:
            yield _unreadable(rel, f"cannot read: {err}")
            continue
        yield RawInput(rel, bytes(data), None)


def read_raw_dir(raw_dir: Path, limits: IngestLimits) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Returns (raw article rows as ``schema.RAW_ARTICLES``, quarantine rows, files seen) for every
    file under ``raw_dir``: the ingest stage's whole reading."""
    return _read_items(list_raw(raw_dir, limits), limits)


def read_raw(
    location: str, limits: IngestLimits, remote: bool | None = None
) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Like :func:`read_raw_dir` for a local folder, a ``file://`` URL or a remote fsspec URL
    (``remote``: whether it is one, when the caller already knows)."""
    if is_url(location) if remote is None else remote:
        return _read_items(list_raw_url(location, limits), limits)
    return read_raw_dir(local_path(location), limits)


def _read_items(
    items: Iterator[RawInput], limits: IngestLimits
) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Returns the records of every readable item, the quarantine rows of the others and the
    number of items seen. The records become columns ``ROW_BATCH`` at a time: one Python dict
    per record of the whole corpus (every text a Python string) would cost several times the
    table, and the allocator keeps that peak after."""
    frames: list[pl.DataFrame] = []
    rows: list[dict[str, object]] = []
    bad: list[dict[str, object]] = []
    n_files = 0

    def flush() -> None:
        frames.append(pl.DataFrame(rows, schema=schema.RAW_ARTICLES.polars_schema))
        rows.clear()

    for item in items:
        n_files += 1
        if item.problem is not None:
            bad.append(item.problem.row())
            continue
        assert item.data is not None
        got, refused = read_records(item.source_path, item.data, limits)
        rows.extend(got)
        bad.extend(q.row() for q in refused)
        if len(rows) >= ROW_BATCH:
            flush()
    if rows or not frames:
        flush()
    raw = pl.concat(frames, rechunk=False) if len(frames) > 1 else frames[0]
    return schema.conform(raw, schema.RAW_ARTICLES), bad, n_files
