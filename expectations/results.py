"""What validation reports: the verdict of each suite and of the run, its markdown summary, and the
static index page of the Data Docs (no Great Expectations import here)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from storage import datadocs

MAX_LISTED = 8  # failures listed per suite in the markdown summary


@dataclass
class SuiteResult:
    """The verdict of one table's suite."""

    name: str
    success: bool  # no blocking failure
    evaluated: int  # expectations evaluated
    failed: int  # expectations that failed (blocking or not)
    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0
    kept: int = 0
    rejected: int = 0
    previous_rows: int | None = None
    units: int = 0  # partitions (1 for a one-file table)
    checked: int = 0  # units handed to GX in this run (the others kept the current release's verdict)


@dataclass
class ValidationResult:
    """The verdict of a whole run: whether to publish, the tables to publish and the reports."""

    passed: bool  # no blocking failure anywhere
    tables: dict[str, pl.DataFrame]  # the input tables with row-level failures removed
    rejected: pl.DataFrame  # schema.REJECTED rows: table, row_key (JSON of the key), expectation, reason
    suites: list[SuiteResult]
    docs_index: Path | None  # docs_dir/index.html: the suites and links to their Data Docs pages
    # unit (``table`` or ``table/key=value``) → its validation key: recorded in the manifest so the
    # next run does not validate an unchanged partition again (see :mod:`expectations.units`)
    unit_keys: dict[str, str] = field(default_factory=dict)

    def summary_rows(self) -> list[dict[str, object]]:
        """Returns one row per suite for a Prefect table artifact."""
        return [
            {
                "table": s.name,
                "status": "blocked" if not s.success else ("warnings" if s.warnings else "passed"),
                "rows": s.rows,
                "kept": s.kept,
                "rejected": s.rejected,
                "previous_rows": s.previous_rows,
                "expectations": s.evaluated,
                "failed": s.failed,
                "blocking": len(s.blocking),
                "warnings": len(s.warnings),
                "partitions": s.units,
                "validated": s.checked,
            }
            for s in self.suites
        ]

    def summary_markdown(self, docs_link: str | None = None) -> str:
        """Returns a markdown report: the verdict, a table per suite, the failures and the Data Docs.

        The Data Docs are named by their path inside the release directory (``docs_dir``'s parent),
        since the staging directory they were written in is renamed on publish; ``docs_link`` adds
        a link to where they finally are.
        """
        verdict = "PASSED" if self.passed else "BLOCKED (the previous release stays)"
        lines = [f"## Validation: {verdict}", ""]
        lines += [
            "| table | status | rows | kept | rejected | previous "
            "| expectations | failed | blocking | warnings | partitions validated |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in self.summary_rows():
            prev = "" if r["previous_rows"] is None else r["previous_rows"]
            lines.append(
                f"| {r['table']} | {r['status']} | {r['rows']} | {r['kept']} | {r['rejected']} | {prev} "
                f"| {r['expectations']} | {r['failed']} | {r['blocking']} | {r['warnings']} "
                f"| {r['validated']} of {r['partitions']} |"
            )
        for title, attr in (("Blocking failures", "blocking"), ("Warnings", "warnings")):
            items = [(s.name, m) for s in self.suites for m in getattr(s, attr)]
            if not items:
                continue
            lines += ["", f"### {title}", ""]
            per_suite: dict[str, int] = {}
            for name, message in items:
                per_suite[name] = per_suite.get(name, 0) + 1
                if per_suite[name] <= MAX_LISTED:
                    lines.append(f"- `{name}`: {message}")
            for name, n in per_suite.items():
                if n > MAX_LISTED:
                    lines.append(f"- `{name}`: … and {n - MAX_LISTED} more (see the Data Docs)")
        lines += ["", f"Rejected rows: {self.rejected.height}."]
        if self.docs_index is not None:
            inside = self.docs_index.relative_to(self.docs_index.parents[1]).as_posix()
            lines.append(
                f"Data Docs: `{inside}` in the release directory" + (f" ({docs_link})" if docs_link else ".")
            )
        return "\n".join(lines) + "\n"

    def verdict(self) -> str:
        """Returns a one-line verdict for the command line."""
        blocking = sum(len(s.blocking) for s in self.suites)
        warnings = sum(len(s.warnings) for s in self.suites)
        head = (
            "validation passed"
            if self.passed
            else f"validation BLOCKED the publish ({blocking} blocking failures)"
        )
        where = f"; Data Docs: {self.docs_index}" if self.docs_index else ""
        rejected = self.rejected.height
        return f"{head}: {len(self.suites)} suites, {rejected} rows rejected, {warnings} warnings{where}"


def static_index(docs_dir: Path, suites: list[SuiteResult]) -> Path:
    """Writes and returns ``docs_dir/index.html``: every suite with its verdict and a link to its
    Data Docs page. Plain HTML, so it opens offline (GX's own index lists its pages with
    JavaScript loaded from a CDN, and shows none without the network)."""
    by_name = {s.name: s for s in suites}
    items = []
    for name, page in datadocs.validation_pages(docs_dir):
        suite = by_name.get(name)
        verdict = "passed" if suite is not None and suite.success else "BLOCKED" if suite is not None else "?"
        detail = (
            f" — {suite.evaluated} expectations, {suite.failed} failed, {suite.rejected} rows rejected"
            if suite is not None
            else ""
        )
        link = html.escape(page)
        items.append(f'<li><a href="{link}">{html.escape(name)}</a>: {verdict}{html.escape(detail)}</li>')
    body = "\n".join(items) or "<li>no suite was run</li>"
    site = datadocs.SITE_DIR
    text = (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>newsfacts validation</title></head>'
        f"<body><h1>Validation of this release</h1>\n<ul>\n{body}\n</ul>\n"
        f'<p>The Great Expectations Data Docs site: <a href="{site}/index.html">{site}/index.html</a></p>'
        "</body></html>\n"
    )
    return datadocs.write_index(docs_dir, text)
