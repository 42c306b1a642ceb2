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


def test_array_scans_pick_the_tokens_the_string_tests_pick(nlp: Language) -> None:
    from transforms.quotes.scan import sentence_ents, token_indices

    doc = nlp(
        "Senator Ilka Varro said on Tuesday that she would vote against the plan. "
        "According to her aides, the Harbor Council met in March. They refused to comment."
    )
    subjects = ("nsubj", "nsubjpass")
    want = [t.i for t in doc if t.dep_ in subjects and t.pos_ in ("PROPN", "PRON")]
    assert token_indices(doc, deps=subjects, pos=("PROPN", "PRON")) == want and want
    assert token_indices(doc, lowers=("she", "they")) == [t.i for t in doc if t.lower_ in ("she", "they")]
    verbs_or = [t.i for t in doc if t.pos_ == "VERB" or t.lower_ == "according"]
    assert token_indices(doc, pos=("VERB",), or_lowers=("according",)) == verbs_or
    other = nlp("Nothing here.")
    assert token_indices(other, deps=subjects) == [t.i for t in other if t.dep_ in subjects]
    assert token_indices(nlp(""), pos=("VERB",)) == []
    for sent in doc.sents:  # the Doc's entities read once, as spaCy's own Span.ents picks them
        assert [(e.start, e.end, e.label_) for e in sentence_ents(doc, sent)] == [
            (e.start, e.end, e.label_) for e in sent.ents
        ]
    assert [e.text for e in sentence_ents(doc, doc[:])] == [e.text for e in doc.ents]
