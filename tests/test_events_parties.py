"""Parties, modality and non-events on real-news patterns: descriptions, possessives, coordinated
clauses, habits and open questions (invented sentences; transforms.events)."""

from __future__ import annotations

import polars as pl
import pytest
from spacy.language import Language

from tests.test_events import extract
from transforms import events, schema


def _one(rows: list[dict[str, object]], event_type: str) -> dict[str, object]:
    found = [r for r in rows if r["event_type"] == event_type]
    assert found, rows
    return found[0]


def _types(rows: list[dict[str, object]]) -> set[object]:
    return {r["event_type"] for r in rows}


# ---- parties ----


def test_a_description_is_the_person_named_before_in_that_role(nlp: Language) -> None:
    text = "Sen. Tomas Holt spoke in Ostrava. The Veltrian senator congratulated Anna Berg on her win."
    assert _one(extract(nlp, text), "SUPPORT")["actor_text"] == "Tomas Holt"
    text = "Veltrian nominee Anna Berg spoke on Monday. Tomas Holt attacked the Veltrian nominee on Tuesday."
    assert _one(extract(nlp, text), "ACCUSE")["target_text"] == "Anna Berg"


def test_a_description_takes_no_synonym_of_the_role(nlp: Language) -> None:
    rows = extract(nlp, "Senate leader Tomas Holt spoke on Monday. But the president would veto the bill.")
    assert _one(rows, "REJECT")["actor_text"] == "the president"


def test_a_description_of_no_one_named_stays_the_phrase(nlp: Language) -> None:
    rows = extract(nlp, "The Vermont senator congratulated Anna Berg on her win.")
    assert _one(rows, "SUPPORT")["actor_text"] == "The Vermont senator"


def test_a_possessive_is_the_subject_of_its_own_clause(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg spoke. Tomas Holt defended his endorsement of Anna Berg this week.")
    assert _one(rows, "SUPPORT")["actor_text"] == "Tomas Holt"
    # another person named between, and the genders say nothing: the antecedent rule decides
    rows = extract(nlp, "Tomas Holt attacked Anna Berg over her endorsement of Jim Pratt.")
    assert _one(rows, "SUPPORT")["actor_text"] == "Anna Berg"
    # the object of the verb may own it as well: no binding to the subject
    rows = extract(nlp, "Tomas Holt praised Jim Pratt for his endorsement of Anna Berg.")
    assert [r["actor_text"] for r in rows if r["trigger"] == "endorsement"] != ["Tomas Holt"]


def test_a_relative_clause_on_a_party_label_speaks_of_the_person(nlp: Language) -> None:
    text = "Senator Tomas Holt, a Veltrian Republican who has met privately with Mr. Berg, spoke."
    assert _one(extract(nlp, text), "CONSULT")["actor_text"] == "Tomas Holt"


def test_a_pronoun_is_no_body_of_many_words(nlp: Language) -> None:
    text = (
        "She met the Veltrian Social Security Administration officials. The Veltrian Social Security"
        " Administration said it had no record. She balked at applying for residency."
    )
    assert all(
        r["actor_text"] is None or "Administration" not in str(r["actor_text"]) for r in extract(nlp, text)
    )


def test_a_dateline_is_no_party(nlp: Language) -> None:
    rows = extract(nlp, "OSTRAVA, July 29 (AP) — Fans have complained about Tomas Holt attending the rally.")
    assert all(r["actor_text"] != "OSTRAVA" for r in rows)
    rows = extract(nlp, "OSTRAVA - Anna Berg received the endorsement of Gov. Tomas Holt on Friday.")
    assert all("OSTRAVA" not in (str(r["actor_text"]), str(r["target_text"])) for r in rows)


def _resolve_one(text: str, span: tuple[int, int], mentions: list[tuple[int, int, str, str]]) -> object:
    row = {
        "article_id": "a1",
        "event_type": "SUPPORT",
        "cameo_code": "051",
        "trigger": "praised",
        "trigger_start": 60,
        "trigger_end": 67,
        "sent_start": 0,
        "sent_end": 80,
        "sentence": "s",
        "actor_text": text,
        "actor_start": span[0],
        "actor_end": span[1],
        "date_method": "none",
        "modality": "asserted",
    }
    x = pl.DataFrame([row], schema=schema.X_EVENT_MENTIONS.polars_schema, strict=False)
    ems = pl.DataFrame(
        {
            "article_id": ["a1"] * len(mentions),
            "entity_id": [m[3] for m in mentions],
            "start": [m[0] for m in mentions],
            "end": [m[1] for m in mentions],
            "label": [m[2] for m in mentions],
            "text": [text[m[0] - 10 : m[1] - 10] for m in mentions],
        }
    )
    ents = pl.DataFrame(
        {
            "entity_id": [m[3] for m in mentions],
            "name": [m[3].upper() for m in mentions],
            "type": [m[2] for m in mentions],
        }
    )
    ev, _ = events.resolve_events(x, ems, ents)
    return ev["actor"].to_list()[0]


@pytest.mark.parametrize(
    ("text", "mentions", "actor"),
    [
        # "the Veltria senator": the state only describes the senator
        ("the Veltria senator", [(14, 21, "GPE", "en_veltria")], "the Veltria senator"),
        # "Veltrian refugees": the people, not the nation
        ("Veltrian refugees", [(10, 18, "NORP", "en_veltrian")], "Veltrian refugees"),
        # "Holt supporters": the supporters, not the candidate
        ("Holt supporters", [(10, 14, "PERSON", "en_holt")], "Holt supporters"),
        # "the Acme front-runner": the person, not the body
        ("the Acme front-runner", [(14, 18, "ORG", "en_acme")], "the Acme front-runner"),
        # "the Holt campaign" stays the candidate's
        ("the Holt campaign", [(14, 18, "PERSON", "en_holt")], "EN_HOLT"),
        # a coordination names both; a modifying state is dropped from it
        ("Anna Berg and Veltria", [(10, 19, "PERSON", "en_berg"), (24, 31, "GPE", "en_veltria")], "EN_BERG"),
        (
            "Anna Berg and former Veltria Gov. Tom Lee",
            [(10, 19, "PERSON", "en_berg"), (31, 38, "GPE", "en_veltria"), (44, 51, "PERSON", "en_lee")],
            "EN_BERG and EN_LEE",
        ),
    ],
)
def test_place_and_side_modifiers_of_a_party_are_not_linked(
    text: str, mentions: list[tuple[int, int, str, str]], actor: str
) -> None:
    got = _resolve_one(text, (10, 10 + len(text)), mentions)
    if actor == "EN_BERG":
        assert got is not None and "EN_BERG" in str(got) and "EN_VELTRIA" in str(got)
    else:
        assert got == actor


# ---- modality ----


@pytest.mark.parametrize(
    ("text", "etype", "modality"),
    [
        ("Tomas Holt refrained from attacking Anna Berg.", "ACCUSE", "negated"),
        ("The two countries held talks to halt the bombing of Ostrava.", "ASSAULT", "asserted"),
        ("The goal is a truce that would halt the bombing of Ostrava.", "ASSAULT", "asserted"),
        ("Neither Tom Holt nor Jim Berg criticized Anna Lee.", "ACCUSE", "negated"),
        ("The rebels are believed to have killed five soldiers.", "ASSAULT", "reported"),
        ("The rebels allegedly killed five soldiers.", "ASSAULT", "reported"),
        ("The rebels killed five soldiers.", "ASSAULT", "asserted"),
        ("Speaker Tom Holt, who was reluctant to endorse Jim Berg, spoke on Monday.", "SUPPORT", "negated"),
        ("Tomas Holt could not resist taking swipes at Anna Berg.", "ACCUSE", "asserted"),
        ("The senator did not criticize Tom Berg or call for his resignation.", "REQUEST", "negated"),
        ("Tomas Holt refused to meet Anna Berg and criticized her plan.", "ACCUSE", "asserted"),
        ("The minister will meet Tomas Holt and sign the agreement.", "CONSULT", "planned"),
        # a conditional promise is still a plan (the seeds' "promised to provide X with aid if…")
        ("Tomas Holt announced he will step down as chairman if Anna Berg wins.", "RETREAT", "planned"),
        (
            "Many voters aren't sure they'll back Anna Berg, and Tomas Holt has been lobbing attacks on her.",
            "ACCUSE",
            "asserted",
        ),
    ],
)
def test_modality_of_clauses(nlp: Language, text: str, etype: str, modality: str) -> None:
    assert _one(extract(nlp, text), etype)["modality"] == modality


def test_a_noun_of_reluctance_frames_the_infinitive_hung_on_its_verb(nlp: Language) -> None:
    rows = extract(nlp, "But Tomas Holt later blamed his hesitancy to condemn Jim Pratt on a bad earpiece.")
    assert [r["modality"] for r in rows if r["trigger"] == "condemn"] == ["negated"]


def test_a_presupposed_event_is_no_speakers_claim(nlp: Language) -> None:
    text = (
        "Soon after the gruesome murder of Father Tom Berg in Ostrava, Jim Holt asserted that Veltria"
        " had lost its identity: “Veltria is no longer Veltria,” he claimed."
    )
    assert _one(extract(nlp, text), "ASSAULT")["modality"] == "asserted"


# ---- not events ----


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Tomas Holt has taken to urging voters to slow down.", "REQUEST"),  # a habit taken up
        ("Anna Berg has increasingly decried the police.", "ACCUSE"),  # a growing habit
        ("The senator tends to criticize the governor.", "ACCUSE"),
        ("Tomas Holt, will you resign?", "RETREAT"),  # a direct question
        ("Anna Berg dominated Tomas Holt, capturing wins in Ostrava and Brno.", "ASSAULT"),  # votes won
    ],
)
def test_not_events(nlp: Language, text: str, absent: str) -> None:
    assert absent not in _types(extract(nlp, text))


def test_a_single_deed_is_still_an_event(nlp: Language) -> None:
    assert "ACCUSE" in _types(extract(nlp, "Anna Berg criticized the police on Monday."))
    assert "ACCUSE" in _types(extract(nlp, "Tomas Holt used the ad to attack Anna Berg."))
    assert "ASSAULT" in _types(extract(nlp, "Jim Pratt is selling the gun he used to kill Tom Berg in 2012."))
    # a wh-question takes its event as given
    assert "ACCUSE" in _types(extract(nlp, "Whose state has joined a lawsuit against Anna Berg?"))
