"""Validation by unit (a partition of a dated table, or a one-file table): an unchanged unit keeps
the verdict the current release recorded and GX sees only the changed ones; whole-table checks
and drift still hold. Handmade tables from :mod:`tests.test_validation`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import polars as pl
import pytest

from expectations import units
from expectations.results import ValidationResult
from expectations.runner import validate
from storage.partitions import data_files, read_table, write_table
from tests.test_validation import GHOST_ENTITY, RUN_DATE, make_tables
from transforms import partitions, schema


def _recorded(result: ValidationResult, tables: dict[str, pl.DataFrame]) -> dict[str, dict[str, object]]:
    """Returns what a manifest would record per unit after publishing ``result``."""
    days = units.article_days(tables["articles"])
    out: dict[str, dict[str, object]] = {}
    for name, frame in result.tables.items():
        names = units.unit_names(frame, schema.TABLES[name], days)
        for unit, rows in names.value_counts().rows():
            out[unit] = {"rows": rows, "key": result.unit_keys.get(unit), "rel": f"{unit}/part-x.parquet"}
    return out


def _suite(result: ValidationResult, name: str) -> tuple[int, int]:
    s = next(s for s in result.suites if s.name == name)
    return s.checked, s.units


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return make_tables(n_articles=10)


def test_unit_keys_follow_rows_and_check_outcomes(tables: dict[str, pl.DataFrame]) -> None:
    arts = tables["articles"]
    names = units.unit_names(arts, schema.ARTICLES, units.article_days(arts))
    assert names.n_unique() == 5 and names[0].startswith("articles/published_date=")
    keys = units.unit_keys(arts, names, "salt")
    assert keys == units.unit_keys(arts.clone(), names, "salt")  # the same rows, the same keys
    assert keys != units.unit_keys(arts, names, "other code")
    changed = arts.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("n_chars") + 1).otherwise("n_chars").alias("n_chars")
    )
    after = units.unit_keys(changed, names, "salt")
    assert [u for u in keys if keys[u] != after[u]] == [names[0]]
    # a check outcome is part of the unit's content
    flagged = arts.with_columns(pl.Series("check__x", [i != 0 for i in range(arts.height)]))
    assert units.unit_keys(flagged, names, "salt")[names[0]] != keys[names[0]]
    # one-file tables are one unit
    ents = tables["entities"]
    assert set(units.unit_names(ents, schema.ENTITIES, units.article_days(arts))) == {"entities"}


def test_batches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(units, "BATCH_ROWS", 4)
    frame = pl.DataFrame({"a": list(range(10))})
    assert [b.height for b in units.batches(frame)] == [4, 4, 2]
    assert list(units.batches(frame.head(0))) == []


def test_only_changed_partitions_are_validated_again(tmp_path: Path, tables: dict[str, pl.DataFrame]) -> None:
    first = validate(tables, None, False, tmp_path / "a", run_date=RUN_DATE, salt="s")
    assert first.passed, first.summary_markdown()
    assert _suite(first, "entity_mentions") == (5, 5) and _suite(first, "entities") == (1, 1)
    recorded = _recorded(first, tables)

    # The same tables: no unit goes to GX again, the verdict stands.
    counts = {n: f.height for n, f in tables.items()}
    again = validate(
        tables, counts, False, tmp_path / "b", run_date=RUN_DATE, previous_units=recorded, salt="s"
    )
    assert again.passed and again.unit_keys == first.unit_keys
    assert all(s.checked == 0 for s in again.suites[1:]), again.summary_markdown()
    assert "| 0 of 5 |" in again.summary_markdown()
    for name, frame in tables.items():
        assert again.tables[name].equals(frame)

    # One mention of one day is broken: that day alone is validated, the row is still rejected
    # (relationships are checked over the whole table), the verdict of the other days stands.
    m = tables["entity_mentions"]
    broken = m.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(GHOST_ENTITY))
        .otherwise("entity_id")
        .alias("entity_id")
    )
    third = validate(
        dict(tables, entity_mentions=broken),
        counts,
        False,
        tmp_path / "c",
        run_date=RUN_DATE,
        previous_units=recorded,
        salt="s",
    )
    assert third.passed, third.summary_markdown()
    assert _suite(third, "entity_mentions") == (1, 5) and _suite(third, "articles") == (0, 5)
    assert third.tables["entity_mentions"].height == m.height - 1
    assert third.rejected["expectation"].to_list() == ["check__entity_id_exists"]
    # a new code or parameter salt validates everything again
    fresh = validate(
        tables, None, False, tmp_path / "d", run_date=RUN_DATE, previous_units=recorded, salt="t"
    )
    assert _suite(fresh, "entity_mentions") == (5, 5)


def test_a_duplicate_across_partitions_blocks_though_each_partition_is_unique(
    tmp_path: Path, tables: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GX sees one partition at a time (batches of 5 rows); the key is checked over the whole table.
    monkeypatch.setattr(units, "BATCH_ROWS", 5)
    q = tables["quotes"]
    days = units.article_days(tables["articles"])
    names = units.unit_names(q, schema.QUOTES, days)
    other = next(i for i in range(q.height) if names[i] != names[0])
    dup = q.with_columns(
        pl.when(pl.int_range(pl.len()) == other)
        .then(pl.lit(q["quote_id"][0]))
        .otherwise("quote_id")
        .alias("quote_id")
    )
    result = validate(dict(tables, quotes=dup), None, False, tmp_path, run_date=RUN_DATE)
    blocking = next(s for s in result.suites if s.name == "quotes").blocking
    assert not result.passed and any("check__key_unique" in b and "fail 'key_unique'" in b for b in blocking)


def test_rejections_are_judged_over_the_whole_table(
    tmp_path: Path, tables: dict[str, pl.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 4 bad rows in the first batch of 10: 40% of that batch, under 20% of the table.
    monkeypatch.setattr(units, "BATCH_ROWS", 10)
    m = tables["entity_mentions"]
    assert m.height > 20
    bad = m.with_columns(
        pl.when(pl.int_range(pl.len()) < 4)
        .then(pl.lit(GHOST_ENTITY))
        .otherwise("entity_id")
        .alias("entity_id")
    )
    result = validate(dict(tables, entity_mentions=bad), None, False, tmp_path / "a", run_date=RUN_DATE)
    assert result.passed, result.summary_markdown()
    assert result.tables["entity_mentions"].height == m.height - 4


def test_partition_drift_warns_against_the_same_partition(
    tmp_path: Path, tables: dict[str, pl.DataFrame]
) -> None:
    m = tables["entity_mentions"]
    days = units.article_days(tables["articles"])
    names = units.unit_names(m, schema.ENTITY_MENTIONS, days)
    day = names[0]
    recorded = {u: {"rows": n} for u, n in names.value_counts().rows()}
    recorded[day] = {"rows": 100}  # that day had many more mentions before
    result = validate(
        tables,
        {n: f.height for n, f in tables.items()},
        True,
        tmp_path,
        run_date=RUN_DATE,
        previous_units=recorded,
    )
    warnings = next(s for s in result.suites if s.name == "entity_mentions").warnings
    assert result.passed
    assert [w for w in warnings if w.startswith("partition ")] == [
        f"partition {day}: row count {(names == day).sum()} < 80 (previous release 100)"
    ]


def test_write_table_shares_the_files_of_unchanged_partitions(
    tmp_path: Path, tables: dict[str, pl.DataFrame]
) -> None:
    arts = tables["articles"]
    days = units.article_days(arts)
    keys = partitions.partition_keys(arts, schema.ARTICLES, days)
    a = tmp_path / "a"
    assert write_table(a, schema.ARTICLES, arts, keys, {}) == (5, 0)
    write_table(a, schema.ENTITIES, tables["entities"], None, {})
    files_a = data_files(a)
    (a / "manifest.json").write_text(json.dumps({"files": files_a}))
    # the next release: every partition but one lent by the first
    lend = {rel.split("=", 1)[1].split("/", 1)[0]: a / rel for rel in files_a if rel.startswith("articles")}
    changed_day = sorted(lend)[0]
    del lend[changed_day]
    b = tmp_path / "b"
    assert write_table(b, schema.ARTICLES, arts, keys, lend) == (1, 4)
    write_table(b, schema.ENTITIES, tables["entities"], None, {None: a / "entities.parquet"})
    files_b = data_files(b, a)
    assert files_b == files_a  # same rows, same bytes, same names
    shared = [rel for rel in files_b if os.path.samefile(a / rel, b / rel)]
    assert len(shared) == 5 and not any(changed_day in rel for rel in shared)
    got = read_table(b, schema.ARTICLES)
    assert got is not None and got.equals(arts)


def test_manifest_records_roundtrip() -> None:
    files = {
        "articles.parquet/published_date=2024-05-01/part-a.parquet": {
            "rows": 3,
            "table": "articles",
            "partition": "published_date=2024-05-01",
        },
        "entities.parquet": {"rows": 7, "table": "entities"},
    }
    keys = {"articles/published_date=2024-05-01": "k1", "entities": "k2"}
    annotated = units.with_unit_keys(files, keys)
    assert annotated["entities.parquet"]["validation_key"] == "k2"
    rec = units.recorded_units(annotated)
    assert rec["articles/published_date=2024-05-01"] == {
        "rows": 3,
        "key": "k1",
        "rel": "articles.parquet/published_date=2024-05-01/part-a.parquet",
    }
    assert units.unchanged_files("articles", keys, rec) == {
        "2024-05-01": "articles.parquet/published_date=2024-05-01/part-a.parquet"
    }
    assert units.unchanged_files("articles", {**keys, "articles/published_date=2024-05-01": "new"}, rec) == {}
    assert units.unchanged_files("entities", keys, rec) == {None: "entities.parquet"}
    assert "key" not in units.recorded_units(annotated, with_keys=False)["entities"]
