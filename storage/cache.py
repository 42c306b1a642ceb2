"""The extraction cache: one Parquet file per intermediate table and batch, under the extractor
version (``<cache>/extract/<version>/<table>/<batch key>.parquet``).

An article counts as cached once its batch's ``_done`` file exists, which is written last.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from storage.files import write_parquet
from transforms import schema
from transforms.ids import sha256_hex

_DONE = schema.Table(
    name="_done",
    description="Articles whose extraction is complete in the cache.",
    columns=(schema.Column("article_id", pl.String(), False, "The article."),),
    key=("article_id",),
    sort_by=("article_id",),
    published=False,
)


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
