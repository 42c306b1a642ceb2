"""The target fallback: when the trigger's own arguments name no target, the sentence may.
Every text here is written for the test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract
from transforms.events.lexicon import lexicon


def target_of(nlp: Language, text: str, event_type: str) -> object:
    rows = [r for r in extract(nlp, text) if r["event_type"] == event_type]
    assert rows, extract(nlp, text)
    return rows[0]["target_text"]


def test_fallback_prepositions_are_data_per_category() -> None:
    preps = lexicon().fallback_preps
    assert {"with", "over"} <= preps["CONSULT"]
    assert {"about", "against", "at"} <= preps["ACCUSE"]
    assert {"to", "that"} <= preps["REQUEST"]


def test_owner_of_the_object_is_the_target(nlp: Language) -> None:
    assert (
        target_of(nlp, "A federal judge on Tuesday blocked Arkansas's new voting law.", "REJECT")
        == "Arkansas"
    )


def test_doer_of_a_participle_on_the_object_is_the_target(nlp: Language) -> None:
    text = "The governor vetoed a bill introduced by Senator Perez."
    assert target_of(nlp, text, "REJECT") == "Perez"


def test_that_clause_subject_of_a_demand_is_the_target(nlp: Language) -> None:
    text = "Mr. Lund demanded that the ministry's report include the figures."
    assert target_of(nlp, text, "REQUEST") == "the ministry"


def test_preposition_on_a_coordinated_verb_is_the_target(nlp: Language) -> None:
    text = "Senator Brandt met with and prayed over Johnson on Friday."
    assert target_of(nlp, text, "CONSULT") == "Johnson"


def test_object_of_the_embedded_verb_is_the_target(nlp: Language) -> None:
    text = "Senator Brandt promised to bomb the hell out of Hezbollah."
    assert target_of(nlp, text, "THREATEN") == "Hezbollah"


def test_relative_pronoun_stands_for_its_noun(nlp: Language) -> None:
    text = "The coalition includes the Chicago-based group that Mr. Lund criticized on Monday."
    assert target_of(nlp, text, "ACCUSE") == "the Chicago-based group"


def test_never_the_actor_a_date_or_a_number(nlp: Language) -> None:
    assert target_of(nlp, "Johnson criticized the January decision.", "ACCUSE") is None
    rows = extract(nlp, "Mr. Lund demanded that he resign.")
    assert all(r["target_text"] != "Lund" for r in rows)


def test_a_participle_of_opposition_names_no_owner(nlp: Language) -> None:
    text = "A district judge blocked the new voting law, opposed by the Greens, on Monday."
    assert target_of(nlp, text, "REJECT") != "the Greens"


def test_a_pronoun_object_keeps_the_fallback_out(nlp: Language) -> None:
    rows = extract(nlp, '"I was attacked by Mr. Lund at the Trade Council," Perez said.')
    assert all(r["target_text"] != "the Trade Council" for r in rows)


def test_the_embedded_verb_gives_no_place_and_no_second_object(nlp: Language) -> None:
    rows = extract(nlp, "Mr. Lund declined to comment on the dispute in Geneva.")
    assert all(r["target_text"] != "Geneva" for r in rows)
    rows = extract(nlp, "The militia urged followers to carry out attacks against Norway.")
    assert all(r["target_text"] != "Norway" for r in rows if r["event_type"] == "REQUEST")
