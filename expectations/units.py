"""Validation units: one partition of a dated table, or a whole corpus-wide table (pure polars).

A unit is named like the folder its rows are published in: ``entity_mentions/published_date=2024-05-01``
for a partition, ``entities`` for a one-file table. Its *key* hashes its input rows (their values) together with the
outcome of every row-level check (relationship, uniqueness and provenance checks are computed over the
whole table in polars), the validation code and the parameters. Two runs that give a unit the same
key would give it the same verdict and the same published file, so a unit whose key the current
release recorded is not handed to Great Expectations again and its file is shared, not rewritten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

import polars as pl

from transforms import partitions, schema

# What one Great Expectations batch may hold: GX validates pandas copies, so a batch of changed
# rows is cut at this many rows or this much polars memory, whichever comes first. Halved from
# 100k rows / 24 MB: main's validate peak at 16× fell by ~80 MB (its pandas copy and GX's per-row
# metrics), in about the same time.
BATCH_ROWS = 50_000
BATCH_BYTES = 12_000_000
UNIT_COLUMN = "__unit"
HASH_SEEDS = (0x5EED1, 0x5EED2)


def unit_name(table: str, partition: str | None) -> str:
    """Returns the name of the unit of ``table`` in the folder ``partition`` (``key=value``; None:
    the table is one file)."""
    return table if partition is None else f"{table}/{partition}"


def unit_of_file(rel: str, facts: Mapping[str, object]) -> str:
    """Returns the unit a release's data file (its path ``rel`` and manifest ``facts``) holds."""
    table = str(facts.get("table") or rel.split("/", 1)[0].removesuffix(".parquet"))
    part = facts.get("partition")
    return unit_name(table, str(part) if part else None)


def article_days(articles: pl.DataFrame | None) -> pl.DataFrame:
    """Returns ``article_id`` → ``day`` of the input articles (empty without articles)."""
    return partitions.article_days(articles if articles is not None else schema.empty(schema.ARTICLES))


def unit_names(frame: pl.DataFrame, table: schema.Table, days: pl.DataFrame) -> pl.Series:
    """Returns the unit of every row of ``frame`` (a frame of ``table`` in its order): the table's
    name for a one-file table (or a frame lacking the key columns), else ``table/key=value``."""
    if table.partition is None or not set(partitions.key_columns(table)) <= set(frame.columns):
        return pl.Series(UNIT_COLUMN, [table.name] * frame.height, dtype=pl.String)
    keys = partitions.partition_keys(frame, table, days)
    prefix = f"{table.name}/{table.partition.name}="
    return keys.to_frame().select((pl.lit(prefix) + pl.first()).alias(UNIT_COLUMN)).to_series()


def unit_keys(frame: pl.DataFrame, units: pl.Series, salt: str) -> dict[str, str]:
    """Returns the key of every unit of ``frame`` (its rows with their check columns; ``units``
    one name per row): the sha256 of ``salt`` (code, parameters), the frame's columns and types,
    and two 64-bit hashes of each of the unit's rows in order (polars ``hash_rows`` with two
    seeds: hashes of the values, whatever buffers hold them; the polars version is in the salt as
    its hashes may change between versions). An empty frame has no unit."""
    out: dict[str, str] = {}
    if frame.height == 0:
        return out
    head = f"{salt}\x1f{pl.__version__}\x1f{frame.schema!r}".encode()
    hashes = pl.DataFrame(
        {
            UNIT_COLUMN: units,
            "h1": frame.hash_rows(seed=HASH_SEEDS[0]),
            "h2": frame.hash_rows(seed=HASH_SEEDS[1]),
        }
    )
    # The hashes gathered per unit (in row order), not the rows: no copy of the unit names.
    grouped = hashes.group_by(UNIT_COLUMN, maintain_order=True).agg("h1", "h2")
    for name, h1, h2 in zip(grouped[UNIT_COLUMN].to_list(), grouped["h1"], grouped["h2"], strict=True):
        h = hashlib.sha256(head)
        h.update(h1.to_numpy().tobytes())
        h.update(h2.to_numpy().tobytes())
        out[str(name)] = h.hexdigest()[:32]
    return out


def batches(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    """Yields ``frame`` in consecutive slices of at most :data:`BATCH_ROWS` rows and about
    :data:`BATCH_BYTES` of memory (at least one row each; nothing for an empty frame)."""
    if frame.height == 0:
        return
    per_row = max(1, int(frame.estimated_size()) // frame.height)
    step = max(1, min(BATCH_ROWS, BATCH_BYTES // per_row))
    for start in range(0, frame.height, step):
        yield frame.slice(start, step)


def recorded_units(
    files: Mapping[str, Mapping[str, object]], with_keys: bool = True
) -> dict[str, dict[str, object]]:
    """Returns what a release's manifest ``files`` record per unit: ``rows`` (summed over the
    unit's files), and ``key`` and ``rel`` (its one file) when the file carries a validation key
    and ``with_keys`` (False: every unit is validated again, only the row counts serve)."""
    out: dict[str, dict[str, object]] = {}
    for rel, facts in files.items():
        unit = unit_of_file(rel, facts)
        entry = out.setdefault(unit, {"rows": 0})
        entry["rows"] = int(str(entry["rows"])) + int(str(facts.get("rows", 0) or 0))
        key = facts.get("validation_key")
        if with_keys and isinstance(key, str):
            entry["key"], entry["rel"] = key, rel
    return out


def with_unit_keys(
    files: Mapping[str, Mapping[str, object]], keys: Mapping[str, object] | None
) -> dict[str, dict[str, object]]:
    """Returns the manifest ``files`` with each file's unit's validation key (``keys``: unit → key,
    as :class:`~expectations.results.ValidationResult` gives them) as ``validation_key``."""
    out: dict[str, dict[str, object]] = {}
    for rel, facts in files.items():
        key = (keys or {}).get(unit_of_file(rel, facts))
        out[rel] = {**facts, "validation_key": key} if isinstance(key, str) else dict(facts)
    return out


def unchanged_files(
    table: str, keys: Mapping[str, str], recorded: Mapping[str, Mapping[str, object]]
) -> dict[str | None, str]:
    """Returns the files of ``table`` the current release can lend this one: partition value (None
    for a one-file table) → the file's path in that release, for every unit whose key this run
    (``keys``) is the one the release recorded."""
    out: dict[str | None, str] = {}
    for unit, key in keys.items():
        before = recorded.get(unit)
        if unit.split("/", 1)[0] != table:
            continue
        if before is None or before.get("key") != key or not isinstance(rel := before.get("rel"), str):
            continue
        part = unit.split("/", 1)[1].split("=", 1)[1] if "/" in unit else None
        out[part] = rel
    return out
