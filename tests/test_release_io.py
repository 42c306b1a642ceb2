"""Release I/O: deterministic Parquet, atomic switch, pruning, the publish lock and the cache."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from storage.cache import read_cached, write_cached
from storage.files import write_json, write_parquet
from storage.releases import (
    PublishLocked,
    clear_stale_staging,
    current_release,
    new_staging,
    publish_lock,
    releases_dir,
    switch_release,
)
from tests.conftest import read_out_table
from transforms import card, release, schema


def _frame(n: int) -> pl.DataFrame:
    return pl.DataFrame({"article_id": [f"a_{i:016x}" for i in range(n)], "x": list(range(n))})


def test_parquet_writes_are_byte_identical(tmp_path: Path) -> None:
    write_parquet(_frame(100), tmp_path / "a.parquet")
    write_parquet(_frame(100), tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert not list(tmp_path.glob(".*tmp"))


def _stage(out: Path, run: str, n: int) -> Path:
    staging = new_staging(out, run)
    write_parquet(_frame(n), staging / "articles.parquet")
    write_json({"release_id": run}, staging / "manifest.json")
    return staging


def test_switch_release_points_current_and_table_links(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = switch_release(out, _stage(out, "r1", 3), "20200101T000000Z-aaaa", ["articles"], keep=2)
    assert current_release(out) == first.resolve()
    assert read_out_table(out, "articles").height == 3
    switch_release(out, _stage(out, "r2", 5), "20200102T000000Z-bbbb", ["articles"], keep=2)
    assert read_out_table(out, "articles").height == 5
    switch_release(out, _stage(out, "r3", 7), "20200103T000000Z-cccc", ["articles"], keep=2)
    kept = sorted(p.name for p in releases_dir(out).iterdir())
    assert kept == ["20200102T000000Z-bbbb", "20200103T000000Z-cccc"]
    assert (out / "current").is_symlink()


def test_stale_staging_is_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _stage(out, "dead", 1)
    assert clear_stale_staging(out) == [".staging-dead"]
    assert current_release(out) is None


def test_publish_lock_excludes_a_second_run(tmp_path: Path) -> None:
    with (
        publish_lock(tmp_path),
        pytest.raises(PublishLocked, match="another newsfacts run"),
        publish_lock(tmp_path, wait_seconds=0),
    ):
        pass
    with publish_lock(tmp_path):  # released after the first block
        pass


def test_cache_round_trip_only_returns_complete_articles(tmp_path: Path) -> None:
    frames = {t.name: schema.empty(t) for t in schema.EXTRACT_TABLES}
    frames["x_entity_mentions"] = schema.conform(
        pl.DataFrame(
            {
                "article_id": ["a_1", "a_2"],
                "start": [0, 5],
                "end": [4, 9],
                "text": ["Anna", "Paris"],
                "label": ["PERSON", "GPE"],
            }
        ),
        schema.X_ENTITY_MENTIONS,
    )
    write_cached(tmp_path, "v1", frames, {"a_1": "k1", "a_2": "k2"})
    got = read_cached(tmp_path, "v1", {"a_2": "k2", "a_3": "k3"})
    assert got["_inputs"]["article_id"].to_list() == ["a_2"]
    assert got["x_entity_mentions"]["text"].to_list() == ["Paris"]
    assert read_cached(tmp_path, "v2", {"a_2": "k2"})["_inputs"].is_empty()
    # The same article with other inputs (another publication date) is not served the old rows.
    assert read_cached(tmp_path, "v1", {"a_2": "k2b"})["x_entity_mentions"].is_empty()
    again = {**frames, "x_entity_mentions": frames["x_entity_mentions"].with_columns(text=pl.lit("Lyon"))}
    write_cached(tmp_path, "v1", again, {"a_2": "k2b"})
    assert read_cached(tmp_path, "v1", {"a_2": "k2b"})["x_entity_mentions"]["text"].to_list() == ["Lyon"]
    assert read_cached(tmp_path, "v1", {"a_2": "k2"})["x_entity_mentions"]["text"].to_list() == ["Paris"]


def test_release_id_and_fingerprints_are_stable() -> None:
    idx = pl.DataFrame({"source_path": ["b.txt", "a.txt"], "record": [None, None], "raw_sha256": ["2", "1"]})
    assert release.input_fingerprint(idx) == release.input_fingerprint(idx.reverse())
    fp = release.content_fingerprint({"a.parquet": "x", "b.parquet": "y"})
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert release.release_id(when, fp) == f"20240102T030405Z-{fp[:8]}"


def test_dataset_card_has_data_dictionary_and_quarantine() -> None:
    man = release.manifest(
        release="r",
        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        files={"articles.parquet": {"rows": 1, "bytes": 2, "sha256": "s"}},
        model={"name": "m", "version": "1", "spacy_version": "3"},
        extractor_version="e",
        input_fp="i",
        parameters={},
        validation={"verdict": "passed"},
        counts={},
    )
    q = schema.conform(
        pl.DataFrame({"source_path": ["x.txt"], "reason": ["binary"], "detail": ["PNG image"]}),
        schema.QUARANTINE,
    )
    text = card.dataset_card(
        man,
        q,
        cov=card.coverage(schema.empty(schema.ARTICLES)),
        changes={},
        previous=None,
        evaluations={},
        validation_md="",
        publish_text="full",
    )
    for table in schema.PUBLISHED_TABLES:
        assert f"`{table.name}.parquet`" in text
    assert "| `x.txt` |  | binary | PNG image |" in text


def test_release_ids_keep_publication_order_within_one_second() -> None:
    now = dt.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=dt.UTC)
    assert release.after_latest(now, []) == now
    assert release.after_latest(now, ["20240102T030404Z-aaaa"]) == now
    # a release already in this second (or a clock set back): one second after it
    same = release.after_latest(now, ["20240102T030405Z-ffff"])
    assert release.release_id(same, "0" * 16) > "20240102T030405Z-ffff"
    assert release.after_latest(now, ["20240102T030410Z-bbbb"]) == dt.datetime(
        2024, 1, 2, 3, 4, 11, tzinfo=dt.UTC
    )
    assert release.after_latest(now, ["not-a-release"]) == now


def test_cache_key_changes_with_the_publication_date_not_the_id() -> None:
    from transforms.extract import ArticleInput

    undated = ArticleInput("a_1", "Rebels struck last Tuesday.", None)
    dated = ArticleInput("a_1", "Rebels struck last Tuesday.", dt.date(2024, 5, 1))
    assert undated.cache_key() != dated.cache_key()
    assert (
        dated.cache_key()
        == ArticleInput("a_1", "Rebels struck last Tuesday.", dt.date(2024, 5, 1)).cache_key()
    )
