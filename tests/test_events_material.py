"""Material events in their many surface forms: aid handed over, permissions, expulsions of envoys,
light verbs, frame nouns, measures of what is acted on. Every text here is written for the test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract
from tests.test_events_plover import first, types


def test_supplies_given_to_a_party_are_aid(nlp: Language) -> None:
    r = first(extract(nlp, "Norway delivered 300 tonnes of medicine to Chile on Monday."), "AID")
    assert (r["actor_text"], r["target_text"]) == ("Norway", "Chile")
    r = first(extract(nlp, "Portugal gave Ghana a grant for schools last week."), "AID")
    assert r["target_text"] == "Ghana"
    assert "AID" not in types(extract(nlp, "Portugal gave the speech in Lisbon on Monday."))


def test_sharing_intelligence_with_a_party_is_cooperation(nlp: Language) -> None:
    r = first(
        extract(nlp, "Kenya shared intelligence with Uganda about the smugglers on Tuesday."), "COOPERATE"
    )
    assert (r["actor_text"], r["target_text"]) == ("Kenya", "Uganda")


def test_allowing_a_party_to_act_is_a_concession(nlp: Language) -> None:
    r = first(
        extract(nlp, "The court allowed opposition candidate Maria Lopez to run in the election."), "CONCEDE"
    )
    assert r["target_text"] == "Maria Lopez"
    assert "CONCEDE" not in types(extract(nlp, "The new rules allowed him to sleep late on Sunday."))


def test_agreeing_to_any_undertaking_is_agree(nlp: Language) -> None:
    rows = extract(nlp, "Peru and Bolivia agreed on Friday to build a joint water laboratory.")
    assert "AGREE" in types(rows)


def test_expelling_envoys_reduces_relations(nlp: Language) -> None:
    r = first(extract(nlp, "Denmark expelled two Iranian diplomats on Wednesday."), "SANCTION")
    assert r["mode"] == "expel"
    assert "COERCE" in types(extract(nlp, "Denmark expelled two smugglers to Norway on Wednesday."))


def test_frame_noun_stands_for_its_event(nlp: Language) -> None:
    r = first(extract(nlp, "Qatar launched a mediation effort between Chad and Sudan on Monday."), "CONSULT")
    assert r["trigger"] == "effort"
    rows = extract(nlp, "Austria halted its mediation efforts between Chad and Sudan on Monday.")
    assert "SANCTION" in types(rows)


def test_measure_of_victims_is_the_patient(nlp: Language) -> None:
    rows = extract(nlp, "Police in Uzbekistan tortured scores of detainees last year, Amnesty said.")
    assert "ASSAULT" in types(rows)


def test_attempt_on_a_life_is_an_event_without_a_named_doer(nlp: Language) -> None:
    rows = extract(nlp, "An attempt to assassinate Governor Paul Keller was foiled in Denver on Sunday.")
    r = first(rows, "ASSAULT")
    assert r["actor_text"] is None and r["modality"] == "hypothetical"


def test_participants_in_an_event_noun_are_its_actor(nlp: Language) -> None:
    r = first(
        extract(nlp, "Militias were engaged in ethnic cleansing in Darfur, the report said."), "ASSAULT"
    )
    assert r["actor_text"] == "Militias"
    assert r["mode"] == "cleansing"


def test_withdrawal_of_troops_from_a_place(nlp: Language) -> None:
    rows = extract(nlp, "Ecuador said it is willing to withdraw its troops from Peru.")
    assert "RETREAT" in types(rows)


def test_light_verbs_and_welcomes(nlp: Language) -> None:
    r = first(extract(nlp, "Greece and Cyprus upgraded their diplomatic ties on Monday."), "SUPPORT")
    assert r["actor_text"] == "Greece and Cyprus"
    r = first(extract(nlp, "Ghana gave a warm welcome to President Ana Silva on Thursday."), "CONSULT")
    assert r["mode"] == "host"


def test_refugees_taken_in_are_asylum(nlp: Language) -> None:
    r = first(extract(nlp, "Canada accepted 900 refugees from Syria in March."), "AID")
    assert r["mode"] == "asylum"


def test_refusing_a_deed_that_is_no_event_is_no_rejection(nlp: Language) -> None:
    assert "REJECT" not in types(extract(nlp, "The mayor refused to admit any fault on Friday."))
    assert "REJECT" in types(extract(nlp, "Hungary refused to admit the inspectors on Friday."))


def test_agreeing_with_an_opinion_is_no_agreement(nlp: Language) -> None:
    assert "AGREE" not in types(extract(nlp, "Senator Tom Hale agreed with the analysis on Friday."))
    assert "AGREE" not in types(extract(nlp, "Tom Hale agreed to sell his boat to Mary Jones."))


def test_a_proposal_to_ban_names_its_owner_not_an_unnamed_doer(nlp: Language) -> None:
    rows = extract(nlp, "Voters backed his proposal to ban imports from Chile.")
    assert all(r["actor_text"] is not None for r in rows if r["event_type"] == "COERCE")
