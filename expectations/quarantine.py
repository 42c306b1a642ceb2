"""Suite of ``quarantine``: raw inputs refused by ingest, each with a machine-readable reason."""

from __future__ import annotations

import great_expectations.expectations as gxe
import polars as pl
from great_expectations.expectations.expectation import Expectation

from expectations.common import Check, Refs, RunInfo, warning
from transforms import schema

TABLE = schema.QUARANTINE


def checks(frame: pl.DataFrame, refs: Refs, run: RunInfo) -> list[Check]:
    """Returns no row checks: quarantine rows point at raw files, not at other tables."""
    return []


def expectations(run: RunInfo) -> list[Expectation]:
    """Returns the native soft expectations of quarantine."""
    return [
        warning(gxe.ExpectColumnValuesToBeBetween(column="size_bytes", min_value=0)),
        warning(gxe.ExpectColumnValuesToBeBetween(column="record", min_value=1)),
    ]
