"""The per-article clean cache: the results of cleaning one raw text (``transforms.clean.clean_texts``
rows), kept by the text's content key under the code fingerprint
(``<cache>/clean/<code>/<batch key>.parquet``).

A run that cleans new texts adds one file of their rows; a lookup scans the files of the current
code for the keys it needs, so a new or changed raw record costs the clean of that record alone.
A change to any pipeline code starts a new folder (the clean rules, lexicons and everything they
import are part of the fingerprint); ``prune`` keeps the most recently used few.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from storage.files import write_parquet
from storage.stagecache import code_fingerprint
from transforms.clean.stage import CLEANED_TEXT_SCHEMA
from transforms.ids import sha256_hex


def clean_cache_dir(cache_root: Path, code: str | None = None) -> Path:
    """Returns the folder of the per-article clean results under the code fingerprint ``code``
    (the current code's when None)."""
    return cache_root / "clean" / (code or code_fingerprint())


def read_cleaned(cache_root: Path, keys: Iterable[str]) -> pl.DataFrame:
    """Returns the cached per-article clean results of the text keys ``keys`` (those the cache
    holds, one row each; ``CLEANED_TEXT_SCHEMA``)."""
    folder = clean_cache_dir(cache_root)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    want = pl.DataFrame({"text_key": sorted(set(keys))}, schema={"text_key": pl.String()})
    if not files or want.is_empty():
        return pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)
    os.utime(folder)  # recently used: kept by prune()
    return (
        pl.scan_parquet(files)
        .join(want.lazy(), on="text_key", how="semi")
        .unique(subset=["text_key"], keep="first", maintain_order=True)
        .collect()
        .select(list(CLEANED_TEXT_SCHEMA))
    )


def write_cleaned(cache_root: Path, rows: pl.DataFrame) -> str:
    """Stores per-article clean results (``CLEANED_TEXT_SCHEMA`` rows) in one file named by the
    hash of their keys; returns that name ('' when there is nothing to store). ``write_parquet``
    renames a temporary file into place: a crash never leaves a half file that a lookup reads."""
    if rows.is_empty():
        return ""
    name = sha256_hex("\n".join(sorted(rows["text_key"].to_list())))[:16]
    final = clean_cache_dir(cache_root) / f"{name}.parquet"
    write_parquet(rows.select(list(CLEANED_TEXT_SCHEMA)), final)
    return name


def prune(cache_root: Path, keep: int = 2) -> list[str]:
    """Removes the clean results of all but the ``keep`` most recently used code fingerprints;
    returns the fingerprints removed."""
    base = cache_root / "clean"
    if not base.is_dir():
        return []
    found = sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    old = found[keep:]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in old]
