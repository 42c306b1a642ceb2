"""Cases an adversarial tester found against the round-9 event rules (invented sentences)."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from tests.test_events import extract
from transforms import fastpipes


def types(rows: list[dict[str, object]]) -> set[str]:
    return {str(r["event_type"]) for r in rows}


def test_a_count_with_a_footnote_mark_does_not_crash(nlp: Language) -> None:
    rows = extract(nlp, "Officials said 1,500¹ homes have been destroyed in the shelling.")
    assert "ASSAULT" in types(rows)


def test_things_counted_in_violence_and_coercion_stay_events(nlp: Language) -> None:
    assert "ASSAULT" in types(extract(nlp, "More than 1,500 homes have been destroyed in the shelling."))
    assert "COERCE" in types(extract(nlp, "4,000 dissidents were imprisoned."))


def test_a_performative_that_names_no_one_is_no_act(nlp: Language) -> None:
    assert "ACCUSE" not in types(extract(nlp, "“I condemn no one,” Tom Arkwright said."))
    assert "ACCUSE" not in types(extract(nlp, "“We blame nobody,” Ann Reddle said."))
    assert "ACCUSE" not in types(extract(nlp, "He blames."))
    assert "ACCUSE" in types(extract(nlp, "“I condemn his remarks,” Tom Arkwright said."))


def test_evaluative_words_inside_a_name_judge_no_one(nlp: Language) -> None:
    assert not types(extract(nlp, "Maria Lindqvist said the band is Bad Company."))
    assert not types(extract(nlp, "Maria Lindqvist said the buyer was Honest Tea."))


def test_rejecting_a_suggestion_is_a_rejection(nlp: Language) -> None:
    rows = extract(nlp, "Norland rejected Vestria's suggestion of a ceasefire.")
    assert "REJECT" in types(rows)


@pytest.mark.parametrize(
    "text,target",
    [
        ("Iran seized a UK tanker in the Gulf.", "UK"),
        ("Troops shelled the Ukraine border.", "Ukraine"),
    ],
)
def test_a_thing_named_after_a_place_is_not_a_person(nlp: Language, text: str, target: str) -> None:
    rows = [r for r in extract(nlp, text) if r["event_type"] in ("COERCE", "ASSAULT")]
    assert rows and rows[0]["target_text"] == target


def test_memoised_lemmatizer_checks_its_tables_like_spacy() -> None:
    blank = spacy.blank("en")
    blank.add_pipe("lemmatizer", config={"mode": "rule"})  # never initialised: no tables
    assert fastpipes.memo_lemmatizer(blank)
    with pytest.raises(ValueError, match="E1004"):
        blank("dogs ran")
