"""Speech acts as events: appraisal said of a party (ACCUSE, SUPPORT), verbal attacks, feelings voiced
about a party, and the verbs of scorn, praise and request added to the lexicon (invented sentences)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.test_events import extract, only


def types(rows: list[dict[str, object]]) -> set[str]:
    return {str(r["event_type"]) for r in rows}


def test_calling_a_party_a_name_is_an_accusation(nlp: Language) -> None:
    r = only(extract(nlp, 'On Monday, Maria Lindqvist called Peter Halvorsen a "dangerous liar."'), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == (
        "Maria Lindqvist",
        "Peter Halvorsen",
        "called",
    )
    assert r["modality"] == "asserted"


def test_calling_a_party_by_a_word_of_praise_is_support(nlp: Language) -> None:
    r = only(extract(nlp, 'Maria Lindqvist called Peter Halvorsen a "brilliant leader."'), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")


def test_blame_of_a_party_s_conduct_targets_the_party(nlp: Language) -> None:
    r = only(
        extract(nlp, 'Governor Anna Sorensen called Peter Halvorsen\'s handling of the budget "reckless."'),
        "ACCUSE",
    )
    assert r["target_text"] == "Peter Halvorsen"


def test_said_a_party_is_something_appraises_it(nlp: Language) -> None:
    r = only(extract(nlp, "Maria Lindqvist said Peter Halvorsen was unfit for office."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Maria Lindqvist", "Peter Halvorsen", "said")
    r = only(
        extract(nlp, "Maria Lindqvist said Peter Halvorsen was an honest and capable leader."), "SUPPORT"
    )
    assert r["target_text"] == "Peter Halvorsen"


def test_negation_turns_the_appraisal(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist said Peter Halvorsen was not qualified to lead the party.")
    assert only(rows, "ACCUSE")["target_text"] == "Peter Halvorsen"


def test_neutral_statements_are_no_appraisal(nlp: Language) -> None:
    assert extract(nlp, "Maria Lindqvist said Peter Halvorsen was in Oslo on Monday.") == []
    assert extract(nlp, "Maria Lindqvist said the economy was weak.") == []
    # the pronoun may be the speaker: "he was great" is no appraisal of another party
    assert extract(nlp, "Peter Halvorsen said he was a great leader.") == []


def test_feeling_voiced_about_a_party(nlp: Language) -> None:
    r = only(extract(nlp, '"I am deeply disappointed in the Liberal Party," Peter Halvorsen said.'), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "the Liberal Party")
    r = only(extract(nlp, "Peter Halvorsen said he was proud of Maria Lindqvist."), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "Maria Lindqvist")


def test_feeling_of_a_group_about_an_event(nlp: Language) -> None:
    r = only(extract(nlp, "Human rights activists were outraged by the arrests in Oslo."), "ACCUSE")
    assert r["actor_text"] == "Human rights activists"


@pytest.mark.parametrize(
    ("text", "event_type", "actor", "target"),
    [
        (
            "Maria Lindqvist mocked Peter Halvorsen at the rally on Monday.",
            "ACCUSE",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
        (
            "Maria Lindqvist lambasted Peter Halvorsen on Monday.",
            "ACCUSE",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
        (
            "Maria Lindqvist knocked Peter Halvorsen for his budget.",
            "ACCUSE",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
        (
            "Maria Lindqvist lauded Peter Halvorsen for his courage.",
            "SUPPORT",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
        (
            "Maria Lindqvist challenged Peter Halvorsen to debate her.",
            "REQUEST",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
        (
            "Maria Lindqvist disavowed Peter Halvorsen on Monday.",
            "REJECT",
            "Maria Lindqvist",
            "Peter Halvorsen",
        ),
    ],
)
def test_verbs_of_scorn_praise_and_request(
    nlp: Language, text: str, event_type: str, actor: str, target: str
) -> None:
    r = only(extract(nlp, text), event_type)
    assert (r["actor_text"], r["target_text"]) == (actor, target)


def test_knocking_on_doors_is_no_accusation(nlp: Language) -> None:
    assert "ACCUSE" not in types(extract(nlp, "Volunteers for Maria Lindqvist knocked on doors in Oslo."))


def test_verbal_attack_noun_is_an_accusation(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist's attacks on Peter Halvorsen alarmed his supporters.")
    r = only(rows, "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")
    assert "ASSAULT" not in types(rows)


def test_attack_noun_without_named_sides_is_not_guessed(nlp: Language) -> None:
    # no named doer or aim: neither a verbal attack nor, without a scene of violence, an assault
    assert extract(nlp, "Peter Halvorsen shrugged off the attacks from the media.") == []


def test_physical_attack_noun_stays_assault(nlp: Language) -> None:
    rows = extract(nlp, "The attack by rebels on the village of Dara killed five civilians.")
    assert "ASSAULT" in types(rows) and "ACCUSE" not in types(rows)


def test_coming_under_attack_names_doer_and_target(nlp: Language) -> None:
    r = only(extract(nlp, "Peter Halvorsen came under attack from Maria Lindqvist on Monday."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")


def test_declining_to_criticize_is_no_rejection(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist declined to criticize Peter Halvorsen on Sunday.")
    assert "REJECT" not in types(rows)
    assert only(rows, "ACCUSE")["modality"] == "negated"


def test_a_change_of_state_said_of_a_party_appraises_it(nlp: Language) -> None:
    r = only(extract(nlp, "Maria Lindqvist says the NFL has gone soft."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "NFL")
    # the reason a speaker gives is what is said too
    rows = extract(nlp, "Maria Lindqvist says she stopped watching because the NFL has gone soft.")
    assert only(rows, "ACCUSE")["target_text"] == "NFL"


def test_a_deed_likened_to_a_misdeed_is_blame(nlp: Language) -> None:
    text = "Maria Lindqvist said Peter Halvorsen's acceptance of the gifts was akin to extortion."
    assert only(extract(nlp, text), "ACCUSE")["target_text"] == "Peter Halvorsen"


def test_a_party_s_plan_said_to_do_harm_is_blame(nlp: Language) -> None:
    text = "Maria Lindqvist argued Peter Halvorsen's plan would trigger inflation and wreck the economy."
    r = only(extract(nlp, text), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lindqvist", "Peter Halvorsen")
    # a thing of no one's, or a harm hedged, is no appraisal
    assert extract(nlp, "Economists said the tariffs would hurt farmers.") == []
    assert extract(nlp, "Maria Lindqvist said Peter Halvorsen's budget could hurt farmers.") == []


def test_called_a_party_s_deed_a_word_of_blame(nlp: Language) -> None:
    r = only(extract(nlp, "Maria Lindqvist called the NFL's decision “arbitrary.”"), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["trigger"]) == ("Maria Lindqvist", "NFL", "called")


def test_the_speaker_s_friend_named_is_another_party(nlp: Language) -> None:
    text = "Peter Halvorsen says his “friend and colleague” Maria Lindqvist ran “an optimistic campaign.”"
    r = only(extract(nlp, text), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("Peter Halvorsen", "Maria Lindqvist")


def test_not_just_a_word_of_blame_is_still_blame(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lindqvist said Peter Halvorsen was not just a liar.")
    assert only(rows, "ACCUSE")["target_text"] == "Peter Halvorsen"


def test_a_reason_denied_or_a_harm_undergone_is_no_appraisal(nlp: Language) -> None:
    text = "The plan failed, not because the NFL is bad, but because the money ran out, Maria Lindqvist said."
    assert [r for r in extract(nlp, text) if r["event_type"] in ("ACCUSE", "SUPPORT")] == []
    text = "Maria Lindqvist said the NFL would be damaged by the release of the files."
    assert extract(nlp, text) == []
