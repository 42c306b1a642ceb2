"""Precision of event mentions, round 6: unnamed victims as targets, doers by a claim or by binding,
past habits, wished or open clauses, hedged nouns, and statements that report no act (invented
sentences; transforms.events)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_events import extract


def _of(rows: list[dict[str, object]], event_type: str) -> list[tuple[object, object, object]]:
    return [(r["actor_text"], r["target_text"], r["modality"]) for r in rows if r["event_type"] == event_type]


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # a participle that only counts its dead: the people its clause aims at
        (
            "He was freed a day before guards turned their guns on the remaining prisoners, killing 15.",
            "the remaining prisoners",
        ),
        ("The gunman laughed as he slaughtered clubgoers.", "clubgoers"),  # a bare plural patient
        (
            "Volunteers gave blood to the victims of the Veltria massacre.",
            "the victims",
        ),  # victims of a violent noun
    ],
)
def test_unnamed_victims_are_the_target(nlp: Language, text: str, target: str) -> None:
    assert [t for _, t, _ in _of(extract(nlp, text), "ASSAULT")] == [target]


def test_a_claim_names_the_doer_of_a_killing(nlp: Language) -> None:
    text = "The report includes the killing of two Veltrian soldiers that was claimed by the Northern Front."
    assert _of(extract(nlp, text), "ASSAULT") == [("the Northern Front", "two Veltrian soldiers", "asserted")]


def test_their_binds_to_the_plural_subject(nlp: Language) -> None:
    text = "The pastors in attendance were unanimous in their condemnation of Holt's remarks."
    assert _of(extract(nlp, text), "ACCUSE") == [("The pastors", "Holt", "asserted")]


def test_he_in_an_adverbial_clause_is_the_main_subject(nlp: Language) -> None:
    text = "Governor Tomas Holt, an ally of Anna Berg, conceded the error even as he defended Maria Berg."
    assert [a for a, _, _ in _of(extract(nlp, text), "SUPPORT")] == ["Tomas Holt"]


@pytest.mark.parametrize(
    ("text", "event_type", "modality"),
    [
        (
            "At times Tomas Holt would meet directly with Anna Berg to settle a dispute.",
            "CONSULT",
            "asserted",
        ),
        (
            "Rivals see it as crucial that Anna Berg and the committee make concessions.",
            "CONCEDE",
            "hypothetical",
        ),
        (
            "It is not clear that the gifts have bought the group any assistance from officials.",
            "AID",
            "hypothetical",
        ),
        (
            "Holt told the tale of a general allegedly halting rebel attacks in Veltria.",
            "ASSAULT",
            "reported",
        ),
        (
            "Reed said his group will press firms to boycott the fair to protest Holt's remarks.",
            "ACCUSE",
            "hypothetical",
        ),
    ],
)
def test_modality_of_habits_wishes_and_hedges(
    nlp: Language, text: str, event_type: str, modality: str
) -> None:
    assert [m for _, _, m in _of(extract(nlp, text), event_type)] == [modality]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The ministries declined to provide any documentation or specifics, citing the inquiry.", "REJECT"),
        (
            "Though campaigns cannot investigate every donation they receive, it is a warning, Holt said.",
            "ACCUSE",
        ),
        ("Senator Holt aids challenges to voter laws.", "AID"),
        ("Party leaders hope that Holt will tone down his attacks against Berg.", "ACCUSE"),
    ],
)
def test_statements_that_report_no_act(nlp: Language, text: str, absent: str) -> None:
    assert not _of(extract(nlp, text), absent)


def test_financial_backing_is_aid(nlp: Language) -> None:
    rows = extract(nlp, "Acme Fund, a group with financial backing from Tomas Holt, has grown.")
    assert [a for a, _, _ in _of(rows, "AID")] == ["Tomas Holt"]
    assert not _of(rows, "SUPPORT")


def test_the_receiver_of_endorsements_is_the_target(nlp: Language) -> None:
    rows = extract(nlp, "Holt highlighted endorsements from prominent union leaders.")
    assert _of(rows, "SUPPORT") == [("prominent union leaders", "Holt", "asserted")]


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Anna Berg, who has not endorsed a candidate, spoke in Veltria.", "SUPPORT"),
        ("Holt called for a special prosecutor to look into the deal.", "REQUEST"),
    ],
)
def test_an_indefinite_under_negation_or_request_is_no_target(
    nlp: Language, text: str, event_type: str
) -> None:
    assert [t for _, t, _ in _of(extract(nlp, text), event_type)] == [None]


@pytest.mark.parametrize(
    ("text", "event_type", "modality"),
    [
        (
            "The idea of a meeting between Holt and Berg was raised last month, Reed said.",
            "CONSULT",
            "hypothetical",
        ),
        (
            "There is little chance of Veltrian officials being prosecuted by the ministry.",
            "COERCE",
            "hypothetical",
        ),
        (
            "The talks were set before Holt called for banning all migrants from Veltria.",
            "COERCE",
            "hypothetical",
        ),
        # a verb of motion over a purpose is no plan of it
        (
            "The top senators went before reporters to denounce the stance taken by Tomas Holt.",
            "ACCUSE",
            "asserted",
        ),
    ],
)
def test_modality_of_framed_and_asked_for_events(
    nlp: Language, text: str, event_type: str, modality: str
) -> None:
    assert [m for _, _, m in _of(extract(nlp, text), event_type)] == [modality]


def test_a_participle_touting_support_names_its_receiver(nlp: Language) -> None:
    text = "Despite spending heavily on ads, touting the endorsement of Anna Berg, Holt could not win voters."
    assert [t for _, t, _ in _of(extract(nlp, text), "SUPPORT")] == ["Holt"]


def test_a_complaint_that_names_its_target(nlp: Language) -> None:
    assert _of(extract(nlp, "Reed also complained that Tomas Holt is too rigid."), "ACCUSE") == [
        ("Reed", "Tomas Holt", "asserted")
    ]


@pytest.mark.parametrize(
    ("text", "event_type", "target"),
    [
        ("The Secret Service is banning guns in and around the arena.", "COERCE", None),  # things, no people
        (
            "Critics said Holt was urging a foreign government to spy on Veltrians.",
            "REQUEST",
            "a foreign government",
        ),
    ],
)
def test_targets_that_stay_or_go(nlp: Language, text: str, event_type: str, target: str | None) -> None:
    assert [t for _, t, _ in _of(extract(nlp, text), event_type)] == [target]


@pytest.mark.parametrize(
    ("text", "event_type", "modality"),
    [
        ("Anna Berg escalated her criticism of Holt on Tuesday.", "ACCUSE", "asserted"),  # one act, on a day
        ("Berg went out of her way in talking to reporters to praise Holt's record.", "SUPPORT", "asserted"),
    ],
)
def test_acts_that_stay_asserted(nlp: Language, text: str, event_type: str, modality: str) -> None:
    assert [m for _, _, m in _of(extract(nlp, text), event_type)] == [modality]


def test_a_retort_names_no_target_by_its_clause(nlp: Language) -> None:
    assert not [
        t
        for _, t, _ in _of(
            extract(nlp, "Holt fired back that the people of Veltria voted for her."), "ACCUSE"
        )
        if t
    ]
