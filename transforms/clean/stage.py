"""The clean step over a frame of raw articles: cleaned articles plus quarantine rows."""

from __future__ import annotations

from typing import Any

import polars as pl

from transforms import schema
from transforms.clean.boilerplate import clean_meta, clean_text
from transforms.clean.duplicates import mark_near_duplicates
from transforms.clean.language import language_verdict
from transforms.ids import stable_id


def clean_articles(
    raw: pl.DataFrame, english_only: bool = True
) -> tuple[pl.DataFrame, list[dict[str, object]]]:
    """Returns (articles, quarantine rows) from ``schema.RAW_ARTICLES`` rows.

    Metadata given by the file wins over what the text yields. An exact duplicate of an earlier
    article (same cleaned text) and, with ``english_only``, a text not in English are quarantined;
    near-duplicates stay, with ``duplicate_of`` set. Rows are processed in (source_path, record)
    order so "earlier" is stable.
    """
    rows: list[dict[str, object]] = []
    quarantine: list[dict[str, object]] = []
    seen: dict[str, str] = {}
    for rec in raw.sort(["source_path", "record"], nulls_last=False).iter_rows(named=True):
        c = clean_text(rec["text"])
        where = rec["source_path"] + (f"#{rec['record']}" if rec["record"] is not None else "")
        if not c.text.strip():
            quarantine.append(_q(rec, "no_text", "nothing left after removing boilerplate"))
            continue
        verdict = language_verdict(c.text)
        if english_only and verdict.foreign:
            quarantine.append(_q(rec, "not_english", verdict.detail()))
            continue
        article_id = stable_id("a", c.text)
        if article_id in seen:
            quarantine.append(_q(rec, "exact_duplicate", f"same text as {seen[article_id]}"))
            continue
        seen[article_id] = where
        published = rec["published_at"] or c.published_at
        method = "metadata" if rec["published_at"] else ("dateline" if published else "none")
        if method == "none" and rec.get("published_at_problem"):
            method = "invalid_metadata"  # the file gave a date, refused at ingest (see raw_articles)
        rows.append(
            {
                "article_id": article_id,
                "source_path": rec["source_path"],
                "source_id": rec["source_id"],
                "url": rec["url"],
                "title": clean_meta(rec["title"]) or c.title,
                "publisher": clean_meta(rec["publisher"]) or c.publisher,
                "credits": c.credits,
                "published_at": published,
                "published_at_method": method,
                "language": verdict.language,
                "text": c.text,
                "raw_sha256": rec["raw_sha256"],
                "boilerplate_removed": c.removed,
                "boilerplate_rules": c.rules,
                "n_chars": len(c.text),
            }
        )
    ids = [str(r["article_id"]) for r in rows]
    dup_of, scores = mark_near_duplicates(ids, [str(r["text"]) for r in rows])
    for r, d, s in zip(rows, dup_of, scores, strict=True):
        r["duplicate_of"], r["duplicate_score"] = d, s
    frame = (
        pl.DataFrame(rows, schema=schema.ARTICLES.polars_schema) if rows else schema.empty(schema.ARTICLES)
    )
    return schema.conform(frame, schema.ARTICLES), quarantine


def _q(rec: dict[str, Any], reason: str, detail: str) -> dict[str, object]:
    return {
        "source_path": rec["source_path"],
        "record": rec["record"],
        "reason": reason,
        "detail": detail,
        "size_bytes": rec["size_bytes"],
    }
