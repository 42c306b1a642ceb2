"""Building blocks shared by the per-table suites.

A suite has two halves:

* **GX expectations read from the schema module**, all *critical* (a failure blocks the publish):
  the run-wide ``schema`` suite validates one row per table column (:func:`schema_rows`: expected vs
  actual polars type and position, nulls in non-nullable columns), so types are compared exactly
  rather than through pandas, in 4 expectations instead of ~150 per-column ones (GX costs ~10 ms
  per expectation); each table's suite checks value sets, regexes and the unique key
  (:func:`table_expectations`).
* **Row-level checks computed in polars** (:class:`Check`): relationships between tables, offsets
  inside the text, provenance (``articles.text[start:end]`` equals the span). Each one becomes a
  boolean ``check__<name>`` column of the frame GX validates, judged by
  ``expect_column_values_to_be_in_set([True])`` so that it shows in the Data Docs. A ``reject``
  check removes its failing rows into the ``rejected`` table; it only blocks the publish when more
  than ``max_row_loss`` of the whole table fails it (:func:`too_many_rejected`), which points at a
  bug, not a bad row. A ``warn`` check never removes rows. A ``block`` check (the table's key is
  unique over the whole table: :func:`key_unique`) blocks on any failing row.

Every check is computed over the whole table in polars, so GX may validate the rows of the changed
partitions only (:mod:`expectations.units`) and whole-table properties still hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

import great_expectations.expectations as gxe
import numpy as np
import polars as pl
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.metadata_types import FailureSeverity

from transforms import schema

CHECK_PREFIX = "check__"
# Partitions smaller than this in the previous release are not compared for drift: a few rows
# move with any extractor change.
MIN_DRIFT_ROWS = 20
# Rows of a table joined with their article texts at a time by the offset and provenance checks.
TEXT_JOIN_ROWS = 100_000

Action = Literal["reject", "warn", "block"]


@dataclass(frozen=True)
class RunInfo:
    """What a suite needs to know about the run besides the frame itself."""

    run_date: date
    max_row_loss: float
    input_changed: bool
    previous_rows: int | None  # the table's row count in the previous release, if any


@dataclass(frozen=True)
class Check:
    """One row-level check: ``passed`` holds True for each row that is fine (None: not computed)."""

    name: str
    description: str  # what must hold, shown in the Data Docs
    reason: str  # why a failing row is rejected (the ``rejected.reason`` column)
    action: Action
    passed: pl.Series | None
    skipped: str | None = None  # why the check could not be computed

    @property
    def column(self) -> str:
        """The name of the boolean column GX sees."""
        return CHECK_PREFIX + self.name


class Refs:
    """The kept rows of the tables validated so far, which later tables' checks point into."""

    def __init__(self) -> None:
        self._tables: dict[str, pl.DataFrame] = {}

    def add(self, name: str, frame: pl.DataFrame) -> None:
        """Records the kept rows of a table whose schema is right (others cannot be referred to)."""
        self._tables[name] = frame

    def ids(self, table: str, column: str) -> pl.Series | None:
        """Returns the distinct values of ``table.column``, or None when the table is not usable."""
        frame = self._tables.get(table)
        if frame is None:
            return None
        return frame.get_column(column).drop_nulls().unique()

    def texts(self) -> pl.DataFrame | None:
        """Returns ``article_id, __text`` with one row per article, or None without articles."""
        frame = self._tables.get("articles")
        if frame is None:
            return None
        # unique: a duplicated article_id (blocked anyway) must not multiply the joined rows. Its
        # copy is needed: a join against the texts as read from a file copies each row's text
        # (gigabytes for a mention table), against this copy it does not.
        return frame.select("article_id", pl.col("text").alias("__text")).unique("article_id", keep="first")


def schema_ok(frame: pl.DataFrame, table: schema.Table) -> bool:
    """Returns whether the frame has exactly the table's columns, in order, with its polars types."""
    return list(frame.schema.items()) == list(table.polars_schema.items())


def computed(
    name: str, description: str, reason: str, action: Action, frame: pl.DataFrame, expr: pl.Expr
) -> Check:
    """Returns a check whose per-row result is ``expr`` over ``frame`` (null counts as passed)."""
    passed = frame.select(expr.fill_null(True).alias(name)).to_series()
    return Check(name, description, reason, action, passed)


def skipped(name: str, description: str, reason: str, action: Action, why: str) -> Check:
    """Returns a check that could not be computed (it is reported as a warning)."""
    return Check(name, description, reason, action, None, skipped=why)


def exists(
    frame: pl.DataFrame, refs: Refs, column: str, table: str, key: str, *, action: Action = "reject"
) -> Check:
    """Returns a check that every non-null ``column`` value is a ``table.key`` of a kept row."""
    name = f"{column}_exists"
    description = f"every non-null {column} is found in {table}.{key}"
    reason = f"{column} not found in {table}.{key}"
    ids = refs.ids(table, key)
    if ids is None:
        return skipped(name, description, reason, action, f"{table} absent or not schema-conformant")
    return computed(name, description, reason, action, frame, pl.col(column).is_in(ids.implode()))


def all_exist(
    frame: pl.DataFrame, refs: Refs, column: str, table: str, key: str, *, action: Action = "reject"
) -> Check:
    """Returns a check that every element of the list column ``column`` is a ``table.key``."""
    name = f"{column}_exist"
    description = f"every element of {column} is found in {table}.{key}"
    reason = f"an element of {column} is not found in {table}.{key}"
    ids = refs.ids(table, key)
    if ids is None:
        return skipped(name, description, reason, action, f"{table} absent or not schema-conformant")
    expr = pl.col(column).list.eval(pl.element().is_in(ids.implode())).list.all()
    return computed(name, description, reason, action, frame, expr)


def _with_text(frame: pl.DataFrame, texts: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Returns ``columns`` of the frame with the article's text as ``__text`` (null when absent)."""
    return frame.select(columns).join(texts, on="article_id", how="left", maintain_order="left")


def _computed_with_text(
    name: str,
    description: str,
    reason: str,
    action: Action,
    frame: pl.DataFrame,
    texts: pl.DataFrame,
    columns: list[str],
    expr: pl.Expr,
) -> Check:
    """Returns :func:`computed` of ``expr`` over ``columns`` of the frame joined with the article
    texts (:func:`_with_text`), ``TEXT_JOIN_ROWS`` rows at a time: the rows of a whole mention
    table joined with their texts would hold far more than the table."""
    if frame.height <= TEXT_JOIN_ROWS:
        return computed(name, description, reason, action, _with_text(frame, texts, columns), expr)
    parts = [
        _with_text(frame.slice(offset, TEXT_JOIN_ROWS), texts, columns)
        .select(expr.fill_null(True).alias(name))
        .to_series()
        for offset in range(0, frame.height, TEXT_JOIN_ROWS)
    ]
    return Check(name, description, reason, action, pl.concat(parts, rechunk=True))


def offsets_in_text(
    frame: pl.DataFrame,
    refs: Refs,
    start: str,
    end: str,
    *,
    nullable: bool = False,
    action: Action = "reject",
) -> Check:
    """Returns a check that ``0 <= start < end <= len(articles.text)`` for the row's article.

    With ``nullable`` a row where both offsets are null passes; one null without the other fails.
    Rows whose article is unknown pass here (``article_id_exists`` reports them).
    """
    name = f"{start}_{end}_in_text"
    # no '<' in descriptions: the Data Docs renderer would read it as an HTML tag
    description = f"{start} ≥ 0, {end} greater than {start}, {end} ≤ len(articles.text)" + (
        " (or both null)" if nullable else ""
    )
    reason = f"{start}/{end} outside the article text"
    texts = refs.texts()
    if texts is None:
        return skipped(name, description, reason, action, "articles absent or not schema-conformant")
    s, e, t = pl.col(start), pl.col(end), pl.col("__text")
    inside = (s >= 0) & (s < e) & (e <= t.str.len_chars())
    expr = (
        pl.when(s.is_null() & e.is_null())
        .then(pl.lit(nullable))
        .when(s.is_null() | e.is_null())
        .then(pl.lit(False))
        .when(t.is_null())
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(inside)
    )
    return _computed_with_text(
        name, description, reason, action, frame, texts, ["article_id", start, end], expr
    )


def text_matches(
    frame: pl.DataFrame, refs: Refs, start: str, end: str, text: str, *, action: Action = "reject"
) -> Check:
    """Returns the provenance check ``articles.text[start:end] == text`` (character offsets)."""
    name = f"{text}_matches_article"
    description = f"{text} == articles.text[{start}:{end}]"
    reason = f"{text} differs from articles.text[{start}:{end}]"
    texts = refs.texts()
    if texts is None:
        return skipped(name, description, reason, action, "articles absent or not schema-conformant")
    s, e = pl.col(start), pl.col(end)
    # polars slices by characters, as Python does, so these are the same offsets as text[start:end]
    sliced = pl.col("__text").str.slice(s, (e - s).clip(lower_bound=0))
    expr = (
        pl.when(s.is_null() | e.is_null())
        .then(pl.lit(None, dtype=pl.Boolean))
        .otherwise(sliced == pl.col(text))
    )
    columns = ["article_id", start, end, text]
    return _computed_with_text(name, description, reason, action, frame, texts, columns, expr)


def key_unique(frame: pl.DataFrame, table: schema.Table) -> Check:
    """Returns the blocking check that the table's key is unique over the whole table (a row
    fails when another row has the same key)."""
    key = list(table.key)
    name = "key_unique"
    description = f"the key ({', '.join(key)}) is unique over the whole table"
    if len(key) == 1:
        return computed(name, description, "duplicate key", "block", frame, ~pl.col(key[0]).is_duplicated())
    return computed(name, description, "duplicate key", "block", frame, ~pl.lit(key_duplicated(frame, key)))


def key_duplicated(frame: pl.DataFrame, key: list[str]) -> pl.Series:
    """Returns, per row, whether another row has the same values in ``key`` (nulls equal), as
    ``pl.struct(key).is_duplicated()`` does, from the rows in key order (a neighbour with the same
    key): a hash of every row's key would cost several times the key columns."""
    order = frame.select(pl.arg_sort_by(key, maintain_order=True)).to_series()
    in_order = not bool((order != pl.int_range(0, frame.height, eager=True)).any())
    rows = frame.select(key) if in_order else frame.select(key)[order]
    first, last = pl.int_range(pl.len()) == 0, pl.int_range(pl.len()) == pl.len() - 1
    same_prev = pl.all_horizontal([pl.col(k).eq_missing(pl.col(k).shift(1)) for k in key]) & ~first
    same_next = pl.all_horizontal([pl.col(k).eq_missing(pl.col(k).shift(-1)) for k in key]) & ~last
    dup = rows.select((same_prev | same_next).alias("dup")).to_series().to_numpy()
    if not in_order:
        back = np.empty_like(dup)
        back[order.to_numpy()] = dup
        dup = back
    return pl.Series("dup", dup, dtype=pl.Boolean)


def too_many_rejected(checks: list[Check], rows: int, max_row_loss: float) -> list[str]:
    """Returns one blocking message per reject check that more than ``max_row_loss`` of the
    table's ``rows`` fail (counted over the whole table, whatever part of it GX saw)."""
    out = []
    for c in checks:
        if c.action != "reject" or c.passed is None or rows == 0:
            continue
        failing = int((~c.passed).sum())
        if failing / rows > max_row_loss:
            out.append(
                f"{c.column}: {failing} of {rows} rows fail '{c.name}', more than "
                f"max_row_loss={max_row_loss:g} of the table (a bug, not bad rows)"
            )
    return out


def drift_messages(
    table: str,
    rows: int,
    run: RunInfo,
    unit_rows: dict[str, int],
    previous_units: dict[str, int],
) -> tuple[list[str], list[str]]:
    """Returns the row-count drift (blocking, warnings) of a table against the previous release.

    The table: with unchanged input, losing more than ``max_row_loss`` of its rows blocks; with a
    changed input it warns. Each partition (``unit_rows``: unit → rows now) is compared with the
    same partition of the previous release (``previous_units``: unit → rows), from
    :data:`MIN_DRIFT_ROWS` rows up: a partition that lost more than ``max_row_loss`` of its rows,
    or vanished, warns.
    """
    blocking: list[str] = []
    warnings: list[str] = []
    if run.previous_rows is not None:
        minimum = math.ceil(run.previous_rows * (1.0 - run.max_row_loss))
        if rows < minimum:
            message = (
                f"row count {rows} < {minimum} "
                f"(previous release {run.previous_rows}, input changed: {run.input_changed})"
            )
            (warnings if run.input_changed else blocking).append(message)
    for unit, before in sorted(previous_units.items()):
        if before < MIN_DRIFT_ROWS or not unit.startswith(f"{table}/"):
            continue
        now = unit_rows.get(unit, 0)
        minimum = math.ceil(before * (1.0 - run.max_row_loss))
        if now < minimum:
            warnings.append(f"partition {unit}: row count {now} < {minimum} (previous release {before})")
    return blocking, warnings


# ---- the run-wide schema frame: one row per table column, types compared exactly in polars ----

ABSENT = "absent"


def dtype_name(dtype: pl.DataType) -> str:
    """Returns the polars type as text (``String``, ``Int64``, ``List(String)``…)."""
    return str(dtype)


def schema_rows(table: schema.Table, frame: pl.DataFrame) -> list[dict[str, object]]:
    """Returns one row per column of the schema or the frame: expected and actual type and position.

    A column the frame lacks has actual type ``absent``; a column the schema lacks has expected
    type ``absent``. Positions rank the schema columns the frame has, so one missing column does
    not make every later one look moved (-1 for the others). ``required_nulls`` counts the nulls
    of a non-nullable column.
    """
    expected = [c.name for c in table.columns if c.name in frame.schema]
    actual = [name for name in frame.columns if name in set(expected)]
    rows: list[dict[str, object]] = []
    for col in table.columns:
        here = col.name in frame.schema
        rows.append(
            {
                "table": table.name,
                "column": col.name,
                "expected_type": dtype_name(col.dtype),
                "actual_type": dtype_name(frame.schema[col.name]) if here else ABSENT,
                "expected_position": expected.index(col.name) if here else -1,
                "actual_position": actual.index(col.name) if here else -1,
                "required_nulls": frame.get_column(col.name).null_count() if here and not col.nullable else 0,
            }
        )
    for name, dtype in frame.schema.items():
        if name not in table.polars_schema:
            rows.append(
                {
                    "table": table.name,
                    "column": name,
                    "expected_type": ABSENT,
                    "actual_type": dtype_name(dtype),
                    "expected_position": -1,
                    "actual_position": -1,
                    "required_nulls": 0,
                }
            )
    return rows


def schema_problems(rows: list[dict[str, object]]) -> list[str]:
    """Returns a message per schema row that is wrong (missing, extra, mistyped, moved, nulls)."""
    out = []
    for r in rows:
        col = r["column"]
        if r["actual_type"] == ABSENT:
            out.append(f"schema: column {col} missing")
        elif r["expected_type"] == ABSENT:
            out.append(f"schema: column {col} is not in the schema")
        elif r["actual_type"] != r["expected_type"]:
            out.append(f"schema: column {col} is {r['actual_type']}, expected {r['expected_type']}")
        elif r["actual_position"] != r["expected_position"]:
            out.append(
                f"schema: column {col} at position {r['actual_position']}, expected {r['expected_position']}"
            )
        if r["required_nulls"]:
            out.append(f"schema: {r['required_nulls']} nulls in non-nullable column {col}")
    return out


def schema_suite_expectations() -> list[Expectation]:
    """Returns the expectations of the run-wide ``schema`` suite (all critical)."""
    meta = {"kind": "schema"}
    return [
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="expected_type",
            column_B="actual_type",
            ignore_row_if="neither",
            description="every column has the schema's polars type ('absent': missing or not in the schema)",
            meta=meta,
        ),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="expected_position",
            column_B="actual_position",
            ignore_row_if="neither",
            description="columns are in the schema's order",
            meta=meta,
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="required_nulls",
            min_value=0,
            max_value=0,
            description="no nulls in a non-nullable column (keys included)",
            meta=meta,
        ),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["table", "column"], meta=meta),
    ]


# ---- per-table GX expectations ----


def warning(expectation: Expectation) -> Expectation:
    """Returns the expectation with warning severity: a failure is reported but does not block."""
    expectation.severity = FailureSeverity.WARNING
    return expectation


def table_expectations(table: schema.Table, columns: list[str]) -> list[Expectation]:
    """Returns the critical expectations the schema implies on the table's values.

    Value sets and regexes, for the columns the frame has (column names, types and nulls are judged
    by the run-wide ``schema`` suite; the key's uniqueness by the :func:`key_unique` check).
    """
    present = set(columns)
    meta = {"kind": "schema"}
    out: list[Expectation] = []
    for col in table.columns:
        if col.name not in present:
            continue
        if col.values is not None:
            out.append(
                gxe.ExpectColumnValuesToBeInSet(column=col.name, value_set=list(col.values), meta=meta)
            )
        if col.pattern is not None:
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=col.name, regex=col.pattern, meta=meta))
    # the key's uniqueness is a whole-table check computed in polars (:func:`key_unique`)
    return out


def check_expectations(checks: list[Check], max_row_loss: float) -> list[Expectation]:
    """Returns one expectation per computed check column.

    A block check is critical: one failing row blocks. A reject check has ``mostly = 1 -
    max_row_loss`` and warns: its failing rows are removed either way, and whether too many fail is
    judged over the whole table, not over the batch GX sees (:func:`too_many_rejected`). A warn
    check is a warning.
    """
    out: list[Expectation] = []
    titles = {
        "reject": "Row check (failing rows are rejected)",
        "warn": "Soft check",
        "block": "Table check (a failing row blocks the publish)",
    }
    for c in checks:
        if c.passed is None:
            continue
        exp = gxe.ExpectColumnValuesToBeInSet(
            column=c.column,
            value_set=[True],
            mostly=max(0.0, 1.0 - max_row_loss) if c.action == "reject" else 1.0,
            description=f"{titles[c.action]}: {c.description}",
            meta={"kind": {"reject": "row", "warn": "soft", "block": "key"}[c.action], "check": c.name},
        )
        out.append(exp if c.action == "block" else warning(exp))
    return out
