"""The clean step over a frame of raw articles: cleaned articles plus quarantine rows.

It has two parts. The per-article part (:func:`clean_texts`) reads nothing but the article's own
raw text: boilerplate, metadata found in the text, the language verdict and the MinHash signature.
Its rows are keyed by :func:`text_key`, so they can be cached by content and computed anywhere (the
flow runs them in the parse workers). The corpus-level part (:func:`clean_articles`) is small: in a
stable order it drops exact duplicates and, with ``english_only``, foreign texts, merges the file's
metadata and marks near-duplicates from the signatures; it is redone over every article on every
run, so an article that arrives later (or sorts earlier) is judged exactly as in a full clean.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl

from transforms import schema
from transforms.clean.boilerplate import clean_meta, clean_text
from transforms.clean.duplicates import NUM_PERM, mark_near_duplicates_from_signatures, signature
from transforms.clean.language import language_verdict
from transforms.ids import sha256_hex, stable_id

# The per-article clean results, one row per distinct raw text (see :func:`clean_texts`).
CLEANED_TEXT_SCHEMA: dict[str, pl.DataType] = {
    "text_key": pl.String(),
    "text": pl.String(),
    "removed": pl.List(pl.String()),
    "rules": pl.List(pl.String()),
    "title": pl.String(),
    "publisher": pl.String(),
    "credits": pl.List(pl.String()),
    "published_at": pl.Date(),
    "language": pl.String(),
    "foreign": pl.Boolean(),
    "language_detail": pl.String(),
    "minhash": pl.List(pl.UInt32()),
}


# Texts turned into Python strings at a time when a column of them is read (iterating a polars
# Series builds one list of up to 25,000 strings: the whole corpus, kept by the allocator after).
TEXT_SLICE = 256


def text_key(raw_text: str) -> str:
    """Returns the content key of a raw text: what the per-article clean results are keyed by."""
    return sha256_hex(raw_text)


def iter_texts(texts: pl.Series) -> Iterator[str]:
    """Yields the strings of ``texts`` in order, ``TEXT_SLICE`` of them in memory at a time."""
    for offset in range(0, texts.len(), TEXT_SLICE):
        yield from texts.slice(offset, TEXT_SLICE).to_list()


def text_keys(texts: pl.Series) -> list[str]:
    """Returns the content key (:func:`text_key`) of every text of ``texts``, in order."""
    return [text_key(t) for t in iter_texts(texts)]


def clean_one(raw_text: str) -> dict[str, Any]:
    """Returns the per-article clean results of one raw text (a row of ``CLEANED_TEXT_SCHEMA``);
    the language fields and the signature are null when nothing is left of the text."""
    c = clean_text(raw_text)
    row: dict[str, Any] = {
        "text_key": text_key(raw_text),
        "text": c.text,
        "removed": c.removed,
        "rules": c.rules,
        "title": c.title,
        "publisher": c.publisher,
        "credits": c.credits,
        "published_at": c.published_at,
        "language": None,
        "foreign": None,
        "language_detail": None,
        "minhash": None,
    }
    if c.text.strip():
        verdict = language_verdict(c.text)
        row.update(
            language=verdict.language,
            foreign=verdict.foreign,
            language_detail=verdict.detail(),
            minhash=signature(c.text),
        )
    return row


def clean_texts(raw_texts: Sequence[str]) -> pl.DataFrame:
    """Returns the per-article clean results of the raw texts, one row per distinct text
    (``CLEANED_TEXT_SCHEMA``)."""
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for t in raw_texts:
        key = text_key(t)
        if key not in seen:
            seen.add(key)
            rows.append(clean_one(t))
    return pl.DataFrame(rows, schema=CLEANED_TEXT_SCHEMA)


def clean_articles(
    raw: pl.DataFrame,
    english_only: bool = True,
    cleaned: pl.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> tuple[pl.DataFrame, list[dict[str, object]]]:
    """Returns (articles, quarantine rows) from ``schema.RAW_ARTICLES`` rows.

    ``cleaned`` holds the per-article results (:func:`clean_texts`) of the raw texts; those it
    lacks (all when None) are computed here. Metadata given by the file wins over what the text
    yields. An exact duplicate of an earlier article (same cleaned text) and, with ``english_only``,
    a text not in English are quarantined; near-duplicates stay, with ``duplicate_of`` set. Rows are
    processed in (source_path, record) order so "earlier" is stable.

    ``keys``: the text keys of ``raw``'s rows in that order, when the caller has them; ``raw`` may
    then lack its ``text`` column (it is not read), and ``cleaned`` must hold every key.
    """
    ordered = raw.sort(["source_path", "record"], nulls_last=False)
    if keys is None:
        keys = text_keys(ordered["text"])
        table = _per_text(ordered["text"], keys, cleaned)
    else:
        table = cleaned if cleaned is not None else pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)
    ordered = ordered.drop("text", strict=False)  # the keys stand for it from here
    # The signatures and the clean texts stay in Arrow (128 Python ints per article would cost
    # kilobytes each; a Python copy of every text would double the corpus in memory): per text,
    # only what the loop decides by, the texts joined back by key at the end.
    per: dict[str, dict[str, Any]] = {}
    for r in table.drop("minhash").iter_rows(named=True):
        text = str(r.pop("text"))
        r["blank"], r["article_id"], r["n_chars"] = not text.strip(), stable_id("a", text), len(text)
        per[r["text_key"]] = r
    rows: list[dict[str, object]] = []
    kept: list[str] = []
    quarantine: list[dict[str, object]] = []
    seen: dict[str, str] = {}
    for rec, key in zip(ordered.iter_rows(named=True), keys, strict=True):
        c = per[key]
        where = rec["source_path"] + (f"#{rec['record']}" if rec["record"] is not None else "")
        if c["blank"]:
            quarantine.append(_q(rec, "no_text", "nothing left after removing boilerplate"))
            continue
        if english_only and c["foreign"]:
            quarantine.append(_q(rec, "not_english", str(c["language_detail"])))
            continue
        article_id = c["article_id"]
        if article_id in seen:
            quarantine.append(_q(rec, "exact_duplicate", f"same text as {seen[article_id]}"))
            continue
        seen[article_id] = where
        published = rec["published_at"] or c["published_at"]
        method = "metadata" if rec["published_at"] else ("dateline" if published else "none")
        if method == "none" and rec.get("published_at_problem"):
            method = "invalid_metadata"  # the file gave a date, refused at ingest (see raw_articles)
        kept.append(key)
        rows.append(
            {
                "article_id": article_id,
                "source_path": rec["source_path"],
                "source_id": rec["source_id"],
                "url": rec["url"],
                "title": clean_meta(rec["title"]) or c["title"],
                "publisher": clean_meta(rec["publisher"]) or c["publisher"],
                "credits": c["credits"],
                "published_at": published,
                "published_at_method": method,
                "language": c["language"],
                "raw_sha256": rec["raw_sha256"],
                "boilerplate_removed": c["removed"],
                "boilerplate_rules": c["rules"],
                "n_chars": c["n_chars"],
            }
        )
    ids = [str(r["article_id"]) for r in rows]
    sigs = (
        pl.DataFrame({"text_key": kept}, schema={"text_key": pl.String()})
        .join(table.select("text_key", "minhash"), on="text_key", how="left", maintain_order="left")
        .get_column("minhash")
        .list.to_array(NUM_PERM)
        .to_numpy()
    )
    dup_of, scores = mark_near_duplicates_from_signatures(ids, sigs)
    for r, d, s in zip(rows, dup_of, scores, strict=True):
        r["duplicate_of"], r["duplicate_score"] = d, s
    if not rows:
        return schema.conform(schema.empty(schema.ARTICLES), schema.ARTICLES), quarantine
    # The last row of a text key decides, as in ``per`` (a copy of every text only when a key repeats).
    texts = table.select("text_key", "text")
    if texts.get_column("text_key").is_duplicated().any():
        texts = texts.unique("text_key", keep="last", maintain_order=True)
    without_text = {k: v for k, v in schema.ARTICLES.polars_schema.items() if k != "text"}
    # Put in the table's order before the texts join (article ids are unique here): ``conform``
    # then finds it sorted and does not copy the texts once more.
    frame = (
        pl.DataFrame(rows, schema=without_text)
        .with_columns(pl.Series("text_key", kept, dtype=pl.String()))
        .sort(list(schema.ARTICLES.sort_by), nulls_last=True, maintain_order=True)
        .join(texts, on="text_key", how="left", maintain_order="left")
        .drop("text_key")
    )
    return schema.conform(frame, schema.ARTICLES), quarantine


def _per_text(raw_texts: pl.Series, keys: Sequence[str], cleaned: pl.DataFrame | None) -> pl.DataFrame:
    """Returns the per-article clean results of every raw text (one row per text key; ``keys``:
    theirs), from ``cleaned`` where it has them, computed here for the rest (the texts are read a
    slice at a time: a polars Series is not copied into one Python list)."""
    known = cleaned if cleaned is not None else pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)
    have = set(known["text_key"].to_list())
    missing = [t for t, k in zip(iter_texts(raw_texts), keys, strict=True) if k not in have]
    if not missing:
        return known
    return pl.concat([known.select(list(CLEANED_TEXT_SCHEMA)), clean_texts(missing)])


def _q(rec: dict[str, Any], reason: str, detail: str) -> dict[str, object]:
    return {
        "source_path": rec["source_path"],
        "record": rec["record"],
        "reason": reason,
        "detail": detail,
        "size_bytes": rec["size_bytes"],
    }
