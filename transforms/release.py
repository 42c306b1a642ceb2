"""What a release says about itself: its id, manifest and dataset card (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from transforms import __version__
from transforms.ids import sha256_hex


def input_fingerprint(raw_index: pl.DataFrame) -> str:
    """Returns a hash of the input corpus: every (source_path, record, raw_sha256), order-free."""
    if raw_index.is_empty():
        return sha256_hex("")[:16]
    rows = sorted(
        f"{r['source_path']}\x1f{r['record']}\x1f{r['raw_sha256']}" for r in raw_index.iter_rows(named=True)
    )
    return sha256_hex("\n".join(rows))[:16]


def content_fingerprint(file_hashes: Mapping[str, str]) -> str:
    """Returns a hash of the release's table files (name → sha256), which names its content."""
    return sha256_hex("\n".join(f"{k}={v}" for k, v in sorted(file_hashes.items())))[:16]


def release_id(created_at: dt.datetime, content: str) -> str:
    """Returns a release id that sorts by time and names the content: ``YYYYMMDDTHHMMSSZ-<hash8>``."""
    return f"{created_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{content[:8]}"


def after_latest(now: dt.datetime, release_ids: Sequence[str]) -> dt.datetime:
    """Returns the creation time of a new release: ``now``, or one second after the latest existing
    release when that is not earlier (two releases in one second, or a clock set back), so ids keep
    sorting in publication order and rollback and pruning find the right neighbour."""
    latest = max((i.split("-", 1)[0] for i in release_ids), default=None)
    if latest is None:
        return now
    try:
        last = dt.datetime.strptime(latest, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return now  # a folder that is no release id
    return now if now.astimezone(dt.UTC).replace(microsecond=0) > last else last + dt.timedelta(seconds=1)


def manifest(
    *,
    release: str,
    created_at: dt.datetime,
    files: Mapping[str, Mapping[str, Any]],
    model: Mapping[str, str],
    extractor_version: str,
    input_fp: str,
    parameters: Mapping[str, Any],
    validation: Mapping[str, Any],
    counts: Mapping[str, Any],
) -> dict[str, Any]:
    """Returns the manifest.json content of a release: id, time, files with rows/bytes/sha256,
    the newsfacts version, the spaCy model, the input fingerprint and the validation verdict."""
    return {
        "release_id": release,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "newsfacts_version": __version__,
        "spacy_model": dict(model),
        "extractor_version": extractor_version,
        "input_fingerprint": input_fp,
        "files": {k: dict(v) for k, v in sorted(files.items())},
        "parameters": dict(parameters),
        "validation": dict(validation),
        "counts": dict(counts),
    }
