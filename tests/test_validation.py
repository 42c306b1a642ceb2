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


def _nth(column: str, n: int, value: pl.Expr) -> pl.Expr:
    """Returns ``column`` with its n-th value replaced."""
    return pl.when(pl.int_range(pl.len()) == n).then(value).otherwise(pl.col(column)).alias(column)


GHOST_ENTITY = stable_id("e", "Nobody", "PERSON")


@pytest.fixture(scope="module")
def schema_broken(
    tmp_path_factory: pytest.TempPathFactory, clean: dict[str, pl.DataFrame]
) -> ValidationResult:
    """One run with one independent blocking corruption per table (one GX run costs seconds)."""
    ents = clean["entities"]
    corrupted = {
        "articles": clean["articles"].with_columns(_nth("article_id", 0, pl.lit(None, dtype=pl.String))),
        "entities": pl.concat([ents, ents.head(1).with_columns(pl.lit("Someone Else").alias("name"))]),
        "entity_merges": clean["entity_merges"].select("alias", "entity_id", "rule", "evidence"),
        "entity_mentions": clean["entity_mentions"].with_columns(pl.col("start").cast(pl.String)),
        "events": clean["events"].with_columns(pl.lit("MEET").alias("event_type")),
        "event_mentions": clean["event_mentions"].with_columns(pl.lit("x").alias("note")),
        "quotes": clean["quotes"].drop("speaker_method"),
        "quarantine": pl.concat([clean["quarantine"], clean["quarantine"]]),
    }
    return validate(corrupted, None, False, tmp_path_factory.mktemp("broken"), run_date=RUN_DATE)


@pytest.fixture(scope="module")
def rows_broken(tmp_path_factory: pytest.TempPathFactory, clean: dict[str, pl.DataFrame]) -> ValidationResult:
    """One run with a few row-level corruptions in different tables."""
    corrupted = dict(
        clean,
        entity_mentions=clean["entity_mentions"].with_columns(_nth("entity_id", 3, pl.lit(GHOST_ENTITY))),
        quotes=clean["quotes"].with_columns(_nth("start", 0, pl.col("start") + 1)),
        event_mentions=clean["event_mentions"].with_columns(
            _nth("trigger_end", 1, pl.col("trigger_end") + 10_000)
        ),
    )
    return validate(corrupted, None, False, tmp_path_factory.mktemp("rows"), run_date=RUN_DATE)


def test_clean_tables_pass_every_suite(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    result = run(tmp_path, clean, previous=clean)
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
    # names with accents (Élodie, Kraków, Lucía): polars slices by characters, as Python does
    assert clean["entity_mentions"].filter(pl.col("text").str.contains("ó")).height > 0
    # the reports: the Data Docs index, GX's JSON results, the summaries
    assert result.docs_index is not None and result.docs_index.is_file()
    assert "<html" in result.docs_index.read_text(encoding="utf-8").lower()
    results = list((tmp_path / "docs" / "gx_results").rglob("*.json"))
    assert len(results) == len(clean) + 1  # the run-wide schema suite too
    assert json.loads(results[0].read_text(encoding="utf-8"))["success"] is True
    md = result.summary_markdown()
    assert "Validation: PASSED" in md and "| entity_mentions | passed |" in md
    assert "Data Docs: `docs/index.html` in the release directory" in md
    page = result.docs_index.read_text(encoding="utf-8")
    assert "entity_mentions</a>: passed" in page and "data_docs/validations/" in page
    rows = result.summary_rows()
    assert {r["table"] for r in rows} == {*clean, "schema"}
    assert all(r["status"] == "passed" for r in rows)
    assert "validation passed" in result.verdict()


def test_absent_and_empty_tables(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    only = {k: clean[k] for k in ("articles", "entity_mentions")}
    only["quotes"] = schema.empty(schema.QUOTES)
    result = run(tmp_path, only)
    assert result.passed, result.summary_markdown()
    assert set(result.tables) == set(only)
    # entity ids cannot be checked without entities: reported, not rejected
    assert any("not checked" in w for w in suite(result, "entity_mentions").warnings)
    assert result.rejected.height == 0


def test_missing_column_blocks_only_its_table(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    result = run(tmp_path, dict(clean, quotes=clean["quotes"].drop("cue")))
    assert not result.passed
    assert suite(result, "quotes").blocking == ["schema: column cue missing"]
    assert any("'column': 'cue'" in m or '"column": "cue"' in m for m in suite(result, "schema").blocking)
    assert all(suite(result, n).success for n in clean if n != "quotes")
    assert "BLOCKED" in result.summary_markdown() and "BLOCKED" in result.verdict()


def test_missing_column_blocks(schema_broken: ValidationResult) -> None:
    assert not schema_broken.passed
    assert "schema: column speaker_method missing" in suite(schema_broken, "quotes").blocking


def test_wrong_type_blocks(schema_broken: ValidationResult) -> None:
    assert (
        "schema: column start is String, expected Int64" in suite(schema_broken, "entity_mentions").blocking
    )
    schema_suite = suite(schema_broken, "schema").blocking
    assert any("expect_column_pair_values_to_be_equal(expected_type, actual_type)" in m for m in schema_suite)
    # row checks need the right types: none ran on the mistyped table
    assert "entity_mentions" not in set(schema_broken.rejected["table"])


def test_duplicate_id_blocks(schema_broken: ValidationResult) -> None:
    blocking = suite(schema_broken, "entities").blocking
    # uniqueness is judged over the whole table in polars, shown to GX as a check column
    assert any("check__key_unique" in m and "2 of" in m for m in blocking), blocking


def test_duplicate_compound_key_blocks(schema_broken: ValidationResult) -> None:
    blocking = suite(schema_broken, "quarantine").blocking
    assert any("check__key_unique" in m and "fail 'key_unique'" in m for m in blocking), blocking


def test_null_key_blocks(schema_broken: ValidationResult) -> None:
    assert "schema: 1 nulls in non-nullable column article_id" in suite(schema_broken, "articles").blocking
    assert any("required_nulls" in m for m in suite(schema_broken, "schema").blocking)


def test_value_outside_set_blocks(schema_broken: ValidationResult) -> None:
    blocking = suite(schema_broken, "events").blocking
    assert any("expect_column_values_to_be_in_set(event_type): 12 of 12 rows" in m for m in blocking)


def test_extra_and_reordered_columns_block(schema_broken: ValidationResult) -> None:
    assert suite(schema_broken, "event_mentions").blocking == ["schema: column note is not in the schema"]
    assert "schema: column alias at position 0, expected 1" in suite(schema_broken, "entity_merges").blocking


def test_bad_pattern_blocks(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    ents = clean["entities"].with_columns(
        pl.when(pl.col("country_code").is_not_null()).then(pl.lit("PRT")).alias("country_code")
    )
    result = run(tmp_path, dict(clean, entities=ents))
    assert not result.passed
    assert any("match_regex(country_code)" in m for m in suite(result, "entities").blocking)


def test_dangling_entity_id_rejects_the_row(
    clean: dict[str, pl.DataFrame], rows_broken: ValidationResult
) -> None:
    assert rows_broken.passed, rows_broken.summary_markdown()
    m = clean["entity_mentions"]
    kept = rows_broken.tables["entity_mentions"]
    assert kept.height == m.height - 1 and GHOST_ENTITY not in kept["entity_id"].to_list()
    rej = rows_broken.rejected.filter(pl.col("table") == "entity_mentions").row(0, named=True)
    row = m.row(3, named=True)
    assert rej["expectation"] == "check__entity_id_exists" and "entities" in rej["reason"]
    assert json.loads(rej["row_key"]) == {k: row[k] for k in ("article_id", "start", "end")}
    assert suite(rows_broken, "entity_mentions").rejected == 1


def test_offsets_not_matching_text_reject_the_row(
    clean: dict[str, pl.DataFrame], rows_broken: ValidationResult
) -> None:
    assert rows_broken.tables["quotes"].height == clean["quotes"].height - 1
    rej = rows_broken.rejected.filter(pl.col("table") == "quotes")
    assert rej["expectation"].to_list() == ["check__text_matches_article"]
    assert json.loads(rej["row_key"][0]) == {"quote_id": clean["quotes"]["quote_id"][0]}


def test_offsets_beyond_text_reject_the_row(
    clean: dict[str, pl.DataFrame], rows_broken: ValidationResult
) -> None:
    rej = rows_broken.rejected.filter(pl.col("table") == "event_mentions")
    assert set(rej["expectation"]) == {
        "check__trigger_start_trigger_end_in_text",
        "check__trigger_matches_article",
    }
    assert rows_broken.tables["event_mentions"].height == clean["event_mentions"].height - 1
    # the soft trigger-in-sentence check warns about it too, without blocking
    assert any("trigger_in_sentence" in w for w in suite(rows_broken, "event_mentions").warnings)
    assert "Rejected rows: 4." in rows_broken.summary_markdown()


def test_rejected_rows_cascade_to_children(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    ents = clean["entities"]
    ghost_article = stable_id("a", "no such article")
    bad = ents.with_columns(
        _nth("article_ids", 0, pl.col("article_ids").list.concat(pl.lit([ghost_article])))
    )
    dropped = ents["entity_id"][0]
    result = run(tmp_path, dict(clean, entities=bad), max_row_loss=1.0)
    assert result.passed
    assert {"entities", "entity_mentions", "entity_merges"} <= set(result.rejected["table"])
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
    tables = {k: v for k, v in clean.items() if k != "quotes"}  # and a table vanished
    result = run(tmp_path, dict(tables, entity_mentions=m.head(m.height // 2)), previous=clean)
    assert not result.passed
    blocking = suite(result, "entity_mentions").blocking
    assert any("row count" in b and f"previous release {m.height}" in b for b in blocking)
    assert suite(result, "entity_mentions").previous_rows == m.height
    assert suite(result, "quotes").blocking == [
        f"table missing (previous release had {clean['quotes'].height} rows)"
    ]


def test_halved_table_with_changed_input_warns(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    m = clean["entity_mentions"]
    result = run(
        tmp_path, dict(clean, entity_mentions=m.head(m.height // 2)), previous=clean, input_changed=True
    )
    assert result.passed
    assert any("input changed: True" in w for w in suite(result, "entity_mentions").warnings)


def test_small_loss_and_soft_failures_pass_with_warnings(
    tmp_path: Path, clean: dict[str, pl.DataFrame]
) -> None:
    m = clean["entity_mentions"]
    arts = clean["articles"].with_columns(
        _nth("published_at", 0, pl.lit(RUN_DATE + timedelta(days=30))), pl.col("n_chars") + 1
    )
    later = pl.lit(RUN_DATE + timedelta(days=40))
    first_two = pl.int_range(pl.len()) < 2
    events = clean["events"].with_columns(
        pl.when(first_two).then(later).otherwise("event_date").alias("event_date"),
        _nth("modality", 1, pl.lit("planned")),
    )
    tables = dict(clean, entity_mentions=m.head(m.height - 2), articles=arts, events=events)
    result = run(tmp_path, tables, previous=clean)
    assert result.passed, result.summary_markdown()
    warnings = suite(result, "articles").warnings
    assert any("published_at_not_after_run" in w for w in warnings)
    assert any("n_chars_is_text_length" in w for w in warnings)
    # a future date is fine for a planned event, not for an asserted one
    assert any("event_date_not_after_run': 1 of 12" in w or "1 of 12 rows fail 'event_date_not_after_run'" in w
               for w in suite(result, "events").warnings)  # fmt: skip
    assert suite(result, "entity_mentions").warnings == []
    assert result.rejected.height == 0
    assert "| articles | warnings |" in result.summary_markdown()


def test_input_rejected_rows_are_kept(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    earlier = schema.conform(
        pl.DataFrame(
            [{"table": "quotes", "row_key": '{"quote_id":"q_0"}', "expectation": "x", "reason": "y"}]
        ),
        schema.REJECTED,
    )
    result = run(tmp_path, {"articles": clean["articles"], "rejected": earlier})
    assert result.passed and "rejected" not in result.tables
    assert result.rejected.equals(earlier)


def test_unknown_table_is_an_error(tmp_path: Path, clean: dict[str, pl.DataFrame]) -> None:
    with pytest.raises(ValueError, match="not published"):
        run(tmp_path, {"x_quotes": clean["quotes"]})
