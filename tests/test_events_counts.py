"""Stated counts (ACLED-style) and event dates. Every text here is written for the test."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract
from tests.test_events_plover import first, types

# ---- counts --------------------------------------------------------------------------------


def test_people_expelled_deported_and_abducted_are_counted(nlp: Language) -> None:
    r = first(extract(nlp, "Authorities in Veltria deported 240 migrants on Tuesday."), "COERCE")
    assert (r["mode"], r["n_arrested"], r["count_text"]) == ("deport", 240, "240 migrants")
    r = first(extract(nlp, "Marovia expelled two Ruritanian diplomats for spying."), "COERCE")
    assert r["n_arrested"] == 2 and "two Ruritanian diplomats" in str(r["count_text"])
    r = first(
        extract(nlp, "Soldiers forced out more than 500 residents from their homes in Karsk."), "COERCE"
    )
    assert (r["mode"], r["n_arrested"]) == ("deport", 500)


def test_up_to_a_number_is_the_object(nlp: Language) -> None:
    # the parser reads "up" as a particle and "to 30 aid workers" as a phrase
    r = first(extract(nlp, "Rebels have kidnapped up to 30 aid workers near Darvel."), "ASSAULT")
    assert (r["mode"], r["n_arrested"], r["actor_text"]) == ("abduct", 30, "Rebels")
    assert "30 aid workers" in str(r["target_text"])


def test_holding_people_is_detention_but_not_holding_talks_or_seats(nlp: Language) -> None:
    r = first(
        extract(nlp, "The militia has been holding hundreds of villagers in a school near Karsk."), "COERCE"
    )
    assert (r["n_arrested"], r["count_text"]) == (100, "hundreds of villagers")
    assert "COERCE" not in types(extract(nlp, "The senator vowed to hold the officials accountable."))
    assert "COERCE" not in types(extract(nlp, "Democrats held talks with the union in Karsk."))
    assert "COERCE" not in types(extract(nlp, "The party holds 12 seats in the Karsk assembly."))


def test_collective_nouns_count_at_their_lowest(nlp: Language) -> None:
    r = first(extract(nlp, "A group of Ruritanian students began a hunger strike in Karsk."), "PROTEST")
    assert (r["crowd_size"], r["count_text"]) == (2, "A group of Ruritanian students")
    r = first(extract(nlp, "A group of 40 students marched in Lisbon on Friday."), "PROTEST")
    assert r["crowd_size"] == 40  # the stated number wins over the collective
    r = first(extract(nlp, "Police detained a couple of protesters in Lisbon."), "COERCE")
    assert r["n_arrested"] == 2


def test_a_lone_named_protester_is_a_crowd_of_one(nlp: Language) -> None:
    r = first(extract(nlp, "Anna Kovac, a jailed activist, began a hunger strike on Monday."), "PROTEST")
    assert (r["crowd_size"], r["count_text"]) == (1, "Anna Kovac")
    r = first(extract(nlp, "Thousands of students gathered for a rally in Lisbon."), "PROTEST")
    assert (r["crowd_size"], r["count_text"]) == (1000, "Thousands of students")


def test_killed_or_wounded_counts_neither(nlp: Language) -> None:
    r = first(extract(nlp, "Gunmen killed or wounded 12 villagers near Darvel."), "ASSAULT")
    assert (r["n_killed"], r["n_injured"]) == (None, None)
    r = first(extract(nlp, "Gunmen killed two villagers and wounded five near Darvel."), "ASSAULT")
    assert (r["n_killed"], r["n_injured"]) == (2, 5)
