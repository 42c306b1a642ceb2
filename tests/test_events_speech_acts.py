"""Speech acts that real news reports most: admissions, refusals to disclose, blocking, allegations,
deeds appraised in reported speech, portrayals and contrasts, questioning a party's qualities, and
demands on a party named in the sentence (invented sentences)."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract, only


def types(rows: list[dict[str, object]]) -> set[str]:
    return {str(r["event_type"]) for r in rows}


def test_an_admitted_fault_is_a_concession(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg acknowledged that she misspoke."), "CONCEDE")
    assert (r["actor_text"], r["trigger"]) == ("Anna Berg", "acknowledged")
    assert (
        only(extract(nlp, "Anna Berg admitted she made a mistake."), "CONCEDE")["actor_text"] == "Anna Berg"
    )
    assert only(extract(nlp, "The ministry conceded errors in the census."), "CONCEDE")


def test_an_admission_of_no_fault_is_speech(nlp: Language) -> None:
    assert "CONCEDE" not in types(extract(nlp, "Anna Berg acknowledged that turnout was low."))
    assert "CONCEDE" not in types(extract(nlp, "Anna Berg admits mistakes happen in every campaign."))


def test_refusing_to_hand_over_is_a_rejection(nlp: Language) -> None:
    r = only(extract(nlp, "The Berg campaign declined to provide a list of its donors."), "REJECT")
    assert (r["actor_text"], r["trigger"]) == ("The Berg campaign", "declined")
    r = only(extract(nlp, "Tom Hale refused to turn over the documents to the committee."), "REJECT")
    assert r["target_text"] == "the committee"


def test_declining_to_comment_is_no_event(nlp: Language) -> None:
    assert extract(nlp, "Tom Hale declined to comment on the report.") == []
    assert extract(nlp, "A spokesman, who declined to be named, confirmed the date.") == []


def test_blocking_an_undertaking_is_a_rejection(nlp: Language) -> None:
    r = only(extract(nlp, "Tom Hale blocked the release of the documents."), "REJECT")
    assert (r["actor_text"], r["target_text"]) == ("Tom Hale", None)
    r = only(extract(nlp, "The senators stalled Anna Berg's nomination."), "REJECT")
    assert r["target_text"] == "Anna Berg"
    assert "REJECT" not in types(extract(nlp, "Protesters blocked the road to the airport."))


def test_an_allegation_accuses_the_doer_it_names(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg alleged that Tom Hale took bribes from a contractor."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Anna Berg", "Tom Hale", "alleged")
    r = only(extract(nlp, "Anna Berg charged that the funds were taken by Tom Hale."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"
    # no doer named: nothing to accuse; a charge with "with" stays coercion
    assert extract(nlp, "Anna Berg alleged that the vote was rigged.") == []
    assert types(extract(nlp, "Prosecutors charged Tom Hale with fraud.")) == {"COERCE"}


def test_a_deed_appraised_in_reported_speech(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg said Tom Hale ran a terrible campaign."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Anna Berg", "Tom Hale", "said")
    r = only(extract(nlp, "Anna Berg says Tom Hale ran an effective campaign in Ohio."), "SUPPORT")
    assert r["target_text"] == "Tom Hale"
    # what befalls a party, or the speaker's own deed, is no appraisal of another
    assert extract(nlp, "Anna Berg said Norway faces a dangerous threat.") == []
    assert extract(nlp, "Anna Berg said she ran a great campaign.") == []


def test_a_contrast_keeps_the_appraisal_the_speaker_makes(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg said Tom Hale's record was a liability, not an asset."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"
    assert "ACCUSE" not in types(
        extract(nlp, "Anna Berg said Tom Hale's record was an asset, not a liability.")
    )


def test_portraying_and_naming_by_apposition(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg portrayed Tom Hale as a weak leader."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Anna Berg", "Tom Hale", "portrayed")
    r = only(extract(nlp, "Anna Berg called Tom Hale's vote an irresponsible one."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"


def test_questioning_a_party_s_qualities_is_criticism(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg questioned Tom Hale's judgment."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Anna Berg", "Tom Hale")
    assert extract(nlp, "Anna Berg questioned the figures in the report.") == []


def test_a_demand_on_a_party_the_pronoun_names(nlp: Language) -> None:
    rows = extract(nlp, '"If Tom Hale cannot answer the question, he should resign," Anna Berg said.')
    r = only(rows, "REQUEST")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Anna Berg", "Tom Hale", "said")


def test_a_released_person_named_by_a_pronoun(nlp: Language) -> None:
    rows = extract(nlp, "Tom Hale was arrested in May. He was released one day before the trial.")
    assert only(rows, "RETREAT")["target_text"] == "Tom Hale"


def test_idioms_of_verbal_attack(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg took a shot at Tom Hale's record."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Anna Berg", "Tom Hale")
    assert "ACCUSE" not in types(extract(nlp, "The sniper took a shot at the soldiers."))
    r = only(extract(nlp, "The ambassador pushed back against Tom Hale."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"


def test_words_said_of_a_party(nlp: Language) -> None:
    r = only(extract(nlp, "Tom Hale had harsh words for the character of Anna Berg."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Tom Hale", "Anna Berg")
    r = only(extract(nlp, "Anna Berg offered kind words for Tom Hale on Monday."), "SUPPORT")
    assert r["target_text"] == "Tom Hale"
    assert extract(nlp, "Anna Berg had words with the manager.") == []


def test_appraisals_not_made_of_another_party(nlp: Language) -> None:
    # the speaker's own, a hedge, a comparison, a clearing
    assert extract(nlp, "Tom Hale says he is proud of his campaign.") == []
    assert extract(nlp, "Tom Hale spoke in Reno. He says he is proud of his campaign.") == []
    assert extract(nlp, "The committee called the former senator less an asset than a liability.") == []
    assert extract(nlp, "Strategists for the party say the governor would be wise to wait.") == []
    assert extract(nlp, "The prosecutor said that Tom Hale did nothing illegal.") == []


def test_refusals_that_tell_no_deed_of_the_subject(nlp: Language) -> None:
    rows = extract(
        nlp, "The advisers railed against Republicans for refusing to give the president a hearing."
    )
    assert "REJECT" not in types(rows)
    assert extract(nlp, "Did the foundation refuse to turn over the documents?") == []


def test_obligations_that_demand_nothing(nlp: Language) -> None:
    assert (
        extract(nlp, "Tom Hale will have a tougher time, should he win the nomination, Anna Berg said.") == []
    )
    assert "REQUEST" not in types(extract(nlp, "Anna Berg said Tom Hale should face criminal charges."))
    assert "REQUEST" in types(extract(nlp, "Anna Berg said Tom Hale should resign."))


def test_contesting_grilling_thanking_campaigning(nlp: Language) -> None:
    r = only(extract(nlp, "The Berg campaign challenged Tom Hale's eligibility."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("The Berg campaign", "Tom Hale")
    assert (
        only(extract(nlp, "Anna Berg disputed Tom Hale's account of the meeting."), "ACCUSE")["target_text"]
        == "Tom Hale"
    )
    assert (
        only(extract(nlp, "The lawmakers grilled Anna Berg about the leak."), "ACCUSE")["target_text"]
        == "Anna Berg"
    )
    assert (
        only(extract(nlp, "Anna Berg thanked Tom Hale for his support."), "SUPPORT")["target_text"]
        == "Tom Hale"
    )
    assert (
        only(extract(nlp, "Anna Berg campaigned for Tom Hale in Ohio."), "SUPPORT")["target_text"]
        == "Tom Hale"
    )
    assert extract(nlp, "Anna Berg campaigned for higher wages in Ohio.") == []


def test_a_misdeed_said_of_a_party_is_blame(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg said Tom Hale lied about the budget."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Anna Berg", "Tom Hale", "said")
    assert only(extract(nlp, "Anna Berg says Tom Hale betrayed the voters of Ohio."), "ACCUSE")
    assert extract(nlp, "Anna Berg said Tom Hale did not lie.") == []
    assert extract(nlp, "Anna Berg said Tom Hale failed to win the state.") == []


def test_a_capacity_to_block_is_no_deed(nlp: Language) -> None:
    assert extract(nlp, "Anna Berg is well positioned to block any proposals she dislikes.") == []
    r = only(extract(nlp, "A federal judge blocked Mississippi's new voting law on Friday."), "REJECT")
    assert (r["actor_text"], r["target_text"]) == ("A federal judge", "Mississippi")


def test_a_deed_or_word_appraised_without_its_author_named(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg called the statement “offensive and outlandish.”"), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Anna Berg", None)
    assert extract(nlp, "Anna Berg called the weather terrible.") == []


def test_calling_into_question_and_failing_a_duty(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg called Tom Hale's credentials into question."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"
    r = only(extract(nlp, "Anna Berg said Tom Hale failed to address public concerns."), "ACCUSE")
    assert r["target_text"] == "Tom Hale"
    assert "SUPPORT" not in types(extract(nlp, "Anna Berg had less than kind words for Tom Hale."))


def test_dismissing_as_hitting_back_trashing(nlp: Language) -> None:
    r = only(extract(nlp, "Anna Berg dismissed Tom Hale as a fraud."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Anna Berg", "Tom Hale")
    assert types(extract(nlp, "Anna Berg dismissed the proposal.")) == {"REJECT"}
    assert (
        only(extract(nlp, "Anna Berg fired back at Tom Hale on Twitter."), "ACCUSE")["target_text"]
        == "Tom Hale"
    )
    assert only(extract(nlp, "The soldiers fired back at the militants."), "ASSAULT")
    assert (
        only(extract(nlp, "Anna Berg trashed Tom Hale in an interview."), "ACCUSE")["target_text"]
        == "Tom Hale"
    )


def test_a_role_a_party_would_fill_is_appraised(nlp: Language) -> None:
    r = only(extract(nlp, "Tom Hale said Anna Berg would be a disaster as president."), "ACCUSE")
    assert r["target_text"] == "Anna Berg"
    assert only(extract(nlp, "Tom Hale said Anna Berg would be the best president."), "SUPPORT")


def test_an_obligation_to_get_out_is_a_demand(nlp: Language) -> None:
    r = only(extract(nlp, "Peter Halvorsen said Maria Lindqvist should get out of the race."), "REQUEST")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "Maria Lindqvist")
    # what befalls the subject is no demand of it
    assert extract(nlp, "Peter Halvorsen said Maria Lindqvist should get a fair trial.") == []
