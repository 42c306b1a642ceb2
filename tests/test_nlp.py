"""The tokenizer rule for curly quotation marks glued to words or punctuation."""

from __future__ import annotations

from spacy.language import Language


def _tokens(nlp: Language, text: str) -> list[str]:
    return [t.text for t in nlp.tokenizer(text)]


def test_curly_double_marks_glued_to_words_are_split(nlp: Language) -> None:
    toks = _tokens(nlp, "The mayor said,“Stay home.”she added,“Really!”Then left.")
    assert toks[:6] == ["The", "mayor", "said", ",", "“", "Stay"]
    assert toks[6:10] == ["home", ".", "”", "she"]
    assert toks[13:17] == ["Really", "!", "”", "Then"]


def test_curly_single_marks_after_punctuation_are_split(nlp: Language) -> None:
    toks = _tokens(nlp, "He said,‘Not now,’she replied.")
    assert toks == ["He", "said", ",", "‘", "Not", "now", ",", "’", "she", "replied", "."]


def test_apostrophes_inside_words_stay(nlp: Language) -> None:
    toks = _tokens(nlp, "We don’t know the farmer’s plan or the Smiths’ dog‘s name.")
    assert "n’t" in toks and "’s" in toks and "dog‘s" in toks
    assert "Smiths" in toks and "’" in toks
