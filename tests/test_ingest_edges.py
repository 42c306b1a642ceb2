"""Edge cases an outside tester found in ingest and cleaning: each input kept or refused for its real reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

from storage.raw import list_raw
from transforms.clean import clean_meta, fix_unicode
from transforms.ingest import IngestLimits, check_date, read_records

BODY = "The council met on Tuesday to discuss the budget, and the mayor said the vote would be close."


def test_separator_controls_part_words_instead_of_joining_them() -> None:
    assert fix_unicode("Tuesday\x0cevening\x0bthe\x1fbudget") == "Tuesday evening the budget"
    assert fix_unicode("one.\u0085Two\u2028three") == "one.\nTwo\nthree"
    assert clean_meta("A\u2028title\x1fhere") == "A title here"


def test_a_relative_metadata_date_is_refused_not_resolved_against_today() -> None:
    day, why = check_date("yesterday")
    assert day is None and why is not None and "yesterday" in why
    assert check_date("May 4, 2023")[0] is not None


def test_a_json_file_holding_json_lines_is_read_as_json_lines() -> None:
    data = "\n".join(json.dumps({"id": str(i), "text": BODY + f" Item {i}."}) for i in range(2)).encode()
    rows, bad = read_records("feed.json", data, IngestLimits())
    assert [r["source_id"] for r in rows] == ["0", "1"] and bad == []


def test_a_copyright_year_is_not_a_publication_date() -> None:
    page = (
        "<html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1><p>"
        + BODY * 4
        + "</p></article><footer>Copyright 2024 The Valley Paper</footer></body></html>"
    )
    rows, bad = read_records("page.html", page.encode(), IngestLimits())
    assert bad == [] and rows[0]["published_at"] is None
    declared = page.replace("<head>", '<head><meta property="article:published_time" content="2023-05-04">')
    rows, _ = read_records("page.html", declared.encode(), IngestLimits())
    assert str(rows[0]["published_at"]).startswith("2023-05-04")


def test_a_fifo_is_quarantined_and_never_opened(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(BODY)
    os.mkfifo(tmp_path / "pipe.txt")
    found = {r.source_path: r for r in list_raw(tmp_path, IngestLimits())}
    assert found["good.txt"].problem is None
    problem = found["pipe.txt"].problem
    assert problem is not None and "not a regular file" in problem.detail
