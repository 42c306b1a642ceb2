"""What a release says about itself besides its tables: the dataset card (README.md),
CITATION.cff, datapackage.json and load.sql, written into the staging release before the switch.
The card's changelog compares with the current release, its accuracy section reads every
``evaluation/*.json`` kept under the out location (refreshed on every release)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from storage.files import write_json, write_text
from storage.partitions import read_columns, read_table, release_files, table_path
from storage.stores import ReleaseStore
from transforms import card, datapackage, schema

CONTACT_ENV = "NEWSFACTS_CONTACT"


def evaluations(store: ReleaseStore) -> dict[str, dict[str, Any]]:
    """Returns the latest figures of every evaluated part (``evaluation/<part>.json``) by part."""
    found: dict[str, dict[str, Any]] = {}
    for name in store.list_names("evaluation"):
        if name.endswith(".json") and not name.startswith("."):
            obj = store.read_json(f"evaluation/{name}")
            if obj:
                found[name.removesuffix(".json")] = dict(obj)
    return found


def _keys(release: Path, skipped: list[Path] | None = None) -> dict[str, pl.DataFrame]:
    """Returns the key columns of each published table of ``release``; with ``skipped`` given, a
    damaged file is left out (added to it) and a table none of whose files reads is left out."""
    out = {}
    for t in schema.PUBLISHED_TABLES:
        try:
            cols = read_columns(release, t)
        except (OSError, pl.exceptions.PolarsError):
            if skipped is None:
                raise
            skipped.append(table_path(release, t.name))
            continue
        # a table without its key columns (not written from the schema) has no changelog row
        if cols is not None and set(t.key) <= set(cols):
            frame = read_table(release, t, list(t.key), skipped)
            if frame is not None:
                out[t.name] = frame
    return out


def _files_of(files: Mapping[str, Mapping[str, object]], name: str) -> dict[str, Mapping[str, object]]:
    """The manifest entries of table ``name`` (its one file, or its partition files)."""
    one = f"{name}.parquet"
    return {k: v for k, v in files.items() if k == one or k.startswith(one + "/")}


def _read_keys(release: Path, rels: list[str], key: list[str], skipped: list[Path] | None) -> pl.DataFrame:
    """Returns the ``key`` columns of the files ``rels`` of ``release`` (a damaged one is left
    out and added to ``skipped`` when given, else raises)."""
    files = [release / r for r in sorted(rels)]
    if not files:
        return pl.DataFrame()
    try:  # one scan reads the files in parallel
        return pl.scan_parquet(files, hive_partitioning=False).select(key).collect()
    except (OSError, pl.exceptions.PolarsError):
        frames = []
        for f in files:
            try:
                frames.append(pl.read_parquet(f, columns=key, hive_partitioning=False))
            except (OSError, pl.exceptions.PolarsError):
                if skipped is None:
                    raise
                skipped.append(f)
        return pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()


def changes(staging: Path, current: Path | None) -> dict[str, dict[str, int]]:
    """Returns the changelog (rows, added, removed per table) of ``staging`` against ``current``.

    A file both manifests list with the same sha256 holds the same rows in both releases, and a
    key is in one file of a release (validation blocks duplicate keys): only the files that differ
    are read, so the cost follows what changed, not the history. Without file lists (an older
    release) the key columns of both releases are read whole."""
    new_files = release_files(staging)
    old_files = release_files(current) if current is not None else {}
    if current is None or not new_files or not old_files:
        return card.table_changes(_keys(staging), _keys(current, []) if current is not None else None)
    out: dict[str, dict[str, int]] = {}
    for t in schema.PUBLISHED_TABLES:
        mine, theirs = _files_of(new_files, t.name), _files_of(old_files, t.name)
        cols = read_columns(staging, t) if mine else None
        rows = [v.get("rows") for v in mine.values()]
        if cols is None or not set(t.key) <= set(cols):
            continue  # absent, or not written from the schema: no changelog row
        if not all(isinstance(r, int) for r in rows):
            return card.table_changes(_keys(staging), _keys(current, []))
        same = {k for k, v in mine.items() if k in theirs and theirs[k].get("sha256") == v.get("sha256")}
        key = list(t.key)
        a = _read_keys(staging, [k for k in mine if k not in same], key, None).unique()
        b = _read_keys(current, [k for k in theirs if k not in same], key, []).unique()
        # A side with no differing files is a frame without columns (a day added or removed): no join.
        both = a.height > 0 and b.height > 0
        out[t.name] = {
            "rows": sum(r for r in rows if isinstance(r, int)),
            "added": a.join(b, on=key, how="anti", nulls_equal=True).height if both else a.height,
            "removed": b.join(a, on=key, how="anti", nulls_equal=True).height if both else b.height,
        }
    return out


def write_docs(
    store: ReleaseStore,
    staging: Path,
    man: Mapping[str, Any],
    validation_md: str,
    current: Path | None,
    publish_text: str,
) -> None:
    """Writes README.md (the card), CITATION.cff, datapackage.json and load.sql into ``staging``."""
    contact = os.environ.get(CONTACT_ENV) or None
    have = set(read_columns(staging, schema.ARTICLES) or [])
    # only what the coverage counts: not the texts
    articles = read_table(staging, schema.ARTICLES, [c for c in card.COVERAGE_COLUMNS if c in have] or None)
    quarantine = read_table(staging, schema.QUARANTINE)
    articles = schema.empty(schema.ARTICLES) if articles is None else articles
    quarantine = schema.empty(schema.QUARANTINE) if quarantine is None else quarantine
    text = card.dataset_card(
        man,
        quarantine,
        cov=card.coverage(articles),
        # a damaged file of the current release (it is being replaced) drops out of the changelog
        changes=changes(staging, current),
        previous=current.name if current is not None else None,
        evaluations=evaluations(store),
        validation_md=validation_md,
        publish_text=publish_text,
        contact=contact,
    )
    write_text(text, staging / "README.md")
    write_text(card.citation_cff(man, contact), staging / "CITATION.cff")
    write_json(datapackage.datapackage(man), staging / "datapackage.json")
    write_text(datapackage.load_sql(man), staging / "load.sql")
