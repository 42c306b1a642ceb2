"""The quote attribution's index of a Doc is built once and shared with the events' pronoun
resolver; another Doc never sees it."""

from __future__ import annotations

from spacy.language import Language

from transforms.nlp import doc_text
from transforms.quotes.extract import doc_index, quote_spans


def test_index_is_built_once_per_doc_and_never_reused_for_another(nlp: Language) -> None:
    first = nlp('Mara Ostby spoke on Monday. "We will build the bridge," she said.')
    second = nlp("No quotation marks here. Only two plain sentences.")
    ix = doc_index(first)
    assert doc_index(first) is ix and quote_spans(first) is ix.spans
    assert [doc_text(first)[q.start : q.end] for q in ix.spans] == ["We will build the bridge,"]
    assert quote_spans(second) == []
    other = doc_index(second)
    assert other is not ix and other.spans == [] and len(other.sents) == 2
    again = doc_index(first)  # rebuilt after another Doc: equal, not stale
    assert again.spans == ix.spans and again.sent_of_tok == ix.sent_of_tok and again.qoc == ix.qoc
