"""Appraisals inside quotes whose speaker the quote attribution names, also in another sentence:
the speaker is the actor, the party the quoted words blame or praise the target (invented sentences)."""

from __future__ import annotations

import datetime as dt

from spacy.language import Language

from transforms.extract import ArticleInput, extract_doc


def quoted(nlp: Language, text: str) -> list[tuple[str, str, str, str]]:
    """(category, trigger, actor, target) of the ACCUSE and SUPPORT mentions of the text."""
    rows = extract_doc(nlp(text), ArticleInput("a1", text, dt.date(2024, 3, 7)))["x_event_mentions"]
    return [
        (str(r["event_type"]), str(r["trigger"]), str(r["actor_text"]), str(r["target_text"]))
        for r in rows
        if r["event_type"] in ("ACCUSE", "SUPPORT")
    ]


def test_a_quoted_insult_of_a_party_named_outside_the_quote(nlp: Language) -> None:
    text = (
        'Senator Jane Morrow spoke on Tuesday. "He is a disgrace to this country," Morrow said of Tom Baxter.'
    )
    assert quoted(nlp, text) == [("ACCUSE", "disgrace", "Morrow", "Tom Baxter")]


def test_a_quoted_pronoun_is_the_person_named_before_not_the_speaker(nlp: Language) -> None:
    text = 'Tom Baxter lost the race. "He failed miserably," said Jane Morrow.'
    assert quoted(nlp, text) == [("ACCUSE", "failed", "Jane Morrow", "Tom Baxter")]


def test_an_opinion_verb_frames_the_quoted_appraisal(nlp: Language) -> None:
    text = '"I think Tom Baxter should be ashamed of himself," said Jane Morrow.'
    rows = extract_doc(nlp(text), ArticleInput("a1", text, dt.date(2024, 3, 7)))["x_event_mentions"]
    r = next(r for r in rows if r["event_type"] == "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["modality"]) == ("Jane Morrow", "Tom Baxter", "reported")


def test_a_quote_continuing_the_speaker_of_the_sentence_before(nlp: Language) -> None:
    text = '"Tom Baxter is a great leader," said Jane Morrow. "He is honest."'
    assert ("SUPPORT", "honest", "Jane Morrow", "Tom Baxter") in quoted(nlp, text)


def test_quoted_words_about_no_party_and_the_writers_opinion_are_no_event(nlp: Language) -> None:
    assert quoted(nlp, '"The weather is terrible," said Jane Morrow.') == []
    assert quoted(nlp, "Tom Baxter spoke on Monday. He is a disgrace.") == []


def test_i_in_a_quote_is_its_speaker_named_in_another_sentence(nlp: Language) -> None:
    text = '"Tom Baxter has done a fine job," said Jane Morrow. "I praised him at the convention."'
    assert ("SUPPORT", "praised", "Jane Morrow", "Tom Baxter") in quoted(nlp, text)


def test_quoted_praise_in_the_past_or_weighed_is_a_description(nlp: Language) -> None:
    assert quoted(nlp, 'Tom Baxter died in May. "He was an honest man," said Jane Morrow.') == []
    text = '"He is smart, but the race will be hard," Jane Morrow said of Tom Baxter.'
    assert quoted(nlp, text) == []
    text = '"He is a good man, and he is smart, but the race will be hard," Jane Morrow said of Tom Baxter.'
    assert quoted(nlp, text) == []


def test_a_negated_speech_verb_states_no_appraisal(nlp: Language) -> None:
    assert quoted(nlp, "Jane Morrow did not say that Tom Baxter is a liar.") == []


def test_a_misdeed_in_a_continued_quote_blames_the_one_named_before(nlp: Language) -> None:
    text = (
        'Tom Baxter lost the race in May. Jane Morrow was asked about it. "Well look, he was a weak '
        'candidate," she said. "He failed miserably."'
    )
    assert ("ACCUSE", "failed", "Jane Morrow", "Tom Baxter") in quoted(nlp, text)


def test_a_negated_opinion_frame_turns_the_appraisal(nlp: Language) -> None:
    text = '"I don\'t believe that he is qualified," Jane Morrow said of Tom Baxter.'
    assert quoted(nlp, text) == [("ACCUSE", "qualified", "Jane Morrow", "Tom Baxter")]
