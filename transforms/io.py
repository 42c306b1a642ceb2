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
from typing import Any

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


def _too_large(rel: str, size: int, limits: IngestLimits) -> RawInput:
    """Returns the quarantine entry of a file over the size limit (its bytes are never read)."""
    detail = f"{size:,} bytes > limit {limits.max_file_bytes:,}"
    return RawInput(rel, None, Quarantined(rel, None, "too_large", detail, size))


def _unreadable(rel: str, detail: str) -> RawInput:
    """Returns the quarantine entry of a file that could not be read."""
    return RawInput(rel, None, Quarantined(rel, None, "unreadable", detail, None))


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
                yield _too_large(rel, size, limits)
                continue
            with open(real, "rb") as fh:
                data = fh.read(limits.max_file_bytes + 1)
        except FileNotFoundError:
            yield _unreadable(rel, "file disappeared during the run")
            continue
        except OSError as err:
            yield _unreadable(rel, f"cannot read: {err.strerror or err}")
            continue
        yield RawInput(rel, data, None)


def read_raw_dir(raw_dir: Path, limits: IngestLimits) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Returns (raw article rows as ``schema.RAW_ARTICLES``, quarantine rows, files seen) for every
    file under ``raw_dir``: the ingest stage's whole reading."""
    return _read_items(list_raw(raw_dir, limits), limits)


def _read_items(
    items: Iterator[RawInput], limits: IngestLimits
) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    from transforms.ingest import read_records

    rows: list[dict[str, object]] = []
    bad: list[dict[str, object]] = []
    n_files = 0
    for item in items:
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


def read_cached_table(
    cache_root: Path,
    version: str,
    article_ids: set[str],
    table: schema.Table,
    batches: set[str] | None = None,
) -> pl.DataFrame:
    """Returns the cached rows of one intermediate table for the given articles, from every
    stored batch or only from ``batches`` (keys returned by :func:`write_cached`); deduplicated:
    a batch parsed twice under one extractor version stored the same rows twice."""
    files = sorted(
        f
        for f in (cache_dir_for(cache_root, version) / table.name).glob("*.parquet")
        if batches is None or f.stem in batches
    )
    if not files or not article_ids:
        return schema.empty(table)
    ids = pl.Series("article_id", sorted(article_ids), dtype=pl.String)
    frame = pl.scan_parquet(files).filter(pl.col("article_id").is_in(ids)).collect()
    return schema.conform(frame.unique(maintain_order=True), table)


def cached_ids(cache_root: Path, version: str, article_ids: set[str]) -> set[str]:
    """Returns the articles among ``article_ids`` whose extraction is complete in the cache."""
    done = read_cached_table(cache_root, version, article_ids, _DONE)
    return set(done["article_id"].to_list())


def read_cached(cache_root: Path, version: str, article_ids: set[str]) -> dict[str, pl.DataFrame]:
    """Returns the cached intermediate frames of the given articles (all tables), plus a
    one-column frame ``_done`` of the article ids the cache holds results for."""
    return {
        t.name: read_cached_table(cache_root, version, article_ids, t)
        for t in (*schema.EXTRACT_TABLES, _DONE)
    }


def write_cached(cache_root: Path, version: str, frames: dict[str, pl.DataFrame], done: list[str]) -> str:
    """Stores one batch's intermediate frames, keyed by the hash of the batch's article ids;
    returns that key ('' for an empty batch)."""
    if not done:
        return ""
    base = cache_dir_for(cache_root, version)
    key = sha256_hex("\n".join(sorted(done)))[:16]
    for t in schema.EXTRACT_TABLES:
        write_parquet(frames[t.name], base / t.name / f"{key}.parquet")
    # Written last: an article counts as cached only once all its tables are on disk.
    write_parquet(
        pl.DataFrame({"article_id": sorted(done)}, schema={"article_id": pl.String}),
        base / _DONE.name / f"{key}.parquet",
    )
    return key


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


# ---- locations: local folders or fsspec URLs ----


def is_url(location: str) -> bool:
    """Returns True for a remote fsspec URL (s3://, gs://, memory://, …); ``file://`` URLs and plain
    paths are local folders."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.isidentifier() and scheme.lower() not in ("file", "local")


def local_path(location: str) -> Path:
    """Returns the local path of a plain path or a ``file://`` URL."""
    scheme, sep, rest = location.partition("://")
    if sep and scheme.lower() in ("file", "local"):
        return Path(rest)
    return Path(location)


def _url_fs(url: str) -> tuple[Any, str]:
    # fsspec is untyped: its filesystems are Any here.
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(url)
    return fs, str(root).rstrip("/")


def list_raw_url(url: str, limits: IngestLimits) -> Iterator[RawInput]:
    """Yields every file under the fsspec URL ``url`` (sorted, hidden files skipped) with its bytes:
    the remote counterpart of :func:`list_raw` (object stores have no symlinks to check)."""
    fs, root = _url_fs(url)
    found = fs.find(root, detail=True)
    for path in sorted(found):
        info = found[path]
        if info.get("type", "file") != "file":
            continue
        rel = str(path)[len(root) :].lstrip("/")
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


def read_raw(location: str, limits: IngestLimits) -> tuple[pl.DataFrame, list[dict[str, object]], int]:
    """Like :func:`read_raw_dir` for a local folder, a ``file://`` URL or a remote fsspec URL."""
    if is_url(location):
        return _read_items(list_raw_url(location, limits), limits)
    return read_raw_dir(local_path(location), limits)


class ReleaseStore:
    """Where releases are published: a local folder (:class:`LocalStore`, switched by a symlink
    rename) or an fsspec URL (:class:`FsspecStore`, switched by a pointer file). Staging and the
    copy of the current release that the run reads are always local folders."""

    location: str

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Returns the context that holds this store's publish lock for the run."""
        raise NotImplementedError

    def recover(self) -> list[str]:
        """Removes what interrupted runs left; returns the names removed."""
        raise NotImplementedError

    def new_staging(self, run_id: str) -> Path:
        """Returns an empty local staging directory for the release being built."""
        raise NotImplementedError

    def current(self) -> Path | None:
        """Returns a local directory holding the complete current release (None before the first)."""
        raise NotImplementedError

    def current_location(self) -> str | None:
        """Returns where the current release is published (a path or a URL)."""
        raise NotImplementedError

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        """Publishes a complete staging directory as ``release_id``, makes it current atomically,
        prunes releases beyond ``keep`` and returns the release's location."""
        raise NotImplementedError

    def read_json(self, rel: str) -> dict[str, object] | None:
        """Returns the JSON object stored at ``rel`` under the store, or None when absent."""
        raise NotImplementedError

    def write_json(self, obj: object, rel: str) -> None:
        """Stores ``obj`` as JSON at ``rel`` under the store (one atomic put)."""
        raise NotImplementedError


class LocalStore(ReleaseStore):
    """Releases in a local folder: ``current`` symlink plus per-table links (see the module doc)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.location = str(out_dir)

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        return publish_lock(self.out_dir, wait_seconds)

    def recover(self) -> list[str]:
        return clear_stale_staging(self.out_dir)

    def new_staging(self, run_id: str) -> Path:
        return new_staging(self.out_dir, run_id)

    def current(self) -> Path | None:
        return current_release(self.out_dir)

    def current_location(self) -> str | None:
        cur = self.current()
        return None if cur is None else str(cur)

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        return str(switch_release(self.out_dir, staging, release_id, tables, keep))

    def read_json(self, rel: str) -> dict[str, object] | None:
        return read_json(self.out_dir / rel)

    def write_json(self, obj: object, rel: str) -> None:
        write_json(obj, self.out_dir / rel)


POINTER = "current.json"


class FsspecStore(ReleaseStore):
    """Releases on an fsspec filesystem (object stores: s3://, gs://, az://; memory:// in tests).

    Layout under the URL: ``releases/<release_id>/…`` (uploaded file by file, ``manifest.json``
    last, so a release folder with a manifest is complete) and ``current.json``, the pointer
    ``{"release": id, "path": "releases/<id>", "files": {...}}`` replaced by one put — a single
    object write is atomic on object stores, so a reader of the pointer always finds a complete
    release. Readers start from ``current.json``. The run's own copy of the current release and
    its staging live under the local ``cache_root``; the publish lock is a local file lock there
    (runs on several machines need one lock of their own, e.g. a Prefect concurrency limit).
    """

    def __init__(self, url: str, cache_root: Path) -> None:
        self.location = url.rstrip("/")
        self.fs, self.root = _url_fs(url)
        self.local = cache_root / "stores" / sha256_hex(self.location)[:16]

    def _p(self, rel: str) -> str:
        return f"{self.root}/{rel}" if self.root else rel

    def _url(self, rel: str) -> str:
        return f"{self.location}/{rel}"

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        return publish_lock(self.local, wait_seconds)

    def pointer(self) -> dict[str, object] | None:
        """Returns the parsed ``current.json`` or None when nothing is published yet."""
        try:
            raw = self.fs.cat_file(self._p(POINTER))
        except FileNotFoundError:
            return None
        obj = json.loads(raw)
        return obj if isinstance(obj, dict) else None

    def _current_id(self) -> str | None:
        ptr = self.pointer()
        rid = ptr.get("release") if ptr else None
        return rid if isinstance(rid, str) else None

    def _release_ids(self) -> list[str]:
        base = self._p(RELEASES)
        if not self.fs.exists(base):
            return []
        names = [str(p).rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(base, detail=False)]
        return sorted(n for n in names if n and not n.startswith("."))

    def recover(self) -> list[str]:
        gone: list[str] = []
        local_staging = self.local / "staging"
        if local_staging.exists():
            for p in sorted(local_staging.iterdir()):
                shutil.rmtree(p, ignore_errors=True)
                gone.append(p.name)
        cur = self._current_id()
        for rid in self._release_ids():
            # An upload that died before its manifest: never pointed to, removed whole.
            if rid != cur and not self.fs.exists(self._p(f"{RELEASES}/{rid}/manifest.json")):
                self.fs.rm(self._p(f"{RELEASES}/{rid}"), recursive=True)
                gone.append(rid)
        return gone

    def new_staging(self, run_id: str) -> Path:
        path = self.local / "staging" / run_id
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def current(self) -> Path | None:
        rid = self._current_id()
        if rid is None:
            return None
        mirror = self.local / "releases" / rid
        if not (mirror / "manifest.json").exists():
            # Downloaded beside and renamed: a half-downloaded copy is never taken for the release.
            tmp = self.local / "releases" / f".download-{rid}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            src = self._p(f"{RELEASES}/{rid}")
            for path in self.fs.find(src):
                dest = tmp / str(path)[len(src) :].lstrip("/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(self.fs.cat_file(path))
            shutil.rmtree(mirror, ignore_errors=True)
            os.rename(tmp, mirror)
        # Only the current release's copy is kept locally.
        for other in (self.local / "releases").iterdir():
            if other.name != rid:
                shutil.rmtree(other, ignore_errors=True)
        return mirror

    def current_location(self) -> str | None:
        rid = self._current_id()
        return None if rid is None else self._url(f"{RELEASES}/{rid}")

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        files = sorted(f for f in staging.rglob("*") if f.is_file())
        # manifest.json last: its presence marks a complete upload (see recover()).
        files.sort(key=lambda f: f.relative_to(staging).as_posix() == "manifest.json")
        base = f"{RELEASES}/{release_id}"
        for f in files:
            rel = f.relative_to(staging).as_posix()
            self.fs.pipe_file(self._p(f"{base}/{rel}"), f.read_bytes())
        for f in files:  # the upload is checked before anything points at it
            got = self.fs.info(self._p(f"{base}/{f.relative_to(staging).as_posix()}"))
            if int(got.get("size", -1)) != f.stat().st_size:
                raise OSError(f"upload of {f.name} to {self._url(base)} is incomplete")
        man = read_json(staging / "manifest.json") or {}
        pointer = {
            "release": release_id,
            "path": base,
            "tables": {t: f"{base}/{t}.parquet" for t in tables},
            "files": man.get("files", {}),
            "switched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        self.write_json(pointer, POINTER)  # the single atomic switch
        # The staging copy becomes the local copy of the current release: no download next run.
        mirror = self.local / "releases" / release_id
        shutil.rmtree(mirror, ignore_errors=True)
        mirror.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, mirror)
        ids = self._release_ids()
        for rid in ids[: max(0, len(ids) - keep)]:
            if rid != release_id:
                self.fs.rm(self._p(f"{RELEASES}/{rid}"), recursive=True)
        return self._url(base)

    def read_json(self, rel: str) -> dict[str, object] | None:
        try:
            obj = json.loads(self.fs.cat_file(self._p(rel)))
        except (FileNotFoundError, ValueError):
            return None
        return obj if isinstance(obj, dict) else None

    def write_json(self, obj: object, rel: str) -> None:
        data = (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode()
        self.fs.pipe_file(self._p(rel), data)


def default_cache(out_location: str) -> Path:
    """Returns the default cache folder: ``<out>/../cache`` for a local out dir; for a URL, a
    folder of the user's cache (``$XDG_CACHE_HOME/newsfacts/<hash of the URL>``)."""
    if not is_url(out_location):
        return local_path(out_location).parent / "cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsfacts" / sha256_hex(out_location.rstrip("/"))[:12]


def open_store(out_location: str, cache_root: Path) -> ReleaseStore:
    """Returns the release store of an out location (path, file:// URL or fsspec URL)."""
    if is_url(out_location):
        return FsspecStore(out_location, cache_root)
    return LocalStore(local_path(out_location))
