"""The release guard: whether a release-to-be may replace the current one (pure).

Validation checks the rows of a release; the guard checks its size against the release it would
replace. An empty input never publishes; a table that loses more than ``max_row_loss`` of its
rows blocks the release unless the operator said ``allow_shrink``.
"""

from __future__ import annotations

from collections.abc import Mapping

# Tables whose shrinking is good news (fewer refused inputs, fewer rejected rows): never guarded.
UNGUARDED = frozenset({"quarantine", "rejected"})
# Below this many rows a derived table moves by a few rows with any extractor change; articles
# are always guarded, whatever their count.
MIN_GUARDED_ROWS = 20


def shrink_reasons(
    new_rows: Mapping[str, int],
    prev_rows: Mapping[str, int] | None,
    max_row_loss: float,
    allow_shrink: bool,
) -> list[str]:
    """Returns why the release with ``new_rows`` (table → rows) must not replace the one with
    ``prev_rows`` (None: no release yet); an empty list lets it publish."""
    if new_rows.get("articles", 0) == 0:
        return [
            "the input gave 0 articles (an empty or unreadable raw_dir); an empty release is never "
            "published: check raw_dir and the quarantine of this run"
        ]
    if prev_rows is None or allow_shrink:
        return []
    reasons = []
    for table, before in sorted(prev_rows.items()):
        if table in UNGUARDED or before <= 0:
            continue
        if table != "articles" and before < MIN_GUARDED_ROWS:
            continue
        after = new_rows.get(table, 0)
        loss = (before - after) / before
        if loss > max_row_loss:
            reasons.append(f"{table} would shrink from {before} to {after} rows ({loss:.0%} lost)")
    if reasons:
        reasons.append(
            f"more than max_row_loss={max_row_loss:g} of the current release; if this is intended, "
            "rerun with allow_shrink=true (CLI: --allow-shrink)"
        )
    return reasons


def rows_of(files: Mapping[str, object]) -> dict[str, int]:
    """Returns table → rows from a manifest's ``files`` mapping (``<table>.parquet`` or a partition
    file ``<table>.parquet/<key>=<value>/part-….parquet`` → facts; a table's files are summed)."""
    out: dict[str, int] = {}
    for name, facts in files.items():
        if isinstance(facts, Mapping) and name.endswith(".parquet"):
            table = name.split("/", 1)[0].removesuffix(".parquet")
            out[table] = out.get(table, 0) + int(facts.get("rows", 0) or 0)
    return out
