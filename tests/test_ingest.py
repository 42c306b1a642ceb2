"""Ingest: every input format, and every kind of bad file quarantined with a precise reason."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from storage.raw import list_raw
from transforms.ingest import IngestLimits, decode, parse_date, read_records

ARTICLE = "The mayor opened the new bridge on Monday.\n\n“It took ten years,” she said.\n"


def test_txt_utf8_is_one_record() -> None:
    rows, bad = read_records("a/story.txt", ARTICLE.encode("utf-8"))
    assert bad == []
    assert len(rows) == 1
    assert rows[0]["text"] == ARTICLE
    assert rows[0]["source_path"] == "a/story.txt"
    assert rows[0]["format"] == "txt"
    assert len(str(rows[0]["raw_sha256"])) == 64


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café “quoted” – ok".encode("cp1252"), "Café “quoted” – ok"),
        ("Zürich façade".encode("latin-1"), "Zürich façade"),
        ("\ufeffWith BOM".encode(), "With BOM"),
        ("UTF-16 text".encode("utf-16"), "UTF-16 text"),
    ],
)
def test_decoding_fallbacks(data: bytes, expected: str) -> None:
    text, _ = decode(data)
    assert text == expected


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\t \n", "whitespace_only"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        ("nul.txt", b"abc\x00def\x00" * 10, "binary"),
        ("noise.txt", bytes(range(0, 32)) * 40, "binary"),
        ("table.csv", b"a,b\n1,2\n", "unsupported_type"),
    ],
)
def test_bad_files_are_quarantined(name: str, data: bytes, reason: str) -> None:
    rows, bad = read_records(name, data)
    assert rows == []
    assert [q.reason for q in bad] == [reason]
    assert bad[0].detail


def test_limits_quarantine_oversized_inputs() -> None:
    limits = IngestLimits(max_file_bytes=100, max_article_chars=50, max_lines=3)
    _, bad = read_records("big.txt", b"x" * 101, limits)
    assert bad[0].reason == "too_large"
    _, bad = read_records("long.txt", b"y" * 60, limits)
    assert bad[0].reason == "too_large"
    _, bad = read_records("lines.txt", b"a\nb\nc\nd\n", limits)
    assert bad[0].reason == "too_many_lines"


def test_jsonl_keeps_good_lines_and_quarantines_bad_ones() -> None:
    lines = [
        json.dumps(
            {
                "id": "n1",
                "text": ARTICLE,
                "title": "Bridge",
                "url": "https://example.org/1",
                "publisher": "Daily",
                "published_at": "2021-03-04T10:00:00Z",
            }
        ),
        '{"id": "n2", "text": "truncated',
        json.dumps({"id": "n3", "text": 42}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "n5"}),
        "",
    ]
    rows, bad = read_records("feed.jsonl", "\n".join(lines).encode())
    assert [r["source_id"] for r in rows] == ["n1"]
    assert rows[0]["published_at"] == dt.date(2021, 3, 4)
    assert rows[0]["record"] == 1
    assert {(q.record, q.reason) for q in bad} == {
        (2, "malformed_json"),
        (3, "wrong_type"),
        (4, "wrong_type"),
        (5, "no_text"),
    }


def test_json_list_and_object() -> None:
    data = json.dumps({"articles": [{"text": ARTICLE, "title": "T"}, {"text": ""}]}).encode()
    rows, bad = read_records("dump.json", data)
    assert len(rows) == 1 and rows[0]["title"] == "T"
    assert [q.reason for q in bad] == ["empty"]
    _, bad = read_records("broken.json", b'{"text": ')
    assert bad[0].reason == "malformed_json"


def test_html_main_text_and_metadata_without_fetching() -> None:
    body = " ".join(["The council voted on the budget after a long debate about schools and roads."] * 6)
    html = f"""<html><head><title>Council passes budget</title>
    <meta property="og:site_name" content="Town Herald">
    <script src="https://tracker.invalid/x.js"></script><script>var x = 1;</script></head>
    <body><nav>Home | News</nav><article><h1>Council passes budget</h1><p>{body}</p>
    <p>“We did our best,” the mayor said.</p></article><footer>© Town Herald</footer></body></html>"""
    rows, bad = read_records("page.html", html.encode())
    assert bad == []
    assert "council voted" in str(rows[0]["text"]).lower()
    assert "var x" not in str(rows[0]["text"])
    assert rows[0]["title"] == "Council passes budget"


def test_html_without_article_is_quarantined() -> None:
    html = b"<html><head><script>alert(1)</script></head><body><script>track()</script></body></html>"
    _, bad = read_records("empty.html", html)
    assert bad[0].reason == "no_text"


def test_parse_date_forms() -> None:
    assert parse_date("2020-09-29") == dt.date(2020, 9, 29)
    assert parse_date("September 29, 2020") == dt.date(2020, 9, 29)
    assert parse_date("not a date") is None
    assert parse_date(None) is None
    assert parse_date(True) is None


def test_list_raw_sorted_skips_hidden_and_refuses_outside_links(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "b.txt").write_text("B")
    (raw / "sub" / "a.txt").write_text("A")
    (raw / ".hidden.txt").write_text("H")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (raw / "link.txt").symlink_to(outside)
    (raw / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    items = list(list_raw(raw, IngestLimits()))
    by_path = {i.source_path: i for i in items}
    assert sorted(by_path) == ["b.txt", "dangling.txt", "link.txt", "sub/a.txt"]
    assert by_path["b.txt"].data == b"B"
    assert by_path["link.txt"].problem is not None and by_path["link.txt"].problem.reason == "outside_raw_dir"
    assert (
        by_path["dangling.txt"].problem is not None and by_path["dangling.txt"].problem.reason == "unreadable"
    )
