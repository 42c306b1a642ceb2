"""The per-corpus step: the per-article rows become the published ``quotes`` table (speakers linked
to entities, identical quotes grouped across articles)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import polars as pl

from transforms import schema
from transforms.ids import stable_id
from transforms.resolve import link_spans

_QUOTE_CHARS = re.compile(r"[\"'“”‘’«»„‟‚`]")


def normalise_quote(text: str) -> str:
    """Returns a quote's text folded for grouping: case, accents, quotation marks, punctuation, spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _QUOTE_CHARS.sub("", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def resolve_quotes(
    x_quotes: pl.DataFrame, entity_mentions: pl.DataFrame, entities: pl.DataFrame
) -> pl.DataFrame:
    """Returns the published ``schema.QUOTES`` table (conformed).

    quote_id hashes article and offsets; the speaker span links to an entity through
    ``link_spans`` (unnamed, group and unresolved speakers and quotes without one are not linked); ``speaker`` is
    the entity's canonical name where linked, else the phrase as written; identical quotes (after
    :func:`normalise_quote`) share ``quote_group_id``, and ``n_articles`` counts the group's
    articles. ``event_id`` is left for the events stage.
    """
    if x_quotes.height == 0:
        return schema.empty(schema.QUOTES)
    linkable = pl.col("speaker_method").is_in(["unnamed", "group", "unresolved", "none"]).not_()
    spans = x_quotes.with_columns(
        pl.when(linkable).then(pl.col("speaker_start")).otherwise(None).alias("link_start"),
        pl.when(linkable).then(pl.col("speaker_end")).otherwise(None).alias("link_end"),
    )
    linked = link_spans(spans, "link", entity_mentions)
    names = entities.select(pl.col("entity_id").alias("link_entity_id"), pl.col("name").alias("__name"))
    linked = linked.join(names, on="link_entity_id", how="left")
    out = linked.with_columns(
        pl.struct("article_id", "start", "end")
        .map_elements(lambda r: stable_id("q", r["article_id"], r["start"], r["end"]), return_dtype=pl.String)
        .alias("quote_id"),
        pl.col("text")
        .map_elements(lambda t: stable_id("qg", normalise_quote(t)), return_dtype=pl.String)
        .alias("quote_group_id"),
        pl.coalesce(pl.col("__name"), pl.col("speaker_text")).alias("speaker"),
        pl.col("link_entity_id").alias("speaker_entity_id"),
    )
    out = out.with_columns(
        pl.col("article_id").n_unique().over("quote_group_id").cast(pl.Int64).alias("n_articles")
    )
    return schema.conform(out, schema.QUOTES)


def quote_rows_to_frame(rows: Iterable[dict[str, object]]) -> pl.DataFrame:
    """Returns x_quotes rows as a conformed ``schema.X_QUOTES`` frame."""
    return schema.conform(pl.DataFrame(list(rows), schema=schema.X_QUOTES.polars_schema), schema.X_QUOTES)
