"""The per-corpus step: :func:`resolve_events` links parties to entities and merges the mentions of
one event; :func:`link_quotes_to_events` ties quotes to the event they were said at."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import polars as pl

from transforms import schema
from transforms.events.lexicon import lexicon
from transforms.events.merge import (
    _M,
    _attach_partial,
    _cluster_dates,
    _cluster_places,
    _event,
    _norm_phrase,
    _sort_key,
)
from transforms.events.parties import PLACE_LABELS
from transforms.quotes.lexicon import _lex
from transforms.resolve import link_span_entities, link_spans


def _last_name_word(text: str) -> str:
    """Returns the last word of a name phrase ("Ms Doe" → "doe"), "" when the phrase is not all
    capitalised words ("Doe's campaign", "the Doe campaign" name no person)."""
    words = text.replace("\u2019", "'").split()
    if not words or not all(w[:1].isupper() for w in words):
        return ""
    return words[-1].removesuffix("'s").strip(".,;:").casefold()


def _person_surnames(
    entity_mentions: pl.DataFrame, articles: pl.DataFrame | None = None
) -> dict[tuple[str, str], set[str]]:
    """Returns, per (article, last name word), the PERSON entities mentioned in that article by a
    name ending in that word; only for the articles of ``articles`` (an article_id column) when
    given: the event mentions' articles, not the corpus's every person mention."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    if entity_mentions.height == 0 or "label" not in entity_mentions.columns:
        return out
    people = entity_mentions.filter(pl.col("label") == "PERSON").select("article_id", "entity_id", "text")
    if articles is not None:
        people = people.join(articles.select("article_id").unique(), on="article_id", how="semi")
    for art, eid, text in people.iter_rows():
        if eid is not None and (key := _last_name_word(text)):
            out[(art, key)].add(eid)
    return out


def _link_by_surname(x: pl.DataFrame, prefix: str, surnames: dict[tuple[str, str], set[str]]) -> pl.DataFrame:
    """Links a party the NER did not tag ("Ms X", "X's campaign") to the one person of the same
    article named with that surname: in-article evidence, as for bare surnames among entities."""
    ids_col, eid_col, text_col = f"{prefix}_ids", f"{prefix}_entity_id", f"{prefix}_text"
    ids: list[list[str] | None] = []
    eids: list[str | None] = []
    for art, cur_ids, cur_eid, text in x.select("article_id", ids_col, eid_col, text_col).iter_rows():
        if cur_ids is None and cur_eid is None and text:
            found = surnames.get((art, _last_name_word(text)), set())
            if len(found) == 1:
                (only,) = found
                ids.append([only])
                eids.append(only)
                continue
        ids.append(cur_ids)
        eids.append(cur_eid)
    return x.with_columns(
        pl.Series(ids_col, ids, dtype=pl.List(pl.String)), pl.Series(eid_col, eids, dtype=pl.String)
    )


# Labels of a place or a people: as a modifier of a noun ("the Vermont senator", "Syrian
# refugees", "former Vermont Gov. X") it describes the party, it is not one.
_MODIFIER_LABELS = frozenset({"GPE", "NORP", "LOC"})
# What may follow a party inside a coordinated span ("Britain and Canada", "X, Y").
_COORDINATION = (",", ";", "&", "and ", "or ", "'s", "\u2019s", "'", "\u2019")


def _modifier_ids(row_start: int, text: str, mentions: list[tuple[int, int, str, str]]) -> set[str]:
    """Returns the entities of the mentions that modify a noun of the party phrase ``text``
    (starting at ``row_start``): a word of the phrase follows them directly, and they are a place
    or a people, or the phrase names people by their side or role ("Sanders supporters", "the GOP
    front-runner" are the supporters and the front-runner; "the Clinton campaign" stays the candidate's)."""
    out: set[str] = set()
    words = text.lower().split()
    roles = _lex()
    # "the GOP front-runner", "the FBI director": a person in a role, not the body named before it
    people = bool(words) and (
        (words[-1].endswith("s") and words[-1] in lexicon().all_groups)
        or words[-1] in roles.roles
        or words[-1] in roles.role_class
    )
    for m_start, m_end, label, eid in mentions:
        if (label not in _MODIFIER_LABELS and not people) or m_start < row_start:
            continue
        rest = text[m_end - row_start :].lstrip()
        if rest and not rest.startswith(_COORDINATION) and rest[:1].isalpha():
            out.add(eid)
    return out


def _unlink_modifiers(x: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """Returns ``x`` with the place or people entities that only modify a party phrase taken out
    of its ``{prefix}_ids`` and ``{prefix}_entity_id`` (the senator is the party, not the state)."""
    ids_col, eid_col, s_col, t_col = (
        f"{prefix}_ids",
        f"{prefix}_entity_id",
        f"{prefix}_start",
        f"{prefix}_text",
    )
    if entity_mentions.height == 0 or "label" not in entity_mentions.columns:
        return x
    by_article: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    places = entity_mentions.filter(
        pl.col("label").is_in([*_MODIFIER_LABELS, "PERSON", "ORG"]) & pl.col("entity_id").is_not_null()
    )
    # Only the articles of rows with parties to check: the corpus's mentions as tuples would cost
    # memory as the history.
    needed = x.filter(pl.col(ids_col).list.len() > 0).select("article_id").unique()
    places = places.join(needed, on="article_id", how="semi")
    for art, ms, me, lab, eid in places.select(
        "article_id", "start", "end", "label", "entity_id"
    ).iter_rows():
        by_article[art].append((ms, me, lab, eid))
    ids: list[list[str] | None] = []
    eids: list[str | None] = []
    for art, cur_ids, cur_eid, start, text in x.select(
        "article_id", ids_col, eid_col, s_col, t_col
    ).iter_rows():
        if not cur_ids or start is None or not text:
            ids.append(cur_ids)
            eids.append(cur_eid)
            continue
        inside = [m for m in by_article.get(art, []) if start <= m[0] and m[1] < start + len(text)]
        drop = _modifier_ids(start, text, inside)
        kept = [i for i in cur_ids if i not in drop]
        ids.append(kept or None)
        eids.append(cur_eid if cur_eid not in drop else (kept[0] if kept else None))
    return x.with_columns(
        pl.Series(ids_col, ids, dtype=pl.List(pl.String)), pl.Series(eid_col, eids, dtype=pl.String)
    )


def resolve_events(
    x_events: pl.DataFrame,
    entity_mentions: pl.DataFrame,
    entities: pl.DataFrame,
    date_tolerance_days: int = 1,
    article_days: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns ``(events, event_mentions)`` conformed to ``schema.EVENTS`` and ``schema.EVENT_MENTIONS``.

    Parties and places are linked to entities by offset (:func:`transforms.resolve.link_spans`);
    a linked party is named by its canonical entity name, a coordinated one ("Britain and Canada")
    by the names joined, an unnamed group by its phrase. Mentions merge into one event when they
    share the category, the parties (in either order for symmetric categories; a mention naming
    only some of the parties joins the event of the same article that names them all), dates at
    most ``date_tolerance_days`` apart (an undated mention joins the best-attested date near its
    article's publication day, from ``article_days``: article_id and ``__pub``) and a
    compatible place (same entity or same country). ``event_id`` hashes type, parties, date and
    place, so it is deterministic, independent of row order and stable across reruns.

    Negated events are kept, as their own events with modality ``negated``, never merged with or
    published as asserted ones; hypothetical mentions likewise stay apart. A merged factual event
    takes the strongest modality of its mentions (asserted > reported > planned), so a planned
    meeting reported later as held merges into one asserted event. Cost: grouping by keys and
    sorting, O(n log n) in mentions.
    """
    if x_events.height == 0:
        return schema.empty(schema.EVENTS), schema.empty(schema.EVENT_MENTIONS)
    x = schema.conform(x_events, schema.X_EVENT_MENTIONS).with_row_index("__evrow")
    surnames = _person_surnames(entity_mentions, x)
    for prefix in ("actor", "target", "location"):
        x = link_spans(x, prefix, entity_mentions)
        x = link_span_entities(x, prefix, entity_mentions)
        if prefix != "location":
            x = _unlink_modifiers(x, prefix, entity_mentions)
            x = _link_by_surname(x, prefix, surnames)
    ent_cols = [c for c in ("entity_id", "name", "type", "country_code") if c in entities.columns]
    ents = {r["entity_id"]: r for r in entities.select(ent_cols).to_dicts()}
    pub: dict[str, dt.date] = {}
    if article_days is not None:
        pub = {str(a): d for a, d in article_days.drop_nulls("__pub").iter_rows() if isinstance(d, dt.date)}

    mentions: list[_M] = []
    for row in x.sort("__evrow").to_dicts():
        place_id = row["location_entity_id"]
        place = ""
        if place_id is not None and ents.get(place_id, {}).get("type") in PLACE_LABELS:
            place = ents[place_id].get("country_code") or place_id
        else:
            place_id = None
            if row["location_text"]:
                place = "~" + _norm_phrase(row["location_text"])
        modality = row["modality"]
        cls = modality if modality in ("negated", "hypothetical") else "fact"
        mentions.append(
            _M(
                row,
                tuple(row["actor_ids"] or ()),
                tuple(row["target_ids"] or ()),
                place,
                place_id,
                cls,
                pub.get(str(row["article_id"])),
            )
        )

    groups: dict[tuple[Any, ...], list[_M]] = defaultdict(list)
    for m in mentions:
        groups[(m.row["event_type"], m.cls, *m.party_key())].append(m)
    groups = _attach_partial(groups)

    event_rows: list[dict[str, object]] = []
    mention_rows: list[dict[str, object]] = []
    for key in sorted(groups, key=repr):
        for run in _cluster_dates(groups[key], date_tolerance_days):
            for cluster in _cluster_places(run):
                ev, ems = _event(key, sorted(cluster, key=_sort_key), ents)
                event_rows.append(ev)
                mention_rows.extend(ems)
    events = schema.conform(pl.DataFrame(event_rows, schema=_event_schema()), schema.EVENTS)
    ev_mentions = schema.conform(
        pl.DataFrame(mention_rows, schema=schema.EVENT_MENTIONS.polars_schema), schema.EVENT_MENTIONS
    )
    return events, ev_mentions


def _event_schema() -> dict[str, pl.DataType]:
    return schema.EVENTS.polars_schema


def link_quotes_to_events(
    quotes: pl.DataFrame, event_mentions: pl.DataFrame, x_events: pl.DataFrame
) -> pl.DataFrame:
    """Returns ``quotes`` with ``event_id`` filled where the quote was said at an event of its article.

    An event is a setting for speech when its trigger is one of the lexicon's speech-setting nouns
    (meeting, talks, summit, interview, press conference…). A quote links to it when the sentence of
    the event mention holds the quote or the speaker mention the quote rests on, and — where the
    event mention names its parties — the speaker is one of them. The nearest such event wins.
    """
    settings = lexicon().speech_settings
    out_schema = quotes.schema
    if quotes.height == 0 or event_mentions.height == 0:
        return (
            quotes
            if "event_id" in quotes.columns
            else quotes.with_columns(pl.lit(None, pl.String).alias("event_id"))
        )
    xs = x_events.select(
        "article_id", "trigger_start", "actor_start", "actor_end", "target_start", "target_end"
    ).unique(subset=["article_id", "trigger_start"], keep="first")
    em = (
        event_mentions.filter(pl.col("trigger").str.to_lowercase().is_in(list(settings)))
        .join(xs, on=["article_id", "trigger_start"], how="left")
        .to_dicts()
    )
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in em:
        by_article[str(r["article_id"])].append(r)
    ids: list[str | None] = []
    for q in quotes.to_dicts():
        best: tuple[int, str] | None = None
        for r in by_article.get(str(q["article_id"]), []):
            s, e = int(r["start"]), int(r["end"])
            sp_s, sp_e = q.get("speaker_start"), q.get("speaker_end")
            holds_quote = s <= int(q["start"]) < e or s < int(q["end"]) <= e
            holds_speaker = sp_s is not None and s <= int(sp_s) < e
            if not (holds_quote or holds_speaker):
                continue
            named = [
                (r[f"{p}_start"], r[f"{p}_end"]) for p in ("actor", "target") if r[f"{p}_start"] is not None
            ]
            if (
                named
                and sp_s is not None
                and sp_e is not None
                and not any(int(a) < int(sp_e) and int(sp_s) < int(b) for a, b in named)
            ):
                continue
            dist = abs(int(r["trigger_start"]) - int(q["start"]))
            if best is None or (dist, str(r["event_id"])) < best:
                best = (dist, str(r["event_id"]))
        ids.append(best[1] if best else None)
    linked = pl.Series("event_id", ids, dtype=pl.String)
    if "event_id" in quotes.columns:
        filled = quotes.with_columns(pl.coalesce(pl.col("event_id"), linked).alias("event_id"))
    else:
        filled = quotes.with_columns(linked)
    return filled.select([*out_schema.keys(), *(["event_id"] if "event_id" not in out_schema else [])])
