"""The entity registry: new articles linked against the entities of an earlier run, the plan that
decides between an incremental and a full resolve, the registry's changes recorded on a full
re-resolve, events merged again within a window of days, and the registry on disk. Names are made up.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import polars as pl
import pytest

from storage import registry
from transforms import increment, schema
from transforms.entities.registry import registry_changes, with_changes
from transforms.resolve import link_spans

A, B, C, D = "a_000000000000000a", "a_000000000000000b", "a_000000000000000c", "a_000000000000000d"


def _x(rows: list[tuple[str, int, str, str]]) -> dict[str, pl.DataFrame]:
    """The x tables of (article, start, text, label) entity mentions, without quotes or events."""
    data = [
        {"article_id": a, "start": s, "end": s + len(t), "text": t, "label": lab, "title": None}
        for a, s, t, lab in rows
    ]
    ents = pl.DataFrame(data, schema=schema.X_ENTITY_MENTIONS.polars_schema)
    return {
        "x_entity_mentions": schema.conform(ents, schema.X_ENTITY_MENTIONS),
        "x_entity_aliases": schema.empty(schema.X_ENTITY_ALIASES),
        "x_quotes": schema.empty(schema.X_QUOTES),
        "x_event_mentions": schema.empty(schema.X_EVENT_MENTIONS),
    }


def _days(*ids: str) -> pl.DataFrame:
    return pl.DataFrame({"article_id": list(ids), "__pub": [dt.date(2024, 5, 1)] * len(ids)})


def _entity_of(out: dict[str, pl.DataFrame], article: str, start: int) -> str | None:
    m = out["entity_mentions"].filter((pl.col("article_id") == article) & (pl.col("start") == start))
    return m["entity_id"].item()  # type: ignore[no-any-return]


OLD = [
    (A, 0, "Amara Okafor", "PERSON"),
    (A, 20, "Okafor", "PERSON"),
    (A, 40, "Nordic Energy Agency", "ORG"),
    (B, 0, "Amara Okafor", "PERSON"),
    (B, 30, "Nordic Energy Agency", "ORG"),
]


def test_new_mentions_link_to_registry_entities_and_old_rows_are_kept() -> None:
    new_rows = [
        (C, 0, "Amara Okafor", "PERSON"),
        (C, 20, "Okafor", "PERSON"),
        (C, 40, "Brannock Mills", "ORG"),
    ]
    prev = increment.resolve_all(_x(OLD))
    out, stats = increment.resolve_new(prev, _x(OLD + new_rows), [C], _days(A, B, C))
    full = increment.resolve_all(_x(OLD + new_rows))
    # Same ids and rows as the full resolve (nothing here makes the rules decide otherwise).
    for name in ("entity_mentions", "entities"):
        assert (
            out[name]
            .drop("aliases" if name == "entities" else [])
            .equals(full[name].drop("aliases" if name == "entities" else []))
        ), name
    assert _entity_of(out, C, 0) == _entity_of(prev, A, 0)  # the registry's id
    assert _entity_of(out, C, 20) == _entity_of(prev, A, 0)  # the bare surname, in its article
    okafor = out["entities"].filter(pl.col("name") == "Amara Okafor").row(0, named=True)
    assert okafor["n_articles"] == 3 and okafor["article_ids"] == [A, B, C]
    assert stats["new"] == 1 and stats["matched"] == 1  # Brannock Mills is new; Amara Okafor known
    # The old articles' rows are the registry's, untouched.
    old = pl.col("article_id").is_in([A, B])
    assert out["entity_mentions"].filter(old).equals(prev["entity_mentions"])


def test_acronym_the_registry_joined_links_without_its_expansion() -> None:
    # The new article writes only the acronym: the batch alone has no expansion, the registry has.
    old = [(A, 0, "Nordic Energy Agency", "ORG"), (A, 21, "NEA", "ORG"), (B, 0, "NEA", "ORG")]
    new = [(C, 0, "NEA", "ORG")]
    prev = increment.resolve_all(_x(old))
    out, _ = increment.resolve_new(prev, _x(old + new), [C], _days(A, B, C))
    assert (
        _entity_of(out, C, 0)
        == _entity_of(prev, A, 0)
        == _entity_of(increment.resolve_all(_x(old + new)), C, 0)
    )


def test_unlinked_form_the_registry_holds_links_to_it() -> None:
    # "Vellmar" tagged PERSON alone in the new article: the batch cannot place it, the registry
    # knows the town.
    old = [(A, 0, "Vellmar", "GPE"), (B, 0, "Vellmar", "GPE")]
    new = [(C, 0, "Vellmar", "PERSON")]
    prev = increment.resolve_all(_x(old))
    out, stats = increment.resolve_new(prev, _x(old + new), [C], _days(A, B, C))
    assert _entity_of(out, C, 0) == _entity_of(prev, A, 0)
    assert stats["relinked_forms"] == 1
    row = out["entity_merges"].filter(pl.col("alias") == "Vellmar")
    assert row.height == 1  # one alias row: the registry's


def test_plan_incremental_only_when_the_registry_covers_every_old_article_unchanged() -> None:
    reg = pl.DataFrame({"article_id": [A, B, C, D], "signature": ["1", "2", "3", "4"]})
    now = pl.concat([reg, pl.DataFrame({"article_id": ["a_00000000000000ff"], "signature": ["9"]})])
    assert increment.plan(reg, now) == ["a_00000000000000ff"]
    assert increment.plan(reg, reg) == []
    assert increment.plan(None, now) is None  # no registry
    assert increment.plan(reg, now.filter(pl.col("article_id") != A)) is None  # an article left
    changed = now.with_columns(
        pl.when(pl.col("article_id") == B).then(pl.lit("x")).otherwise("signature").alias("signature")
    )
    assert increment.plan(reg, changed) is None  # an article was extracted differently
    many = pl.concat(
        [reg, pl.DataFrame({"article_id": [f"a_{i:016x}" for i in range(100, 102)], "signature": ["9", "9"]})]
    )
    assert increment.plan(reg, many) is None  # half new: a full resolve


def test_full_reresolve_records_merges_and_renames_against_the_previous_registry() -> None:
    prev = increment.resolve_all(_x(OLD))
    # The same mentions now resolved into other entities (as if the rules changed).
    mentions = prev["entity_mentions"].with_columns(
        pl.when(pl.col("text") == "Nordic Energy Agency")
        .then(pl.lit("e_00000000000000aa"))
        .otherwise(pl.col("entity_id"))
        .alias("entity_id")
    )
    changes = registry_changes(prev["entity_mentions"], prev["entities"], mentions)
    assert changes.select("entity_id", "alias", "rule").rows() == [
        ("e_00000000000000aa", "Nordic Energy Agency", "registry_rename")
    ]
    assert registry_changes(prev["entity_mentions"], prev["entities"], prev["entity_mentions"]).is_empty()
    merged = prev["entity_mentions"].with_columns(pl.lit("e_00000000000000bb").alias("entity_id"))
    rules = set(registry_changes(prev["entity_mentions"], prev["entities"], merged)["rule"].to_list())
    assert rules == {"registry_merge"}
    # Recorded in entity_merges: the alias row's evidence, or a row of its own.
    noted = with_changes(prev["entity_merges"], changes)
    assert noted.filter(pl.col("rule") == "registry_rename").height == 1


def _x_event(article: str, start: int, day: dt.date | None, actor: str) -> dict[str, object]:
    return {
        "article_id": article,
        "event_type": "CONSULT",
        "trigger": "met",
        "trigger_start": start,
        "trigger_end": start + 3,
        "sent_start": 0,
        "sent_end": 100,
        "sentence": "x",
        "actor_text": actor,
        "event_date": day,
        "date_method": "explicit" if day else "none",
        "modality": "asserted",
    }


def test_events_merge_again_only_within_the_window() -> None:
    may, june = dt.date(2024, 5, 1), dt.date(2024, 6, 20)
    x = pl.DataFrame(
        [
            _x_event(A, 10, may, "the council"),
            _x_event(B, 10, june, "the council"),
            _x_event(C, 10, may, "the council"),
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
        strict=False,
    )
    x = schema.conform(x, schema.X_EVENT_MENTIONS)
    tables = {**_x([]), "x_event_mentions": x}
    old = {k: v.filter(pl.col("article_id") != C) for k, v in tables.items()}
    days = pl.DataFrame({"article_id": [A, B, C], "__pub": [may, june, may]})
    prev = increment.resolve_all(old)
    out, stats = increment.resolve_new(prev, tables, [C], days)
    full = increment.resolve_all(tables)
    assert stats["window_events_before"] == 1  # May's event, not June's
    assert out["events"].equals(full["events"]) and out["event_mentions"].equals(full["event_mentions"])
    may_event = out["events"].filter(pl.col("event_date") == may).row(0, named=True)
    assert may_event["n_articles"] == 2 and may_event["article_ids"] == [A, C]


def test_only_events_that_may_share_a_group_with_new_mentions_merge_again() -> None:
    may = dt.date(2024, 5, 1)
    accuse = {"event_type": "ACCUSE", "trigger": "accused"}
    rows = [
        _x_event(A, 10, may, "the council"),
        _x_event(A, 50, may, "the board"),  # same day and category, other parties: kept as it is
        {**_x_event(B, 10, may, "the council"), **accuse},
        {**_x_event(B, 50, may, "the union"), **accuse},
        _x_event(C, 10, may, "the council"),
        {**_x_event(C, 50, may, "the council"), **accuse},
    ]
    x = schema.conform(
        pl.DataFrame(rows, schema=schema.X_EVENT_MENTIONS.polars_schema, strict=False),
        schema.X_EVENT_MENTIONS,
    )
    tables = {**_x([]), "x_event_mentions": x}
    old = {k: v.filter(pl.col("article_id") != C) for k, v in tables.items()}
    days = pl.DataFrame({"article_id": [A, B, C], "__pub": [may] * 3})
    out, stats = increment.resolve_new(increment.resolve_all(old), tables, [C], days)
    full = increment.resolve_all(tables)
    assert stats["window_events_before"] == 2  # the council's meeting and its accusation
    assert out["events"].equals(full["events"]) and out["event_mentions"].equals(full["event_mentions"])


def test_span_links_are_the_same_by_blocks_of_articles(monkeypatch: object) -> None:
    import transforms.resolve as r

    mentions = pl.DataFrame(
        {
            "article_id": [A, A, B, C],
            "entity_id": ["e_1", "e_2", "e_3", None],
            "start": [0, 10, 0, 0],
            "end": [5, 15, 5, 5],
        }
    )
    spans = pl.DataFrame(
        {"article_id": [A, A, B, C, D], "x_start": [1, 9, 0, 0, 0], "x_end": [4, 16, 2, 5, 5]}
    )
    whole = link_spans(spans, "x", mentions)
    r._ARTICLE_BLOCK = 1  # type: ignore[attr-defined]
    try:
        assert link_spans(spans, "x", mentions).equals(whole)
    finally:
        r._ARTICLE_BLOCK = 256  # type: ignore[attr-defined]
    assert whole["x_entity_id"].to_list() == ["e_1", "e_2", "e_3", None, None]


def test_registry_on_disk_round_trip_and_code_check(tmp_path: Path) -> None:
    x = _x(OLD)
    out = increment.resolve_all(x)
    work = tmp_path / "work"
    work.mkdir()
    for name, frame in out.items():
        frame.write_parquet(work / f"{name}.parquet")
    sigs = registry.article_signatures(x)
    assert sigs["article_id"].to_list() == [A, B]
    from transforms.entities.registry import alias_index

    index = alias_index(out["entities"], out["entity_merges"])
    assert "okafor" not in index["alias_key"].to_list()  # a bare surname is no key
    assert "amara okafor" in index["alias_key"].to_list()
    registry.save(tmp_path / "cache", "k1", work, index, sigs, {"code": "c1"})
    assert registry.is_current(tmp_path / "cache", "k1")
    loaded = registry.load(tmp_path / "cache", "c1")
    assert loaded is not None and loaded[0]["entities"].equals(out["entities"]) and loaded[1].equals(sigs)
    assert registry.load(tmp_path / "cache", "other code") is None
    # Another run sharing the cache is writing its registry (a live process's folder): left alone;
    # a folder a dead process left is removed, as are older versions.
    import subprocess
    import sys

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    root = tmp_path / "cache" / "registry"
    try:
        (root / f".tmp-k9-{live.pid}").mkdir()
        (root / f".tmp-k8-{dead.pid}").mkdir()
        registry.save(tmp_path / "cache", "k2", work, index, sigs, {"code": "c1"})
        assert sorted(p.name for p in root.iterdir() if p.is_dir()) == [f".tmp-k9-{live.pid}", "v-k2"]
    finally:
        live.kill()
        live.wait()
    registry.save(tmp_path / "cache", "k2", work, index, sigs, {"code": "c1"})
    assert [p.name for p in root.iterdir() if p.is_dir()] == ["v-k2"]
    # A re-extracted article changes its signature.
    changed = _x([*OLD[:-1], (B, 30, "Nordic Energy Agency", "GPE")])
    assert registry.article_signatures(changed).filter(pl.col("article_id") == B)["signature"].item() != (
        sigs.filter(pl.col("article_id") == B)["signature"].item()
    )


def test_registry_tables_are_documented() -> None:
    from tests.conftest import ROOT
    from transforms import dictionary

    doc = (ROOT / "docs" / "scaling.md").read_text(encoding="utf-8")
    assert dictionary.data_dictionary((schema.ENTITY_ALIASES, schema.REGISTRY_ARTICLES)).strip() in doc


def test_nothing_new_gives_the_registry_rows() -> None:
    prev = increment.resolve_all(_x(OLD))
    out, stats = increment.resolve_new(prev, _x(OLD), [], _days(A, B))
    assert stats["new"] == 0 and all(out[k].equals(prev[k]) for k in increment.RESOLVED)


def test_new_articles_without_entities_only_add_their_events_and_quotes() -> None:
    prev = increment.resolve_all(_x(OLD))
    out, stats = increment.resolve_new(prev, _x(OLD), [C], _days(A, B, C))
    assert out["entity_mentions"].equals(prev["entity_mentions"]) and stats["batch_entities"] == 0


def test_word_the_registry_knows_as_a_firm_is_not_taken_for_a_surname() -> None:
    # "Brannock" alone and tagged ORG in two articles is the firm; the new article names the
    # founder too, so the batch alone would take its "Brannock" for her surname.
    old = [
        (A, 0, "Brannock", "ORG"),
        (B, 0, "Brannock", "ORG"),
        (C, 0, "Jane Brannock", "PERSON"),
    ]
    new = [(D, 0, "Jane Brannock", "PERSON"), (D, 20, "Brannock", "ORG")]
    prev = increment.resolve_all(_x(old))
    out, stats = increment.resolve_new(prev, _x(old + new), [D], _days(A, B, C, D))
    full = increment.resolve_all(_x(old + new))
    assert _entity_of(out, D, 20) == _entity_of(prev, A, 0) == _entity_of(full, D, 20)
    assert stats["relinked_forms"] == 1
    firm = out["entities"].filter(pl.col("entity_id") == _entity_of(prev, A, 0)).row(0, named=True)
    assert firm["n_mentions"] == 3 and firm["article_ids"] == [A, B, D]


def test_a_redated_article_changes_its_signature() -> None:
    # Undated event ids carry the publication day: a new date alone must not take the incremental path.
    x = _x(OLD)
    before = registry.article_signatures(x, _days(A, B))
    later = _days(A, B).with_columns(
        pl.when(pl.col("article_id") == B).then(dt.date(2024, 6, 9)).otherwise(pl.col("__pub")).alias("__pub")
    )
    after = registry.article_signatures(x, later)
    assert increment.plan(before, before) == [] and increment.plan(before, after) is None
    assert before.filter(pl.col("article_id") == A).equals(after.filter(pl.col("article_id") == A))


def test_bare_surname_the_registry_takes_elsewhere_is_no_alias_of_the_person() -> None:
    # "Brannock" alone is the registry's firm; the new article's person keeps no alias or merge row
    # for a form none of her mentions carries.
    old = [(A, 0, "Brannock", "ORG"), (B, 0, "Brannock", "ORG"), (C, 0, "Brannock", "ORG")]
    new = [(D, 0, "Jane Brannock", "PERSON"), (D, 20, "Brannock", "ORG")]
    prev = increment.resolve_all(_x(old))
    out, stats = increment.resolve_new(prev, _x(old + new), [D], _days(A, B, C, D))
    firm = _entity_of(prev, A, 0)
    assert _entity_of(out, D, 20) == firm and stats["relinked_forms"] == 1
    person = _entity_of(out, D, 0)
    assert person != firm
    row = out["entities"].filter(pl.col("entity_id") == person).row(0, named=True)
    assert "Brannock" not in row["aliases"] and row["n_mentions"] == 1
    merges = out["entity_merges"].filter(pl.col("alias") == "Brannock")
    assert set(merges["entity_id"].to_list()) <= {firm}


def _stage_run(
    tmp_path: Path, rows: list[tuple[str, int, str, str]], refresh: bool = False
) -> dict[str, object]:
    """Runs the resolve stage on the x tables of ``rows`` (articles dated 2024-05-01)."""
    from flows import stages
    from storage.files import write_parquet
    from storage.locations import Locations

    loc = Locations.resolve(str(tmp_path / "out"), str(tmp_path / "cache")).for_run("r1")
    loc.work_dir.mkdir(parents=True, exist_ok=True)
    x = _x(rows)
    for t in schema.EXTRACT_TABLES:
        write_parquet(x.get(t.name, schema.empty(t)), loc.work_file(t.name), t)
    ids = sorted({r[0] for r in rows})
    day = [dt.date(2024, 5, 1)] * len(ids)
    pl.DataFrame({"article_id": ids, "published_at": day}).write_parquet(loc.work_file("articles"))
    return stages.resolve_stage.fn(loc, refresh)  # type: ignore[no-any-return]


def test_full_reresolve_rewrites_the_registry_and_incremental_results_are_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.stages

    monkeypatch.setattr(flows.stages, "get_run_logger", lambda: logging.getLogger("test"))
    old = [(a, 0, "Amara Okafor", "PERSON") for a in (A, B, C)] + [(D, 0, "Brannock", "ORG")]
    new = [*old, ("a_000000000000000e", 0, "Okafor", "PERSON")]
    _stage_run(tmp_path, old)
    assert _stage_run(tmp_path, new)["incremental"] is True
    # Only the full resolve's stage cache entry: an incremental result depends on the registry.
    assert len(list((tmp_path / "cache" / "stages" / "resolve").iterdir())) == 1
    assert _stage_run(tmp_path, new, refresh=True)["incremental"] is False
    loaded = registry.load(tmp_path / "cache", None)
    assert loaded is not None
    # The registry is the full resolve's, though the stage key is the incremental run's.
    full = increment.resolve_all(_x(new))
    assert sorted(loaded[0]["entity_mentions"]["entity_id"].to_list(), key=str) == sorted(
        full["entity_mentions"]["entity_id"].to_list(), key=str
    )


def test_new_mention_without_any_day_merges_into_an_old_dated_event() -> None:
    # The new article has no publication day and its mention no date: the full merge joins it to
    # its group's largest run whatever the day, so the window takes the old dated event in.
    may = dt.date(2024, 5, 1)
    x = schema.conform(
        pl.DataFrame(
            [_x_event(A, 10, may, "the harbour board"), _x_event(C, 10, None, "the harbour board")],
            schema=schema.X_EVENT_MENTIONS.polars_schema,
            strict=False,
        ),
        schema.X_EVENT_MENTIONS,
    )
    tables = {**_x([]), "x_event_mentions": x}
    old = {k: v.filter(pl.col("article_id") != C) for k, v in tables.items()}
    days = pl.DataFrame(
        {"article_id": [A, C], "__pub": [may, None]}, schema={"article_id": pl.String, "__pub": pl.Date}
    )
    out, stats = increment.resolve_new(increment.resolve_all(old, days), tables, [C], days)
    full = increment.resolve_all(tables, days)
    assert stats["window_events_before"] == 1
    assert out["events"].equals(full["events"]) and out["event_mentions"].equals(full["event_mentions"])
    assert out["events"].height == 1


def test_new_spelling_of_a_registry_person_links_by_transliteration_key() -> None:
    # The registry calls him "Mykola Brodskyy", the new article "Mykola Brodsky": the full run
    # joins the two by their transliteration key (rule translit), so the batch links to him.
    old = [(A, 0, "Mykola Brodskyy", "PERSON"), (B, 0, "Mykola Brodskyy", "PERSON")]
    new = [(C, 0, "Mykola Brodsky", "PERSON")]
    prev = increment.resolve_all(_x(old))
    out, stats = increment.resolve_new(prev, _x(old + new), [C], _days(A, B, C))
    full = increment.resolve_all(_x(old + new))
    assert _entity_of(out, C, 0) == _entity_of(prev, A, 0) == _entity_of(full, C, 0)
    assert stats["new"] == 0 and out["entities"].height == full["entities"].height == 1
    row = out["entity_merges"].filter(pl.col("alias") == "Mykola Brodsky").row(0, named=True)
    assert row["rule"] == "translit"  # as the full run records it; the registry's name stays


def test_unlinked_form_links_to_the_registry_only_where_the_full_run_would() -> None:
    # "Ostravel" is a town once and tagged PERSON once in the new article: the corpus's labels tie,
    # the vote says PERSON, so the full run keeps the new mention a bare name, unlinked.
    old = [(A, 0, "Ostravel", "GPE"), (B, 0, "Lina Marsk", "PERSON")]
    new = [(C, 0, "Ostravel", "PERSON")]
    prev = increment.resolve_all(_x(old))
    out, stats = increment.resolve_new(prev, _x(old + new), [C], _days(A, B, C))
    full = increment.resolve_all(_x(old + new))
    assert _entity_of(full, C, 0) is None
    assert _entity_of(out, C, 0) is None and stats["relinked_forms"] == 0
    new_rows = pl.col("article_id") == C
    assert out["entity_mentions"].filter(new_rows).equals(full["entity_mentions"].filter(new_rows))
