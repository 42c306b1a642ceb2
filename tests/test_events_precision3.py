"""Precision round 3: modality of adopted quotes and statements, the doer of a conjunct and of a
reaction, sources and background descriptions that are no events, open doers. Every text here
is written for the test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract


def rows_of(nlp: Language, text: str, event_type: str) -> list[dict[str, object]]:
    return [r for r in extract(nlp, text) if r["event_type"] == event_type]


def test_a_quote_the_writer_adopts_with_as_is_asserted(nlp: Language) -> None:
    text = (
        "But as the newspaper pointed out, “Still, Mr. Lund has so far declined to release any tax returns.”"
    )
    (row,) = rows_of(nlp, text, "REJECT")
    assert row["modality"] == "asserted"


def test_a_statement_calling_on_a_party_is_the_act_itself(nlp: Language) -> None:
    text = "Hours later, Ms. Lund issued a statement calling on the United States to stop the raids."
    (row,) = rows_of(nlp, text, "REQUEST")
    assert (row["actor_text"], row["target_text"], row["modality"]) == (
        "Lund",
        "the United States",
        "asserted",
    )


def test_a_past_conjunct_hung_on_an_infinitive_belongs_to_the_speech_verb(nlp: Language) -> None:
    text = (
        "Party leader Nigel Farrow said the warning was a sign that the President did not know what he "
        "was talking about, and accused Downing Street of putting words in his mouth."
    )
    (row,) = rows_of(nlp, text, "ACCUSE")
    assert (row["actor_text"], row["modality"]) == ("Nigel Farrow", "asserted")


def test_who_answers_a_criticism_is_its_target(nlp: Language) -> None:
    (row,) = rows_of(nlp, "Mr. Sanders took issue with recent criticism over his record.", "ACCUSE")
    assert (row["actor_text"], row["target_text"]) == (None, "Sanders")


def test_a_swipe_in_a_speech_is_the_speakers(nlp: Language) -> None:
    text = "In a swipe against front-runner Donald Trump, Clinton said the goal was not to win at any cost."
    (row,) = rows_of(nlp, text, "ACCUSE")
    assert (row["actor_text"], row["target_text"]) == ("Clinton", "Donald Trump")


def test_a_source_who_spoke_with_the_press_is_no_consultation(nlp: Language) -> None:
    text = "Current and former officials who spoke with The Huffington Post said the agency is in disarray."
    assert rows_of(nlp, text, "CONSULT") == []


def test_a_passive_appraisal_describing_a_noun_is_no_event(nlp: Language) -> None:
    text = "He is the son-in-law of a former Ukrainian president whose government was widely criticized for corruption."
    assert rows_of(nlp, text, "ACCUSE") == []


def test_a_passive_appraisal_with_a_doer_and_a_day_stays(nlp: Language) -> None:
    text = "Mr. Sanders, who was criticized by Democrats on Tuesday, resigned."
    (row,) = rows_of(nlp, text, "ACCUSE")
    assert (row["actor_text"], row["target_text"]) == ("Democrats", "Sanders")


def test_a_recommended_deed_has_no_doer_from_the_adviser(nlp: Language) -> None:
    text = "FBI Director James Comey announced that he wouldn't recommend prosecuting Hillary Clinton."
    assert rows_of(nlp, text, "COERCE") == []


def test_voters_backing_a_proposal_do_not_do_what_it_proposes(nlp: Language) -> None:
    text = "Large majorities of primary voters said they support a proposal to ban all imports from the United States."
    assert rows_of(nlp, text, "COERCE") == []


def test_named_people_sent_to_meet_do_the_meeting(nlp: Language) -> None:
    text = "Clinton dispatched O'Leary and political director Amanda Renteria to meet with doctors and officials in Puerto Rico."
    (row,) = rows_of(nlp, text, "CONSULT")
    assert str(row["actor_text"]).startswith("O'Leary")


def test_a_thing_destroying_a_country_is_a_figure_of_speech(nlp: Language) -> None:
    assert rows_of(nlp, "Mr. Lund said that cheap sugar is destroying America.", "ASSAULT") == []
    assert rows_of(nlp, "A car bomb destroyed Kabul's police headquarters.", "ASSAULT")


def test_a_relative_object_names_the_target(nlp: Language) -> None:
    text = (
        "They agreed to confront the al-Qaeda offshoot, which French President François Hollande "
        "blamed for the coordinated attacks."
    )
    (row,) = rows_of(nlp, text, "ACCUSE")
    assert row["target_text"] == "the al-Qaeda offshoot"


def test_the_owner_behind_a_quoted_name_is_the_target(nlp: Language) -> None:
    (row,) = rows_of(nlp, "Judge blocks Mississippi's 'religious liberty' law.", "REJECT")
    assert row["target_text"] == "Mississippi"


def test_the_doer_of_a_passive_gerund_complained_about_is_the_target(nlp: Language) -> None:
    (row,) = rows_of(nlp, "Senator Lund complained about being ill-treated by Fox News.", "ACCUSE")
    assert row["target_text"] == "Fox News"


def test_a_share_of_people_who_met_a_party_is_a_statistic(nlp: Language) -> None:
    text = (
        "More than half the people outside the government who met with Hillary Clinton gave money "
        "to the foundation."
    )
    assert rows_of(nlp, text, "CONSULT") == []


def test_who_a_deed_is_blamed_on_is_the_target(nlp: Language) -> None:
    (row,) = rows_of(nlp, "Senator Lund blamed the crisis on Governor Maria Ortiz.", "ACCUSE")
    assert row["target_text"] == "Maria Ortiz"


def test_a_warning_of_a_danger_is_no_threat(nlp: Language) -> None:
    assert rows_of(nlp, "Cruz warned against the fevered dreams of a brokered convention.", "THREATEN") == []
    assert (
        rows_of(nlp, "A bipartisan group of experts warned of a specific type of fakery.", "THREATEN") == []
    )
    assert rows_of(nlp, "Iran warned of retaliation against Israel.", "THREATEN")


def test_would_have_done_is_a_counterfactual(nlp: Language) -> None:
    (row,) = rows_of(nlp, "It was the provision that Obama said he would have vetoed.", "REJECT")
    assert row["modality"] == "hypothetical"


def test_names_beside_the_authors_of_a_deed_are_the_target(nlp: Language) -> None:
    text = (
        "The president has denounced suggestions by the GOP presidential front-runners, Donald Trump "
        "and Sen. Ted Cruz, that they would deport all undocumented immigrants."
    )
    (row,) = rows_of(nlp, text, "ACCUSE")
    assert str(row["target_text"]).startswith("Donald Trump")


def test_a_description_of_the_speaker_after_the_quote_is_the_writers(nlp: Language) -> None:
    text = (
        "''She needs one or two big ideas,'' said Robert Reich, who served as labor secretary during "
        "Mr. Clinton's first term yet endorsed Bernie Sanders in the Democratic primary."
    )
    (row,) = rows_of(nlp, text, "SUPPORT")
    assert (row["actor_text"], row["modality"]) == ("Robert Reich", "asserted")


def test_declining_to_give_a_figure_is_a_no_comment(nlp: Language) -> None:
    text = "“It was a sizable purchase,” said company president Bruce Willsie, who declined to give a specific price tag."
    assert rows_of(nlp, text, "REJECT") == []
    assert rows_of(nlp, "Senator Lund refused to release his tax returns.", "REJECT")


def test_the_negation_of_a_predicate_stays_off_a_coordinated_deed(nlp: Language) -> None:
    text = "WikiLeaks wasn't happy about the criticism - and hit Snowden back by accusing him of pandering to Clinton."
    rows = [r for r in rows_of(nlp, text, "ACCUSE") if r["trigger"] == "hit"]
    assert rows and rows[0]["modality"] == "asserted"
