"""Tests of the validation suites and runner on small synthetic, conformed tables.

``make_tables`` writes handmade news-style articles and derives every table from them, so all
offsets are right; each test corrupts one table in a known way and checks the verdict.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from expectations.runner import SuiteResult, ValidationResult, validate
from transforms import schema
from transforms.ids import stable_id

RUN_DATE = date(2024, 5, 20)

PEOPLE = ("Amara Osei", "Jonas Feldmann", "Lucía Herrera", "Priya Natarajan", "Élodie Marchand")
ORGS = ("Riverside Transit Board", "Northern Grain Cooperative", "Coastal Health Trust")
PLACES = ("Porto", "Winnipeg", "Kraków", "Mombasa")
PARAGRAPH = (
    "{person} met officials of the {org} in {place} on Monday. "
    "“We expect the new timetable to hold through the winter,” {person} said. "
    "The {org} said it would publish the figures for {place} next week. "
)


def _find_all(text: str, needle: str) -> list[int]:
    """Returns every start offset of needle in text."""
    out, i = [], text.find(needle)
    while i >= 0:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def make_tables(n_articles: int = 12, paragraphs: int = 2) -> dict[str, pl.DataFrame]:
    """Returns conformed frames of every published table (rejected excluded), all consistent."""
    arts, mentions, quotes, events, event_mentions = [], [], [], [], []
    for i in range(n_articles):
        person, org = PEOPLE[i % len(PEOPLE)], ORGS[i % len(ORGS)]
        place = PLACES[i % len(PLACES)]
        text = f"Bulletin {i}. " + PARAGRAPH.format(person=person, org=org, place=place) * paragraphs
        aid = stable_id("a", text)
        arts.append(
            {
                "article_id": aid,
                "source_path": f"story_{i}.txt",
                "credits": [],
                "published_at": RUN_DATE - timedelta(days=i % 5),
                "published_at_method": "metadata",
                "language": "en",
                "text": text,
                "raw_sha256": "0" * 63 + str(i % 10),
                "boilerplate_removed": [],
                "boilerplate_rules": [],
                "n_chars": len(text),
            }
        )
        for name, label in ((person, "PERSON"), (org, "ORG"), (place, "GPE")):
            for s in _find_all(text, name):
                mentions.append(
                    {
                        "article_id": aid,
                        "entity_id": stable_id("e", name, label),
                        "start": s,
                        "end": s + len(name),
                        "text": name,
                        "label": label,
                    }
                )
        for s in _find_all(text, "“"):
            e = text.index("”", s)
            said = text.index(person, e)
            quotes.append(
                {
                    "quote_id": stable_id("q", aid, s + 1, e),
                    "article_id": aid,
                    "text": text[s + 1 : e],
                    "start": s + 1,
                    "end": e,
                    "speaker": person,
                    "speaker_entity_id": stable_id("e", person, "PERSON"),
                    "speaker_method": "cue_subject",
                    "speaker_start": said,
                    "speaker_end": said + len(person),
                    "cue": "said",
                    "kind": "full",
                    "quote_group_id": stable_id("g", text[s + 1 : e]),
                    "n_articles": 1,
                }
            )
        event_id = stable_id("v", "CONSULT", person, org, place, i)
        sent_start = text.index(person)
        sent_end = text.index(".", sent_start) + 1
        trig = text.index(" met ", sent_start) + 1
        events.append(
            {
                "event_id": event_id,
                "event_type": "CONSULT",
                "cameo_code": "040",
                "actor": person,
                "actor_entity_id": stable_id("e", person, "PERSON"),
                "target": org,
                "target_entity_id": stable_id("e", org, "ORG"),
                "location": place,
                "location_entity_id": stable_id("e", place, "GPE"),
                "event_date": RUN_DATE - timedelta(days=7),
                "date_text": "on Monday",
                "date_method": "relative",
                "modality": "asserted",
                "article_ids": [aid],
                "n_articles": 1,
                "n_mentions": 1,
            }
        )
        event_mentions.append(
            {
                "event_id": event_id,
                "article_id": aid,
                "sentence": text[sent_start:sent_end],
                "start": sent_start,
                "end": sent_end,
                "trigger": "met",
                "trigger_start": trig,
                "trigger_end": trig + 3,
                "actor_text": person,
                "target_text": org,
                "modality": "asserted",
            }
        )
    m = pl.DataFrame(mentions)
    entities = (
        m.group_by("entity_id")
        .agg(
            pl.col("text").first().alias("name"),
            pl.col("label").first().alias("type"),
            pl.col("text").unique().sort().alias("aliases"),
            pl.len().alias("n_mentions"),
            pl.col("article_id").n_unique().alias("n_articles"),
            pl.col("article_id").unique().sort().alias("article_ids"),
        )
        .with_columns(pl.when(pl.col("type") == "GPE").then(pl.lit("PT")).alias("country_code"))
    )
    merges = entities.select("entity_id", pl.col("name").alias("alias"), pl.lit("exact").alias("rule"))
    quarantine = pl.DataFrame(
        [
            {
                "source_path": "broken.json",
                "record": 3,
                "reason": "malformed_json",
                "detail": "bad",
                "size_bytes": 9,
            }
        ]
    )
    raw = {
        "articles": pl.DataFrame(arts),
        "entities": entities,
        "entity_mentions": m,
        "entity_merges": merges,
        "quotes": pl.DataFrame(quotes),
        "events": pl.DataFrame(events),
        "event_mentions": pl.DataFrame(event_mentions),
        "quarantine": quarantine,
    }
    return {name: schema.conform(frame, schema.TABLES[name]) for name, frame in raw.items()}


def run(tmp_path: Path, tables: dict[str, pl.DataFrame], **kwargs: object) -> ValidationResult:
    """Runs validate with the fixed run date and returns its result."""
    previous = kwargs.pop("previous", None)
    changed = bool(kwargs.pop("input_changed", False))
    return validate(tables, previous, changed, tmp_path / "docs", run_date=RUN_DATE, **kwargs)  # type: ignore[arg-type]


def suite(result: ValidationResult, name: str) -> SuiteResult:
    """Returns the SuiteResult called name."""
    return next(s for s in result.suites if s.name == name)


@pytest.fixture(scope="module")
def clean() -> dict[str, pl.DataFrame]:
    """The consistent synthetic tables."""
    return make_tables()


def test_clean_tables_pass_every_suite(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    result = run(tmp_path, clean)
    assert result.passed, result.summary_markdown()
    assert [s.name for s in result.suites] == [
        "schema",
        "articles",
        "entities",
        "entity_merges",
        "entity_mentions",
        "events",
        "event_mentions",
        "quotes",
        "quarantine",
    ]
    assert all(not s.blocking and not s.warnings for s in result.suites), result.summary_markdown()
    assert result.rejected.height == 0
    for name, frame in clean.items():
        assert result.tables[name].equals(frame)
    # the reports: the Data Docs index, GX's JSON results, the summaries
    assert result.docs_index is not None and result.docs_index.is_file()
    assert "<html" in result.docs_index.read_text(encoding="utf-8").lower()
    results = list((tmp_path / "docs" / "gx_results").rglob("*.json"))
    assert len(results) == len(clean) + 1  # the run-wide schema suite too
    assert json.loads(results[0].read_text(encoding="utf-8"))["success"] is True
    md = result.summary_markdown()
    assert "Validation: PASSED" in md and "| entity_mentions | passed |" in md and "index.html" in md
    rows = result.summary_rows()
    assert {r["table"] for r in rows} == {*clean, "schema"} and all(r["status"] == "passed" for r in rows)
    assert "validation passed" in result.verdict()


def test_absent_tables_are_skipped(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    only = {k: clean[k] for k in ("articles", "entity_mentions")}
    result = run(tmp_path, only)
    assert result.passed
    assert set(result.tables) == set(only)
    # entity ids cannot be checked without entities: reported, not rejected
    assert any("not checked" in w for w in suite(result, "entity_mentions").warnings)


def test_empty_tables_pass(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    tables = dict(clean, quotes=schema.empty(schema.QUOTES), events=schema.empty(schema.EVENTS))
    tables["event_mentions"] = schema.empty(schema.EVENT_MENTIONS)
    result = run(tmp_path, tables)
    assert result.passed, result.summary_markdown()


def test_missing_column_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    tables = dict(clean, quotes=clean["quotes"].drop("speaker_method"))
    result = run(tmp_path, tables)
    assert not result.passed
    blocking = suite(result, "quotes").blocking
    assert "schema: column speaker_method missing" in blocking
    assert not suite(result, "schema").success
    assert all(suite(result, n).success for n in clean if n != "quotes")
    assert "BLOCKED" in result.summary_markdown()


def test_wrong_type_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    tables = dict(
        clean, entity_mentions=clean["entity_mentions"].with_columns(pl.col("start").cast(pl.String))
    )
    result = run(tmp_path, tables)
    assert not result.passed
    blocking = suite(result, "entity_mentions").blocking
    assert "schema: column start is String, expected Int64" in blocking
    assert any("expect_column_pair_values_to_be_equal" in m for m in suite(result, "schema").blocking)
    assert result.rejected.height == 0  # row checks need the right types: none ran


def test_duplicate_id_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    ents = clean["entities"]
    dup = pl.concat([ents, ents.head(1).with_columns(pl.lit("Someone Else").alias("name"))])
    result = run(tmp_path, dict(clean, entities=dup))
    assert not result.passed
    assert any(
        "expect_column_values_to_be_unique(entity_id)" in m for m in suite(result, "entities").blocking
    )


def test_duplicate_compound_key_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    result = run(tmp_path, dict(clean, entity_mentions=pl.concat([m, m.tail(1)])))
    assert not result.passed
    blocking = suite(result, "entity_mentions").blocking
    assert any("expect_compound_columns_to_be_unique" in m for m in blocking)


def test_null_key_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    arts = clean["articles"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise(pl.col("article_id")).alias("article_id")
    )
    result = run(tmp_path, dict(clean, articles=arts))
    assert not result.passed
    blocking = suite(result, "articles").blocking
    assert "schema: 1 nulls in non-nullable column article_id" in blocking
    assert any("required_nulls" in m for m in suite(result, "schema").blocking)


def test_value_outside_set_and_bad_pattern_block(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    events = clean["events"].with_columns(pl.lit("MEET").alias("event_type"))
    ents = clean["entities"].with_columns(
        pl.when(pl.col("country_code").is_not_null()).then(pl.lit("PRT")).alias("country_code")
    )
    result = run(tmp_path, dict(clean, events=events, entities=ents))
    assert not result.passed
    assert any("expect_column_values_to_be_in_set(event_type)" in m for m in suite(result, "events").blocking)
    assert any("match_regex(country_code)" in m for m in suite(result, "entities").blocking)


def test_dangling_entity_id_rejects_the_row(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    ghost = stable_id("e", "Nobody", "PERSON")
    bad = m.with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(pl.lit(ghost)).otherwise("entity_id").alias("entity_id")
    )
    result = run(tmp_path, dict(clean, entity_mentions=bad))
    assert result.passed, result.summary_markdown()
    assert result.tables["entity_mentions"].height == m.height - 1
    assert ghost not in result.tables["entity_mentions"]["entity_id"].to_list()
    rej = result.rejected.row(0, named=True)
    row = m.row(3, named=True)
    assert rej["table"] == "entity_mentions" and rej["expectation"] == "check__entity_id_exists"
    assert json.loads(rej["row_key"]) == {
        "article_id": row["article_id"],
        "start": row["start"],
        "end": row["end"],
    }
    assert "entities" in rej["reason"]
    assert suite(result, "entity_mentions").rejected == 1


def test_offsets_not_matching_text_reject_the_row(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    q = clean["quotes"]
    shifted = q.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("start") + 1).otherwise("start").alias("start")
    )
    result = run(tmp_path, dict(clean, quotes=shifted))
    assert result.passed
    assert result.tables["quotes"].height == q.height - 1
    assert result.rejected["expectation"].to_list() == ["check__text_matches_article"]


def test_offsets_beyond_text_reject_the_row(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    em = clean["event_mentions"]
    bad = em.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.col("trigger_end") + 10_000)
        .otherwise("trigger_end")
        .alias("trigger_end")
    )
    result = run(tmp_path, dict(clean, event_mentions=bad))
    assert result.passed
    assert set(result.rejected["expectation"]) == {
        "check__trigger_start_trigger_end_in_text",
        "check__trigger_matches_article",
    }
    assert result.tables["event_mentions"].height == em.height - 1
    # the soft trigger-in-sentence check warns about it too
    assert suite(result, "event_mentions").warnings


def test_provenance_uses_character_offsets(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    # names with accents (Élodie, Kraków, Lucía) are in the clean tables and must pass
    assert clean["entity_mentions"].filter(pl.col("text").str.contains("ó")).height > 0
    result = run(tmp_path, clean)
    assert result.rejected.height == 0


def test_rejected_rows_cascade_to_children(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    ents = clean["entities"]
    ghost_article = stable_id("a", "no such article")
    bad = ents.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("article_ids").list.concat(pl.lit([ghost_article])))
        .otherwise("article_ids")
        .alias("article_ids")
    )
    dropped = ents["entity_id"][0]
    result = run(tmp_path, dict(clean, entities=bad), max_row_loss=1.0)
    tables = set(result.rejected["table"])
    assert "entities" in tables and "entity_mentions" in tables and "entity_merges" in tables
    assert dropped not in result.tables["entities"]["entity_id"].to_list()
    assert dropped not in result.tables["entity_mentions"]["entity_id"].to_list()


def test_systematic_row_failures_block(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    # every offset off by one: a bug, not a bad row, so the publish is refused
    m = clean["entity_mentions"].with_columns(pl.col("start") + 1, pl.col("end") + 1)
    result = run(tmp_path, dict(clean, entity_mentions=m))
    assert not result.passed
    assert any("check__text_matches_article" in b for b in suite(result, "entity_mentions").blocking)
    assert result.tables["entity_mentions"].height == 0


def test_halved_table_with_unchanged_input_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    half = m.head(m.height // 2)
    result = run(tmp_path, dict(clean, entity_mentions=half), previous=clean, input_changed=False)
    assert not result.passed
    blocking = suite(result, "entity_mentions").blocking
    assert any("row count" in b and f"previous release {m.height}" in b for b in blocking)
    assert suite(result, "entity_mentions").previous_rows == m.height


def test_halved_table_with_changed_input_warns(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    result = run(
        tmp_path, dict(clean, entity_mentions=m.head(m.height // 2)), previous=clean, input_changed=True
    )
    assert result.passed
    assert any("input changed: True" in w for w in suite(result, "entity_mentions").warnings)


def test_small_loss_with_unchanged_input_passes(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    result = run(tmp_path, dict(clean, entity_mentions=m.head(m.height - 2)), previous=clean)
    assert result.passed


def test_vanished_table_with_unchanged_input_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    tables = {k: v for k, v in clean.items() if k != "quotes"}
    result = run(tmp_path, tables, previous=clean)
    assert not result.passed
    assert suite(result, "quotes").blocking


def test_soft_failures_warn_without_blocking(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    arts = clean["articles"].with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(RUN_DATE + timedelta(days=30)))
        .otherwise("published_at")
        .alias("published_at"),
        pl.col("n_chars") + 1,
    )
    result = run(tmp_path, dict(clean, articles=arts))
    assert result.passed
    warnings = suite(result, "articles").warnings
    assert any("published_at_not_after_run" in w for w in warnings)
    assert any("n_chars_is_text_length" in w for w in warnings)
    assert result.rejected.height == 0
    assert "| articles | warnings |" in result.summary_markdown()


def test_future_dates_are_fine_for_planned_events(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    later = pl.lit(RUN_DATE + timedelta(days=40))
    planned = clean["events"].with_columns(pl.lit("planned").alias("modality"), later.alias("event_date"))
    assert suite(run(tmp_path, dict(clean, events=planned)), "events").warnings == []
    asserted = clean["events"].with_columns(later.alias("event_date"))
    assert any(
        "event_date_not_after_run" in w
        for w in suite(run(tmp_path, dict(clean, events=asserted)), "events").warnings
    )


def test_input_rejected_rows_are_kept(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    earlier = schema.conform(
        pl.DataFrame(
            [{"table": "quotes", "row_key": '{"quote_id":"q_0"}', "expectation": "x", "reason": "y"}]
        ),
        schema.REJECTED,
    )
    result = run(tmp_path, dict(clean, rejected=earlier))
    assert result.passed and "rejected" not in result.tables
    assert result.rejected.equals(earlier)


def test_unknown_table_is_an_error(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(ValueError, match="not published"):
        run(tmp_path, {"x_quotes": clean["quotes"]})


def test_extra_and_reordered_columns_block(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    events = clean["events"].with_columns(pl.lit("x").alias("note"))
    merges = clean["entity_merges"].select("alias", "entity_id", "rule", "evidence")
    result = run(tmp_path, dict(clean, events=events, entity_merges=merges))
    assert not result.passed
    assert suite(result, "events").blocking == ["schema: column note is not in the schema"]
    assert "schema: column alias at position 0, expected 1" in suite(result, "entity_merges").blocking
