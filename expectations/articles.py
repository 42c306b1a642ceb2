"""Suite of ``articles``: the root table every offset points into, so it has no rejecting checks."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, computed, warning
from transforms import schema

TABLE = schema.ARTICLES


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the soft checks of articles (rejecting an article would orphan all its rows)."""
    return [
        computed(
            "n_chars_is_text_length",
            "n_chars == len(text)",
            "n_chars differs from len(text)",
            "warn",
            frame,
            pl.col("n_chars") == pl.col("text").str.len_chars(),
        ),
        computed(
            "text_not_empty",
            "text has at least one character",
            "empty text",
            "warn",
            frame,
            pl.col("text").str.len_chars() > 0,
        ),
        computed(
            "published_at_not_after_run",
            f"published_at is not after the run date ({run.run_date.isoformat()})",
            "published_at after the run date",
            "warn",
            frame,
            pl.col("published_at") <= pl.lit(run.run_date),
        ),
        computed(
            "duplicate_of_exists",
            "duplicate_of is an article_id of articles",
            "duplicate_of not found in articles",
            "warn",
            frame,
            pl.col("duplicate_of").is_in(frame.get_column("article_id").implode()),
        ),
        computed(
            "boilerplate_rules_align",
            "boilerplate_rules has one rule per piece of boilerplate_removed",
            "boilerplate_rules and boilerplate_removed differ in length",
            "warn",
            frame,
            pl.col("boilerplate_rules").list.len() == pl.col("boilerplate_removed").list.len(),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the native soft expectations of articles."""
    return [
        warning(gxe.ExpectColumnValuesToBeBetween(column="duplicate_score", min_value=0.0, max_value=1.0)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="n_chars", min_value=1)),
    ]
