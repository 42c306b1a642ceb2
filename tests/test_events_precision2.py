"""Precision of event mentions, second round: questions, habits, negation scope and word senses
(invented sentences; transforms.events)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_events import extract


def _types(rows: list[dict[str, object]]) -> set[object]:
    return {r["event_type"] for r in rows}


def _one(rows: list[dict[str, object]], event_type: str) -> dict[str, object]:
    found = [r for r in rows if r["event_type"] == event_type]
    assert found, rows
    return found[0]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The reporter asked Tomas Holt whether he would endorse Anna Berg.", "SUPPORT"),  # a question
        ("Anna Berg asked whether the governor would resign.", "RETREAT"),
        ("The moderator asked Tomas Holt to explain the plan.", "REQUEST"),  # the press asks
        ("Farmers have long complained about the ministry.", "ACCUSE"),  # a habit of the perfect
        ("Tomas Holt has always said he backs Anna Berg.", "SUPPORT"),  # a standing position
        ("The candidate's appeal to young voters has faded.", "REQUEST"),  # appeal as charm
    ],
)
def test_not_events(nlp: Language, text: str, absent: str) -> None:
    assert absent not in _types(extract(nlp, text))


def test_repetition_in_a_recent_period_is_news(nlp: Language) -> None:
    rows = extract(nlp, "Senator Holt has repeatedly asked Anna Berg this week to resign.")
    assert _one(rows, "REQUEST")["target_text"] == "Anna Berg"
    assert "REQUEST" not in _types(extract(nlp, "Senator Holt has repeatedly asked Anna Berg to resign."))


def test_a_past_deed_told_by_a_habitual_speaker_is_reported(nlp: Language) -> None:
    rows = extract(nlp, "Tomas Holt has always said that Veltria bombed Ruritania in 2014.")
    assert _one(rows, "ASSAULT")["modality"] == "reported"


@pytest.mark.parametrize(
    "text",
    [
        "The senator had no trouble endorsing Anna Berg.",
        "Tomas Holt did not hesitate to endorse Anna Berg.",
        "Tomas Holt showed no reluctance to endorse Anna Berg.",
    ],
)
def test_negated_difficulty_is_the_event_done(nlp: Language, text: str) -> None:
    assert _one(extract(nlp, text), "SUPPORT")["modality"] == "asserted"


def test_not_only_is_no_negation(nlp: Language) -> None:
    rows = extract(nlp, "Tomas Holt didn't just criticize Anna Berg on Monday.")
    assert _one(rows, "ACCUSE")["modality"] == "asserted"
    assert _one(extract(nlp, "Tomas Holt did not criticize Anna Berg."), "ACCUSE")["modality"] == "negated"


def test_boycott_is_protest(nlp: Language) -> None:
    r = _one(extract(nlp, "The Ruritania Workers Union boycotted the talks in Veltria."), "PROTEST")
    assert r["mode"] == "boycott"
    r = _one(extract(nlp, "The union called for a boycott of Acme Motors."), "PROTEST")
    assert r["target_text"] == "Acme Motors" and r["actor_text"] is None


def test_an_appeal_for_something_is_a_request(nlp: Language) -> None:
    r = _one(extract(nlp, "The minister issued an appeal for calm in Veltria."), "REQUEST")
    assert r["actor_text"] == "The minister"


def test_a_person_the_ner_mislabelled_is_a_person() -> None:
    from transforms.events.mentions import _Mentions

    ms = _Mentions.build(
        [
            {"start": 0, "end": 10, "text": "Tomas Holt", "label": "PERSON"},
            {"start": 20, "end": 30, "text": "Anna Berg", "label": "WORK_OF_ART"},  # a given name
            {"start": 40, "end": 51, "text": "Peter Holt", "label": "ORG"},  # the article's Holt
            {"start": 60, "end": 70, "text": "Acme Motors", "label": "ORG"},
            {"start": 80, "end": 95, "text": "Martin Luther King Day", "label": "EVENT"},
        ]
    )
    assert [r[3] for r in ms.rows] == ["PERSON", "PERSON", "PERSON", "ORG", "EVENT"]


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Tomas Holt beat her 51% to 36% in Veltria.", "ASSAULT"),  # a vote won
        ("Tomas Holt beat Anna Berg in the Veltria primary.", "ASSAULT"),
        ("The Senate killed the bill on Tuesday.", "ASSAULT"),  # a figure of speech
        ("The scandal could kill his campaign.", "ASSAULT"),
        ("Tomas Holt was asked to name a decision Anna Berg made.", "REQUEST"),  # an answer sought
    ],
)
def test_figures_and_questions_are_no_events(nlp: Language, text: str, absent: str) -> None:
    assert absent not in _types(extract(nlp, text))


def test_real_violence_and_requests_stay(nlp: Language) -> None:
    assert "ASSAULT" in _types(extract(nlp, "The rebels beat three prisoners in Marovia."))
    assert "ASSAULT" in _types(extract(nlp, "The attack killed five soldiers."))
    assert "REQUEST" in _types(extract(nlp, "Tomas Holt asked Anna Berg to resign."))


def test_a_willingness_to_meet_is_no_meeting_held(nlp: Language) -> None:
    rows = extract(nlp, "Only six senators expressed a willingness to take a meeting with Anna Berg.")
    assert _one(rows, "CONSULT")["modality"] == "planned"


def test_the_doer_named_by_a_participle(nlp: Language) -> None:
    r = _one(extract(nlp, "The Veltria lawsuit brought by Acme Watch sought emails."), "ACCUSE")
    assert r["actor_text"] == "Acme Watch"


def test_role_nouns_are_parties(nlp: Language) -> None:
    r = _one(extract(nlp, "Tomas Holt accused the debate moderators of bias."), "ACCUSE")
    assert r["target_text"] == "the debate moderators"
    r = _one(extract(nlp, "A conservative group criticized Anna Berg on Monday."), "ACCUSE")
    assert r["actor_text"] == "A conservative group"
    r = _one(extract(nlp, "A group of senators urged Anna Berg to resign."), "REQUEST")
    assert r["actor_text"] == "senators"


def test_a_warning_about_nobody_is_a_forecast(nlp: Language) -> None:
    assert "THREATEN" not in _types(
        extract(nlp, "Tomas Holt warned that nobody can win Veltria without farmers.")
    )
    assert "THREATEN" in _types(extract(nlp, "Tomas Holt warned that he would sue the network."))


def test_appeal_as_a_quality_had_is_no_request(nlp: Language) -> None:
    text = "Their ideas will not have the appeal of radical change offered by Tomas Holt."
    assert "REQUEST" not in _types(extract(nlp, text))


def test_targets_of_demands_and_calls(nlp: Language) -> None:
    r = _one(extract(nlp, "Anna Berg rejected the demands of the union."), "REQUEST")
    assert r["actor_text"] == "the union"
    r = _one(extract(nlp, "Anna Berg ignored calls for Tomas Holt to resign."), "REQUEST")
    assert r["target_text"] == "Tomas Holt"
    assert "REQUEST" not in _types(extract(nlp, "Anna Berg made calls to donors."))  # phone calls


def test_an_infinitive_with_for_is_wished(nlp: Language) -> None:
    rows = extract(nlp, "Democrats renewed their calls for Tomas Holt to resign.")
    assert _one(rows, "RETREAT")["modality"] == "hypothetical"


@pytest.mark.parametrize(
    "text",
    [
        "Tomas Holt met with local reporters in Veltria.",
        "Anna Berg spoke at a meeting with journalists on Monday.",
    ],
)
def test_talking_to_the_press_is_no_consultation(nlp: Language, text: str) -> None:
    assert "CONSULT" not in _types(extract(nlp, text))


def test_advice_not_to_act_is_hypothetical(nlp: Language) -> None:
    rows = extract(nlp, "Tomas Holt argued that the group should not endorse Anna Berg.")
    assert _one(rows, "SUPPORT")["modality"] == "hypothetical"
    assert _one(extract(nlp, "Tomas Holt would not endorse Anna Berg."), "SUPPORT")["modality"] == "negated"


def test_demands_made_of_a_party_ask_it(nlp: Language) -> None:
    r = _one(extract(nlp, "Tomas Holt will make demands of Anna Berg."), "REQUEST")
    assert (r["actor_text"], r["target_text"]) == ("Tomas Holt", "Anna Berg")


def test_whether_a_party_would_act_stays_open(nlp: Language) -> None:
    text = "Tomas Holt said that he did not know whether Anna Berg would endorse him."
    assert _one(extract(nlp, text), "SUPPORT")["modality"] == "hypothetical"
    assert (
        _one(extract(nlp, "Tomas Holt said Anna Berg would endorse him."), "SUPPORT")["modality"] == "planned"
    )


def test_a_boycott_announced_is_a_threat(nlp: Language) -> None:
    rows = extract(nlp, "Ruritanian leaders said they would boycott all official contact with Veltria.")
    assert _one(rows, "THREATEN")["actor_text"] == "Ruritanian leaders"
