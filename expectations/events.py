"""Suite of ``events``: coded events, their parties as entities and the articles that report them."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, all_exist, computed, exists, warning
from transforms import schema

TABLE = schema.EVENTS

# a future date is legitimate for these: "the summit will take place on ..."
FUTURE_MODALITIES = ("planned", "hypothetical")


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship checks (rejecting) and the date and count checks (soft)."""
    return [
        all_exist(frame, refs, "article_ids", "articles", "article_id"),
        exists(frame, refs, "actor_entity_id", "entities", "entity_id"),
        exists(frame, refs, "target_entity_id", "entities", "entity_id"),
        exists(frame, refs, "location_entity_id", "entities", "entity_id"),
        computed(
            "event_date_not_after_run",
            f"event_date is not after the run date ({run.run_date.isoformat()}) "
            "unless planned or hypothetical",
            "event_date after the run date",
            "warn",
            frame,
            (pl.col("event_date") <= pl.lit(run.run_date)) | pl.col("modality").is_in(FUTURE_MODALITIES),
        ),
        computed(
            "date_method_none_iff_no_date",
            "date_method is 'none' or 'unanchored' exactly when event_date is empty",
            "date_method and event_date disagree",
            "warn",
            frame,
            pl.col("event_date").is_null() == pl.col("date_method").is_in(["none", "unanchored"]),
        ),
        computed(
            "n_articles_is_len_article_ids",
            "n_articles == len(article_ids)",
            "n_articles differs from len(article_ids)",
            "warn",
            frame,
            pl.col("n_articles") == pl.col("article_ids").list.len(),
        ),
        computed(
            "count_text_iff_counts",
            "count_text is set exactly when a count is",
            "count_text and the counts disagree",
            "warn",
            frame,
            pl.col("count_text").is_not_null()
            == pl.any_horizontal([pl.col(c).is_not_null() for c in schema.EVENT_COUNTS]),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the native range expectations of events (soft)."""
    return [
        warning(gxe.ExpectColumnValuesToBeBetween(column="n_articles", min_value=1)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="n_mentions", min_value=1)),
        *(warning(gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)) for c in schema.EVENT_COUNTS),
    ]
