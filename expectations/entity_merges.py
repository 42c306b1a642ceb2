"""Suite of ``entity_merges``: the audit trail of which alias joined which entity, and why."""

from __future__ import annotations

import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, exists
from transforms import schema

TABLE = schema.ENTITY_MERGES


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns the relationship check of entity_merges: its entity exists (rejecting)."""
    return [exists(frame, refs, "entity_id", "entities", "entity_id")]


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns no extra expectations: the schema's are enough."""
    return []
