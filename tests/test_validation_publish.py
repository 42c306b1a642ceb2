"""Validation gates the publish: a corrupted table blocks the release and the previous one stays.

The flow runs once on the seeds to publish a release; then ``expectations.runner.validate`` is
wrapped to corrupt one of the tables the validate stage hands it, and the flow runs again on the
same (unchanged) input. A blocking corruption must leave every published byte as it was; a row-level
one publishes with the bad row moved to ``rejected.parquet``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import ROOT, read_out_table

pytestmark = pytest.mark.slow

Corruption = Callable[[pl.DataFrame], pl.DataFrame]


def _snapshot(out: Path) -> dict[str, object]:
    """Returns every file's bytes and every link's target under out (caches and locks aside)."""
    state: dict[str, object] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue  # lock files and temporary links
        if path.is_symlink():
            state[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            state[rel] = path.read_bytes()
    return state


def _duplicate_key(frame: pl.DataFrame) -> pl.DataFrame:
    return pl.concat([frame, frame.head(1)])


def _halve(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.head(frame.height // 2)


def _drop_column(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop(frame.columns[-1])


def _dangling_entity(frame: pl.DataFrame) -> pl.DataFrame:
    ghost = "e_" + "f" * 16
    first = pl.int_range(pl.len()) == 0
    return frame.with_columns(pl.when(first).then(pl.lit(ghost)).otherwise("entity_id").alias("entity_id"))


def _shift_offsets(frame: pl.DataFrame) -> pl.DataFrame:
    first = pl.int_range(pl.len()) == 0
    return frame.with_columns(pl.when(first).then(pl.col("start") + 1).otherwise("start").alias("start"))


@pytest.fixture(scope="module")
def published(harness: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A first release of the seeds."""
    from flows.pipeline import newsfacts_pipeline

    base = tmp_path_factory.mktemp("gate")
    raw, out = base / "raw", base / "out"
    shutil.copytree(ROOT / "data" / "raw", raw)
    first = newsfacts_pipeline(raw_dir=str(raw), out_dir=str(out), n_process=1)
    assert first["verdict"] == "passed" and first["published"], first
    return {"raw": raw, "out": out}


def _run_corrupted(
    published: dict[str, Any], monkeypatch: pytest.MonkeyPatch, table: str, corrupt: Corruption
) -> dict[str, Any]:
    """Runs the flow again with ``table`` corrupted as the validate stage hands it to the suites."""
    import expectations.runner as runner
    from flows.outcome import ReleaseBlocked
    from flows.pipeline import newsfacts_pipeline

    original = runner.validate

    def corrupted_validate(tables: dict[str, pl.DataFrame], *args: Any, **kwargs: Any) -> Any:
        assert tables[table].height >= 2, f"the seeds give too few {table} rows to corrupt"
        return original(dict(tables, **{table: corrupt(tables[table])}), *args, **kwargs)

    # the validate stage imports validate when it runs, so it picks up the wrapper
    monkeypatch.setattr(runner, "validate", corrupted_validate)
    # rerun_from="validate": the tables before validation are unchanged, which would skip the stage
    try:
        summary: dict[str, Any] = newsfacts_pipeline(
            raw_dir=str(published["raw"]), out_dir=str(published["out"]), n_process=1, rerun_from="validate"
        )
    except ReleaseBlocked as err:  # the run ends Failed ("Blocked"); its summary says why
        return err.summary
    return summary


@pytest.mark.parametrize(
    ("table", "corrupt"),
    [
        ("entities", _duplicate_key),
        ("entity_mentions", _halve),
        ("quotes", _drop_column),
    ],
    ids=["duplicate-id", "halved-table", "missing-column"],
)
def test_blocking_corruption_leaves_the_previous_release_byte_identical(
    published: dict[str, Any], monkeypatch: pytest.MonkeyPatch, table: str, corrupt: Corruption
) -> None:
    before = _snapshot(published["out"])
    summary = _run_corrupted(published, monkeypatch, table, corrupt)
    assert summary["verdict"] == "blocked" and not summary["published"], summary
    assert _snapshot(published["out"]) == before


@pytest.mark.parametrize(
    ("table", "corrupt", "expectation"),
    [
        ("entity_mentions", _dangling_entity, "check__entity_id_exists"),
        ("entity_mentions", _shift_offsets, "check__text_matches_article"),
    ],
    ids=["dangling-entity", "shifted-offsets"],
)
def test_row_level_corruption_publishes_without_the_row(
    published: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    table: str,
    corrupt: Corruption,
    expectation: str,
) -> None:
    summary = _run_corrupted(published, monkeypatch, table, corrupt)
    assert summary["verdict"] == "passed" and summary["published"], summary
    out = published["out"]
    rejected = read_out_table(out, "rejected")
    assert rejected.height == 1
    row = rejected.row(0, named=True)
    assert row["table"] == table and row["expectation"] == expectation
    key = json.loads(row["row_key"])
    kept = read_out_table(out, table)
    assert (
        kept.filter((pl.col("article_id") == key["article_id"]) & (pl.col("start") == key["start"])).height
        == 0
    )
    assert (out / "current" / "validation" / "data_docs" / "index.html").is_file()
