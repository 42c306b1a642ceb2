"""The entity registry on disk: what the resolve stage leaves under the cache folder for the next run.

``<cache>/registry/current.json`` names the version folder ``<cache>/registry/v-<key>/`` that holds
the resolved tables of the articles covered (``entities`` is the registry's canonical entities,
beside ``entity_merges``, ``entity_mentions``, ``quotes``, ``events``, ``event_mentions``), the alias
index ``entity_aliases`` and ``registry_articles`` (each article with a digest of its extracted
rows). A version is written whole in a temporary folder and renamed into place, then the pointer is
replaced: a crash leaves the previous version current. ``meta`` in the pointer says which code
built it (a registry built by other code is not used: the next run resolves everything).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from storage.files import read_json, read_parquet, write_json, write_parquet
from transforms import schema
from transforms.increment import RESOLVED

POINTER = "current.json"


def _root(cache_root: Path) -> Path:
    return cache_root / "registry"


def article_signatures(x_tables: dict[str, pl.DataFrame], days: pl.DataFrame | None = None) -> pl.DataFrame:
    """Returns ``schema.REGISTRY_ARTICLES`` rows: each article of the x tables with a digest of its
    rows in all of them (order-independent) and of its publication day in ``days`` (article_id,
    ``__pub``), so a re-extracted or re-dated article is seen as changed (undated event ids carry
    the day)."""
    parts = []
    for name, frame in sorted(x_tables.items()):
        cols = sorted(c for c in frame.columns if c != "article_id")
        row = pl.struct([pl.col(c).cast(pl.String) for c in cols]).hash(seed=len(name))
        parts.append(frame.select("article_id", row.alias("__h")))
    if not parts:
        return schema.empty(schema.REGISTRY_ARTICLES)
    rows = (
        pl.concat(parts)
        .group_by("article_id")
        .agg(pl.col("__h").sort().cast(pl.String).str.join(",").alias("__s"))
    )
    if days is not None:
        day = days.select("article_id", pl.col("__pub").cast(pl.String).fill_null("-").alias("__d"))
        rows = rows.join(day, on="article_id", how="left").with_columns(
            pl.concat_str([pl.col("__s"), pl.col("__d").fill_null("-")], separator="|").alias("__s")
        )
    rows = rows.select("article_id", pl.col("__s").hash(seed=7).cast(pl.String).alias("signature"))
    return schema.conform(rows, schema.REGISTRY_ARTICLES)


def is_current(cache_root: Path, key: str) -> bool:
    """True when the current registry is version ``key`` (the resolve stage key that built it)."""
    pointer = read_json(_root(cache_root) / POINTER) or {}
    return pointer.get("version") == f"v-{key}" and (_root(cache_root) / f"v-{key}").is_dir()


def builder(cache_root: Path) -> str | None:
    """Returns the code fingerprint that built the current registry (None: no registry)."""
    pointer = read_json(_root(cache_root) / POINTER) or {}
    code = pointer.get("code")
    return code if isinstance(code, str) else None


def load(
    cache_root: Path,
    code: str | None,
    columns: Mapping[str, list[str]] | None = None,
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, str] | None:
    """Returns the current registry's resolved tables, its ``registry_articles`` and the code
    fingerprint that built it, or None when there is none, it is incomplete, or ``code`` is given
    and differs from its builder's. ``columns``: only these tables, with only these columns
    (a full re-resolve compares a few columns of two tables, not the whole registry)."""
    pointer = read_json(_root(cache_root) / POINTER)
    if not pointer or (code is not None and pointer.get("code") != code):
        return None
    folder = _root(cache_root) / str(pointer.get("version"))
    wanted = {n: None for n in RESOLVED} if columns is None else dict(columns)
    try:
        tables = {
            n: read_parquet(folder / f"{n}.parquet", schema.TABLES[n], cols) for n, cols in wanted.items()
        }
        arts = read_parquet(folder / "registry_articles.parquet", schema.REGISTRY_ARTICLES)
    except (OSError, pl.exceptions.PolarsError, ValueError):
        return None
    return tables, arts, str(pointer.get("code"))


def save(
    cache_root: Path,
    key: str,
    work_dir: Path,
    index: pl.DataFrame,
    articles: pl.DataFrame,
    meta: dict[str, Any],
) -> Path:
    """Makes the resolved tables in ``work_dir`` (with the alias ``index`` and ``articles``) the
    current registry, version ``key``; removes older versions. Returns the version folder.
    Always written whole, even when version ``key`` is current: the same input may resolve to other
    rows (a full re-resolve after an incremental one), and the registry must be what was resolved."""
    root = _root(cache_root)
    final = root / f"v-{key}"
    tmp = root / f".tmp-{key}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for n in RESOLVED:
        shutil.copy2(work_dir / f"{n}.parquet", tmp / f"{n}.parquet")
    write_parquet(index, tmp / "entity_aliases.parquet", schema.ENTITY_ALIASES)
    write_parquet(articles, tmp / "registry_articles.parquet", schema.REGISTRY_ARTICLES)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    write_json({**meta, "version": final.name}, root / POINTER)
    # Older versions go; not the one the pointer names now (another run sharing the cache may
    # have made its own current meanwhile), nor a folder another live run is still writing.
    current = str((read_json(root / POINTER) or {}).get("version", final.name))
    for old in root.iterdir():
        if old.is_dir() and old.name not in (final.name, current) and not _being_written(old):
            shutil.rmtree(old, ignore_errors=True)
    return final


def _being_written(folder: Path) -> bool:
    """True when ``folder`` is the temporary folder of a save by a process still alive (its name
    ends with that process's id)."""
    if not folder.name.startswith(".tmp-"):
        return False
    try:
        pid = int(folder.name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False  # this process saves one registry at a time: an old one of its own is stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, under another user
    return True
