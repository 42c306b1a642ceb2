"""Cross-table helpers of the resolve stage: linking character spans to canonical entities (the one
place quotes and events link their spans)."""

from __future__ import annotations

import polars as pl


def _linked_mentions(entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """The mentions linked to an entity: article_id, ``__eid``, ``__ms`` (start), ``__me`` (end)."""
    return entity_mentions.select(
        "article_id",
        pl.col("entity_id").alias("__eid"),
        pl.col("start").alias("__ms"),
        pl.col("end").alias("__me"),
    ).drop_nulls("__eid")


# Spans meet the mentions of their article this many articles at a time: a join per article is a
# cross product (quotes × mentions), so doing the whole corpus at once costs memory as the history.
_ARTICLE_BLOCK = 256


def _span_pairs(
    indexed: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame, keep: pl.Expr
) -> pl.DataFrame:
    """Each row's span (``__row`` of ``indexed``) joined with the linked mentions of its article,
    the pairs filtered by ``keep``, computed by blocks of articles so the pairs in memory at once
    follow the block, not the corpus."""
    s, e = f"{prefix}_start", f"{prefix}_end"
    spans = indexed.select("__row", "article_id", s, e).drop_nulls([s, e])
    linked = _linked_mentions(entity_mentions)
    arts = spans.select(pl.col("article_id").unique().sort())
    blocks = arts.with_row_index("__b").select("article_id", (pl.col("__b") // _ARTICLE_BLOCK).alias("__b"))
    span_parts = spans.join(blocks, on="article_id").partition_by("__b", as_dict=True)
    ment_parts = linked.join(blocks, on="article_id").partition_by("__b", as_dict=True)
    out = [
        part.join(ment_parts[b], on="article_id", how="inner").filter(keep).drop("__b", "__b_right")
        for b, part in sorted(span_parts.items())
        if b in ment_parts
    ]
    empty = spans.head(0).join(linked.head(0), on="article_id", how="inner")
    return pl.concat([empty, *out]) if out else empty


def link_spans(frame: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Returns ``frame`` with a ``{prefix}_entity_id`` column added.

    A row's span ``[{prefix}_start, {prefix}_end)`` links to the entity of the linked mention of
    the same article that overlaps it most (ties: the earlier mention). Rows without a span, or
    whose span overlaps no linked mention, get null. ``entity_mentions`` needs article_id,
    entity_id, start and end.
    """
    s, e, out = f"{prefix}_start", f"{prefix}_end", f"{prefix}_entity_id"
    indexed = frame.with_row_index("__row")
    overlap = pl.min_horizontal(pl.col(e), pl.col("__me")) - pl.max_horizontal(pl.col(s), pl.col("__ms"))
    best = (
        _span_pairs(indexed, prefix, entity_mentions, overlap > 0)
        .with_columns(overlap.alias("__overlap"))
        .sort(["__row", "__overlap", "__ms"], descending=[False, True, False])
        .group_by("__row", maintain_order=True)
        .first()
        .select("__row", pl.col("__eid").alias(out))
    )
    return indexed.join(best, on="__row", how="left").sort("__row").drop("__row")


def link_span_entities(frame: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Returns ``frame`` with a ``{prefix}_ids`` column added: the entities of every linked mention
    that overlaps the span, in text order, each once (a coordinated party: "Britain and Canada");
    null where there is none. Same inputs as :func:`link_spans`."""
    s, e = f"{prefix}_start", f"{prefix}_end"
    indexed = frame.with_row_index("__row")
    ids = (
        _span_pairs(
            indexed, prefix, entity_mentions, (pl.col("__ms") < pl.col(e)) & (pl.col("__me") > pl.col(s))
        )
        .sort(["__row", "__ms"])
        .group_by("__row", maintain_order=True)
        .agg(pl.col("__eid").unique(maintain_order=True).alias(f"{prefix}_ids"))
    )
    return indexed.join(ids, on="__row", how="left").sort("__row").drop("__row")
