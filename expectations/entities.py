"""Suite of ``entities``: canonical entities, each pointing at the articles that mention it."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, all_exist, computed, warning
from transforms import schema

TABLE = schema.ENTITIES


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship check (rejecting) and the consistency checks (soft) of entities."""
    return [
        all_exist(frame, refs, "article_ids", "articles", "article_id"),
        computed(
            "n_articles_is_len_article_ids",
            "n_articles == len(article_ids)",
            "n_articles differs from len(article_ids)",
            "warn",
            frame,
            pl.col("n_articles") == pl.col("article_ids").list.len(),
        ),
        computed(
            "n_mentions_at_least_n_articles",
            "n_mentions ≥ n_articles",
            "fewer mentions than articles",
            "warn",
            frame,
            pl.col("n_mentions") >= pl.col("n_articles"),
        ),
        computed(
            "name_in_aliases",
            "the canonical name is one of the aliases",
            "name missing from aliases",
            "warn",
            frame,
            pl.col("aliases").list.contains(pl.col("name")),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the native range expectations of entities (soft)."""
    return [
        warning(gxe.ExpectColumnValuesToBeBetween(column="n_articles", min_value=1)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="n_mentions", min_value=1)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="latitude", min_value=-90.0, max_value=90.0)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="longitude", min_value=-180.0, max_value=180.0)),
    ]
