"""The extraction cache: one Parquet file per intermediate table and batch, under the extractor
version (``<cache>/extract/<version>/<table>/<batch key>.parquet``).

An article counts as cached once its batch's ``_inputs`` file exists, which is written last and
holds each article's cache key (:meth:`transforms.extract.ArticleInput.cache_key`: its publication
date and other inputs besides the text). Rows are read only from batches that hold an article
under its current key, so the same text with another date is never served an old extraction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import polars as pl

from storage.files import drop_unreadable, sink_parquet, write_parquet
from transforms import schema
from transforms.ids import sha256_hex

_DONE = schema.Table(
    name="_inputs",
    description="Articles whose extraction is complete in the cache, with the key of their inputs.",
    columns=(
        schema.Column("article_id", pl.String(), False, "The article."),
        schema.Column("cache_key", pl.String(), False, "Hash of the inputs besides the text."),
    ),
    key=("article_id",),
    sort_by=("article_id",),
    published=False,
)
_FILE = "_cache_file"
log = logging.getLogger(__name__)


def cache_dir_for(cache_root: Path, version: str) -> Path:
    """Returns the cache directory of one extractor version."""
    return cache_root / "extract" / version


def _files(cache_root: Path, version: str, table: schema.Table, batches: set[str] | None) -> list[Path]:
    return sorted(
        f
        for f in (cache_dir_for(cache_root, version) / table.name).glob("*.parquet")
        if batches is None or f.stem in batches
    )


def _batch_of(col: str) -> pl.Expr:
    """The batch key (file stem) of the path in column ``col``."""
    return pl.col(col).str.extract(r"([^/\\]+)\.parquet$", 1).alias("_batch")


def _current(
    cache_root: Path, version: str, keys: Mapping[str, str], batches: set[str] | None
) -> pl.DataFrame:
    """Returns ``(_batch, article_id, cache_key)`` of every stored batch that holds an article of
    ``keys`` (article id → cache key) under that key."""
    files = _files(cache_root, version, _DONE, batches)
    if not files or not keys:
        return pl.DataFrame(schema={"_batch": pl.String, "article_id": pl.String, "cache_key": pl.String})
    want = pl.DataFrame(
        {"article_id": list(keys), "cache_key": list(keys.values())},
        schema={"article_id": pl.String, "cache_key": pl.String},
    )

    def lookup(found: list[Path]) -> pl.DataFrame:
        return (
            pl.scan_parquet(found, include_file_paths=_FILE)
            .select("article_id", "cache_key", _FILE)
            .join(want.lazy(), on=["article_id", "cache_key"])
            .select(_batch_of(_FILE), "article_id", "cache_key")
            .collect()
        )

    try:
        return lookup(files)
    except (OSError, pl.exceptions.PolarsError):
        # A damaged or foreign file never stops a run: removed, its articles are parsed again.
        files = _readable(files, ["article_id", "cache_key"])
        if not files:
            return pl.DataFrame(schema={"_batch": pl.String, "article_id": pl.String, "cache_key": pl.String})
        return lookup(files)


def _readable(files: list[Path], columns: list[str]) -> list[Path]:
    """Returns the files of ``files`` that read (with ``columns``); removes (and logs) the others."""
    good, bad = drop_unreadable(files, columns)
    for f in bad:
        log.warning("extract cache: unreadable file %s removed; its articles are parsed again", f)
    return good


def _drop_damaged_batches(cache_root: Path, version: str, batches: set[str]) -> set[str]:
    """Returns the batches of ``batches`` whose table files all have a readable Parquet footer;
    the ``_inputs`` file of any other batch is removed, so its articles count as not cached."""
    base = cache_dir_for(cache_root, version)
    bad = set()
    for b in batches:
        for t in schema.EXTRACT_TABLES:
            try:
                found = pl.read_parquet_schema(base / t.name / f"{b}.parquet")
            except (OSError, pl.exceptions.PolarsError):
                bad.add(b)
                break
            if any(c.name not in found for c in t.columns):  # a foreign file under a batch's name
                bad.add(b)
                break
    for b in bad:
        log.warning("extract cache: batch %s has a damaged or missing file; its articles are parsed again", b)
        (base / _DONE.name / f"{b}.parquet").unlink(missing_ok=True)
    return batches - bad


def read_cached_table(
    cache_root: Path,
    version: str,
    keys: Mapping[str, str],
    table: schema.Table,
    batches: set[str] | None = None,
) -> pl.DataFrame:
    """Returns the cached rows of one intermediate table for the articles of ``keys`` (article id
    → cache key), from the stored batches (or only those of ``batches``, keys returned by
    :func:`write_cached`) that hold each article under its current key; deduplicated: a batch
    parsed twice under one extractor version stored the same rows twice."""
    try:
        return _read_table(cache_root, version, keys, table, batches)
    except (OSError, pl.exceptions.PolarsError):
        # Another run sharing this cache folded the batches listed (compact): listed again.
        return _read_table(cache_root, version, keys, table, batches)


def read_cached_tables(
    cache_root: Path,
    version: str,
    keys: Mapping[str, str],
    tables: Iterable[schema.Table],
    batches: set[str] | None = None,
) -> Iterator[tuple[schema.Table, pl.DataFrame]]:
    """Yields each of ``tables`` with its rows as :func:`read_cached_table` returns them, one table
    at a time; the batches holding the articles are looked up once for all of them (each lookup
    scans every batch's ``_inputs`` file: hundreds after a full run's parse)."""
    current: pl.DataFrame | None = None
    for table in tables:
        try:
            if current is None:
                current = _current(cache_root, version, keys, batches)
                _check_listed(cache_root, version, current, batches)
            frame = _table_rows(cache_root, version, current, table)
        except (OSError, pl.exceptions.PolarsError):
            # Another run sharing this cache folded the batches listed (compact): listed again,
            # by the articles' keys (a fold keeps every article's rows under its key, in a batch
            # of another name: a full refresh's own batch names may be gone).
            current = _current(cache_root, version, keys, None)
            frame = _table_rows(cache_root, version, current, table)
        yield table, frame


def _check_listed(cache_root: Path, version: str, current: pl.DataFrame, batches: set[str] | None) -> None:
    """Raises FileNotFoundError when a batch of ``batches`` (the caller's own) is no longer stored:
    another run sharing the cache folded it, and its articles must be found by their keys."""
    if batches is None:
        return
    stored = {f.stem for f in _files(cache_root, version, _DONE, batches)}
    if stored != batches - {""}:
        raise FileNotFoundError(f"extract cache: {len(batches - stored)} batches folded by another run")


def _read_table(
    cache_root: Path, version: str, keys: Mapping[str, str], table: schema.Table, batches: set[str] | None
) -> pl.DataFrame:
    return _table_rows(cache_root, version, _current(cache_root, version, keys, batches), table)


def _table_rows(cache_root: Path, version: str, current: pl.DataFrame, table: schema.Table) -> pl.DataFrame:
    """Returns the rows of ``table`` of the batches and articles ``current`` (:func:`_current`) names."""
    if current.is_empty():
        return schema.empty(table)
    if table.name == _DONE.name:
        return schema.conform(current.drop("_batch").unique(maintain_order=True), table)
    listed = set(current["_batch"].to_list())
    files = _files(cache_root, version, table, listed)
    if len(files) < len(listed):
        # A batch listed a moment ago is gone: another run sharing the cache folded it. Raised,
        # so the caller lists again, never a table silently short of those articles' rows.
        raise FileNotFoundError(f"extract cache: {len(listed) - len(files)} batches of {table.name} folded")
    return _rows_of(files, current, table)


def cached_ids(cache_root: Path, version: str, keys: Mapping[str, str]) -> set[str]:
    """Returns the articles of ``keys`` (article id → cache key) whose extraction under that key is
    complete in the cache."""
    current = _current(cache_root, version, keys, None)
    ok = _drop_damaged_batches(cache_root, version, set(current["_batch"].to_list()))
    return set(current.filter(pl.col("_batch").is_in(list(ok)))["article_id"].to_list())


def read_cached(cache_root: Path, version: str, keys: Mapping[str, str]) -> dict[str, pl.DataFrame]:
    """Returns the cached intermediate frames of the articles of ``keys`` (article id → cache key;
    all tables), plus a frame ``_inputs`` of the articles the cache holds results for."""
    return {t.name: read_cached_table(cache_root, version, keys, t) for t in (*schema.EXTRACT_TABLES, _DONE)}


def write_cached(
    cache_root: Path, version: str, frames: dict[str, pl.DataFrame], done: Mapping[str, str]
) -> str:
    """Stores one batch's intermediate frames for the articles of ``done`` (article id → cache
    key), keyed by the hash of those ids and keys; returns that key ('' for an empty batch)."""
    if not done:
        return ""
    base = cache_dir_for(cache_root, version)
    ids = sorted(done)
    key = sha256_hex("\n".join(f"{i}\x1f{done[i]}" for i in ids))[:16]
    for t in schema.EXTRACT_TABLES:
        write_parquet(frames[t.name], base / t.name / f"{key}.parquet")
    # Written last: an article counts as cached only once all its tables are on disk.
    write_parquet(
        pl.DataFrame(
            {"article_id": ids, "cache_key": [done[i] for i in ids]},
            schema={"article_id": pl.String, "cache_key": pl.String},
        ),
        base / _DONE.name / f"{key}.parquet",
    )
    return key


def cached_keys(cache_root: Path, version: str) -> set[tuple[str, str]]:
    """Returns every (article id, cache key) whose extraction is complete in the cache of
    ``version`` (one scan, for a caller that learns its articles one chunk at a time)."""
    files = _files(cache_root, version, _DONE, None)
    if not files:
        return set()
    try:
        done = pl.scan_parquet(files).select("article_id", "cache_key").unique().collect()
    except (OSError, pl.exceptions.PolarsError):
        files = _readable(files, ["article_id", "cache_key"])
        if not files:
            return set()
        done = pl.scan_parquet(files).select("article_id", "cache_key").unique().collect()
    return set(zip(done["article_id"].to_list(), done["cache_key"].to_list(), strict=True))


# Beyond this many batches the cache is compacted (:func:`compact`): every run reads each table
# back from all of them, a file at a time costing milliseconds (a 4× corpus left 360 batches,
# five tables each: ~2 s of a rerun that parses 34 articles).
MAX_BATCHES = 64


def compact(
    cache_root: Path,
    version: str,
    keys: Mapping[str, str],
    prefer: set[str] | None = None,
    max_batches: int = MAX_BATCHES,
    min_age_s: float = 600.0,
    own: set[str] | None = None,
) -> int:
    """Folds the stored batches that hold only articles of ``keys`` (article id → cache key) under
    those keys into one batch, when the cache holds more than ``max_batches``; returns the number
    of batches folded (0: nothing done). Each article's rows come from one of its batches (a batch
    parsed twice stored the same rows twice; those of the batches ``prefer`` names first: a full
    refresh keeps what it parsed itself). A batch that holds another article, or one under
    another key, is left as it is. Crash-safe: the folded batch counts once its ``_inputs`` file
    is written, the old ones are removed after it (meanwhile both hold the same rows, which
    :func:`read_cached_table` deduplicates). Only batches older than ``min_age_s`` are folded, but
    for those ``own`` names (the caller's run wrote and read them back already): a run sharing
    this cache may be about to read back the batches it just wrote."""
    done = _files(cache_root, version, _DONE, None)
    if len(done) <= max_batches or not keys:
        return 0
    want = pl.DataFrame(
        {"article_id": list(keys), "cache_key": list(keys.values())},
        schema={"article_id": pl.String, "cache_key": pl.String},
    )
    base = cache_dir_for(cache_root, version)
    try:
        stored = (
            pl.scan_parquet(done, include_file_paths=_FILE)
            .select(_batch_of(_FILE), "article_id", "cache_key")
            .collect()
        )
        foreign = set(stored.join(want, on=["article_id", "cache_key"], how="anti")["_batch"].to_list())
        now = time.time()
        mine = own or set()
        foreign |= {f.stem for f in done if f.stem not in mine and now - f.stat().st_mtime < min_age_s}
        ok = _drop_damaged_batches(cache_root, version, set(stored["_batch"].to_list()) - foreign)
        if len(ok) < 2:
            return 0
        # One batch per article: the first in file order, as a read would meet it (``prefer`` first).
        pick = stored.filter(pl.col("_batch").is_in(list(ok)))
        if prefer:
            pick = pick.sort(~pl.col("_batch").is_in(list(prefer)), maintain_order=True)
        pick = pick.unique("article_id", keep="first", maintain_order=True)
        pairs = sorted(zip(pick["article_id"].to_list(), pick["cache_key"].to_list(), strict=True))
        key = sha256_hex("\n".join(f"{i}\x1f{k}" for i, k in pairs))[:16]
        for t in schema.EXTRACT_TABLES:
            files = [base / t.name / f"{b}.parquet" for b in sorted(ok)]
            # Streamed, one article's rows from one batch: the corpus's rows are never all in
            # memory (a read conforms and deduplicates them as it does any batch's).
            sink_parquet(_scan_rows(files, pick), base / t.name / f"{key}.parquet")
        write_parquet(
            pl.DataFrame(
                {"article_id": [i for i, _ in pairs], "cache_key": [k for _, k in pairs]},
                schema={"article_id": pl.String, "cache_key": pl.String},
            ),
            base / _DONE.name / f"{key}.parquet",
        )
    except (OSError, pl.exceptions.PolarsError, ValueError) as err:  # an optimisation: never a failure
        log.warning("extract cache: not compacted (%s)", err)
        return 0
    for b in ok - {key}:
        # _inputs first: a crash leaves table files no batch names, never a batch without its rows.
        (base / _DONE.name / f"{b}.parquet").unlink(missing_ok=True)
        for t in schema.EXTRACT_TABLES:
            (base / t.name / f"{b}.parquet").unlink(missing_ok=True)
    log.info("extract cache: %d batches folded into one (%d articles)", len(ok), len(pairs))
    return len(ok)


def _scan_rows(files: list[Path], chosen: pl.DataFrame) -> pl.LazyFrame:
    """Returns the query of the rows in the batch files ``files`` whose (batch, article id) pair is
    in ``chosen`` (columns ``_batch``, ``article_id``)."""
    return (
        pl.scan_parquet(files, include_file_paths=_FILE)
        .with_columns(_batch_of(_FILE))
        .join(chosen.lazy().select("_batch", "article_id"), on=["_batch", "article_id"], how="semi")
        .drop(_FILE, "_batch")
    )


def _rows_of(files: list[Path], chosen: pl.DataFrame, table: schema.Table) -> pl.DataFrame:
    """Returns the rows of ``table`` in the batch files ``files`` whose (batch, article id) pair is
    in ``chosen`` (columns ``_batch``, ``article_id``), without repeats, conformed."""
    return schema.conform(_scan_rows(files, chosen).collect().unique(maintain_order=True), table)
