"""The extractors' fast paths give exactly what the plain computations give."""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from transforms.events import triggers
from transforms.events.lexicon import lexicon
from transforms.nlp import doc_text
from transforms.quotes import persons
from transforms.quotes.extract import _index, quote_spans

_TEXTS = [
    'Mara Ostby spoke on Monday.\n\n"We will build the bridge," she said.\nShe left.\n\n\nMore later.',
    "The rebels attacked the village and withdrew from the town. Police arrested two men.\n",
    "Officials called for talks; the minister backed down and sat down with the envoy.",
    "",
    "\n\nNo quotes here.\n\n",
]


def _index_plain(doc: Doc) -> tuple[list[int], list[int], list[int]]:
    text = doc_text(doc)
    n = len(text)
    qoc = [-1] * (n + 1)
    for k, q in enumerate(quote_spans(doc)):
        for i in range(q.open_at, min(max(q.close_at + 1, q.end), n)):
            qoc[i] = k
    sent_of_tok = [0] * len(doc)
    for si, s in enumerate(doc.sents):
        for i in range(s.start, s.end):
            sent_of_tok[i] = si
    para = [0] * (n + 1)
    p = 0
    for i, ch in enumerate(text):
        para[i] = p
        if ch == "\n" and (i + 1 >= n or text[i + 1] != "\n"):
            p += 1
    para[n] = p
    return qoc, sent_of_tok, para


@pytest.mark.parametrize("text", _TEXTS)
def test_quote_index_is_the_plain_index(nlp: Language, text: str) -> None:
    doc = nlp(text)
    assert _index(doc, quote_spans(doc), list(doc.sents)) == _index_plain(doc)


class _Everything:
    def __contains__(self, item: object) -> bool:
        return True


@pytest.mark.parametrize("text", _TEXTS)
def test_verb_keys_shortcut_changes_no_keys(
    nlp: Language, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = nlp(text)
    verbs = lexicon().verbs
    fast = [triggers._verb_keys(t, verbs) for t in doc]
    monkeypatch.setattr(triggers, "_first_words", lambda _verbs: _Everything())
    assert fast == [triggers._verb_keys(t, verbs) for t in doc]
    if "rebels" in text:
        assert any(fast)  # the shortcut is not all there is: lexicon verbs still get their keys


def test_first_words_follow_the_table() -> None:
    table = {"open fire": lexicon().verbs[next(iter(lexicon().verbs))]}
    assert triggers._first_words(table) == frozenset({"open"})
    table["shoot dead"] = table["open fire"]  # a table that grew is read again
    assert triggers._first_words(table) == frozenset({"open", "shoot"})


@pytest.mark.parametrize("text", _TEXTS)
def test_token_before_an_offset_is_the_char_span_lookup(nlp: Language, text: str) -> None:
    doc = nlp(text)
    for start in range(len(text)):
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        want = -1 if span is None or span.start == 0 else span.start - 1
        assert persons._index_before(doc, start) == want
        assert persons._index_before(doc, start) == want  # from the Doc's memo
