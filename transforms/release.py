"""What a release says about itself: its id, manifest and dataset card (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import polars as pl

from transforms import __version__, schema
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


def dataset_card(man: Mapping[str, Any], quarantine: pl.DataFrame, extra_sections: Mapping[str, str]) -> str:
    """Returns the release's README.md: what it is, its files, provenance, quarantine and the data
    dictionary generated from the schema module."""
    files: Mapping[str, Mapping[str, Any]] = man["files"]
    lines = [
        "# newsfacts release " + str(man["release_id"]),
        "",
        "Articles, entities, events and quotes extracted from news articles, validated before publication. "
        "Every mention, quote and event mention points into `articles.text` by character offsets "
        "(`text[start:end]`).",
        "",
        f"- Created: {man['created_at']}",
        f"- newsfacts {man['newsfacts_version']}; spaCy model `{man['spacy_model'].get('name')}` "
        f"{man['spacy_model'].get('version')} (spaCy {man['spacy_model'].get('spacy_version')})",
        f"- Input fingerprint: `{man['input_fingerprint']}`; extractor version `{man['extractor_version']}`",
        f"- Validation: **{man['validation'].get('verdict', 'unknown')}**",
        "",
        "## Files",
        "",
        "| file | rows | bytes | sha256 |",
        "|---|---:|---:|---|",
    ]
    for name, info in sorted(files.items()):
        lines.append(
            f"| `{name}` | {info.get('rows', '')} | {info.get('bytes', '')} | `{info.get('sha256', '')}` |"
        )
    lines += ["", "## Quarantined inputs", ""]
    if quarantine.is_empty():
        lines.append("None: every raw input became an article.")
    else:
        lines += ["| source_path | record | reason | detail |", "|---|---|---|---|"]
        for r in quarantine.iter_rows(named=True):
            rec = "" if r["record"] is None else r["record"]
            lines.append(f"| `{r['source_path']}` | {rec} | {r['reason']} | {r['detail']} |")
    for title, body in extra_sections.items():
        lines += ["", f"## {title}", "", body.strip()]
    lines += ["", "## Data dictionary", "", schema.data_dictionary()]
    return "\n".join(lines).rstrip() + "\n"
