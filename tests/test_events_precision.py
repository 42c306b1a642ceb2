"""Precision of event mentions on real-news shapes: not-events from the parse and the right parties
(invented sentences; transforms.events)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_events import extract


def _types(rows: list[dict[str, object]]) -> set[object]:
    return {r["event_type"] for r in rows}


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The frequent clashes in Veltria worried the ministers.", "ASSAULT"),  # a recurring noun
        ("Senator Holt has repeatedly pledged to ban the union.", "COERCE"),  # the habit of the verb above
        ('The group aired a short film called "Justice" on Ruritania TV.', "REQUEST"),  # a naming participle
        ("Tomas Holt, who backs Anna Berg, criticized Veltria", "SUPPORT"),  # a description in a headline
    ],
)
def test_not_events(nlp: Language, text: str, absent: str) -> None:
    assert absent not in _types(extract(nlp, text))


def test_pronoun_takes_the_person_of_its_gender(nlp: Language) -> None:
    rows = extract(
        nlp, "Anna Berg and Tomas Holt spoke at the summit. She criticized the government of Ruritania."
    )
    assert [(r["actor_text"], r["target_text"]) for r in rows if r["event_type"] == "ACCUSE"] == [
        ("Anna Berg", "Ruritania")
    ]


def test_relative_clause_on_a_predicate_noun_speaks_of_the_subject(nlp: Language) -> None:
    rows = extract(nlp, "Tomas Holt is a populist who has vowed to ban the Veltrian union.")
    assert {r["actor_text"] for r in rows if r["event_type"] == "COERCE"} == {"Tomas Holt"}


def test_relative_clause_on_an_apposition_speaks_of_the_name(nlp: Language) -> None:
    rows = extract(nlp, "Acme Relief, an organization that endorsed Anna Berg, raised money.")
    assert [(r["actor_text"], r["target_text"]) for r in rows if r["event_type"] == "SUPPORT"] == [
        ("Acme Relief", "Anna Berg")
    ]


def test_part_of_a_group_is_the_group(nlp: Language) -> None:
    rows = extract(nlp, "Holt called for some of his rivals to withdraw.")
    assert [r["target_text"] for r in rows if r["event_type"] == "REQUEST"] == ["his rivals"]


def test_the_one_asked_is_not_the_asker(nlp: Language) -> None:
    rows = extract(nlp, "When asked to condemn the attack, Tomas Holt refused.")
    assert not [r for r in rows if r["event_type"] == "REQUEST" and r["actor_text"] == "Tomas Holt"]
    assert [(r["actor_text"], r["modality"]) for r in rows if r["event_type"] == "ACCUSE"] == [
        ("Tomas Holt", "hypothetical")
    ]


def test_possessor_investigates_when_the_target_is_named_apart(nlp: Language) -> None:
    rows = extract(nlp, "The FBI's investigation of Tomas Holt continued.")
    assert [(r["actor_text"], r["target_text"]) for r in rows if r["event_type"] == "ACCUSE"] == [
        ("FBI", "Tomas Holt")
    ]


def test_a_country_withdrawn_from_is_no_actor(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg advocated a swift Syria withdrawal.")
    assert not [r for r in rows if r["event_type"] == "RETREAT" and r["actor_text"] == "Syria"]


def test_headline_infinitive_is_planned(nlp: Language) -> None:
    rows = extract(nlp, "Ruritania to impose sanctions on Veltria")
    assert [(r["actor_text"], r["modality"]) for r in rows if r["event_type"] == "SANCTION"] == [
        ("Ruritania", "planned")
    ]


def test_a_call_on_a_day_is_no_name(nlp: Language) -> None:
    rows = extract(
        nlp, "An official Ruritanian newspaper called Thursday on Veltrians to unite against the government."
    )
    assert [r["target_text"] for r in rows if r["event_type"] == "REQUEST"] == ["Veltrians"]
