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
from storage.partitions import read_columns, read_table, table_path
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
    articles = read_table(staging, schema.ARTICLES)
    quarantine = read_table(staging, schema.QUARANTINE)
    articles = schema.empty(schema.ARTICLES) if articles is None else articles
    quarantine = schema.empty(schema.QUARANTINE) if quarantine is None else quarantine
    text = card.dataset_card(
        man,
        quarantine,
        cov=card.coverage(articles),
        # a damaged file of the current release (it is being replaced) drops out of the changelog
        changes=card.table_changes(_keys(staging), _keys(current, []) if current is not None else None),
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
