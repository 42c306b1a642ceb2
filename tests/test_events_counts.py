"""Stated counts (ACLED-style) and event dates. Every text here is written for the test."""

from __future__ import annotations

import datetime as dt

from spacy.language import Language

from tests.test_events import extract
from tests.test_events_plover import first, types

# ---- counts --------------------------------------------------------------------------------


def test_people_expelled_deported_and_abducted_are_counted(nlp: Language) -> None:
    r = first(extract(nlp, "Authorities in Veltria deported 240 migrants on Tuesday."), "COERCE")
    assert (r["mode"], r["n_arrested"], r["count_text"]) == ("deport", 240, "240 migrants")
    r = first(extract(nlp, "Marovia expelled two Ruritanian journalists for spying."), "COERCE")
    assert r["n_arrested"] == 2 and "two Ruritanian journalists" in str(r["count_text"])
    # envoys sent home reduce relations (CAMEO 166): a sanction, the people expelled still counted
    r = first(extract(nlp, "Marovia expelled two Ruritanian diplomats for spying."), "SANCTION")
    assert (r["mode"], r["n_arrested"]) == ("expel", 2)
    r = first(extract(nlp, "The militia is holding dozens of villagers as human shields."), "ASSAULT")
    assert r["n_arrested"] == 12
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


def test_a_number_of_dozens_multiplies(nlp: Language) -> None:
    r = first(extract(nlp, "Around three dozen migrants have been deported from Karsk."), "COERCE")
    assert (r["n_arrested"], r["count_text"]) == (36, "Around three dozen migrants")
    r = first(extract(nlp, "Police arrested a dozen protesters in Karsk."), "COERCE")
    assert r["n_arrested"] == 12


def test_a_clause_on_a_noun_counts_its_own_subject(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg got the news that 20 villagers had been killed in Karsk.")
    assert {r["n_killed"] for r in rows if r["event_type"] == "ASSAULT"} == {20}


def test_a_plan_counts_nobody(nlp: Language) -> None:
    rows = extract(nlp, "Anna Berg has promised to deport 11 million migrants from Karsk.")
    assert rows and all(r["n_arrested"] is None for r in rows)


def test_holding_votes_is_no_detention_promised(nlp: Language) -> None:
    # the object says which sense the complement verb has: no threat of coercion here
    assert "THREATEN" not in types(extract(nlp, "The Karsk party agreed to hold votes on the measures."))
    assert "THREATEN" not in types(extract(nlp, "Union leaders vowed to cut taxes in Karsk."))


# ---- dates -----------------------------------------------------------------------------------


def test_a_date_on_the_first_of_two_coordinated_verbs_dates_both(nlp: Language) -> None:
    r = first(
        extract(nlp, "Sunday morning, Anna Berg slammed the plan and accused Paul Lind of lying."), "ACCUSE"
    )
    assert (r["event_date"], r["date_method"]) == (dt.date(2024, 3, 3), "relative")  # PUB is a Thursday


def test_a_date_shared_by_clauses_that_happen_together(nlp: Language) -> None:
    rows = extract(nlp, "Police opened fire on Monday night, killing two protesters in Karsk.")
    assert {r["event_date"] for r in rows if r["trigger"] == "killing"} == {dt.date(2024, 3, 4)}
    r = first(extract(nlp, "Two lawmakers on Wednesday became the first to endorse Paul Lind."), "SUPPORT")
    assert r["event_date"] == dt.date(2024, 3, 6)
    r = first(
        extract(nlp, "President Anna Berg banned the practice when she took office in January 2009."),
        "COERCE",
    )
    assert (r["event_date"], r["date_method"]) == (dt.date(2009, 1, 1), "explicit")


def test_a_reported_or_planned_event_keeps_only_its_own_date(nlp: Language) -> None:
    r = first(extract(nlp, "Anna Berg said Monday that Paul Lind met the Ruritanian envoy."), "CONSULT")
    assert r["event_date"] is None  # Monday is when she spoke
    rows = extract(nlp, "Anna Berg met Paul Lind on Monday and will meet the Ruritanian envoy.")
    planned = [r for r in rows if r["modality"] == "planned"]
    assert planned and all(r["event_date"] is None for r in planned)


def test_month_level_and_noisy_date_phrases(nlp: Language) -> None:
    r = first(extract(nlp, "Anna Berg met Paul Lind last July in Karsk."), "CONSULT")
    assert (r["event_date"], r["date_method"]) == (dt.date(2023, 7, 1), "relative")
    r = first(extract(nlp, "In an interview last week, Anna Berg criticized Paul Lind."), "ACCUSE")
    assert r["event_date"] == dt.date(2024, 2, 29)
    r = first(extract(nlp, "Anna Berg met Paul Lind at 3 p.m. in Karsk."), "CONSULT")
    assert r["event_date"] is None  # an hour names no day


def test_explicit_dates_resolve_without_publication_date(nlp: Language) -> None:
    r = first(extract(nlp, "Anna Berg met Paul Lind in March 2019 in Karsk.", pub=None), "CONSULT")
    assert (r["event_date"], r["date_method"]) == (dt.date(2019, 3, 1), "explicit")
    r = first(extract(nlp, "Anna Berg met Paul Lind last July.", pub=None), "CONSULT")
    assert (r["event_date"], r["date_method"]) == (None, "unanchored")


def test_a_statement_of_intent_is_dated_by_its_statement(nlp: Language) -> None:
    r = first(extract(nlp, "Ruritania said on Tuesday it would impose sanctions on Marovia."), "THREATEN")
    assert (r["event_date"], r["modality"]) == (dt.date(2024, 3, 5), "asserted")
    r = first(extract(nlp, "Ruritania said on Tuesday it would impose sanctions on Marovia."), "SANCTION")
    assert (r["event_date"], r["modality"]) == (None, "planned")  # Tuesday is when it was said


def test_a_plan_dated_by_its_when_clause_stays_planned(nlp: Language) -> None:
    r = first(
        extract(nlp, "Anna Berg will meet Paul Lind when he arrives in Karsk later this month."), "CONSULT"
    )
    assert (r["event_date"], r["modality"]) == (dt.date(2024, 3, 1), "planned")


def test_a_date_on_the_doer_dates_the_deed_a_date_on_a_thing_does_not(nlp: Language) -> None:
    r = first(extract(nlp, "A judge in October sentenced Paul Lind to five months in prison."), "COERCE")
    assert (r["event_date"], r["date_text"]) == (dt.date(2023, 10, 1), "October")  # a day beats a span
    r = first(
        extract(nlp, "The July 8 rally was moved after the shooting of police officers in Dallas."), "ASSAULT"
    )
    assert r["event_date"] is None


def _counts(nlp: Language, text: str) -> list[tuple[str, object, object, object]]:
    return [(r["trigger"], r["n_killed"], r["n_injured"], r["n_arrested"]) for r in extract(nlp, text)]


def test_a_count_belongs_to_its_own_clause(nlp: Language) -> None:
    got = _counts(
        nlp,
        "Raiders stormed a depot, killed 4 guards and kidnapped 7 others, while troops detained 5 raiders.",
    )
    by_trigger = {t: (k, i, a) for t, k, i, a in got}
    assert by_trigger["killed"] == (4, None, 7) and by_trigger["kidnapped"] == (4, None, 7)
    assert by_trigger["detained"] == (None, None, 5)
    got = _counts(
        nlp,
        "The navy said it sank 2 boats and killed 11 pirates, while the pirates said they killed 6 sailors.",
    )
    assert sorted(k for t, k, _, _ in got if t == "killed") == [6, 11]


def test_counts_that_are_no_counts_are_null(nlp: Language) -> None:
    for text in (
        "Bandits killed 10^50 villagers in Karsk.",
        "Bandits killed 55555555555555555555555 villagers in Karsk.",
        "A broadcast said the storm of shells killed a trillion villagers.",
        "Bandits killed 20% of the villagers in Karsk.",
        "The blast killed 2.5 villagers in Karsk.",
    ):
        assert all(k is None for _, k, _, _ in _counts(nlp, text)), text
    for text in (
        "Bandits killed nobody in the raid on Karsk.",
        "Bandits killed no one in the raid on Karsk.",
    ):
        assert all(k in (0, None) for _, k, _, _ in _counts(nlp, text)), text
    assert [
        k for t, k, _, _ in _counts(nlp, "Bandits killed no one in the raid on Karsk.") if t == "killed"
    ] == [0]


def test_a_figure_with_a_spaced_thousands_group(nlp: Language) -> None:
    r = first(extract(nlp, "Police in Karsk detained 2 500 demonstrators."), "COERCE")
    assert r["n_arrested"] == 2500


def test_shot_dead_is_killed_and_dead_is_not_the_target(nlp: Language) -> None:
    r = first(extract(nlp, "Guards shot dead 3 smugglers near the Karsk border."), "ASSAULT")
    assert (r["n_killed"], r["n_injured"], r["target_text"]) == (3, None, "3 smugglers")
