"""The validate and publish stages together: a release records each unit's validation key; the
next run validates only the partitions that changed, shares the files of the others with the
current release (same inodes, nothing rewritten) and publishes the same rows a full validation
would; a blocked table blocks the whole release. Handmade tables from :mod:`tests.test_validation`."""

from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from flows import stages
from storage.files import read_json, write_parquet
from storage.locations import Locations
from storage.partitions import read_table
from storage.stores import open_store
from tests.test_partitions import META
from tests.test_validation import RUN_DATE, make_tables
from transforms import schema


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The task bodies run outside a flow run: a plain logger, no Prefect artifacts."""
    monkeypatch.setattr(stages, "get_run_logger", lambda: logging.getLogger("stages"))
    monkeypatch.setattr(stages, "create_markdown_artifact", lambda *a, **k: None)
    monkeypatch.setattr(stages, "create_table_artifact", lambda *a, **k: None)


def _run(tmp_path: Path, tables: dict[str, pl.DataFrame], publish_text: str = "full") -> dict[str, Any]:
    """Stages ``tables`` as a run's work tables, validates and publishes them; returns the
    validation verdict and the publish result."""
    run_id = uuid.uuid4().hex[:8]
    loc = Locations.resolve(str(tmp_path / "out"), str(tmp_path / "cache")).for_run(run_id)
    for name, frame in tables.items():
        write_parquet(frame, loc.work_file(name if name != "quarantine" else "quarantine_ingest"))
    store = open_store(str(tmp_path / "out"), loc.cache_root)
    staging = store.new_staging(run_id)
    verdict = stages.validate_stage.fn(loc, str(staging), True, 0.2, "k", False, publish_text)
    published = stages.publish_stage.fn(loc, str(staging), verdict, META, 5, publish_text=publish_text)
    return {"verdict": verdict, "publish": published, "staging": staging}


def _validated(verdict: dict[str, Any], table: str) -> tuple[int, int]:
    row = next(r for r in verdict["suites"] if r["table"] == table)
    return row["validated"], row["partitions"]


def test_an_unchanged_partition_is_neither_validated_nor_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("expectations.runner.date", _Today)
    tables = make_tables(n_articles=10)
    first = _run(tmp_path, tables)
    assert first["publish"]["published"], first["verdict"]["summary"]
    rel1 = Path(first["publish"]["release"])
    man1 = read_json(rel1 / "manifest.json") or {}
    files1 = man1["files"]
    assert all(isinstance(f.get("validation_key"), str) for f in files1.values() if f["table"] != "rejected")
    assert _validated(first["verdict"], "entity_mentions") == (5, 5)

    # One mention of one day is rejected now: that day's files alone are validated and written.
    m = tables["entity_mentions"]
    broken = m.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(-1)).otherwise("start").alias("start")
    )
    second = _run(tmp_path, dict(tables, entity_mentions=broken))
    assert second["publish"]["published"], second["verdict"]["summary"]
    assert _validated(second["verdict"], "entity_mentions") == (1, 5)
    assert _validated(second["verdict"], "articles") == (0, 5)
    rel2 = Path(second["publish"]["release"])
    files2 = (read_json(rel2 / "manifest.json") or {})["files"]
    changed = sorted(rel for rel in files2 if rel not in files1)
    day = [r for r in changed if r.startswith("entity_mentions.parquet/")]
    assert len(day) == 1, changed
    assert set(changed) <= {day[0], "rejected.parquet", "entities.parquet"}, changed
    for rel in files2:
        if rel in files1 and rel != "rejected.parquet":
            assert os.path.samefile(rel1 / rel, rel2 / rel), rel  # shared, not rewritten
    got = read_table(rel2, schema.ENTITY_MENTIONS)
    assert got is not None and got.height == m.height - 1
    rej = read_table(rel2, schema.REJECTED)
    assert rej is not None and rej["row_key"].n_unique() == 1  # one row, failing two checks


def test_snippet_text_is_what_the_partitions_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("expectations.runner.date", _Today)
    tables = make_tables(n_articles=4, paragraphs=12)
    full = _run(tmp_path / "a", tables)
    snip = _run(tmp_path / "b", tables, publish_text="snippet")
    a = read_table(Path(full["publish"]["release"]), schema.ARTICLES)
    b = read_table(Path(snip["publish"]["release"]), schema.ARTICLES)
    assert a is not None and b is not None
    assert a["text"].str.len_chars().min() > b["text"].str.len_chars().max()


def test_a_blocked_table_blocks_the_release_and_keeps_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("expectations.runner.date", _Today)
    tables = make_tables(n_articles=6)
    first = _run(tmp_path, tables)
    rel1 = Path(first["publish"]["release"])
    q = tables["quotes"]
    dup = pl.concat([q, q.head(1)])  # a duplicate key in one partition
    second = _run(tmp_path, dict(tables, quotes=dup))
    assert second["verdict"]["verdict"] == "blocked" and second["publish"]["blocked"]
    store = open_store(str(tmp_path / "out"), tmp_path / "cache")
    assert store.current() == rel1.resolve()


class _Today:
    """Stands in for ``datetime.date`` in the runner: today is the fixtures' run date."""

    @staticmethod
    def today() -> object:
        return RUN_DATE


def test_an_unchanged_release_records_the_validation_keys_of_new_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("expectations.runner.date", _Today)
    tables = make_tables(n_articles=6)
    first = _run(tmp_path, tables)
    rel1 = Path(first["publish"]["release"])
    data1 = {f: f.stat().st_ino for f in rel1.rglob("part-*.parquet")}
    keys1 = {
        k: v.get("validation_key") for k, v in (read_json(rel1 / "manifest.json") or {})["files"].items()
    }

    # Other code, the same tables: the release stays, and records the keys this code gave.
    monkeypatch.setattr(stages.stagecache, "code_fingerprint", lambda: "other code")
    meta = dict(META, build={"validate_key": "v2", "code_fingerprint": "other code"})
    monkeypatch.setattr("tests.test_validate_stage.META", meta)
    second = _run(tmp_path, tables)
    assert second["publish"]["reason"] == "unchanged"
    assert _validated(second["verdict"], "entity_mentions") == (5, 5)
    man = read_json(rel1 / "manifest.json") or {}
    keys2 = {k: v.get("validation_key") for k, v in man["files"].items()}
    assert keys2.keys() == keys1.keys()
    assert all(keys2[k] != keys1[k] for k in keys1 if keys1[k] is not None)
    assert {
        k: v["validation_key"] for k, v in second["publish"]["files"].items() if "validation_key" in v
    } == {k: v for k, v in keys2.items() if v is not None}
    build = read_json(rel1 / "build.json") or {}
    assert build["validate_key"] == "v2" and build["code_fingerprint"] == "other code"
    assert {f: f.stat().st_ino for f in rel1.rglob("part-*.parquet")} == data1  # no data rewritten

    # The next run of that code validates nothing again.
    third = _run(tmp_path, tables)
    assert third["publish"]["reason"] == "unchanged"
    assert _validated(third["verdict"], "entity_mentions") == (0, 5)
    assert _validated(third["verdict"], "articles") == (0, 5)
