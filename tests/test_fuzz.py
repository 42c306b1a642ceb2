"""Property tests (hypothesis): cleaning, quote finding and extraction never raise on any text, and
every offset they return lies inside the text with ``text[start:end]`` equal to the span.

Bounded for CI: a fixed number of examples per property (see ``EXAMPLES``), derandomised so a
failure reproduces, no deadline (the machine is shared).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_bad_inputs import check_spans
from transforms import clean, ingest, quotes, schema
from transforms.ids import stable_id

EXAMPLES = {"clean": 300, "quotes": 500, "ingest": 300, "extract": 60}

_WORDS = [
    "the", "minister", "said", "told", "reporters", "on", "Monday", "Mr", "Smith", "Ms", "Ana",
    "Lopez", "of", "Paris", "Reuters", "according", "to", "we", "will", "not", "back", "down",
    "police", "arrested", "protesters", "in", "Kyiv", "U.S.", "President", "added", "“", "”", '"',
    "'", "‘", "’", "«", "»", "„", ",", ".", ":", ";", "—", "-", "(", ")", "?", "!", "…", "\n",
    "\n\n", " ", "\t", "\u00a0", "\u200b", "\ufeff", "\x00", "\x07", "\r\n", "é", "e\u0301", "ﬁ",
    "😀", "Ｆｕｌｌ", "İ", "ß", "\u2028", "<b>", "</b>", "&amp;",
]  # fmt: skip

# News-like token soup: words, every kind of quotation mark, odd spaces and control characters.
newsy = st.lists(st.sampled_from(_WORDS), max_size=80).map(lambda ws: " ".join(ws))
# Any unicode text (no surrogates), and a mix of both.
anytext = st.text(max_size=400)
texts = st.one_of(newsy, anytext, st.tuples(newsy, anytext).map("".join))

SETTINGS: dict[str, Any] = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
}


@settings(max_examples=EXAMPLES["clean"], **SETTINGS)
@given(texts)
def test_clean_never_raises_and_leaves_no_control_characters(text: str) -> None:
    fixed = clean.fix_unicode(text)
    assert "\r" not in fixed and "\x00" not in fixed
    c = clean.clean_text(text)
    assert isinstance(c.text, str)
    assert not any(ord(ch) < 32 and ch != "\n" for ch in c.text)
    assert len(c.removed) == len(c.rules)
    # Nothing is invented: every kept line comes from the unicode-fixed input.
    for line in c.text.split("\n"):
        assert line.strip() in fixed or not line.strip() or "<" in fixed


@settings(max_examples=EXAMPLES["quotes"], **SETTINGS)
@given(texts)
def test_quote_spans_lie_inside_the_text(text: str) -> None:
    spans = quotes.find_quote_spans(text)
    for q in spans:
        assert 0 <= q.open_at <= q.start <= q.end <= len(text), q
        assert q.close_at >= q.open_at and q.close_at <= len(text)
        inside = text[q.start : q.end]
        assert inside == inside.strip() and any(ch.isalpha() for ch in inside), q
    assert [q.start for q in spans] == sorted(q.start for q in spans)


@settings(max_examples=EXAMPLES["quotes"], **SETTINGS)
@given(texts)
def test_quote_spans_in_cleaned_text(text: str) -> None:
    # The pipeline finds quotes in the cleaned text: the same properties hold there.
    cleaned = clean.clean_text(text).text
    for q in quotes.find_quote_spans(cleaned):
        assert 0 <= q.start <= q.end <= len(cleaned)


@settings(max_examples=EXAMPLES["ingest"], **SETTINGS)
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.json", "a.jsonl", "a.html", "a.bin", "noext"]))
def test_ingest_never_raises_on_any_bytes(data: bytes, name: str) -> None:
    rows, bad = ingest.read_records(name, data)
    for q in bad:
        assert q.reason in schema.QUARANTINE_REASONS and q.detail
    for r in rows:
        assert isinstance(r["text"], str) and str(r["text"]).strip()


@settings(max_examples=EXAMPLES["extract"], **SETTINGS)
@given(newsy)
def test_extraction_offsets_hold_on_any_text(nlp: Any, raw: str) -> None:
    """Cleaning then one spaCy parse and every extractor: each span lies inside the cleaned text and
    ``text[start:end]`` is its text column."""
    from transforms.extract import ArticleInput, extract_articles

    text = clean.clean_text(raw).text
    if not text.strip():
        return
    art = ArticleInput(stable_id("a", text), text, None, ())
    frames = extract_articles(nlp, [art], batch_size=1)
    for frame in frames.values():
        check_spans(frame, {art.article_id: text})
    assert all(isinstance(f, pl.DataFrame) for f in frames.values())
