"""One article never stops extraction: a crash, a text over the model's limit or a spent time budget
becomes that article's ``x_extract_errors`` row; dates at the ends of the calendar resolve to none."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from spacy.language import Language

from transforms import dates, extract, schema
from transforms.extract import ArticleInput, extract_articles

GOOD = (
    "The harbour board approved the dredging plan on Tuesday. \u201cWe listened to every objection,\u201d "
    "said Alicia Bremner, the board's chief executive. The work begins in March."
)
OTHER = (
    "The city council voted on Monday to reopen two village schools. \u201cNo child should spend two "
    "hours a day in a car,\u201d said Priya Nandakumar, who proposed the measure."
)


def _inputs() -> list[ArticleInput]:
    return [
        ArticleInput("a_good", GOOD, dt.date(2021, 3, 4)),
        ArticleInput("b_bad", GOOD.replace("Tuesday", "Wednesday"), dt.date(2021, 3, 4)),
        ArticleInput("c_other", OTHER, dt.date(2021, 3, 4)),
    ]


def _ids(frames: dict[str, Any], table: str) -> set[str]:
    return set(frames[table]["article_id"].to_list())


# ---- dates at the ends of the calendar ----


@pytest.mark.parametrize(
    "base", [dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(9999, 12, 31), dt.date(9999, 12, 30)]
)
@pytest.mark.parametrize(
    "phrase",
    [
        "yesterday",
        "tomorrow",
        "on Tuesday",
        "next Tuesday",
        "last week",
        "next month",
        "March 3",
        "late December",
        "early January",
        "this weekend",
    ],
)
@pytest.mark.parametrize("prefer", ["past", "future"])
def test_relative_dates_near_year_1_or_9999_do_not_raise(base: dt.date, phrase: str, prefer: Any) -> None:
    day, method = dates.resolve_date(phrase, base, prefer)
    assert (day is None and method == "none") or (day is not None and method in schema.DATE_METHODS)


def test_dates_in_the_calendar_still_resolve() -> None:
    assert dates.resolve_date("on Tuesday", dt.date(2021, 3, 4)) == (dt.date(2021, 3, 2), "relative")
    assert dates.resolve_date("next Tuesday", dt.date(9999, 12, 31), "future") == (None, "none")


# ---- per-article isolation ----


def test_an_extractor_crash_is_an_error_row_for_that_article_only(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = extract.quotes.quotes_from_doc

    def boom(doc: Any, article_id: str, mentions: Any) -> Any:
        if article_id == "b_bad":
            raise ValueError("quote window exploded\n" + "x" * 1000)
        return real(doc, article_id, mentions)

    monkeypatch.setattr(extract.quotes, "quotes_from_doc", boom)
    frames = extract_articles(nlp, _inputs(), batch_size=8)
    errors = frames["x_extract_errors"]
    assert errors.to_dicts()[0]["article_id"] == "b_bad" and errors.height == 1
    row = errors.row(0, named=True)
    assert row["reason"] == "crashed_in_extract"
    assert row["detail"].startswith("ValueError: quote window exploded x") and len(row["detail"]) <= 300
    assert "\n" not in row["detail"]
    for table in ("x_entity_mentions", "x_quotes"):
        assert _ids(frames, table) == {"a_good", "c_other"}, table


def test_a_text_over_the_model_limit_is_an_e088_error(nlp: Language) -> None:
    long = ArticleInput("z_long", "word " * (nlp.max_length // 5 + 1), None)
    frames = extract_articles(nlp, [*_inputs(), long], batch_size=8)
    row = frames["x_extract_errors"].row(0, named=True)
    assert row["article_id"] == "z_long" and row["reason"] == "crashed_in_extract"
    assert row["detail"].startswith("ValueError: [E088]")
    assert _ids(frames, "x_quotes") == {"a_good", "b_bad", "c_other"}


def test_a_parse_failure_is_isolated_to_its_article(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    real_pipe = nlp.pipe
    real_call = type(nlp).__call__

    def bad_pipe(texts: Any, **kw: Any) -> Any:
        for doc in real_pipe(texts, **kw):
            if "Wednesday" in doc.text:
                raise RuntimeError("parser failed")
            yield doc

    def bad_call(self: Any, text: str, **kw: Any) -> Any:
        if "Wednesday" in text:
            raise RuntimeError("parser failed on this text")
        return real_call(self, text, **kw)

    monkeypatch.setattr(nlp, "pipe", bad_pipe)
    monkeypatch.setattr(type(nlp), "__call__", bad_call)
    frames = extract_articles(nlp, _inputs(), batch_size=8)
    assert frames["x_extract_errors"].to_dicts() == [
        {
            "article_id": "b_bad",
            "reason": "crashed_in_extract",
            "detail": "RuntimeError: parser failed on this text",
        }
    ]
    assert _ids(frames, "x_quotes") == {"a_good", "c_other"}


def test_a_hung_extractor_is_stopped_by_the_budget(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    real = extract.entities.mentions_from_doc

    def spin(doc: Any, article_id: str) -> Any:
        if article_id == "b_bad":
            while True:  # never checks the deadline: only the timer can stop it
                sum(range(1000))
        return real(doc, article_id)

    monkeypatch.setattr(extract.entities, "mentions_from_doc", spin)
    started = time.perf_counter()
    frames = extract_articles(nlp, _inputs(), batch_size=8, budget_s=0.5)
    assert time.perf_counter() - started < 30
    assert frames["x_extract_errors"].to_dicts() == [
        {
            "article_id": "b_bad",
            "reason": "extract_timeout",
            "detail": "extraction over the budget of 0.5 CPU seconds",
        }
    ]
    assert _ids(frames, "x_quotes") == {"a_good", "c_other"}


def test_the_deadline_check_works_outside_the_main_thread() -> None:
    got: list[str] = []

    def work() -> None:
        try:
            with extract.time_budget(0.2):
                while True:
                    sum(range(1000))
                    extract.check_deadline()
        except extract.ExtractTimeout:
            got.append("stopped")

    t = threading.Thread(target=work)
    t.start()
    t.join(30)
    assert got == ["stopped"]
    extract.check_deadline()  # no budget: nothing to spend


def test_the_error_table_is_an_extract_table() -> None:
    assert schema.X_EXTRACT_ERRORS in schema.EXTRACT_TABLES
    assert set(schema.X_EXTRACT_ERRORS.column("reason").values or ()) <= set(schema.QUARANTINE_REASONS)


def test_rows_their_table_cannot_hold_quarantine_that_article_only(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a value past the Int64 count column used to fail the frame of the whole batch (and the run)
    real = extract.events.events_from_doc

    def huge(doc: Any, article_id: str, *args: Any, **kw: Any) -> Any:
        rows = real(doc, article_id, *args, **kw)
        if article_id == "b_bad":
            row = {**rows[0], "n_killed": 10**23} if rows else {"article_id": article_id, "n_killed": 10**23}
            return [row]
        return rows

    monkeypatch.setattr(extract.events, "events_from_doc", huge)
    frames = extract_articles(nlp, _inputs(), batch_size=8)
    row = frames["x_extract_errors"].row(0, named=True)
    assert frames["x_extract_errors"].height == 1
    assert (row["article_id"], row["reason"]) == ("b_bad", "unstorable_extract")
    assert row["detail"].startswith("UnstorableRows: x_event_mentions: ")
    assert _ids(frames, "x_quotes") == {"a_good", "c_other"}
