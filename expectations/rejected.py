"""Suite of ``rejected`` rows handed in by an earlier stage (the runner appends its own after)."""

from __future__ import annotations

import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo
from transforms import schema

TABLE = schema.REJECTED


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns no row checks."""
    return []


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns no extra expectations: the schema's are enough."""
    return []
