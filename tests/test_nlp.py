"""The tokenizer rule for curly quotation marks glued to words or punctuation; long texts parsed
paragraph-wise."""

from __future__ import annotations

from polars.testing import assert_frame_equal
from spacy.language import Language

from transforms.extract import ArticleInput, extract_articles
from transforms.nlp import paragraph_pieces, parse_long


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


def test_paragraph_pieces_cut_after_blank_lines_and_join_back() -> None:
    text = "First para one.\n\nSecond para, a bit longer.\n \nThird.\n\n\nFourth para here."
    pieces = paragraph_pieces(text, 30)
    assert "".join(pieces) == text
    assert pieces == [
        "First para one.\n\n",
        "Second para, a bit longer.\n \n",
        "Third.\n\n\nFourth para here.",
    ]
    assert paragraph_pieces(text, 1000) == [text]
    assert paragraph_pieces("One long paragraph without a blank line. " * 3, 20) == [
        "One long paragraph without a blank line. " * 3
    ]


def test_a_long_text_parsed_in_pieces_gives_the_rows_of_the_whole_parse(nlp: Language) -> None:
    paras = [
        "The mayor met union leaders on Monday in the city hall.",
        "\u201cWe will talk again next week,\u201d she said after the meeting.",
        "Police arrested two protesters outside, officials said.",
        "The minister said the talks had failed. \u201cThere is no deal,\u201d he told reporters.",
    ]
    text = "\n\n".join(paras)
    whole, pieces = nlp(text), parse_long(nlp, text, 80, context_chars=60)
    assert len(paragraph_pieces(text, 80)) > 2
    assert pieces.text == text
    attrs = [(t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in whole]
    assert [
        (t.text, t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in pieces
    ] == attrs
    article = [ArticleInput("p1", text, None, ())]
    expected = extract_articles(nlp, article)
    for name, frame in extract_articles(nlp, article, max_chars=80).items():
        assert_frame_equal(frame, expected[name], check_exact=True)
    assert expected["x_quotes"].height >= 2
