"""Date-partitioned releases: the layout, reading a table back as one with polars, pyarrow and
DuckDB, files shared between releases (hard links; the same keys on an object store), rollback,
pruning, and the migration of flat releases."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import fsspec
import polars as pl
import pyarrow.parquet as pq
import pytest
from polars.testing import assert_frame_equal

from flows import cli, report, stages
from flows.rollback import rollback
from storage.files import read_json, write_parquet
from storage.locations import Locations
from storage.migrate import needs_migration
from storage.objectstore import FsspecStore
from storage.partitions import data_files, partition_release, read_table, release_problems
from storage.releases import current_release, new_staging, releases_dir, switch_release
from storage.stores import LocalStore, open_store
from tests.conftest import read_out_table
from transforms import datapackage, dictionary, partitions, release, schema

D1, D2 = dt.date(2024, 5, 1), dt.date(2024, 5, 2)


def _articles(extra: int = 0) -> pl.DataFrame:
    """Three dated articles over two days, one undated, and ``extra`` new ones on day two."""
    ids = ["a_0000000000000001", "a_0000000000000002", "a_0000000000000003", "a_0000000000000004"]
    days: list[dt.date | None] = [D1, D1, D2, None]
    ids += [f"a_10000000000000{i:02d}" for i in range(extra)]
    days += [D2] * extra
    n = len(ids)
    frame = pl.DataFrame(
        {
            "article_id": ids,
            "source_path": [f"{i}.txt" for i in ids],
            "credits": [[] for _ in ids],
            "published_at": days,
            "published_at_method": ["metadata"] * (n - 1 - extra) + ["none"] + ["metadata"] * extra,
            "language": ["en"] * n,
            "text": [f"Text of {i}." for i in ids],
            "raw_sha256": ["0" * 64] * n,
            "boilerplate_removed": [[] for _ in ids],
            "boilerplate_rules": [[] for _ in ids],
            "n_chars": [12] * n,
        },
        schema_overrides={"credits": pl.List(pl.String), "boilerplate_removed": pl.List(pl.String)},
    )
    return schema.conform(frame, schema.ARTICLES)


def _mentions(articles: pl.DataFrame) -> pl.DataFrame:
    ids = articles["article_id"].to_list()
    frame = pl.DataFrame(
        {
            "article_id": ids,
            "entity_id": ["e_000000000000000a"] * len(ids),
            "start": [0] * len(ids),
            "end": [4] * len(ids),
            "text": ["Text"] * len(ids),
            "label": ["ORG"] * len(ids),
        }
    )
    return schema.conform(frame, schema.ENTITY_MENTIONS)


def _events() -> pl.DataFrame:
    """An event with its own date, one dated by its earliest article, one undated."""
    frame = pl.DataFrame(
        {
            "event_id": ["v_0000000000000001", "v_0000000000000002", "v_0000000000000003"],
            "event_type": ["PROTEST"] * 3,
            "event_date": [dt.date(2024, 4, 30), None, None],
            "date_method": ["explicit", "none", "none"],
            "modality": ["asserted"] * 3,
            "article_ids": [
                ["a_0000000000000001"],
                ["a_0000000000000003", "a_0000000000000002"],
                ["a_0000000000000004"],
            ],
            "n_articles": [1, 2, 1],
            "n_mentions": [1, 2, 1],
        }
    )
    return schema.conform(frame, schema.EVENTS)


def _tables(extra: int = 0) -> dict[str, pl.DataFrame]:
    arts = _articles(extra)
    return {
        "articles": arts,
        "entity_mentions": _mentions(arts),
        "events": _events(),
        "quarantine": schema.empty(schema.QUARANTINE),
        "entities": schema.conform(
            pl.DataFrame({"entity_id": ["e_000000000000000a"], "name": ["Text"], "type": ["ORG"],
                          "aliases": [["Text"]], "n_mentions": [arts.height], "n_articles": [arts.height],
                          "article_ids": [arts["article_id"].to_list()]}),
            schema.ENTITIES,
        ),
    }  # fmt: skip


def _stage_flat(folder: Path, tables: dict[str, pl.DataFrame]) -> None:
    for name, frame in tables.items():
        write_parquet(frame, folder / f"{name}.parquet", schema.TABLES[name])


META: dict[str, Any] = {
    "model": {"name": "m", "version": "0", "spacy_version": "0"},
    "extractor_version": "test",
    "input_fingerprint": "0" * 16,
    "parameters": {},
    "counts": {},
}
VERDICT = {"verdict": "passed", "rejected": 0, "docs_index": None, "summary": "ok"}


@pytest.fixture(autouse=True)
def _no_run_logger(monkeypatch: pytest.MonkeyPatch) -> None:
    """The publish task body runs outside a flow run here: a plain logger stands in for Prefect's."""
    monkeypatch.setattr(stages, "get_run_logger", lambda: logging.getLogger("publish"))


def _publish(
    out: str, tables: dict[str, pl.DataFrame], keep: int = 5, cache: Path | None = None
) -> dict[str, Any]:
    """Publishes ``tables`` the way a run does (the real publish task body)."""
    loc = Locations.resolve(out, str(cache) if cache else None)
    store = open_store(out, loc.cache_root)
    staging = store.new_staging(f"run-{uuid.uuid4().hex[:6]}")
    _stage_flat(staging, tables)
    result: dict[str, Any] = stages.publish_stage.fn(loc, str(staging), VERDICT, META, keep)
    return result


def test_partition_keys_fall_back_to_the_articles_then_undated() -> None:
    tables = _tables()
    days = partitions.article_days(tables["articles"])
    arts = partitions.partition_keys(tables["articles"], schema.ARTICLES, days).to_list()
    assert arts == ["2024-05-01", "2024-05-01", "2024-05-02", schema.UNDATED]
    evs = partitions.partition_keys(tables["events"], schema.EVENTS, days).to_list()
    # own date; else the earliest day of its articles; else undated
    assert evs == ["2024-04-30", "2024-05-01", schema.UNDATED]
    mentions = partitions.partition_keys(tables["entity_mentions"], schema.ENTITY_MENTIONS, days)
    assert mentions.to_list() == arts and mentions.name == "published_date"


def test_layout_and_every_reader_gets_one_table(tmp_path: Path) -> None:
    rel = tmp_path / "rel"
    tables = _tables()
    _stage_flat(rel, tables)
    assert sorted(partition_release(rel)) == ["articles", "entity_mentions", "events"]
    parts = sorted(p.relative_to(rel).parent.as_posix() for p in rel.glob("articles.parquet/*/*.parquet"))
    assert parts == [f"articles.parquet/published_date={d}" for d in ("2024-05-01", "2024-05-02", "undated")]
    assert (rel / "entities.parquet").is_file() and not needs_migration(rel)
    assert sorted(p.parent.name for p in rel.glob("events.parquet/*/*.parquet")) == [
        "event_day=2024-04-30",
        "event_day=2024-05-01",
        "event_day=undated",
    ]
    for t in (schema.ARTICLES, schema.ENTITY_MENTIONS, schema.EVENTS):
        # our reader: exactly the frame written (no key column, same order)
        assert_frame_equal(read_table(rel, t), tables[t.name])
        key = t.partition.name if t.partition else ""
        folder = rel / f"{t.name}.parquet"
        by_polars = pl.scan_parquet(folder, hive_partitioning=True).collect()
        by_arrow = pl.from_arrow(pq.read_table(folder))
        by_duck = duckdb.sql(
            f"SELECT * FROM read_parquet('{folder}/*/*.parquet', hive_partitioning = true)"
        ).pl()
        for got in (by_polars, by_arrow, by_duck):
            assert isinstance(got, pl.DataFrame) and key in got.columns
            rows = got.drop(key).select(t.names).sort(list(t.sort_by), nulls_last=True)
            assert_frame_equal(rows, tables[t.name], check_dtypes=False)
    # The key is a string column ('undated' beside the days) in every reader.
    assert pq.read_table(rel / "articles.parquet").schema.field("published_date").type.value_type == "string"
    # A reader filtering on a day reads one partition.
    one = pl.scan_parquet(rel / "articles.parquet", hive_partitioning=True)
    assert one.filter(pl.col("published_date") == "2024-05-01").collect().height == 2


def test_load_sql_and_datapackage_cover_the_partitioned_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rel = tmp_path / "rel"
    _stage_flat(rel, _tables())
    partition_release(rel)
    man = {"release_id": "r", "created_at": "2024-05-03T00:00:00+00:00", "files": data_files(rel)}
    con = duckdb.connect()
    monkeypatch.chdir(rel)  # load.sql is run in the release folder
    con.execute(datapackage.load_sql(man))
    assert con.execute("SELECT count(*) FROM articles").fetchone() == (4,)
    assert con.execute("SELECT count(*) FROM events WHERE event_day = 'undated'").fetchone() == (1,)
    pkg = datapackage.datapackage(man)
    res = {r["name"]: r for r in pkg["resources"]}
    assert isinstance(res["articles"]["path"], list) and len(res["articles"]["path"]) == 3
    assert res["entities"]["path"] == "entities.parquet" and res["entities"]["hash"].startswith("sha256:")
    assert "published_date" in dictionary.data_dictionary()


def test_a_second_release_shares_the_untouched_partitions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _publish(str(out), _tables())
    a = releases_dir(out) / first["release_id"]
    inodes = {rel: (a / rel).stat().st_ino for rel in data_files(a)}
    second = _publish(str(out), _tables(extra=1), keep=1)
    assert first["published"] and second["published"]
    b = releases_dir(out) / second["release_id"]
    shared, fresh = [], []
    for rel in data_files(b):
        (shared if inodes.get(rel) == (b / rel).stat().st_ino else fresh).append(rel)
    # Only the day with the new article changed (and the corpus-wide entities): the rest is linked.
    assert "articles.parquet/published_date=2024-05-02" in {str(Path(r).parent) for r in fresh}
    assert any(r.startswith("articles.parquet/published_date=2024-05-01/") for r in shared)
    assert any(r.startswith("articles.parquet/published_date=undated/") for r in shared)
    assert "entities.parquet" in fresh and "events.parquet" not in fresh
    # keep=1 pruned the first release after the switch: the second one still reads whole.
    assert not a.exists()
    assert read_out_table(out, "articles").height == 5
    man = read_json(b / "manifest.json") or {}
    for rel, facts in (man.get("files") or {}).items():
        assert pq.read_metadata(b / rel).num_rows == facts["rows"]


def test_rollback_and_links_on_partitioned_releases(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _publish(str(out), _tables())
    second = _publish(str(out), _tables(extra=2))
    assert read_out_table(out, "articles").height == 6
    rid, _ = rollback(str(out), cache_dir=str(tmp_path / "cache"))
    assert rid == first["release_id"] and current_release(out) == releases_dir(out) / rid
    # the top-level link is the whole table of the current release, for every reader
    assert pq.read_table(out / "articles.parquet").num_rows == 4
    assert read_out_table(out, "articles").height == 4
    ptr = read_json(out / "current.json") or {}
    assert ptr["release"] == rid and len(ptr["tables"]["articles"]) == 3
    unchanged = _publish(str(out), _tables())
    assert not unchanged["published"] and unchanged["reason"] == "unchanged"
    del second


def _flat_release(out: Path, tables: dict[str, pl.DataFrame], when: dt.datetime) -> str:
    """A release of the old layout: one file per table, the manifest naming them."""
    staging = new_staging(out, when.strftime("%H%M%S"))
    _stage_flat(staging, tables)
    files = data_files(staging)
    content = release.content_fingerprint({k: str(v["sha256"]) for k, v in files.items()})
    rid = release.release_id(when, content)
    old = {k: {kk: v[kk] for kk in ("rows", "bytes", "sha256")} for k, v in files.items()}
    man = release.manifest(
        release=rid, created_at=when, files=old, model=META["model"], extractor_version="test",
        input_fp="0" * 16, parameters={}, validation={"verdict": "passed"}, counts={},
    )  # fmt: skip
    (staging / "manifest.json").write_text(json.dumps(man))
    (staging / "README.md").write_text("# card\n\n## Files\n\nold table\n\n## Quarantined inputs\n\nNone.\n")
    switch_release(out, staging, rid, list(tables), keep=5)
    return rid


def test_migration_of_flat_releases(tmp_path: Path) -> None:
    out = tmp_path / "out"
    t0 = dt.datetime(2024, 5, 3, tzinfo=dt.UTC)
    old1 = _flat_release(out, _tables(), t0)
    old2 = _flat_release(out, _tables(extra=1), t0 + dt.timedelta(hours=1))
    before = {t.name: read_out_table(out, t.name) for t in schema.PUBLISHED_TABLES if t.name in _tables()}
    assert needs_migration(releases_dir(out) / old2)
    store = LocalStore(out)
    with store.lock():
        gone = store.recover()  # every run starts so
    assert f"migrated {old1}" in gone and f"migrated {old2}" in gone
    a, b = releases_dir(out) / old1, releases_dir(out) / old2
    assert not needs_migration(a) and not needs_migration(b) and current_release(out) == b
    for name, frame in before.items():
        assert_frame_equal(read_out_table(out, name), frame)
    man = read_json(b / "manifest.json") or {}
    assert set(man["files"]) == set(data_files(b)) and "migrated_at" in man
    assert os.path.samefile(
        next(a.glob("articles.parquet/published_date=2024-05-01/*.parquet")),
        next(b.glob("articles.parquet/published_date=2024-05-01/*.parquet")),
    )
    assert "partition files" in (b / "README.md").read_text()
    assert rollback(str(out), cache_dir=str(tmp_path / "cache"))[0] == old1
    with store.lock():
        assert store.migrate() == []  # nothing left to migrate
    # the next publish shares with the migrated releases
    new = _publish(str(out), _tables(extra=1))
    assert not new["published"] or os.path.samefile(
        next(b.glob("articles.parquet/published_date=undated/*.parquet")),
        next(
            (releases_dir(out) / new["release_id"]).glob("articles.parquet/published_date=undated/*.parquet")
        ),
    )


@pytest.fixture
def mem_url() -> Iterator[str]:
    url = f"memory://newsfacts-part-{uuid.uuid4().hex[:8]}"
    yield url
    fs = fsspec.filesystem("memory")
    if fs.exists(url.removeprefix("memory://")):
        fs.rm(url.removeprefix("memory://"), recursive=True)


def test_object_store_references_shared_keys_and_sweeps_only_unreferenced(
    mem_url: str, tmp_path: Path
) -> None:
    fs = fsspec.filesystem("memory")
    root = mem_url.removeprefix("memory://")
    cache = tmp_path / "cache"
    first = _publish(mem_url, _tables(), keep=2, cache=cache)
    keys1 = {p.lstrip("/") for p in fs.find(f"{root}/data")}
    second = _publish(mem_url, _tables(extra=1), keep=2, cache=cache)
    keys2 = {p.lstrip("/") for p in fs.find(f"{root}/data")}
    ptr = json.loads(fs.cat_file(f"{root}/current.json"))
    assert ptr["release"] == second["release_id"]
    listed = {f"{root}/{h}" for hrefs in ptr["tables"].values() for h in hrefs}
    # the untouched partitions are the first release's keys, not copies
    assert listed <= keys2 and len(listed & keys1) >= 4 and len(keys2 - keys1) < len(listed)
    # every release folder holds documents only
    assert not [p for p in fs.find(f"{root}/releases") if p.endswith(".parquet")]
    time.sleep(1.1)  # release ids sort by the second they were made in
    third = _publish(mem_url, _tables(extra=2), keep=1, cache=cache)
    left = {p.lstrip("/") for p in fs.find(f"{root}/data")}
    ptr = json.loads(fs.cat_file(f"{root}/current.json"))
    listed = {f"{root}/{h}" for hrefs in ptr["tables"].values() for h in hrefs}
    # the pruned releases' own keys are gone; the shared ones the current release needs stay
    assert left == listed and fs.ls(f"{root}/releases", detail=False) != []
    assert [p.rsplit("/", 1)[-1] for p in fs.ls(f"{root}/releases", detail=False)] == [third["release_id"]]
    # a run elsewhere rebuilds the current release from the pointer and the keys
    other = open_store(mem_url, tmp_path / "other")
    assert isinstance(other, FsspecStore)
    cur = other.current()
    assert cur is not None and read_out_table(cur, "articles").height == 6
    del first


def test_a_stray_part_file_the_manifest_does_not_list_is_ignored(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _publish(str(out), _tables())
    cur = releases_dir(out) / first["release_id"]
    stray = cur / "articles.parquet" / "published_date=2024-05-01" / "part-0000stray.parquet"
    stray.write_text("not parquet")
    frame = read_table(cur, schema.ARTICLES)
    assert frame is not None and frame.height == 4
    arts = tmp_path / "now.parquet"
    write_parquet(_articles(extra=1), arts, schema.ARTICLES)
    assert report.article_changes(arts, cur)["new"] == 1
    assert _publish(str(out), _tables(extra=1))["published"]


def test_a_damaged_current_release_is_published_again_not_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _publish(str(out), _tables())
    cur = releases_dir(out) / first["release_id"]
    gone = next((cur / "articles.parquet" / "published_date=2024-05-02").glob("part-*.parquet"))
    gone.unlink()
    assert release_problems(cur) == [f"{gone.relative_to(cur).as_posix()} is missing"]
    again = _publish(str(out), _tables())
    assert again["published"], again
    assert release_problems(current_release(out) or cur) == []
    assert read_out_table(out, "articles").height == 4


def test_rollback_refuses_a_release_with_missing_or_resized_files(tmp_path: Path) -> None:
    out, cache = tmp_path / "out", str(tmp_path / "cache")
    first = _publish(str(out), _tables())
    second = _publish(str(out), _tables(extra=1))
    old = releases_dir(out) / first["release_id"]
    with (old / "entities.parquet").open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(ValueError, match=r"is damaged.*entities\.parquet has \d+ bytes, the manifest says"):
        rollback(str(out), cache_dir=cache)
    for f in (old / "articles.parquet").rglob("part-*.parquet"):
        f.unlink()
    with pytest.raises(
        ValueError, match=r"articles\.parquet/published_date=2024-05-01/part-\w+\.parquet is missing"
    ):
        rollback(str(out), first["release_id"], cache)
    assert current_release(out) == releases_dir(out) / second["release_id"]
    assert read_out_table(out, "articles").height == 5


def test_a_blocked_run_reports_its_own_quarantine(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _publish(str(out), _tables())
    bad = pl.DataFrame(
        {"source_path": ["junk/bin.txt", "junk/empty.txt"], "record": [None, None],
         "reason": ["binary", "empty"], "detail": ["not text", "0 bytes"]}
    )  # fmt: skip
    parts = [tmp_path / "q_ingest.parquet", tmp_path / "q_clean.parquet"]
    write_parquet(schema.conform(bad, schema.QUARANTINE), parts[0], schema.QUARANTINE)
    quarantine = report.run_quarantine(parts)
    kept = report.keep_blocked_quarantine(quarantine, tmp_path / "cache", "run-1")
    pub = {"published": False, "blocked": True, "reason": "release blocked", "quarantine_file": str(kept)}
    ver = {"verdict": "passed", "rejected": 0}
    extract = {"parsed": 0, "cached": 0}
    counts: dict[str, dict[str, Any]] = {"clean": {"articles": 0}, "extract": extract}
    s = report.summary(LocalStore(out), counts, ver, pub, {}, quarantine)
    assert s["quarantined_total"] == 2 and s["quarantine_table"] == str(kept)
    assert [q["reason"] for q in s["quarantined"]] == ["binary", "empty"]
    assert pl.read_parquet(kept).height == 2
    text = cli.format_summary({**s, "blocked": True})
    assert f"quarantined: 2 by this run (in {kept})" in text
    assert "junk/bin.txt: binary — not text" in text
    assert "rows of the current release (unchanged): " in text


def test_damaged_bytes_in_the_current_release_are_skipped_and_it_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _publish(str(out), _tables())
    cur = releases_dir(out) / first["release_id"]
    bad = next((cur / "articles.parquet" / "published_date=2024-05-02").glob("part-*.parquet"))
    bad.unlink()
    bad.write_bytes(b"junkjunk")  # damaged in place, not deleted
    with pytest.raises(pl.exceptions.PolarsError):
        read_table(cur, schema.ARTICLES)
    skipped: list[Path] = []
    frame = read_table(cur, schema.ARTICLES, skipped=skipped)
    assert skipped == [bad] and frame is not None and 0 < frame.height < 4
    arts = tmp_path / "now.parquet"
    write_parquet(_articles(), arts, schema.ARTICLES)
    lost: list[Path] = []
    changes = report.article_changes(arts, cur, lost)
    assert lost == [bad] and changes["new"] == 4 - frame.height
    # the run is not stopped: the tables are validated and published again (card, page included)
    again = _publish(str(out), _tables())
    assert again["published"], again
    assert release_problems(current_release(out) or cur) == []
    assert read_out_table(out, "articles").height == 4
