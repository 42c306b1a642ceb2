"""Validates the release's tables with Great Expectations before publish.

One ephemeral GX context per run, one pandas data source, one asset + suite + validation definition
per table. Every check that spans rows (relationships, the key's uniqueness, provenance against the
article text) is computed over the whole table in polars; GX then validates, as pandas copies in
bounded batches, only the rows of the units (partitions, see :mod:`expectations.units`) whose
content or check outcomes changed since the current release — an unchanged partition keeps the
verdict it was published with. Validation results (JSON) and the Data Docs site (HTML) are written
under ``docs_dir`` by GX itself, in the folders :mod:`storage.datadocs` lays out; this module writes
no file of its own.

What blocks and what does not:

* **blocking** (the publish is refused, the previous release stays): a column missing, extra or out
  of order, a wrong type, a null in a non-nullable column, a duplicate key (over the whole table), a value outside the
  schema's value set or pattern, a table losing more than ``max_row_loss`` of its rows against the
  previous release while the input is unchanged, and a row-level check failed by more than
  ``max_row_loss`` of a table's rows (a bug, not a bad row).
* **row-level** (the row moves to ``rejected``, the publish goes on): a reference to an article,
  entity or event that does not exist (or was itself rejected), offsets outside the text, a span
  whose text differs from ``articles.text[start:end]``.
* **warning**: soft consistency checks (counts, dates after the run, ranges), with a changed
  input the table's row-count drift, and a partition that lost rows against the same partition of
  the previous release.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import polars as pl

from expectations import units
from expectations.results import SuiteResult, ValidationResult, static_index
from storage import datadocs
from transforms import schema

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.data_context import AbstractDataContext
    from great_expectations.expectations.expectation import Expectation

    from expectations.common import Check, Refs, RunInfo

# parents before children: a child's references are checked against its parents' kept rows
ORDER = (
    "articles",
    "entities",
    "entity_merges",
    "entity_mentions",
    "events",
    "event_mentions",
    "quotes",
    "quarantine",
    "rejected",
)
# tables whose shrinking is not a loss: fewer refused inputs or fewer rejected rows is good news
NO_DRIFT = ("quarantine", "rejected")
SCHEMA_FRAME = {
    "table": pl.String(),
    "column": pl.String(),
    "expected_type": pl.String(),
    "actual_type": pl.String(),
    "expected_position": pl.Int64(),
    "actual_position": pl.Int64(),
    "required_nulls": pl.Int64(),
}


@dataclass
class _Plan:
    """One table ready for GX: its frame, computed checks, kept rows and rejected rows."""

    module: ModuleType
    frame: pl.DataFrame
    checks: list[Check]
    kept: pl.DataFrame
    rejected: pl.DataFrame
    run: RunInfo


def preload() -> threading.Thread:
    """Starts importing GX and the suites in a daemon thread and returns it.

    Importing GX takes seconds; a flow can call this before its parsing stage (whose work runs in
    other processes) so that the import overlaps it instead of adding to the run.
    """
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    thread = threading.Thread(target=_modules, name="gx-preload", daemon=True)
    thread.start()
    return thread


def _modules() -> dict[str, ModuleType]:
    """Returns the suite module of each table (imported here: importing GX costs seconds)."""
    from expectations import (
        articles,
        entities,
        entity_mentions,
        entity_merges,
        event_mentions,
        events,
        quarantine,
        quotes,
        rejected,
    )

    mods = (
        articles,
        entities,
        entity_merges,
        entity_mentions,
        events,
        event_mentions,
        quotes,
        quarantine,
        rejected,
    )
    return {m.TABLE.name: m for m in mods}


def _rejected_rows(table: schema.Table, frame: pl.DataFrame, checks: list[Check]) -> pl.DataFrame:
    """Returns the schema.REJECTED rows of the frame's rows failing a rejecting check."""
    parts = []
    for c in checks:
        if c.action != "reject" or c.passed is None or c.passed.all():
            continue
        failing = frame.filter(~c.passed)
        parts.append(
            failing.select(
                pl.lit(table.name).alias("table"),
                pl.struct(list(table.key)).struct.json_encode().alias("row_key"),
                pl.lit(c.column).alias("expectation"),
                pl.lit(c.reason).alias("reason"),
            )
        )
    if not parts:
        return schema.empty(schema.REJECTED)
    return pl.concat(parts)


def _plan(module: ModuleType, frame: pl.DataFrame, refs: Refs, run: RunInfo) -> _Plan:
    """Computes a table's checks (its own and the key's uniqueness) against the kept rows of its
    parents and splits kept/rejected."""
    from expectations.common import key_unique, schema_ok

    table: schema.Table = module.TABLE
    conform = schema_ok(frame, table)
    checks: list[Check] = [*module.checks(frame, refs, run), key_unique(frame, table)] if conform else []
    rejecting = [c.passed for c in checks if c.action == "reject" and c.passed is not None]
    if rejecting:
        keep = pl.DataFrame(rejecting).select(pl.all_horizontal(pl.all())).to_series()
        # No row rejected (the usual case): the frame itself, not a second copy of the table.
        kept = frame if keep.all() else frame.filter(keep)
        refs.add(table.name, kept)
    else:
        kept = frame
        if conform:
            refs.add(table.name, kept)
    return _Plan(module, frame, checks, kept, _rejected_rows(table, frame, checks), run)


def _checked(plan: _Plan) -> pl.DataFrame:
    """Returns the plan's frame with its computed check columns appended."""
    cols = [c.passed.alias(c.column) for c in plan.checks if c.passed is not None]
    return plan.frame.with_columns(cols) if cols else plan.frame


def to_pandas(frame: pl.DataFrame, checks: list[Check] | None = None) -> pd.DataFrame:
    """Returns the frame as pandas for GX, with the computed check columns ``checks`` appended
    (a frame that has them already needs none).

    Int64 becomes pandas' nullable Int64 (so a null does not turn it into float64) and list
    columns become tuples: GX fingerprints every batch, and numpy arrays in an object column
    make it fall back to pickling the whole frame, which is slow.
    """
    import pandas as pd
    import pyarrow as pa

    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    out = frame.drop(lists).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for name in lists:
        values = [None if v is None else tuple(v) for v in frame.get_column(name).to_list()]
        out.insert(frame.columns.index(name), name, pd.Series(values, dtype=object, index=out.index))
    for c in checks or []:
        if c.passed is not None:
            out[c.column] = c.passed.to_numpy()
    return out


def _context(docs_dir: Path) -> AbstractDataContext:
    """Returns an ephemeral GX context whose results and Data Docs site are files under docs_dir
    (created here; :mod:`storage.datadocs` owns the layout)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    results_dir, site_dir = datadocs.prepare(docs_dir)
    stores = InMemoryStoreBackendDefaults().stores
    stores["validation_results_store"] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": results_dir,
        },
    }
    config = DataContextConfig(
        stores=stores,
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        data_docs_sites={
            "release": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": site_dir,
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                # the validation pages show every expectation: separate suite pages only cost time
                "site_section_builders": {"expectations": "0", "profiling": "0"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _label(result: ExpectationValidationResult) -> str:
    """Returns a one-line description of a failed expectation result."""
    cfg = result.expectation_config
    assert cfg is not None
    kwargs = cfg.kwargs
    columns = kwargs.get("column_list") or [kwargs.get(k) for k in ("column", "column_A", "column_B")]
    head = f"{cfg.type}({', '.join(str(c) for c in columns if c)})"
    info = result.exception_info or {}
    errors = [info, *(v for v in info.values() if isinstance(v, dict))]  # sometimes keyed by metric
    for error in errors:
        if error.get("raised_exception"):
            return f"{head}: error {error.get('exception_message')}"
    res = result.result or {}
    meta = cfg.meta or {}
    if "unexpected_count" in res:
        detail = f"{res['unexpected_count']} of {res.get('element_count')} rows"
        if meta.get("kind") in ("row", "soft", "key"):
            detail += f" fail '{meta.get('check')}'"
        # the failing rows' keys say more than their values (a check column's value is just False)
        index = res.get("partial_unexpected_index_list") or []
        sample = [
            json.dumps({k: v for k, v in row.items() if not str(k).startswith("check__")}, default=str)
            for row in index[:2]
        ] or [str(v) for v in (res.get("partial_unexpected_list") or [])[:3]]
        return f"{head}: {detail}" + (f", e.g. {'; '.join(sample)}" if sample else "")
    if "observed_value" in res:
        return f"{head}: observed {res['observed_value']!r}"
    return head


def _forget_batches(source: Any) -> None:
    """Drops what GX's pandas execution engine keeps after a run: the batch (the pandas copy)
    and every metric computed on it (per-row results among them). Without this, each batch of
    the run stays in memory until the end."""
    engine = source.get_execution_engine()
    engine.batch_manager.reset_batch_cache()
    engine.batch_manager.batch_data_cache.clear()
    cache = getattr(engine, "_metric_cache", None)
    if isinstance(cache, dict):
        cache.clear()


def _suite_result(
    name: str, plan: _Plan | None, gx_results: list[ExpectationSuiteValidationResult]
) -> SuiteResult:
    """Returns the SuiteResult of a table's GX validations, one per batch (critical failures
    block, others warn; none when no unit of the table changed)."""
    from great_expectations.expectations.metadata_types import FailureSeverity

    blocking: list[str] = []
    warnings: list[str] = []
    evaluated = failed = 0
    for gx_result in gx_results:
        for r in gx_result.results:
            if r.success:
                continue
            cfg = r.expectation_config
            severity = cfg.severity if cfg is not None else FailureSeverity.CRITICAL
            (blocking if severity == FailureSeverity.CRITICAL else warnings).append(_label(r))
        stats = gx_result.statistics
        evaluated += int(stats.get("evaluated_expectations", 0))
        failed += int(stats.get("unsuccessful_expectations", 0))
    result = SuiteResult(name, not blocking, evaluated, failed, blocking, warnings)
    if plan is not None:
        result.warnings += [
            f"not checked: {c.description} ({c.skipped})" for c in plan.checks if c.passed is None
        ]
        result.rows, result.kept = plan.frame.height, plan.kept.height
        result.rejected = plan.frame.height - plan.kept.height
        result.previous_rows = plan.run.previous_rows
    return result


def _height(frame_or_rows: pl.DataFrame | int) -> int:
    return frame_or_rows if isinstance(frame_or_rows, int) else frame_or_rows.height


def validate(
    tables: dict[str, pl.DataFrame],
    previous: Mapping[str, pl.DataFrame | int] | None,
    input_changed: bool,
    docs_dir: Path,
    max_row_loss: float = 0.2,
    run_date: date | None = None,
    *,
    previous_units: Mapping[str, Mapping[str, object]] | None = None,
    salt: str = "",
) -> ValidationResult:
    """Validates the tables and returns the verdict, the tables to publish and the reports.

    ``tables`` maps names of ``schema.PUBLISHED_TABLES`` to conformed frames (absent tables are
    skipped); ``previous`` is the previous release, each table as a frame or its row count (None
    on a first run); ``run_date`` (default today) bounds the dates. ``previous_units`` is what the
    previous release's manifest recorded per unit (``key``, ``rows``): a unit whose key (salted
    with ``salt``: the code and parameters) is the recorded one is not validated by GX again, and
    each partition's row count is compared with the same partition's. Writes the GX results under
    ``docs_dir/gx_results`` and the Data Docs under ``docs_dir/data_docs``. The returned
    ``tables`` lack the rows moved to ``rejected`` (an input ``rejected`` table is validated and
    merged into it, not returned in ``tables``).
    """
    unknown = sorted(set(tables) - {t.name for t in schema.PUBLISHED_TABLES})  # a caller's bug
    if unknown:
        raise ValueError(f"not published tables: {unknown}")
    if not 0.0 <= max_row_loss <= 1.0:
        raise ValueError(f"max_row_loss must be within [0, 1], got {max_row_loss}")
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before GX is first imported
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier

    from expectations.common import (
        Refs,
        RunInfo,
        check_expectations,
        drift_messages,
        schema_ok,
        schema_problems,
        schema_rows,
        schema_suite_expectations,
        table_expectations,
        too_many_rejected,
    )

    modules = _modules()
    today = run_date or date.today()
    refs = Refs()
    recorded = previous_units or {}
    prev_unit_rows = {u: int(str(v.get("rows", 0) or 0)) for u, v in recorded.items()}
    days = units.article_days(tables.get("articles"))
    plans: dict[str, _Plan] = {}
    for name in ORDER:
        if name not in tables:
            continue
        prev = previous.get(name) if previous is not None and name not in NO_DRIFT else None
        run = RunInfo(today, max_row_loss, input_changed, None if prev is None else _height(prev))
        plans[name] = _plan(modules[name], tables[name], refs, run)

    context = _context(docs_dir)
    source = context.data_sources.add_pandas("newsfacts")
    run_id = RunIdentifier(run_name="newsfacts", run_time=datetime.now(UTC))

    def run_suite(
        name: str, frames: Iterable[pd.DataFrame], expectations: list[Expectation], key: list[str]
    ) -> list[Any]:
        """Runs the suite on each batch in turn (a batch is converted to pandas only when its turn
        comes, so one batch's copy is alive at a time); returns the GX results."""
        suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("release")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        results = []
        for frame in frames:
            results.append(
                definition.run(
                    batch_parameters={"dataframe": frame},
                    result_format={"result_format": "SUMMARY", "unexpected_index_column_names": key},
                    run_id=run_id,
                )
            )
            _forget_batches(source)
        return results

    # one run-wide suite judges every table's columns, types and required nulls
    rows = {name: schema_rows(plan.module.TABLE, plan.frame) for name, plan in plans.items()}
    suites: list[SuiteResult] = []
    if plans:
        frame = pl.DataFrame([r for rs in rows.values() for r in rs], schema=SCHEMA_FRAME)
        gx_result = run_suite("schema", [frame.to_pandas()], schema_suite_expectations(), ["table", "column"])
        suites.append(_suite_result("schema", None, gx_result))
        suites[0].rows = suites[0].kept = frame.height

    unit_keys: dict[str, str] = {}
    for name, plan in plans.items():
        table: schema.Table = plan.module.TABLE
        typed = [c for c in table.columns if plan.frame.schema.get(c.name) == c.dtype]
        expectations = (
            table_expectations(table, [c.name for c in typed])
            + check_expectations(plan.checks, max_row_loss)
            # the table's own expectations may name columns the schema suite reported wrong
            + (plan.module.expectations(plan.run) if len(typed) == len(table.columns) else [])
        )
        key = [k for k in table.key if k in plan.frame.columns]
        checked = _checked(plan)
        # Each row's unit, named when its table's turn comes: one table's names alive at a time.
        names = units.unit_names(plan.frame, table, days)
        keys = units.unit_keys(checked, names, f"{salt}\x1f{name}\x1f{max_row_loss!r}")
        changed = [u for u, k in keys.items() if recorded.get(u, {}).get("key") != k]
        if not schema_ok(plan.frame, table) or plan.frame.height == 0:
            todo = checked  # a wrong or empty table is always shown to GX, whole
        elif len(changed) == len(keys):
            todo = checked
        else:
            todo = checked.filter(names.is_in(changed))
        batches = list(units.batches(todo))  # polars slices: no copy
        if not batches and (plan.frame.height == 0 or not schema_ok(plan.frame, table)):
            batches = [todo]
        del todo, checked
        frames = (to_pandas(b) for b in batches)
        result = _suite_result(name, plan, run_suite(name, frames, expectations, key) if batches else [])
        unit_rows = names.value_counts().rows() if plan.frame.height else []
        del names
        drift_block, drift_warn = drift_messages(
            name, plan.frame.height, plan.run, dict(unit_rows), prev_unit_rows if name not in NO_DRIFT else {}
        )
        result.blocking = (
            schema_problems(rows[name])
            + result.blocking
            + too_many_rejected(plan.checks, plan.frame.height, max_row_loss)
            + drift_block
        )
        result.warnings += drift_warn
        result.success = not result.blocking
        result.units = len(keys) or 1
        result.checked = (len(changed) or 1) if batches else 0
        suites.append(result)
        if result.success:
            unit_keys.update(keys)

    # a table of the previous release that vanished with an unchanged input is a total loss
    published = {t.name for t in schema.PUBLISHED_TABLES}
    for name, prev_frame in (previous or {}).items():
        n_prev = _height(prev_frame)
        if name in plans or name in NO_DRIFT or name not in published or n_prev == 0:
            continue
        message = f"table missing (previous release had {n_prev} rows)"
        result = SuiteResult(name, input_changed, 0, 0, previous_rows=n_prev)
        (result.warnings if input_changed else result.blocking).append(message)
        suites.append(result)

    sites = context.build_data_docs()
    index = static_index(docs_dir, suites) if sites and datadocs.site_built(docs_dir) else None
    rejected = [schema.empty(schema.REJECTED)] + [plan.rejected for plan in plans.values()]
    if "rejected" in plans and schema_ok(plans["rejected"].frame, schema.REJECTED):
        rejected.insert(0, plans["rejected"].kept)
    return ValidationResult(
        passed=all(s.success for s in suites),
        tables={name: plan.kept for name, plan in plans.items() if name != "rejected"},
        rejected=schema.conform(pl.concat(rejected, how="vertical_relaxed"), schema.REJECTED),
        suites=suites,
        docs_index=index,
        unit_keys=unit_keys,
    )
