"""Ingest and clean never raise for what one input holds: each hostile input of these kinds is read
correctly or quarantined with a precise reason, and the frames and Parquet files can be built.

Every input is generated here; the article text is handmade in the style of news copy.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from transforms import clean, ingest, schema

BODY = (
    "The harbour board met on Tuesday and approved a plan to deepen the main channel, ending a "
    "dispute with fishing crews. \u201cWe listened to every objection,\u201d said Alicia Bremner, "
    "the board's chief executive. The work should begin in March and last eighteen months."
)


def _read(
    name: str, data: bytes | str, **limits: int
) -> tuple[list[dict[str, object]], list[ingest.Quarantined]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return ingest.read_records(name, raw, ingest.IngestLimits(**limits))


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    return schema.conform(pl.DataFrame(rows, schema=schema.RAW_ARTICLES.polars_schema), schema.RAW_ARTICLES)


# ---- JSON that makes the parser raise ----


def test_deeply_nested_json_is_quarantined() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    rows, bad = _read("deep.json", deep)
    assert rows == [] and [(b.reason, b.record) for b in bad] == [("malformed_json", None)]
    assert "nested too deeply" in bad[0].detail


def test_a_jsonl_line_with_a_deeply_nested_title_is_one_quarantined_record() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    data = json.dumps({"text": BODY}) + "\n" + '{"text": "x", "title": ' + deep + "}\n"
    rows, bad = _read("feed.jsonl", data)
    assert [r["record"] for r in rows] == [1]
    assert [(b.record, b.reason) for b in bad] == [(2, "malformed_json")]
    assert bad[0].detail.startswith("line 2: nested too deeply")


def test_moderately_nested_title_is_a_wrong_type() -> None:
    data = json.dumps({"text": BODY, "title": json.loads("[" * 500 + "]" * 500)})
    rows, bad = _read("one.json", data)
    assert rows == [] and bad[0].reason == "wrong_type" and "'title' is a JSON list" in bad[0].detail


def test_an_integer_of_5000_digits_is_quarantined() -> None:
    data = '{"text": "' + BODY + '", "views": ' + "7" * 5000 + "}"
    rows, bad = _read("big.json", data)
    assert rows == [] and bad[0].reason == "malformed_json"
    assert "number too long" in bad[0].detail and "4300 digits" in bad[0].detail
    rows, bad = _read("big.jsonl", json.dumps({"text": BODY}) + "\n" + data + "\n")
    assert len(rows) == 1 and [(b.record, b.reason) for b in bad] == [(2, "malformed_json")]


@pytest.mark.parametrize("name", ["s.json", "s.jsonl"])
def test_lone_surrogates_become_replacement_characters(name: str, tmp_path: Path) -> None:
    data = '{"id": "a\\udfff", "text": "' + BODY + ' Lone \\ud800 high.", "title": "Dock \\udc00 deal"}\n'
    rows, bad = _read(name, data)
    assert bad == [] and len(rows) == 1
    assert rows[0]["text"] == BODY + " Lone \ufffd high." and rows[0]["title"] == "Dock \ufffd deal"
    assert rows[0]["source_id"] == "a\ufffd"
    frame = _frame(rows)
    frame.write_parquet(tmp_path / "raw.parquet")  # no UnicodeEncodeError anywhere
    articles, _ = clean.clean_articles(frame)
    articles.write_parquet(tmp_path / "articles.parquet")
    assert articles.height == 1


def test_a_valid_surrogate_pair_stays_one_character() -> None:
    rows, _ = _read("p.jsonl", '{"text": "' + BODY + ' \\ud83d\\ude00"}')
    assert str(rows[0]["text"]).endswith(" \U0001f600")


def test_non_utf8_file_names_are_kept_as_escaped_bytes() -> None:
    name = b"caf\xe9 report.txt".decode("utf-8", "surrogateescape")
    rows, bad = ingest.read_records(name, BODY.encode())
    assert bad == [] and rows[0]["source_path"] == "caf\\xe9 report.txt"
    _frame(rows)  # builds
    assert ingest.safe_name("plain/é.txt") == "plain/é.txt"
    assert ingest.safe_name("odd\ud800.txt") == "odd\\ud800.txt"


# ---- record bounds ----


def test_records_past_the_limit_are_one_quarantine_row() -> None:
    items = [{"id": str(i), "text": f"{BODY} Record {i}."} for i in range(25)]
    rows, bad = _read("many.json", json.dumps(items), max_records_per_file=10)
    assert len(rows) == 10
    assert [(b.record, b.reason) for b in bad] == [(11, "too_large")]
    assert "15 records from record 11 on not read" in bad[0].detail
    lines = "\n".join(json.dumps(i) for i in items) + "\n\n"
    rows, bad = _read("many.jsonl", lines, max_records_per_file=10)
    assert len(rows) == 10 and [(b.record, b.reason) for b in bad] == [(11, "too_large")]


def test_bad_records_past_a_hundred_are_counted_in_one_row() -> None:
    items = [{"id": i} for i in range(3000)]
    rows, bad = _read("bad.json", json.dumps(items))
    assert rows == [] and len(bad) == 101
    assert bad[-1].record == 101 and "2,899 more bad records" in bad[-1].detail
    assert "no_text: 2,900" in bad[-1].detail


# ---- JSONL lines and encodings ----


def test_jsonl_splits_only_on_newline() -> None:
    texts = [BODY + " Line\u2028separator.", BODY + " Next\u0085line and \x1c file separator.", BODY]
    data = "\r\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts)
    rows, bad = _read("feed.jsonl", data)
    assert bad == [] and [r["text"] for r in rows] == texts and [r["record"] for r in rows] == [1, 2, 3]


def test_a_utf8_file_with_one_cp1252_paragraph_decodes_each_paragraph() -> None:
    data = (
        "Café owners welcome the market\n\n".encode()
        + (BODY + " \u201cIt is the best thing,\u201d she said.\n\n").encode()
        + "Jos\u00e9e Marchand said stalls cost \u20ac20 a day \u2014 \u201cfair\u201d.\n\n".encode("cp1252")
        + "The café reopens on Monday.".encode()
    )
    rows, bad = _read("mixed.txt", data)
    assert bad == [], bad
    text = str(rows[0]["text"])
    assert "Café owners" in text and "Josée Marchand" in text and "€20 a day — “fair”" in text
    assert "The café reopens" in text and "\ufffd" not in text
    assert ingest.decode(data)[1] == "utf-8+cp1252"


def test_binary_is_still_binary() -> None:
    blob = bytes((i * 37 + 11) % 256 for i in range(4096))
    _, bad = _read("blob.txt", blob)
    assert bad[0].reason == "binary"


# ---- dates ----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-03-04", dt.date(2021, 3, 4)),
        ("2021-03-04T10:00:00Z", dt.date(2021, 3, 4)),
        ("2021-03-04T10:00:00.000+0000", dt.date(2021, 3, 4)),
        ("2021-03-04 10:00 EST", dt.date(2021, 3, 4)),
        ("March 4, 2021", dt.date(2021, 3, 4)),
        (1614816000, dt.date(2021, 3, 4)),
        ("20210304", dt.date(2021, 3, 4)),
        ("20210304T1000Z", dt.date(2021, 3, 4)),
        ("2021-03-04T10:00:00+05:30", dt.date(2021, 3, 4)),
        ("2021-03-04T10:00:00-12:00", dt.date(2021, 3, 4)),
        (None, None),
        ("", None),
    ],
)
def test_valid_dates_are_read(value: object, expected: dt.date | None) -> None:
    assert ingest.check_date(value) == (expected, None)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("9999-12-31T99:99", "invalid time"),
        ("2021-03-04T25:00", "invalid time"),
        ("2021-03-04Tnoon", "invalid time"),
        ("2021-02-30", "invalid date"),
        ("20210230", "invalid date"),
        ("2021-03-04T10:00-25:00", "invalid time zone offset"),
        ("2021-03-04T10:00+14:99", "invalid time zone offset"),
        ("9999-12-31", "year 9999 outside"),
        ("0001-01-01", "year 1 outside"),
        (253402300800, "not a representable date"),
        (-62135596800, "year 1 outside"),
        ("sometime soon", "unparseable date"),
        (["2021"], "a JSON list"),
    ],
)
def test_invalid_and_absurd_dates_are_refused_with_a_reason(value: object, why: str) -> None:
    date, problem = ingest.check_date(value)
    assert date is None and problem is not None and why in problem


def test_an_article_with_a_refused_date_is_kept_undated_and_says_so() -> None:
    data = "\n".join(
        json.dumps({"id": str(i), "text": f"{BODY} Copy {i}.", "published_at": d})
        for i, d in enumerate(["9999-12-31T99:99", "0001-01-01", "2021-03-04"])
    )
    rows, bad = _read("dated.jsonl", data)
    assert bad == []
    assert [r["published_at"] for r in rows] == [None, None, dt.date(2021, 3, 4)]
    assert "invalid time" in str(rows[0]["published_at_problem"])
    articles, _ = clean.clean_articles(_frame(rows))
    methods = dict(zip(articles["source_id"], articles["published_at_method"], strict=True))
    assert methods == {"0": "invalid_metadata", "1": "invalid_metadata", "2": "metadata"}
    assert (
        articles.filter(pl.col("published_at_method") == "invalid_metadata")["published_at"].is_null().all()
    )


# ---- HTML ----


def _page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def test_html_text_over_the_article_limit_is_refused_before_extract() -> None:
    para = "The committee met again and adjourned without a decision on the matter of the bridge. "
    page = _page("Committee adjourns again", [f"Session {j}. " + para * 40 for j in range(10)])
    rows, bad = _read("long.html", page, max_article_chars=20_000)
    assert rows == [] and bad[0].reason == "too_large"
    assert bad[0].detail.startswith("HTML text (trafilatura): ") and "> limit 20,000" in bad[0].detail


def test_deeply_nested_html_keeps_its_text() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    page = f"<html><body>{'<div>' * 400}<p>The deep story begins. {words}. It ends here.</p>{'</div>' * 400}</body></html>"
    rows, bad = _read("deep.html", page)
    assert bad == [] and "The deep story begins. word0 word1" in str(rows[0]["text"])


def test_deep_html_with_only_a_menu_falls_back_to_its_text_nodes() -> None:
    inner = "<span>Tide tables for the northern coast were printed again on Friday for sailors</span>"
    page = f"<html><body><script>var x = 1;</script>{'<b>' * 300}{inner}{'</b>' * 300}</body></html>"
    tree = pytest.importorskip("lxml.html").fromstring(
        page, parser=__import__("lxml.html").html.HTMLParser(huge_tree=True)
    )
    assert ingest.max_depth(tree) > ingest.HTML_MAX_DEPTH
    assert (
        ingest.strip_tags(tree)
        == "Tide tables for the northern coast were printed again on Friday for sailors"
    )


def test_a_paragraph_shared_by_many_html_articles_is_kept_in_every_one() -> None:
    shared = (
        "\u201cWe will not raise the fares this year, whatever the cost of fuel,\u201d the transport "
        "minister told reporters outside the parliament on Wednesday afternoon."
    )
    kept = []
    for i in range(5):
        page = _page(
            f"Fares story number {i}",
            [
                f"Story {i} opens with a sentence that only article {i} of this test has written down.",
                shared,
                f"It closes with another sentence unique to article {i}, long enough to be a paragraph.",
            ],
        )
        rows, bad = _read(f"fares{i}.html", page)
        assert bad == [], bad
        kept.append(shared in str(rows[0]["text"]))
    assert kept == [True] * 5


# ---- invisible characters in names and titles ----


def test_bidi_and_joiner_controls_are_stripped_from_text_and_titles() -> None:
    hidden = "\u202eAl\u200dicia\u2066 Brem\u200cner\u2069\u200f"
    text = f"{BODY} {hidden} said the plan was final."
    rows, _ = _read(
        "bidi.jsonl", json.dumps({"text": text, "title": f"Board\u202a approves\u2060 plan {hidden}"})
    )
    articles, bad = clean.clean_articles(_frame(rows))
    assert bad == []
    row = articles.row(0, named=True)
    assert "Alicia Bremner said the plan" in row["text"]
    assert row["title"] == "Board approves plan Alicia Bremner"
    assert not any(ch in row["text"] + row["title"] for ch in "\u200c\u200d\u202a\u202e\u2060\u2066\u2069")
