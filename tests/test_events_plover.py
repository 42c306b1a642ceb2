"""PLOVER 2021 coding of events: violence and coercion, speech acts, not-events, modes, counts,
statements of intent and dates. Every text here is written for the test."""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from tests.test_events import extract, only
from transforms import dictionary, schema


def types(rows: list[dict[str, object]]) -> set[str]:
    return {str(r["event_type"]) for r in rows}


def first(rows: list[dict[str, object]], event_type: str) -> dict[str, object]:
    found = [r for r in rows if r["event_type"] == event_type]
    assert found, rows
    return found[0]


# ---- taxonomy -------------------------------------------------------------------------------


def test_categories_are_the_2021_manual() -> None:
    assert set(schema.PLOVER_TYPES) == {
        "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "ACCUSE",
        "REQUEST", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT",
    }  # fmt: skip
    text = dictionary.data_dictionary((schema.EVENTS,))
    for name in (*schema.PLOVER_TYPES, *schema.EVENT_MODES):
        assert f"`{name}`: " in text  # a one-line definition of each category and mode


# ---- violence and coercion ----------------------------------------------------------------


def test_passive_killing_without_a_doer_is_an_event(nlp: Language) -> None:
    r = first(extract(nlp, "At least 12 villagers were killed near Darvel on Sunday."), "ASSAULT")
    assert r["actor_text"] is None
    assert r["n_killed"] == 12 and "At least 12" in str(r["count_text"])


def test_active_killing_with_counts_of_killed_and_wounded(nlp: Language) -> None:
    rows = extract(nlp, "Gunmen killed four policemen and wounded nine others in Marmoth.")
    r = first(rows, "ASSAULT")
    assert r["actor_text"] == "Gunmen"
    assert (r["n_killed"], r["n_injured"]) == (4, 9)


def test_a_bomb_that_killed_is_one_event_with_its_mode(nlp: Language) -> None:
    rows = extract(nlp, "A car bomb killed two soldiers in Veltria on Monday.")
    assault = [r for r in rows if r["event_type"] == "ASSAULT"]
    assert len(assault) == 1
    assert assault[0]["trigger"] == "killed" and assault[0]["n_killed"] == 2


def test_arrest_detain_and_charge_are_coercion(nlp: Language) -> None:
    r = first(extract(nlp, "Police in Ostrava arrested dozens of students on Friday."), "COERCE")
    assert (r["mode"], r["n_arrested"]) == ("arrest", 12)
    assert "dozens of students" in str(r["count_text"])
    r = first(extract(nlp, "Prosecutors charged the former mayor with fraud."), "COERCE")
    assert r["mode"] == "arrest"
    assert "COERCE" not in types(extract(nlp, "The company charged a fee for the service."))


def test_nominal_arrest_and_expulsion(nlp: Language) -> None:
    r = first(extract(nlp, "The arrest of Pavel Dorn sparked anger in Brno."), "COERCE")
    assert r["target_text"] == "Pavel Dorn"


def test_attack_in_words_is_an_accusation(nlp: Language) -> None:
    rows = extract(nlp, "Senator Anna Berg attacked Governor Paul Lind over the budget.")
    assert "ASSAULT" not in types(rows)
    assert first(rows, "ACCUSE")["target_text"] == "Paul Lind"


def test_attack_on_a_place_is_an_assault(nlp: Language) -> None:
    r = first(extract(nlp, "Rebels attacked Marmoth with rockets on Tuesday."), "ASSAULT")
    assert r["actor_text"] == "Rebels"


# ---- the sentence's own speech act --------------------------------------------------------


def test_speech_acts_are_coded(nlp: Language) -> None:
    assert "THREATEN" in types(extract(nlp, "Norway warned Denmark that it would close the border."))
    assert "ACCUSE" in types(extract(nlp, "Peru blamed Chile for the collapse of the talks."))
    assert "REQUEST" in types(extract(nlp, "The union called on the government to raise wages."))
    assert "REJECT" in types(extract(nlp, "Chile dismissed the proposal from Peru."))
    assert "SUPPORT" in types(extract(nlp, "Anna Berg praised Paul Lind for his courage."))


def test_embedded_event_gets_its_own_doer(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg upbraided Paul Lind for failing to condemn the Karsk regime.")
    accuse = [r for r in rows if r["event_type"] == "ACCUSE"]
    own = [r for r in accuse if r["trigger"] == "upbraided"]
    embedded = [r for r in accuse if r["trigger"] == "condemn"]
    assert own and own[0]["actor_text"] == "Anna Berg"
    assert embedded and embedded[0]["actor_text"] == "Paul Lind" and embedded[0]["modality"] == "negated"


def test_verbal_protest_by_a_government_is_a_complaint(nlp: Language) -> None:
    rows = extract(nlp, "Japan protested the visit of the Korean minister.")
    assert "PROTEST" not in types(rows) and "ACCUSE" in types(rows)
    r = first(extract(nlp, "Thousands of workers protested in Lisbon on Saturday."), "PROTEST")
    assert r["crowd_size"] == 1000


# ---- not events ---------------------------------------------------------------------------


def test_habitual_and_generic_present_is_no_event(nlp: Language) -> None:
    assert not extract(nlp, "Police arrest hundreds of drunk drivers every summer.")
    assert not extract(nlp, "Governments often criticize their neighbours.")


def test_standing_states_are_no_events(nlp: Language) -> None:
    assert "SUPPORT" not in types(extract(nlp, "The super PAC backing Anna Berg spent heavily."))
    assert "SANCTION" not in types(extract(nlp, "The sanctions on Karsk are still in place."))


def test_polls_are_no_events(nlp: Language) -> None:
    assert "SUPPORT" not in types(
        extract(nlp, "Some 51 percent of voters endorsed Anna Berg, the poll found.")
    )


def test_private_life_is_no_event(nlp: Language) -> None:
    assert not extract(nlp, "Paul Lind praised his wife at the dinner.")


def test_headline_present_is_news(nlp: Language) -> None:
    r = first(extract(nlp, "Rebels kill 12 soldiers in Marmoth"), "ASSAULT")
    assert r["n_killed"] == 12


# ---- modes, intents, modality ---------------------------------------------------------------


def test_modes(nlp: Language) -> None:
    assert first(extract(nlp, "Troops shelled Marmoth overnight."), "ASSAULT")["mode"] == "heavy-weapons"
    assert first(extract(nlp, "Anna Berg visited Peru on Monday."), "CONSULT")["mode"] == "visit"
    r = first(extract(nlp, "Some 300 prisoners began a hunger strike in Karsk."), "PROTEST")
    assert r["mode"] == "hunger"


def test_a_stated_plan_to_cooperate_is_also_an_agreement(nlp: Language) -> None:
    rows = extract(nlp, "Finland said it will provide aid to Tanzania.")
    aid = first(rows, "AID")
    assert aid["modality"] == "planned"
    assert first(rows, "AGREE")["actor_text"] == "Finland"


def test_a_schedule_is_no_statement_of_intent(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg and Paul Lind will hold a meeting in Karsk.")
    assert "AGREE" not in types(rows) and first(rows, "CONSULT")["modality"] == "planned"


def test_a_stated_plan_to_coerce_is_also_a_threat(nlp: Language) -> None:
    rows = extract(nlp, "Norway announced it will impose sanctions on Karsk.")
    assert first(rows, "THREATEN")["actor_text"] == "Norway"


def test_release_needs_people(nlp: Language) -> None:
    assert first(extract(nlp, "The rebels released six hostages."), "RETREAT")["mode"] == "release"
    assert "RETREAT" not in types(extract(nlp, "The ministry released a report on Monday."))


# ---- dates ----------------------------------------------------------------------------------


def test_explicit_date_without_publication_date(nlp: Language) -> None:
    r = first(extract(nlp, "On Nov. 11, 2014, Anna Berg met Paul Lind.", pub=None), "CONSULT")
    assert (r["event_date"], r["date_method"]) == (dt.date(2014, 11, 11), "explicit")


def test_relative_date_without_publication_date_is_unanchored(nlp: Language) -> None:
    r = first(extract(nlp, "Anna Berg met Paul Lind last Tuesday.", pub=None), "CONSULT")
    assert (r["event_date"], r["date_method"]) == (None, "unanchored")
    r = first(extract(nlp, "Anna Berg met Paul Lind last Tuesday."), "CONSULT")
    assert r["date_method"] == "relative" and r["event_date"] is not None


# ---- more rule families ---------------------------------------------------------------------


def test_an_obligation_said_is_a_request(nlp: Language) -> None:
    r = first(extract(nlp, "Norway said on Friday that Denmark must return the seized trawler."), "REQUEST")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Norway", "Denmark", "said")
    assert "REQUEST" not in types(extract(nlp, "Norway said that we must stay calm."))


def test_death_by_violence_is_an_assault_death_by_illness_is_not(nlp: Language) -> None:
    r = first(extract(nlp, "Two soldiers died in an attack on their convoy near Karsk."), "ASSAULT")
    assert (r["n_killed"], r["actor_text"]) == (2, None)
    assert not extract(nlp, "Paul Lind died of cancer in Karsk.")


def test_signing_an_agreement_is_support_reaching_one_is_agree(nlp: Language) -> None:
    assert first(extract(nlp, "Peru and Chile signed a treaty on Monday."), "SUPPORT")["cameo_code"] == "057"
    assert "AGREE" in types(extract(nlp, "Peru and Chile reached an agreement on fishing."))


def test_refusal_to_agree_is_a_rejection(nlp: Language) -> None:
    assert "REJECT" in types(extract(nlp, "Peru did not accept the proposal from Chile."))
    assert "REJECT" in types(extract(nlp, "Peru refused to meet the Chilean envoy."))


def test_dispersing_a_crowd_is_coercion(nlp: Language) -> None:
    r = first(extract(nlp, "Police dispersed the protesters in Karsk on Sunday."), "COERCE")
    assert r["actor_text"] == "Police"


def test_vague_and_compound_numbers(nlp: Language) -> None:
    r = first(extract(nlp, "Tens of thousands of workers marched in Lisbon."), "PROTEST")
    assert r["crowd_size"] == 10000 and "Tens of thousands" in str(r["count_text"])
    r = first(extract(nlp, "Soldiers detained more than 1,200 people in Karsk."), "COERCE")
    assert r["n_arrested"] == 1200


# ---- precision on political news ------------------------------------------------------------


def test_a_forecast_is_no_threat(nlp: Language) -> None:
    assert not extract(nlp, "Economists warned that prices would rise in Peru.")
    assert (
        first(extract(nlp, "Russia warned it would retaliate against Ukraine."), "THREATEN")["actor_text"]
        == "Russia"
    )


def test_title_case_lines_and_tallies_are_not_read(nlp: Language) -> None:
    assert not extract(nlp, "Senator Makes This Shocking Final Demand Of The Party")
    assert not extract(nlp, "Paul Lind has deported more people than any other governor.")


def test_a_negating_subject_negates(nlp: Language) -> None:
    r = first(extract(nlp, "Peru and Chile met, but neither condemned Bolivia."), "ACCUSE")
    assert r["modality"] == "negated"


def test_rejection_needs_a_proposal_or_a_party(nlp: Language) -> None:
    assert "REJECT" in types(extract(nlp, "Chile rejected the proposal from Peru."))
    assert "REJECT" not in types(extract(nlp, "Paul Lind rejected the orthodoxy of his party."))


def test_figurative_attacks_are_no_violence(nlp: Language) -> None:
    rows = extract(nlp, "His advisers peppered him with sharp attacks during the practice debate.")
    assert "ASSAULT" not in types(rows)
    assert "ASSAULT" in types(extract(nlp, "The attacks in Marmoth killed nine people."))


def test_mobilisation_needs_forces(nlp: Language) -> None:
    assert "MOBILIZE" not in types(extract(nlp, "The campaign mobilized volunteers in Ohio."))
    assert "MOBILIZE" in types(extract(nlp, "Karsk mobilized troops near the border with Peru."))


def test_an_untagged_titled_surname_links_to_the_one_person_of_its_article() -> None:
    import polars as pl

    from transforms.events.resolve import _link_by_surname, _person_surnames

    mentions = pl.DataFrame(
        {
            "article_id": ["a1", "a1", "a2", "a2"],
            "entity_id": ["e_jane", "e_acme", "e_jane", "e_john"],
            "text": ["Jane Doe", "Acme Doe", "Jane Doe", "John Doe"],
            "label": ["PERSON", "ORG", "PERSON", "PERSON"],
        }
    )
    x = pl.DataFrame(
        {
            "article_id": ["a1", "a1", "a2"],
            "actor_text": ["Ms Doe", "Doe's campaign", "Ms Doe"],
            "actor_ids": [None, None, None],
            "actor_entity_id": [None, None, None],
        },
        schema={
            "article_id": pl.String,
            "actor_text": pl.String,
            "actor_ids": pl.List(pl.String),
            "actor_entity_id": pl.String,
        },
    )
    out = _link_by_surname(x, "actor", _person_surnames(mentions))
    # one Doe in a1: linked; a phrase that is not a name: not; two people named Doe in a2: ambiguous, not
    assert out["actor_entity_id"].to_list() == ["e_jane", None, None]


# ---- precision: fixed expressions, habits, parties from the clause -----------------------------


def test_fixed_expressions_are_no_events(nlp: Language) -> None:
    for text in (
        "The envoy requested anonymity to describe the talks with Ruritania.",
        "Governor Mendez accepted the party's nomination in Ostburg on Thursday.",
        "Journalists pressed the minister for specifics about the budget.",
    ):
        assert not extract(nlp, text), text
    # the verb alone still codes
    assert "REQUEST" in types(extract(nlp, "Ruritania requested assistance from Veltria."))


def test_habits_said_with_adverbs_of_frequency_are_no_events(nlp: Language) -> None:
    assert not extract(nlp, "The mayor has frequently denounced the union.")
    assert not extract(nlp, "Senator Holt has repeatedly criticized the governor.")
    assert "ACCUSE" in types(extract(nlp, "The mayor denounced the union on Monday."))


def test_threat_takes_the_target_of_the_threatened_act(nlp: Language) -> None:
    r = first(extract(nlp, "General Orlov threatened to bomb Veltria."), "THREATEN")
    assert r["target_text"] == "Veltria" and "Orlov" in str(r["actor_text"])


def test_doer_of_an_attack_noun_is_the_actor_of_the_killing(nlp: Language) -> None:
    rows = extract(nlp, "An attack by rebels killed five soldiers.")
    r = first(rows, "ASSAULT")
    assert r["trigger"] == "killed" and r["actor_text"] == "rebels"


def test_claim_of_responsibility_names_the_doer(nlp: Language) -> None:
    for text, doer in (
        ("The rebels claimed credit for the attacks in Marmoth.", "rebels"),
        ("The Marmoth Front claimed responsibility for the bombing.", "Front"),
    ):
        r = first(extract(nlp, text), "ASSAULT")
        assert doer in str(r["actor_text"]), text


def test_event_noun_aimed_at_a_party_has_it_as_target(nlp: Language) -> None:
    r = first(extract(nlp, "The minister's accusation aimed at Senator Holt surprised many."), "ACCUSE")
    assert "Holt" in str(r["target_text"])


def test_negated_readiness_negates_the_event(nlp: Language) -> None:
    for text in (
        "Senator Holt is not willing to criticize the governor.",
        "Senator Holt is not inclined to criticize the governor.",
    ):
        assert first(extract(nlp, text), "ACCUSE")["modality"] == "negated", text


def test_a_forecast_of_another_partys_deed_is_reported_not_planned(nlp: Language) -> None:
    r = first(extract(nlp, "Analysts predict Holt will endorse Mendez."), "SUPPORT")
    assert r["modality"] == "reported"
    r = first(extract(nlp, "Holt will endorse Mendez."), "SUPPORT")
    assert r["modality"] == "planned"


def test_call_for_a_party_to_resign_is_a_request_to_it(nlp: Language) -> None:
    rows = extract(nlp, "Senator Holt called for the minister to resign.")
    r = first(rows, "REQUEST")
    assert "Holt" in str(r["actor_text"]) and r["target_text"] == "the minister"
    assert first(rows, "RETREAT")["modality"] == "hypothetical"  # asked for, not done


def test_lamenting_a_party_s_vote_is_disapproval(nlp: Language) -> None:
    r = only(
        extract(nlp, "On taxes, Maria Lindqvist lamented Peter Halvorsen's past vote against the bill."),
        "ACCUSE",
    )
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")


def test_campaigning_with_a_candidate_is_support(nlp: Language) -> None:
    r = only(extract(nlp, "Maria Lindqvist campaigned with Peter Halvorsen in Oslo."), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")


def test_confidence_voiced_in_a_party_is_support(nlp: Language) -> None:
    r = only(extract(nlp, "Peter Halvorsen said he has complete confidence in Maria Lindqvist."), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "Maria Lindqvist")


def test_two_parties_agreeing_to_a_deed_is_an_agreement(nlp: Language) -> None:
    text = "Maria Lindqvist and Peter Halvorsen have agreed to divide the remaining primaries."
    assert only(extract(nlp, text), "AGREE")["actor_text"] == "Maria Lindqvist and Peter Halvorsen"
    # one person's consent to her own undertaking is no agreement with anyone
    assert extract(nlp, "Maria Lindqvist agreed to run for the seat.") == []


@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Maria Lindqvist went after Peter Halvorsen.", "ACCUSE"),
        ("Maria Lindqvist ripped into Peter Halvorsen.", "ACCUSE"),
        ("Critics piled on Peter Halvorsen.", "ACCUSE"),
        ("Maria Lindqvist sneered at Peter Halvorsen.", "ACCUSE"),
        ("Maria Lindqvist sat down with Peter Halvorsen.", "CONSULT"),
        ("Maria Lindqvist threw her support behind Peter Halvorsen.", "SUPPORT"),
        ("Maria Lindqvist begged Peter Halvorsen to stay.", "REQUEST"),
    ],
)
def test_verbs_with_a_preposition_take_its_object_as_target(
    nlp: Language, text: str, event_type: str
) -> None:
    r = only(extract(nlp, text), event_type)
    assert (r["actor_text"], r["target_text"]) == (
        "Maria Lindqvist" if "Critics" not in text else "Critics",
        "Peter Halvorsen",
    )


def test_a_phrasal_verb_on_things_is_no_event(nlp: Language) -> None:
    assert extract(nlp, "Maria Lindqvist piled on more debt.") == []
    assert extract(nlp, "Maria Lindqvist got behind the wheel.") == []
    assert extract(nlp, "The police went after the gunman.") == []


def test_a_race_called_for_a_candidate_is_no_demand(nlp: Language) -> None:
    assert extract(nlp, "Ohio was called for Peter Halvorsen moments after the polls closed.") == []
