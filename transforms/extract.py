"""The extract stage's pure core: one spaCy parse per article feeds every extractor.

Each extractor reads the same ``Doc``; nothing parses a text twice. The rows returned follow the
intermediate tables of :mod:`transforms.schema` (``X_ENTITY_MENTIONS``, ``X_QUOTES``,
``X_EVENT_MENTIONS``); they are cached per article by ``article_id`` + :func:`extractor_version`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import polars as pl
from spacy.language import Language
from spacy.tokens import Doc

from transforms import entities, events, quotes, schema
from transforms.ids import sha256_hex
from transforms.nlp import parse


@dataclass(frozen=True)
class ArticleInput:
    """What the extractors need of one article: its id, clean text and publication date."""

    article_id: str
    text: str
    published_at: dt.date | None
    related: tuple[str, ...] = ()  # headlines of removed related-story links (alias evidence)


def extractor_version(model_name: str) -> str:
    """Returns a short hash of everything that changes extraction output.

    The model name, the extractor modules' ``VERSION`` constants and every lexicon file: editing a
    rule invalidates the cache by itself.
    """
    parts = [model_name, entities.VERSION, quotes.VERSION, events.VERSION]
    lex = resources.files("transforms.lexicons")
    for entry in sorted(lex.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            parts.append(entry.name + sha256_hex(entry.read_bytes()))
    return sha256_hex("\x1f".join(parts))[:12]


def extract_doc(doc: Doc, article: ArticleInput) -> dict[str, list[dict[str, object]]]:
    """Returns the rows of each intermediate table for one parsed article."""
    mentions = entities.mentions_from_doc(doc, article.article_id)
    return {
        "x_entity_mentions": mentions,
        "x_quotes": quotes.quotes_from_doc(doc, article.article_id, mentions),
        "x_event_mentions": events.events_from_doc(doc, article.article_id, mentions, article.published_at),
    }


def headline_aliases(
    nlp: Language, articles: Sequence[ArticleInput], batch_size: int = 32
) -> list[dict[str, object]]:
    """Returns the names the model finds in the articles' related-story headlines (short texts,
    only the NER runs on them), as ``X_ENTITY_ALIASES`` rows."""
    pairs = [(a.article_id, h) for a in articles for h in a.related]
    if not pairs:
        return []
    ner_only = [p for p in nlp.pipe_names if p not in ("ner", "tok2vec")]
    rows: list[dict[str, object]] = []
    with nlp.select_pipes(disable=ner_only):
        for (article_id, headline), doc in zip(
            pairs, nlp.pipe((h for _, h in pairs), batch_size=batch_size), strict=True
        ):
            for ent in doc.ents:
                if ent.label_ in schema.ENTITY_TYPES:
                    rows.append(
                        {
                            "article_id": article_id,
                            "text": ent.text,
                            "label": ent.label_,
                            "headline": headline,
                        }
                    )
    return rows


def extract_articles(
    nlp: Language, articles: Sequence[ArticleInput], batch_size: int = 32
) -> dict[str, pl.DataFrame]:
    """Parses the articles once each (in batches) and returns the intermediate frames, conformed."""
    rows: dict[str, list[dict[str, object]]] = {t.name: [] for t in schema.EXTRACT_TABLES}
    docs: Iterable[Doc] = parse(nlp, (a.text for a in articles), batch_size=batch_size)
    for doc, article in zip(docs, articles, strict=True):
        for name, found in extract_doc(doc, article).items():
            rows[name].extend(found)
    rows["x_entity_aliases"] = headline_aliases(nlp, articles, batch_size)
    return {
        t.name: schema.conform(pl.DataFrame(rows[t.name], schema=t.polars_schema), t)
        for t in schema.EXTRACT_TABLES
    }
