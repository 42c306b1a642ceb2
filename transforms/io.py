"""The one module of ``transforms`` that touches files: raw inputs, Parquet, cache and releases.

Release layout under the out dir::

    releases/<release_id>/   the tables, manifest.json, README.md (dataset card), validation/
    current                  symlink → releases/<release_id>   (switched by one atomic rename)
    <table>.parquet          symlink → current/<table>.parquet (so data/out/articles.parquet is
                             always the complete table of the latest release)

A release is built in ``releases/.staging-*`` and renamed into place, then ``current`` is
re-pointed with ``os.replace`` of a fresh symlink: at every instant ``current`` names a complete
release. Nothing here ever loads a pickle.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from transforms import schema
from transforms.ids import sha256_hex
from transforms.ingest import IngestLimits, Quarantined

CURRENT = "current"
RELEASES = "releases"
STAGING_PREFIX = ".staging-"


@dataclass(frozen=True)
class RawInput:
    """One raw file: its path relative to the raw dir and its bytes (or why it could not be read)."""

    source_path: str
    data: bytes | None
    problem: Quarantined | None


def list_raw(raw_dir: Path, limits: IngestLimits, allow_outside: bool = False) -> Iterator[RawInput]:
    """Yields every regular file under ``raw_dir`` (sorted, hidden files skipped) with its bytes.

    A symlink resolving outside ``raw_dir`` (unless ``allow_outside``), a file larger than the limit
    (its bytes are not read), one that vanished or cannot be read yields a quarantine entry instead.
    """
    root = raw_dir.resolve()
    for path in sorted(raw_dir.rglob("*")):
        rel = path.relative_to(raw_dir).as_posix()
        if any(part.startswith(".") for part in path.relative_to(raw_dir).parts):
            continue
        try:
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
            if not real.is_file():
                continue
            size = real.stat().st_size
            if size > limits.max_file_bytes:
                yield RawInput(
                    rel,
                    None,
                    Quarantined(
                        rel, None, "too_large", f"{size:,} bytes > limit {limits.max_file_bytes:,}", size
                    ),
                )
                continue
            with open(real, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
        except FileNotFoundError:
            yield RawInput(
                rel, None, Quarantined(rel, None, "unreadable", "file disappeared during the run", None)
            )
            continue
        except OSError as err:
            yield RawInput(
                rel, None, Quarantined(rel, None, "unreadable", f"cannot read: {err.strerror or err}", None)
            )
            continue
        yield RawInput(rel, data, None)


def read_raw_dir(raw_dir: Path, limits: IngestLimits) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Returns (raw article rows as ``schema.RAW_ARTICLES``, quarantine rows, files seen) for every
    file under ``raw_dir``: the ingest stage's whole reading."""
    from transforms.ingest import read_records

    rows: list[dict[str, object]] = []
    bad: list[dict[str, object]] = []
    n_files = 0
    for item in list_raw(raw_dir, limits):
        n_files += 1
        if item.problem is not None:
            bad.append(item.problem.row())
            continue
        assert item.data is not None
        got, refused = read_records(item.source_path, item.data, limits)
        rows.extend(got)
        bad.extend(q.row() for q in refused)
    raw = schema.conform(pl.DataFrame(rows, schema=schema.RAW_ARTICLES.polars_schema), schema.RAW_ARTICLES)
    return raw, bad, n_files


# ---- Parquet ----


def write_parquet(frame: pl.DataFrame, path: Path) -> None:
    """Writes ``frame`` to ``path`` with fixed settings (same frame → same bytes), via a temp file
    renamed into place so a reader never sees a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(
        frame.to_arrow(),
        tmp,
        compression="zstd",
        compression_level=3,
        row_group_size=50_000,
        write_statistics=True,
        use_dictionary=True,
        store_schema=True,
    )
    _fsync(tmp)
    os.replace(tmp, path)


def read_parquet(path: Path, table: schema.Table | None = None) -> pl.DataFrame:
    """Reads a Parquet file written by :func:`write_parquet`; an absent file reads as the table's
    empty frame when ``table`` is given."""
    if not path.exists():
        if table is None:
            raise FileNotFoundError(path)
        return schema.empty(table)
    return pl.read_parquet(path)


def file_sha256(path: Path) -> str:
    """Returns the sha256 hex digest of a file's bytes."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_json(obj: object, path: Path) -> None:
    """Writes ``obj`` as indented, key-sorted JSON atomically."""
    write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n", path)


def write_text(text: str, path: Path) -> None:
    """Writes text atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, object] | None:
    """Returns the parsed JSON object at ``path``, or None when absent or unreadable."""
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


# ---- extraction cache: one Parquet file per table and batch, under the extractor version ----


def cache_dir_for(cache_root: Path, version: str) -> Path:
    """Returns the cache directory of one extractor version."""
    return cache_root / "extract" / version


def read_cached(cache_root: Path, version: str, article_ids: set[str]) -> dict[str, pl.DataFrame]:
    """Returns the cached intermediate frames of the given articles (all tables), plus a
    one-column frame ``_done`` of the article ids the cache holds results for."""
    base = cache_dir_for(cache_root, version)
    out: dict[str, pl.DataFrame] = {}
    ids = pl.Series("article_id", sorted(article_ids), dtype=pl.String)
    for t in (*schema.EXTRACT_TABLES, _DONE):
        files = sorted((base / t.name).glob("*.parquet"))
        if not files or not article_ids:
            out[t.name] = schema.empty(t)
            continue
        frame = pl.scan_parquet(files).filter(pl.col("article_id").is_in(ids)).collect()
        out[t.name] = schema.conform(frame.unique(maintain_order=True), t)
    return out


def write_cached(cache_root: Path, version: str, frames: dict[str, pl.DataFrame], done: list[str]) -> None:
    """Stores one batch's intermediate frames, keyed by the hash of the batch's article ids."""
    if not done:
        return
    base = cache_dir_for(cache_root, version)
    key = sha256_hex("\n".join(sorted(done)))[:16]
    for t in schema.EXTRACT_TABLES:
        write_parquet(frames[t.name], base / t.name / f"{key}.parquet")
    # Written last: an article counts as cached only once all its tables are on disk.
    write_parquet(
        pl.DataFrame({"article_id": sorted(done)}, schema={"article_id": pl.String}),
        base / _DONE.name / f"{key}.parquet",
    )


_DONE = schema.Table(
    name="_done",
    description="Articles whose extraction is complete in the cache.",
    columns=(schema.Column("article_id", pl.String(), False, "The article."),),
    key=("article_id",),
    sort_by=("article_id",),
    published=False,
)


# ---- releases ----


def releases_dir(out_dir: Path) -> Path:
    """Returns the directory holding all releases."""
    return out_dir / RELEASES


def current_release(out_dir: Path) -> Path | None:
    """Returns the directory of the published release, or None before the first publish."""
    link = out_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if (target / "manifest.json").exists() else None


def read_release(release: Path | None) -> dict[str, pl.DataFrame] | None:
    """Returns the published tables of a release keyed by table name (None for no release)."""
    if release is None:
        return None
    return {
        t.name: pl.read_parquet(p)
        for t in schema.PUBLISHED_TABLES
        if (p := release / f"{t.name}.parquet").exists()
    }


def new_staging(out_dir: Path, run_id: str) -> Path:
    """Creates and returns an empty staging directory for a release being built."""
    path = releases_dir(out_dir) / f"{STAGING_PREFIX}{run_id}"
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def clear_stale_staging(out_dir: Path) -> list[str]:
    """Removes staging directories and temporary links left by runs that died, and restores the
    table links of the current release (a run killed right after the switch has not made them);
    returns the names of the removed directories."""
    base = releases_dir(out_dir)
    gone = []
    if base.exists():
        for p in sorted(base.glob(f"{STAGING_PREFIX}*")):
            shutil.rmtree(p, ignore_errors=True)
            gone.append(p.name)
    for tmp in out_dir.glob(".*.tmp"):
        if tmp.is_symlink():
            tmp.unlink()
    cur = current_release(out_dir)
    for table in sorted(cur.glob("*.parquet")) if cur is not None else []:
        _ensure_table_link(out_dir, table.stem)
    return gone


def switch_release(out_dir: Path, staging: Path, release_id: str, tables: list[str], keep: int) -> Path:
    """Moves a complete staging directory into place as ``releases/<release_id>`` and points
    ``current`` at it atomically. Older releases beyond ``keep`` are removed afterwards.
    Returns the release directory."""
    final = releases_dir(out_dir) / release_id
    for f in staging.rglob("*"):
        if f.is_file():
            _fsync(f)
    if final.exists():  # the same release id built again: replace it whole
        shutil.rmtree(final)
    os.rename(staging, final)
    _fsync_dir(releases_dir(out_dir))
    tmp_link = out_dir / f".{CURRENT}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(Path(RELEASES) / release_id, tmp_link)
    os.replace(tmp_link, out_dir / CURRENT)  # the single atomic switch
    _fsync_dir(out_dir)
    for name in tables:
        _ensure_table_link(out_dir, name)
    prune_releases(out_dir, keep)
    return final


def _ensure_table_link(out_dir: Path, name: str) -> None:
    link = out_dir / f"{name}.parquet"
    want = Path(CURRENT) / f"{name}.parquet"
    if link.is_symlink() and Path(os.readlink(link)) == want:
        return
    tmp = out_dir / f".{name}.parquet.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(want, tmp)
    os.replace(tmp, link)


def prune_releases(out_dir: Path, keep: int) -> list[str]:
    """Removes the oldest releases beyond ``keep`` (never the current one); returns their ids."""
    base = releases_dir(out_dir)
    cur = current_release(out_dir)
    found = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    old = [p for p in found[: max(0, len(found) - keep)] if cur is None or p.resolve() != cur]
    for p in old:
        # Renamed out of sight first: a crash mid-delete leaves debris that the next run's
        # clear_stale_staging removes, never a half-deleted release.
        trash = p.with_name(f"{STAGING_PREFIX}pruned-{p.name}")
        os.rename(p, trash)
        shutil.rmtree(trash, ignore_errors=True)
    return [p.name for p in old]


class PublishLocked(RuntimeError):
    """Another run holds the publish lock of this out dir."""


@contextlib.contextmanager
def publish_lock(out_dir: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Holds an exclusive lock on ``out_dir`` for the run; raises :class:`PublishLocked` when
    another run holds it longer than ``wait_seconds``. The OS frees it if the process dies."""
    import time

    out_dir.mkdir(parents=True, exist_ok=True)
    fh = open(out_dir / ".lock", "a+")  # noqa: SIM115 - held open for the lock's lifetime
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise PublishLocked(
                        f"another newsfacts run is publishing to {out_dir} (lock {out_dir / '.lock'}); "
                        "this run stops without touching the release"
                    ) from None
                time.sleep(0.5)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {dt.datetime.now(dt.UTC).isoformat()}\n")
        fh.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()
