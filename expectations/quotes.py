"""Suite of ``quotes``: the quoted words by offsets, the speaker entity and the event it was said at."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, computed, exists, offsets_in_text, text_matches, warning
from transforms import schema

TABLE = schema.QUOTES


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship, offset and provenance checks (rejecting) and soft consistency checks."""
    return [
        exists(frame, refs, "article_id", "articles", "article_id"),
        exists(frame, refs, "speaker_entity_id", "entities", "entity_id"),
        exists(frame, refs, "event_id", "events", "event_id"),
        offsets_in_text(frame, refs, "start", "end"),
        text_matches(frame, refs, "start", "end", "text"),
        offsets_in_text(frame, refs, "speaker_start", "speaker_end", nullable=True),
        computed(
            "speaker_only_with_method",
            "speaker is empty exactly when speaker_method is 'none'",
            "speaker and speaker_method disagree",
            "warn",
            frame,
            pl.col("speaker").is_null() == (pl.col("speaker_method") == "none"),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the native range expectations of quotes (soft)."""
    return [warning(gxe.ExpectColumnValuesToBeBetween(column="n_articles", min_value=1))]
