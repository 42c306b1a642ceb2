"""Suite of ``entity_mentions``: every mention points at its article by offsets and at its entity."""

from __future__ import annotations

import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, computed, exists, offsets_in_text, text_matches
from transforms import schema

TABLE = schema.ENTITY_MENTIONS


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship and provenance checks (rejecting) and the link-note check (soft)."""
    return [
        exists(frame, refs, "article_id", "articles", "article_id"),
        exists(frame, refs, "entity_id", "entities", "entity_id"),
        offsets_in_text(frame, refs, "start", "end"),
        text_matches(frame, refs, "start", "end", "text"),
        computed(
            "link_note_only_when_unlinked",
            "link_note is set only when entity_id is empty",
            "link_note on a linked mention",
            "warn",
            frame,
            pl.col("link_note").is_null() | pl.col("entity_id").is_null(),
        ),
    ]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns no extra expectations: the schema's and the checks are enough."""
    return []
