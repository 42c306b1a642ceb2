"""The faster attribute ruler matcher and lemmatizer set exactly what spaCy's own components set."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from transforms import fastpipes
from transforms.fastpipes import IndexedRuleMatcher, MemoLemmatizer, RulerMatch, Unsupported
from transforms.nlp import load_model

# Invented text with what the English ruler's exceptions are about: contractions, "gonna"/"gotta",
# possessives, determiners as pronouns, spaces, numbers, symbols, a verb in every form.
TEXT = (
    "Y'all ain't gonna believe it:  she gotta go, he's got ta leave and they're leaving.\n\n"
    "That was what the mayor's office said; this is it. Those who'd voted didn't, couldn't or won't.\n"
    "  The 3 ministers met at 10:30 a.m. on Monday — wasn't it $5 or 5%? Whom did you see? "
    "I dunno, 'cause nobody's there. Gets better, got worse, getting best; the better ones ran faster."
)


@pytest.fixture(scope="module")
def stock() -> Language:
    return load_model(stock=True)


def _pipe(nlp: Language, name: str) -> Any:
    return nlp.get_pipe(name)  # the component's own type, not the Callable spaCy declares


def _attrs(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.ent_type_) for t in doc]


def test_same_attributes_as_spacy(nlp: Language, stock: Language) -> None:
    # nlp (the project's fixture) has the stand-ins; stock has spaCy's components
    assert isinstance(_pipe(nlp, "lemmatizer"), MemoLemmatizer)
    assert isinstance(_pipe(nlp, "attribute_ruler").match, RulerMatch)
    texts = [TEXT, TEXT.upper(), TEXT.lower(), "", " ", "\n\n", "Hello."]
    for fast_doc, stock_doc in zip(nlp.pipe(texts), stock.pipe(texts), strict=True):
        assert _attrs(fast_doc) == _attrs(stock_doc)
    # and the same again from the memo (the second sight of every token)
    assert _attrs(nlp(TEXT)) == _attrs(stock(TEXT))


def test_same_matches_as_spacy(nlp: Language, stock: Language) -> None:
    doc = stock.make_doc(TEXT)
    for name in ("tok2vec", "tagger", "parser"):
        doc = stock.get_pipe(name)(doc)
    assert _pipe(nlp, "attribute_ruler").match(doc) == _pipe(stock, "attribute_ruler").match(doc)


def test_memo_is_bounded(monkeypatch: pytest.MonkeyPatch, nlp: Language, stock: Language) -> None:
    monkeypatch.setattr(fastpipes, "MEMO_MAX", 5)
    novel = " ".join(f"Zorblat{i} quuxed {i} frobs" for i in range(20)) + "."
    assert _attrs(nlp(novel)) == _attrs(stock(novel))
    assert len(_pipe(nlp, "attribute_ruler").match._indexed._memo) <= 5
    assert len(_pipe(nlp, "lemmatizer")._newsfacts_memo) <= 5


def test_unsupported_patterns_keep_spacys_matcher(stock: Language) -> None:
    with pytest.raises(Unsupported):
        IndexedRuleMatcher([{"patterns": [[{"LOWER": "a", "OP": "+"}]], "attrs": {}, "index": 0}])
    with pytest.raises(Unsupported):
        IndexedRuleMatcher([{"patterns": [[{"SHAPE": "Xxxx"}]], "attrs": {}, "index": 0}])
    custom = load_model(stock=True)
    _pipe(custom, "attribute_ruler").add([[{"LENGTH": {">": 30}}]], {"TAG": "NN"})
    assert fastpipes.speed_up(custom) == ["lemmatizer"]
    assert not isinstance(_pipe(custom, "attribute_ruler").match, RulerMatch)


def test_regex_and_sets(stock: Language) -> None:
    patterns: list[dict[str, Any]] = [
        {"patterns": [[{"LOWER": {"REGEX": "^wh"}}]], "attrs": {}, "index": 0},
        {
            "patterns": [[{"LOWER": {"IN": ["gon", "got"]}}, {"LOWER": {"NOT_IN": ["to"]}}]],
            "attrs": {},
            "index": 0,
        },
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {}, "index": 0},
    ]
    m = IndexedRuleMatcher(patterns)
    doc = stock.make_doc("Who got  ta go? What gon to do.")
    starts = {(rule, start, end) for rule, _, start, end in m(doc)}
    assert starts == {(0, 0, 1), (1, 1, 3), (2, 2, 3), (0, 6, 7)}
    spacy_matcher = Matcher(stock.vocab)
    for rule, entry in enumerate(patterns):
        spacy_matcher.add(str(rule), list(entry["patterns"]))
    want = sorted((int(stock.vocab.strings[k]), k, s, e) for k, s, e in spacy_matcher(doc))
    assert m(doc) == want


# Invented words, so no earlier parse has met them.
NEW_RULES: list[dict[str, Any]] = [
    {"patterns": [[{"LOWER": "blorfy"}]], "attrs": {"TAG": "NNP", "POS": "PROPN", "LEMMA": "Blorf"}},
    {"patterns": [[{"LOWER": {"REGEX": "^qu+x$"}}]], "attrs": {"LEMMA": "QUUXLEMMA"}},
]
NEW_TEXT = "Blorfy zanks the quux and the quuux."


@pytest.mark.filterwarnings("ignore:.*W108", "ignore:.*W036")  # a cleared ruler: no patterns, no POS
def test_patterns_changed_after_loading_are_followed() -> None:
    fast, stock = load_model(), load_model(stock=True)
    for pipeline in (fast, stock):
        _pipe(pipeline, "attribute_ruler").add_patterns(NEW_RULES)
    assert _attrs(fast(NEW_TEXT)) == _attrs(stock(NEW_TEXT))
    assert [t.lemma_ for t in fast(NEW_TEXT)][3] == "QUUXLEMMA"
    # loaded from bytes (clear, then the patterns again), and cleared
    saved = _pipe(stock, "attribute_ruler").to_bytes()
    _pipe(fast, "attribute_ruler").from_bytes(saved)
    assert _attrs(fast(NEW_TEXT)) == _attrs(stock(NEW_TEXT))
    _pipe(fast, "attribute_ruler").clear()
    bare = load_model(stock=True)
    _pipe(bare, "attribute_ruler").clear()
    assert _attrs(fast(TEXT)) == _attrs(bare(TEXT))
    # an operator added later: spaCy's own matching takes over
    for pipeline in (fast, bare):
        _pipe(pipeline, "attribute_ruler").add([[{"LOWER": "the", "OP": "+"}]], {"LEMMA": "THE"})
    assert not _pipe(fast, "attribute_ruler").match.indexed
    assert _attrs(fast(NEW_TEXT)) == _attrs(bare(NEW_TEXT))


def test_pipeline_pickles_and_vocabulary_is_spacys(stock: Language) -> None:
    fast = load_model()
    copy = pickle.loads(pickle.dumps(fast))
    assert _attrs(copy(TEXT)) == _attrs(stock(TEXT))
    assert _attrs(copy(NEW_TEXT)) == _attrs(stock(NEW_TEXT))
    # the stand-ins add no string to the vocabulary (spaCy's matcher only hashes pattern values)
    assert len(load_model().vocab.strings) == len(load_model(stock=True).vocab.strings)


def test_only_known_lemmatizers_are_memoised() -> None:
    blank = spacy.blank("es")
    blank.add_pipe("lemmatizer", config={"mode": "rule"})
    assert fastpipes.memo_lemmatizer(blank) is False  # Spanish reads more than form, POS and morph
    lookup = spacy.blank("en")
    lookup.add_pipe("lemmatizer", config={"mode": "lookup"})
    assert fastpipes.memo_lemmatizer(lookup) is False


def test_regex_memo_is_bounded(monkeypatch: pytest.MonkeyPatch, stock: Language) -> None:
    monkeypatch.setattr(fastpipes, "MEMO_MAX", 3)
    rx = fastpipes._Regex("^x")
    doc = stock.make_doc(" ".join(f"x{i} y{i}" for i in range(50)))
    hits = [rx.test(t.lower, doc.vocab.strings) for t in doc]
    assert hits == [t.lower_.startswith("x") for t in doc]
    assert len(rx.memo) <= 3
