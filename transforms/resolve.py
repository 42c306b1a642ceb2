"""Cross-table helpers of the resolve stage: linking character spans to canonical entities."""

from __future__ import annotations

import polars as pl


def link_spans(frame: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Returns ``frame`` with a ``{prefix}_entity_id`` column added.

    A row's span ``[{prefix}_start, {prefix}_end)`` links to the entity of the linked mention of
    the same article that overlaps it most (ties: the earlier mention). Rows without a span, or
    whose span overlaps no linked mention, get null. ``entity_mentions`` needs article_id,
    entity_id, start and end.
    """
    s, e, out = f"{prefix}_start", f"{prefix}_end", f"{prefix}_entity_id"
    indexed = frame.with_row_index("__row")
    spans = indexed.select("__row", "article_id", s, e).drop_nulls([s, e])
    mentions = entity_mentions.select(
        "article_id",
        pl.col("entity_id").alias("__eid"),
        pl.col("start").alias("__ms"),
        pl.col("end").alias("__me"),
    ).drop_nulls("__eid")
    best = (
        spans.join(mentions, on="article_id", how="inner")
        .with_columns(
            (
                pl.min_horizontal(pl.col(e), pl.col("__me")) - pl.max_horizontal(pl.col(s), pl.col("__ms"))
            ).alias("__overlap")
        )
        .filter(pl.col("__overlap") > 0)
        .sort(["__row", "__overlap", "__ms"], descending=[False, True, False])
        .group_by("__row", maintain_order=True)
        .first()
        .select("__row", pl.col("__eid").alias(out))
    )
    return indexed.join(best, on="__row", how="left").sort("__row").drop("__row")
