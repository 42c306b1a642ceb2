"""Parties of speech acts and other events that the sentence gives as a pronoun or a common noun:
he/she/they resolved to the one in focus, "I" in a quote to its speaker, an unresolved pronoun
doer kept with the actor unknown, counted groups and single people as parties."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract, only


def test_she_is_the_woman_in_focus(nlp: Language) -> None:
    text = "Senator Maria Lopez spoke in Denver on Monday. She criticized Hungary for the new media law."
    r = only(extract(nlp, text), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Maria Lopez", "Hungary")


def test_they_is_the_group_last_the_subject(nlp: Language) -> None:
    text = "Several senators returned from the summit on Friday. They criticized Hungary for the new law."
    r = only(extract(nlp, text), "ACCUSE")
    assert r["actor_text"] == "Several senators"
    assert r["target_text"] == "Hungary"


def test_unresolved_pronoun_doer_keeps_the_event(nlp: Language) -> None:
    r = only(extract(nlp, "They condemned Hungary on Monday."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == (None, "Hungary")


def test_first_person_in_a_quote_is_the_speaker(nlp: Language) -> None:
    text = "“I condemned Hungary for that law,” John Smith said on Tuesday."
    r = only(extract(nlp, text), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("John Smith", "Hungary")
    assert r["modality"] == "reported"


def test_counted_group_is_a_party(nlp: Language) -> None:
    r = only(extract(nlp, "Dozens of women accused the director of fraud on Monday."), "ACCUSE")
    assert r["actor_text"] == "Dozens of women"


def test_single_person_noun_is_a_party(nlp: Language) -> None:
    r = only(extract(nlp, "The nurse later sued, claiming the rule violated her rights."), "ACCUSE")
    assert r["actor_text"] == "The nurse"


def test_repeated_request_in_a_recent_period_is_news(nlp: Language) -> None:
    text = "The Daily Ledger has repeatedly asked the council to release the files for the past two weeks."
    r = only(extract(nlp, text), "REQUEST")
    assert r["target_text"] == "the council"


def test_repeated_criticism_without_a_period_is_a_habit(nlp: Language) -> None:
    rows = extract(nlp, "The Daily Ledger has repeatedly criticized the council.")
    assert not [r for r in rows if r["event_type"] == "ACCUSE"]


def test_one_sided_promise_is_a_statement_of_intent(nlp: Language) -> None:
    rows = extract(nlp, "Later in the day, Interpol said it would cooperate.")
    r = only(rows, "AGREE")
    assert (r["actor_text"], r["target_text"]) == ("Interpol", None)
    assert not [x for x in rows if x["event_type"] == "COOPERATE"]  # no other side named


def test_they_after_things_is_no_party(nlp: Language) -> None:
    text = "The proposals were published on Friday. They criticized Hungary for the new law."
    r = only(extract(nlp, text), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == (None, "Hungary")


def test_person_of_the_own_sentence_comes_first(nlp: Language) -> None:
    text = "Ann Lee spoke in Paris on Monday. Tom Pratt arrived in Rome, where he condemned Hungary."
    assert only(extract(nlp, text), "ACCUSE")["actor_text"] == "Tom Pratt"


def test_pronoun_of_a_fronted_clause_is_the_main_subject(nlp: Language) -> None:
    text = "Ann Lee spoke in Paris on Monday. While he condemned Hungary, Tom Pratt praised Austria."
    rows = [r for r in extract(nlp, text) if r["event_type"] == "ACCUSE"]
    assert [r["actor_text"] for r in rows] == ["Tom Pratt"]


def test_a_place_is_no_he(nlp: Language) -> None:
    text = (
        "Ruritania has been in turmoil since the vote, which Anna Berg claimed against Olaf Lind. "
        "Many capitals regard his rule as illegitimate, but he has the backing of Vladimir Petrov."
    )
    r = only(extract(nlp, text), "SUPPORT")
    assert r["actor_text"] == "Vladimir Petrov"
    assert r["target_text"] != "Ruritania"
