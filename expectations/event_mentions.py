"""Suite of ``event_mentions``: each mention's sentence and trigger by offsets, and its event."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, computed, exists, offsets_in_text, text_matches, warning
from transforms import schema

TABLE = schema.EVENT_MENTIONS


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship, offset and provenance checks (rejecting) and the trigger check (soft)."""
    return [
        exists(frame, refs, "article_id", "articles", "article_id"),
        exists(frame, refs, "event_id", "events", "event_id"),
        offsets_in_text(frame, refs, "start", "end"),
        text_matches(frame, refs, "start", "end", "sentence"),
        offsets_in_text(frame, refs, "trigger_start", "trigger_end"),
        text_matches(frame, refs, "trigger_start", "trigger_end", "trigger"),
        computed(
            "trigger_in_sentence",
            "start ≤ trigger_start and trigger_end ≤ end",
            "trigger outside its sentence",
            "warn",
            frame,
            (pl.col("trigger_start") >= pl.col("start")) & (pl.col("trigger_end") <= pl.col("end")),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the count ranges (soft): a stated count is never negative."""
    return [warning(gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)) for c in schema.EVENT_COUNTS]
