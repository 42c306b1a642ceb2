"""Precision classes of session 9: the addressee of a request, places on person nouns, denials,
comment "would", performative decisions, possessive doers of event nouns, glued counts.
Every text here is written for the test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract
from transforms.events.parties import _mention_party


def rows_of(nlp: Language, text: str, event_type: str) -> list[dict[str, object]]:
    return [r for r in extract(nlp, text) if r["event_type"] == event_type]


def test_request_target_is_the_addressee_not_the_embedded_object(nlp: Language) -> None:
    text = "The Islamic Brotherhood has called on its followers to attack tourists in Western countries."
    rows = rows_of(nlp, text, "REQUEST")
    assert rows and rows[0]["target_text"] == "its followers"


def test_request_purpose_object_is_no_target(nlp: Language) -> None:
    text = "Mayor Brandt originally asked for $4 billion to fight cholera in March."
    assert all(r["target_text"] != "cholera" for r in rows_of(nlp, text, "REQUEST"))


def test_a_place_on_a_person_noun_is_not_the_party(nlp: Language) -> None:
    text = "Senator Alvin Marsh has urged the Denver tycoon to release the recordings."
    rows = rows_of(nlp, text, "REQUEST")
    assert rows and rows[0]["target_text"] != "Denver"
    text = "A Utah teacher, accused by the district of forging grades, left the state."
    assert all(r["target_text"] != "Utah" for r in rows_of(nlp, text, "ACCUSE"))


def test_denying_reports_is_no_reject(nlp: Language) -> None:
    assert not rows_of(nlp, "The Halvern Group denied the reports on Monday.", "REJECT")
    assert not rows_of(nlp, "Mr. Ostrov rejected rumors that the minister would resign.", "REJECT")
    assert rows_of(nlp, "Mr. Ostrov rejected the proposal from the union.", "REJECT")


def test_would_under_an_adjective_of_comment_is_asserted(nlp: Language) -> None:
    rows = rows_of(nlp, "It is strange that Senator Voss would condemn the Kellner plan.", "ACCUSE")
    assert rows and rows[0]["modality"] == "asserted"


def test_first_person_decision_performs_the_endorsement(nlp: Language) -> None:
    text = "\u201cI have decided to endorse Maria Lenz,\u201d Governor Tom Aldane wrote."
    rows = rows_of(nlp, text, "SUPPORT")
    assert rows and rows[0]["modality"] == "asserted"
    text = "Governor Tom Aldane has decided to endorse Maria Lenz next week."
    rows = rows_of(nlp, text, "SUPPORT")
    assert rows and rows[0]["modality"] == "planned"


def test_possessor_of_a_killing_with_an_of_object_is_the_doer(nlp: Language) -> None:
    text = "He was pressed about the Ruritanian government's killing of rebels abroad."
    rows = rows_of(nlp, text, "ASSAULT")
    assert rows and rows[0]["actor_text"] == "the Ruritanian government"
    assert rows[0]["target_text"] == "rebels"


def test_endorsement_by_names_the_giver_over_the_name_before(nlp: Language) -> None:
    text = "The remarks followed an early Lenz endorsement by Governor Tom Aldane."
    rows = rows_of(nlp, text, "SUPPORT")
    assert rows and rows[0]["actor_text"] == "Tom Aldane" and rows[0]["target_text"] == "Lenz"


def test_a_count_glued_to_a_name_is_cut() -> None:
    party = _mention_party((10, 27, "Darnell Okafor 16", "PERSON"))
    assert party is not None and party.text == "Darnell Okafor" and party.end == 24
    party = _mention_party((0, 8, "Route 66", "FAC"))
    assert party is not None and party.text == "Route 66"


def test_a_tally_of_things_is_no_event(nlp: Language) -> None:
    assert not rows_of(nlp, "In Ohio, nearly 640,000 absentee ballots have so far been requested.", "REQUEST")
    rows = rows_of(nlp, "About 1,200 prisoners were released on Monday.", "RETREAT")
    assert rows and rows[0]["modality"] == "asserted"


def test_a_vow_in_a_list_frames_its_infinitive_as_planned(nlp: Language) -> None:
    text = (
        "Mr. Halvorsen defended several proposals of his campaign, including his newly formulated"
        " vow to deport people from any nation connected to smuggling."
    )
    rows = rows_of(nlp, text, "COERCE")
    assert rows and rows[0]["modality"] == "planned"


def test_a_to_phrase_on_the_object_names_the_other_side(nlp: Language) -> None:
    text = "On Friday, Mr. Lindqvist said he would not seek a recount, conceding the race to Ms. Oduya."
    rows = rows_of(nlp, text, "CONCEDE")
    assert rows and rows[0]["target_text"] == "Oduya"


def test_the_subject_of_an_investigated_question_is_the_target(nlp: Language) -> None:
    text = "The agency is conducting an investigation into whether Jonas Ekberg broke the law."
    rows = rows_of(nlp, text, "ACCUSE")
    assert rows and rows[0]["target_text"] == "Jonas Ekberg"
    text = (
        "Ms. Varga's use of a private server led to an FBI investigation into whether her"
        " arrangement had compromised secrets."
    )
    rows = rows_of(nlp, text, "ACCUSE")
    assert rows and rows[0]["target_text"] == "Varga"


def test_lending_an_ear_is_no_aid(nlp: Language) -> None:
    text = "Governor Pell lent his ear to deregulation advocates last spring."
    assert not rows_of(nlp, text, "AID")


def test_a_nationality_on_people_is_not_the_nation(nlp: Language) -> None:
    text = "Nigerian negotiators met with the rebels in Accra on Monday."
    rows = rows_of(nlp, text, "CONSULT")
    assert rows and rows[0]["actor_text"] == "Nigerian negotiators"


def test_an_infinitive_on_a_wished_noun_is_hypothetical(nlp: Language) -> None:
    text = (
        "Earlier in the week, Mr. Okafor called for a special prosecutor to investigate Ms. Lind's"
        " use of a private server, saying the ministry has proven it is biased toward Ms. Lind."
    )
    rows = rows_of(nlp, text, "ACCUSE")
    assert rows and all(r["modality"] != "asserted" for r in rows)


def test_the_subject_of_an_investigation_is_its_target(nlp: Language) -> None:
    text = "Activist Lena Moravec was the subject of a U.S. investigation after her group posted the files."
    rows = rows_of(nlp, text, "ACCUSE")
    assert rows and rows[0]["target_text"] == "Lena Moravec"
