"""Event mentions from the parse and their merging across articles (transforms.events)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from spacy.language import Language

from transforms import events, schema

PUB = dt.date(2024, 3, 7)  # a Thursday
PARTY_LABELS = set(schema.ENTITY_TYPES)


def extract(
    nlp: Language, text: str, article_id: str = "a1", pub: dt.date | None = PUB
) -> list[dict[str, object]]:
    doc = nlp(text)
    mentions = [
        {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "title": None}
        for e in doc.ents
        if e.label_ in PARTY_LABELS
    ]
    rows = events.events_from_doc(doc, article_id, mentions, pub)
    for r in rows:  # provenance: every span points into the text
        assert text[int(str(r["trigger_start"])) : int(str(r["trigger_end"]))] == r["trigger"]
        for p in ("actor", "target", "location"):
            if r[f"{p}_start"] is not None:
                assert text[int(str(r[f"{p}_start"])) : int(str(r[f"{p}_end"]))] == r[f"{p}_text"]
    return rows


def only(rows: list[dict[str, object]], event_type: str) -> dict[str, object]:
    found = [r for r in rows if r["event_type"] == event_type]
    assert len(found) == 1, rows
    return found[0]


def test_lexicon_categories_are_plover() -> None:
    lex = events.lexicon()
    for entry in [*lex.verbs.values(), *lex.nouns.values()]:
        assert entry.event_type in schema.PLOVER_TYPES
        assert entry.cameo.isdigit() and 2 <= len(entry.cameo) <= 4


def test_verbal_subject_and_object(nlp: Language) -> None:
    r = only(extract(nlp, "Germany condemned Hungary on Monday over the new media law."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Germany", "Hungary")
    assert r["cameo_code"] == "111"
    assert r["modality"] == "asserted"
    assert (r["event_date"], r["date_method"]) == (dt.date(2024, 3, 4), "relative")


def test_verbal_prepositional_target_and_place(nlp: Language) -> None:
    r = only(extract(nlp, "Olaf Scholz met Wednesday with Giorgia Meloni in Rome."), "CONSULT")
    assert r["actor_text"] == "Olaf Scholz"
    assert r["target_text"] == "Giorgia Meloni"
    assert r["location_text"] == "Rome"
    assert r["event_date"] == dt.date(2024, 3, 6)


def test_nominal_between(nlp: Language) -> None:
    rows = extract(nlp, "The meeting between Olaf Scholz and Pedro Sanchez lasted two hours.")
    r = only(rows, "CONSULT")
    assert {r["actor_text"], r["target_text"]} == {"Olaf Scholz", "Pedro Sanchez"}


def test_nominal_support_verb_and_coordinated_actors(nlp: Language) -> None:
    rows = extract(nlp, "Japan and Australia on Friday imposed sanctions on Iran over its nuclear programme.")
    r = only(rows, "SANCTION")
    assert r["actor_text"] == "Japan and Australia"
    assert r["target_text"] == "Iran"
    assert r["trigger"] == "sanctions"
    assert r["event_date"] == dt.date(2024, 3, 1)


def test_passive_agent(nlp: Language) -> None:
    r = only(extract(nlp, "Iran was condemned by Japan for the missile test."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Japan", "Iran")


def test_reception_passive_gives_the_target(nlp: Language) -> None:
    rows = extract(nlp, "The striking workers were met with a harsh crackdown by the police.")
    assert not [r for r in rows if r["event_type"] == "CONSULT"]  # "met with" here is not a meeting
    r = only(rows, "COERCE")
    assert r["target_text"] == "The striking workers"


def test_negated_event(nlp: Language) -> None:
    r = only(extract(nlp, "The African Union has so far failed to impose sanctions on Sudan."), "SANCTION")
    assert r["modality"] == "negated"
    r = only(extract(nlp, "Brazil did not condemn Venezuela."), "ACCUSE")
    assert r["modality"] == "negated"


def test_planned_event(nlp: Language) -> None:
    r = only(extract(nlp, "Olaf Scholz is set to hold talks with Giorgia Meloni in Rome."), "CONSULT")
    assert r["modality"] == "planned"
    assert r["target_text"] == "Giorgia Meloni"
    r = only(extract(nlp, "EU ministers are preparing to adopt sanctions against Iran."), "SANCTION")
    assert r["modality"] == "planned"


def test_generic_verbs_and_partyless_events_are_not_coded(nlp: Language) -> None:
    assert extract(nlp, "The minister said the economy would have a good year.") == []
    assert extract(nlp, "There was a meeting yesterday.") == []


def test_pronoun_actor_points_at_antecedent(nlp: Language) -> None:
    text = "Olaf Scholz arrived in Paris. He condemned Russia on Tuesday."
    r = only(extract(nlp, text), "ACCUSE")
    assert r["actor_text"] == "Olaf Scholz" and r["actor_start"] == 0


def test_undated_article_keeps_date_words(nlp: Language) -> None:
    r = only(extract(nlp, "Germany condemned Hungary on Monday.", pub=None), "ACCUSE")
    # a relative day in an undated article: kept as words, and the method says why it is empty
    assert (r["event_date"], r["date_text"], r["date_method"]) == (None, "Monday", "unanchored")


# ---------------------------------------------------------------- resolve


def _x(
    article: str,
    etype: str,
    actor: tuple[int, int] | None,
    target: tuple[int, int] | None,
    trigger_start: int,
    modality: str = "asserted",
    date: dt.date | None = None,
) -> dict[str, object]:
    return {
        "article_id": article,
        "event_type": etype,
        "cameo_code": "040",
        "trigger": "met",
        "trigger_start": trigger_start,
        "trigger_end": trigger_start + 3,
        "sent_start": 0,
        "sent_end": 50,
        "sentence": "s",
        "actor_text": "A" if actor else None,
        "actor_start": actor[0] if actor else None,
        "actor_end": actor[1] if actor else None,
        "target_text": "B" if target else None,
        "target_start": target[0] if target else None,
        "target_end": target[1] if target else None,
        "event_date": date,
        "date_method": "relative" if date else "none",
        "modality": modality,
    }


ENTITY_MENTIONS = pl.DataFrame(
    {
        "article_id": ["a1", "a1", "a2", "a2", "a3", "a3"],
        "entity_id": ["en_000000000000000a", "en_000000000000000b"] * 3,
        "start": [0, 20, 0, 20, 0, 20],
        "end": [5, 25, 5, 25, 5, 25],
    }
)
ENTITIES = pl.DataFrame(
    {
        "entity_id": ["en_000000000000000a", "en_000000000000000b"],
        "name": ["Alpha", "Beta"],
        "type": ["PERSON"] * 2,
    }
)


def test_merges_symmetric_events_across_articles_in_either_order() -> None:
    x = pl.DataFrame(
        [
            _x("a1", "CONSULT", (0, 5), (20, 25), 10, date=dt.date(2024, 3, 5)),
            _x("a2", "CONSULT", (20, 25), (0, 5), 10, modality="planned"),  # reversed, announced ahead
            _x("a3", "CONSULT", (0, 5), (20, 25), 10, date=dt.date(2024, 3, 6)),
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
    )
    ev, em = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES)
    assert ev.height == 1
    row = ev.row(0, named=True)
    assert row["n_articles"] == 3 and row["n_mentions"] == 3 and row["article_ids"] == ["a1", "a2", "a3"]
    assert {row["actor"], row["target"]} == {"Alpha", "Beta"}
    assert row["modality"] == "asserted"
    assert em.height == 3 and em["event_id"].n_unique() == 1
    # deterministic and independent of row order
    ev2, _ = events.resolve_events(x.reverse(), ENTITY_MENTIONS, ENTITIES)
    assert ev2["event_id"].to_list() == ev["event_id"].to_list()


def test_asymmetric_direction_and_negation_stay_apart() -> None:
    x = pl.DataFrame(
        [
            _x("a1", "SANCTION", (0, 5), (20, 25), 10),
            _x("a2", "SANCTION", (20, 25), (0, 5), 10),
            _x("a3", "SANCTION", (0, 5), (20, 25), 10, modality="negated"),
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
    )
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES)
    assert ev.height == 3
    assert sorted(ev["modality"].to_list()) == ["asserted", "asserted", "negated"]
    assert ev.filter(pl.col("modality") == "asserted")["n_mentions"].to_list() == [1, 1]


def test_undated_event_keeps_the_method_of_its_date_words() -> None:
    row = _x("a1", "CONSULT", (0, 5), (20, 25), 10)
    row.update(date_text="last Friday", date_method="unanchored")
    x = pl.DataFrame([row], schema=schema.X_EVENT_MENTIONS.polars_schema)
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES)
    assert ev.select("event_date", "date_text", "date_method").rows() == [(None, "last Friday", "unanchored")]
    plain = pl.DataFrame(
        [_x("a1", "CONSULT", (0, 5), (20, 25), 10)], schema=schema.X_EVENT_MENTIONS.polars_schema
    )
    ev, _ = events.resolve_events(plain, ENTITY_MENTIONS, ENTITIES)
    assert ev["date_method"].to_list() == ["none"]


def test_distant_dates_are_different_events() -> None:
    x = pl.DataFrame(
        [
            _x("a1", "CONSULT", (0, 5), (20, 25), 10, date=dt.date(2024, 1, 5)),
            _x("a2", "CONSULT", (0, 5), (20, 25), 10, date=dt.date(2024, 3, 5)),
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
    )
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES)
    assert ev.height == 2


def _days(**pub: dt.date | None) -> pl.DataFrame:
    return pl.DataFrame(
        {"article_id": list(pub), "__pub": list(pub.values())},
        schema={"article_id": pl.String, "__pub": pl.Date},
    )


def test_undated_mentions_of_articles_months_apart_are_different_events() -> None:
    x = pl.DataFrame(
        [
            _x("a1", "ACCUSE", (0, 5), (20, 25), 10),
            _x("a2", "ACCUSE", (0, 5), (20, 25), 10),
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
    )
    apart = _days(a1=dt.date(2024, 1, 19), a2=dt.date(2024, 6, 13))
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES, article_days=apart)
    assert ev.height == 2 and ev["event_id"].n_unique() == 2
    close = _days(a1=dt.date(2024, 6, 12), a2=dt.date(2024, 6, 13))
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES, article_days=close)
    assert ev.height == 1 and ev["n_articles"].to_list() == [2]
    # without publication days (no dates anywhere) they still merge, as before
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES)
    assert ev.height == 1


def test_an_undated_mention_joins_a_dated_event_only_near_its_article_day() -> None:
    x = pl.DataFrame(
        [
            _x("a1", "ACCUSE", (0, 5), (20, 25), 10, date=dt.date(2024, 4, 5)),
            _x("a2", "ACCUSE", (0, 5), (20, 25), 10),  # reported the next day: the same event
            _x("a3", "ACCUSE", (0, 5), (20, 25), 10),  # months earlier: another occurrence
        ],
        schema=schema.X_EVENT_MENTIONS.polars_schema,
    )
    days = _days(a1=dt.date(2024, 4, 6), a2=dt.date(2024, 4, 6), a3=dt.date(2024, 1, 19))
    ev, _ = events.resolve_events(x, ENTITY_MENTIONS, ENTITIES, article_days=days)
    assert ev.height == 2
    dated = ev.filter(pl.col("event_date") == dt.date(2024, 4, 5))
    assert dated["article_ids"].to_list() == [["a1", "a2"]]
    assert ev.filter(pl.col("event_date").is_null())["article_ids"].to_list() == [["a3"]]
    # deterministic whatever the row order
    ev2, _ = events.resolve_events(x.reverse(), ENTITY_MENTIONS, ENTITIES, article_days=days)
    assert sorted(ev2["event_id"].to_list()) == sorted(ev["event_id"].to_list())


def test_quote_said_at_meeting_links_to_it() -> None:
    em = pl.DataFrame(
        {
            "event_id": ["ev_0000000000000001"],
            "article_id": ["a1"],
            "sentence": ["s"],
            "start": [0],
            "end": [60],
            "trigger": ["meeting"],
            "trigger_start": [40],
            "trigger_end": [47],
            "actor_text": ["A"],
            "target_text": [None],
            "modality": ["asserted"],
        }
    )
    x = pl.DataFrame([_x("a1", "CONSULT", (0, 5), None, 40)], schema=schema.X_EVENT_MENTIONS.polars_schema)
    quotes = pl.DataFrame(
        {
            "quote_id": ["q_0000000000000001", "q_0000000000000002"],
            "article_id": ["a1", "a1"],
            "start": [70, 300],
            "end": [90, 320],
            "speaker_start": [0, 200],
            "speaker_end": [5, 205],
        }
    )
    out = events.link_quotes_to_events(quotes, em, x)
    assert out["event_id"].to_list() == ["ev_0000000000000001", None]


@pytest.mark.parametrize("etype", ["CONSULT", "AGREE"])
def test_symmetric_categories(etype: str) -> None:
    assert events.is_symmetric(etype)
    assert not events.is_symmetric("SANCTION")


# ---------------------------------------------------------------- precision rules (extract)


def test_failed_sanctions_are_never_asserted(nlp: Language) -> None:
    for text in (
        "The European Union has so far failed to impose blanket sanctions on Belarus.",
        "Canada failed to impose sanctions on Iran.",
    ):
        r = only(extract(nlp, text), "SANCTION")
        assert r["modality"] == "negated", text
        assert r["target_text"] in ("Belarus", "Iran")


def test_nominal_actor_is_the_controller_or_author(nlp: Language) -> None:
    # object control: NATO orders the deployment, not the crisis nor the troops
    r = only(
        extract(nlp, "The crisis prompted NATO to order the deployment of troops to Estonia."), "MOBILIZE"
    )
    assert r["actor_text"] == "NATO"
    # a participle on a noun: the one who had the vote condemns
    r = only(extract(nlp, "The African Union had a vote condemning Sudan for the attacks."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("The African Union", "Sudan")


def test_group_target_and_private_meetings(nlp: Language) -> None:
    r = only(extract(nlp, "Mr. Mendes met with the executives for hours in Lisbon."), "CONSULT")
    assert r["target_text"] == "the executives"
    # a private meeting and a one-party meeting are no political interaction
    assert extract(nlp, "He went hiking in Peru, where he met his wife, Ana.") == []
    assert extract(nlp, "The committee held a meeting on Tuesday.") == []
    assert extract(nlp, "Few member states meet the new spending goal.") == []


def test_coordinated_parties_of_a_meeting_are_split(nlp: Language) -> None:
    r = only(extract(nlp, "Portugal and Spain met in Madrid on Monday."), "CONSULT")
    assert (r["actor_text"], r["target_text"], r["location_text"]) == ("Portugal", "Spain", "Madrid")


def test_past_talks_are_not_planned(nlp: Language) -> None:
    r = only(extract(nlp, "Sweden and Norway held talks in Oslo last March."), "CONSULT")
    assert r["modality"] == "asserted"
    assert (r["actor_text"], r["target_text"]) == ("Sweden", "Norway")


def test_urged_party_does_the_urged_event(nlp: Language) -> None:
    rows = extract(nlp, "Maria Lopez urged Chile to resume talks with Peru.")
    demand = only(rows, "REQUEST")
    assert (demand["actor_text"], demand["target_text"], demand["modality"]) == (
        "Maria Lopez",
        "Chile",
        "asserted",
    )
    talks = only(rows, "CONSULT")
    assert (talks["actor_text"], talks["target_text"], talks["modality"]) == ("Chile", "Peru", "hypothetical")


def test_blame_active_passive_and_predicative(nlp: Language) -> None:
    r = only(extract(nlp, "Pedro Alves blamed the unions for the strike."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Pedro Alves", "the unions")
    r = only(extract(nlp, "The senator was blamed by Pedro Alves for the strike."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Pedro Alves", "The senator")
    # "X are to blame": X is blamed, nobody named blames
    assert not [
        r
        for r in extract(nlp, "Critics say the unions are to blame for the strike.")
        if r["event_type"] == "ACCUSE"
    ]


def test_particles_dates_and_speakers_do_not_make_events(nlp: Language) -> None:
    # "back down" is no backing (it is a concession)
    assert "SUPPORT" not in {r["event_type"] for r in extract(nlp, "Rui Costa backed down after the vote.")}
    # a phone call, no "call on" (the thanks it was for is a SUPPORT of its own)
    assert "REQUEST" not in {
        r["event_type"] for r in extract(nlp, "Ana Reis called Rui Costa on Friday to thank him.")
    }
    # a hypothetical in a quote whose party is the speaker's "we"
    assert extract(nlp, '"We will impose sanctions on Iran if they refuse," Rui Costa said.') == []


def test_deployed_troops_are_not_the_target(nlp: Language) -> None:
    r = only(extract(nlp, "Japan deployed troops to the border."), "MOBILIZE")
    assert (r["actor_text"], r["target_text"]) == ("Japan", None)


def test_participle_and_adverbial_subjects(nlp: Language) -> None:
    r = only(extract(nlp, "The prime minister declined to criticize Hungary."), "ACCUSE")
    assert (r["actor_text"], r["target_text"], r["modality"]) == ("The prime minister", "Hungary", "negated")
    r = only(
        extract(nlp, "Rui Costa said after meeting with Olaf Scholz that the deal was close."), "CONSULT"
    )
    assert (r["actor_text"], r["target_text"]) == ("Rui Costa", "Olaf Scholz")


def test_negated_and_hypothetical_nominals(nlp: Language) -> None:
    r = only(extract(nlp, "Kenya's backing of the plan was not the case."), "SUPPORT")
    assert (r["actor_text"], r["modality"]) == ("Kenya", "negated")
    r = only(extract(nlp, "The government's efforts to negotiate with the rebels collapsed."), "CONSULT")
    assert r["modality"] == "hypothetical"


def test_recipient_of_a_nominal_event(nlp: Language) -> None:
    r = only(extract(nlp, "Mr. Reis received the endorsement of the Socialist Party."), "SUPPORT")
    assert (r["actor_text"], r["target_text"]) == ("the Socialist Party", "Reis")


def test_owner_of_the_object_is_the_target(nlp: Language) -> None:
    r = only(extract(nlp, "Germany condemned Iran's latest missile test."), "ACCUSE")
    assert (r["actor_text"], r["target_text"]) == ("Germany", "Iran")


def test_pronoun_is_the_person_in_focus(nlp: Language) -> None:
    # two people before "she": the previous sentence's subject is in focus
    text = "Anna Berg spoke with Maria Lind on Monday. She condemned Russia on Tuesday."
    assert only(extract(nlp, text), "ACCUSE")["actor_text"] == "Anna Berg"
    # one person: the pronoun resolves
    text = "Anna Berg arrived in Paris on Monday. She condemned Russia on Tuesday."
    assert only(extract(nlp, text), "ACCUSE")["actor_text"] == "Anna Berg"


def test_quoted_event_is_reported(nlp: Language) -> None:
    text = "“Germany condemned Hungary,” the spokesman said.\n\nLater, France praised Italy."
    rows = extract(nlp, text)
    assert only(rows, "ACCUSE")["modality"] == "reported"
    assert only(rows, "SUPPORT")["modality"] == "asserted"
