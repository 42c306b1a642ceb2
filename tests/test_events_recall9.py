"""Recall round 9 (invented sentences): evaluative speech about a named party, office nouns as
parties, verbs and nouns of the manual the lexicon lacked, performatives, light verbs."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract, only


def types(rows: list[dict[str, object]]) -> set[str]:
    return {str(r["event_type"]) for r in rows}


def test_reported_clause_that_blames_its_subject_is_an_accusation(nlp: Language) -> None:
    r = only(
        extract(nlp, 'Maria Lindqvist says Peter Halvorsen is "obsessed" with wrecking the treaty.'), "ACCUSE"
    )
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Maria Lindqvist", "Peter Halvorsen", "says")


def test_deed_appraised_by_its_object(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist said Peter Halvorsen ran a very negative campaign.")
    assert only(rows, "ACCUSE")["target_text"] == "Peter Halvorsen"


def test_opinion_nested_in_the_reported_clause(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist said she agrees Peter Halvorsen is a total opportunist.")
    assert only(rows, "ACCUSE")["target_text"] == "Peter Halvorsen"


def test_evaluative_words_that_qualify_something_else_are_no_appraisal(nlp: Language) -> None:
    # the words are said of the threats, not of the party that is the clause's subject
    rows = extract(nlp, "Maria Lindqvist said Norway was facing dangerous and terrible threats.")
    assert "ACCUSE" not in types(rows)
    # a hedged clause weighs, it does not appraise
    rows = extract(nlp, "Maria Lindqvist said Peter Halvorsen could be a disastrous choice.")
    assert "ACCUSE" not in types(rows)


def test_office_noun_subject_is_the_actor(nlp: Language) -> None:
    r = only(extract(nlp, "The pontiff met Peter Halvorsen at the guest house on Monday."), "CONSULT")
    assert (r["actor_text"], r["target_text"]) == ("The pontiff", "Peter Halvorsen")


def test_manual_verbs_and_nouns(nlp: Language) -> None:
    r = only(extract(nlp, "Maria Lindqvist has spoken to Peter Halvorsen about the treaty."), "CONSULT")
    assert r["target_text"] == "Peter Halvorsen"
    # speaking to an organisation is a speech or an interview, no consultation
    assert "CONSULT" not in types(extract(nlp, "Maria Lindqvist spoke to the Liberal Party on Monday."))
    r = only(extract(nlp, "The Liberal Party contacted Peter Halvorsen last week."), "CONSULT")
    assert r["target_text"] == "Peter Halvorsen"
    rows = extract(nlp, "A shopkeeper was found dead after the slaying in Oslo on Monday.")
    assert "ASSAULT" in types(rows)
    rows = extract(nlp, "The Liberal Party dismissed the allegations against Peter Halvorsen.")
    assert "ACCUSE" in types(rows)


def test_performative_and_news_present_of_a_speech_act(nlp: Language) -> None:
    rows = extract(nlp, '"I condemn his views in the strongest terms," Peter Halvorsen said.')
    assert "ACCUSE" in types(rows)
    r = only(extract(nlp, "Peter Halvorsen blames the Liberal Party for the failure of the talks."), "ACCUSE")
    assert r["target_text"] == "the Liberal Party"
    # a group's present stays a generic statement; so does a habit
    assert "ACCUSE" not in types(extract(nlp, "Conservatives blame the Liberal Party for everything."))
    assert "ACCUSE" not in types(
        extract(nlp, "Peter Halvorsen often blames the Liberal Party for the weather.")
    )


def test_pressure_on_a_matter_is_a_request(nlp: Language) -> None:
    r = only(extract(nlp, "Liberal groups have pressured Peter Halvorsen on recent appointments."), "REQUEST")
    assert r["target_text"] == "Peter Halvorsen"


def test_light_verb_makes_a_stance_an_act(nlp: Language) -> None:
    r = only(extract(nlp, "Peter Halvorsen expressed support for the Liberal Party on Monday."), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "the Liberal Party")
    assert "REJECT" in types(extract(nlp, "The Liberal Party voiced opposition to the treaty."))
    # a standing level of support is no act
    assert extract(nlp, "Support for Peter Halvorsen among voters is high.") == []


def test_pressing_someone_to_act_is_a_request(nlp: Language) -> None:
    r = only(extract(nlp, "Peter Halvorsen encouraged Maria Lindqvist to run for mayor."), "REQUEST")
    assert r["target_text"] == "Maria Lindqvist"
    assert extract(nlp, "Peter Halvorsen pushed the cart.") == []
