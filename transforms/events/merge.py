"""Merging event mentions into events: party keys, clustering by date and place, attaching mentions
that name only some parties, and building the event row from its mentions."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from transforms.events.lexicon import is_symmetric
from transforms.ids import stable_id
from transforms.schema import EVENT_COUNTS

_NO_DAY = dt.date.min

# Modality ranks: a merged event takes the strongest factual modality of its mentions.
_FACT_RANK = {"asserted": 0, "reported": 1, "planned": 2}


def _norm_phrase(text: str | None) -> str:
    if not text:
        return ""
    words = re.sub(r"[^\w\s-]", " ", text.lower()).split()
    return " ".join(w for w in words if w not in ("the", "a", "an", "its", "their", "his", "her"))


@dataclass
class _M:
    """One event mention during resolution."""

    row: dict[str, Any]
    actor_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    place: str  # place key: country code, entity id or phrase; "" when unknown
    place_id: str | None
    cls: str  # fact, negated or hypothetical: only mentions of one class merge
    pub: dt.date | None = None  # the article's publication day

    @property
    def article(self) -> str:
        return str(self.row["article_id"])

    def side(self, which: str) -> tuple[str, ...]:
        ids = self.actor_ids if which == "actor" else self.target_ids
        if ids:
            return ids
        phrase = _norm_phrase(self.row[f"{which}_text"])
        return (f"~{phrase}",) if phrase else ()

    def party_key(self) -> tuple[tuple[str, ...], ...]:
        if is_symmetric(str(self.row["event_type"])):
            return (tuple(sorted(set(self.side("actor")) | set(self.side("target")))),)
        return (self.side("actor"), self.side("target"))


# An undated mention joins a dated run only when its article appeared from one day before to this
# many days after the run's dates (news reports an event within days); undated mentions of articles
# further apart than this are different occurrences ("X has criticised Y" in January and in June).
REPORT_LAG_DAYS = 3


def _cluster_dates(ms: list[_M], tolerance: int) -> list[list[_M]]:
    """Splits mentions into runs of dates no more than ``tolerance`` days apart. An undated mention
    joins the largest run (ties: the earliest) whose dates lie within its article's publication day
    (``_M.pub``) minus :data:`REPORT_LAG_DAYS` and plus ``tolerance``; undated mentions that join
    no run form runs of publication days spanning at most :data:`REPORT_LAG_DAYS`. Mentions with
    neither date join the largest run, or form their own run."""
    dated = sorted(
        (m for m in ms if m.row["event_date"] is not None), key=lambda m: (m.row["event_date"], _sort_key(m))
    )
    runs: list[list[_M]] = []
    for m in dated:
        if runs and (m.row["event_date"] - runs[-1][-1].row["event_date"]).days <= tolerance:
            runs[-1].append(m)
        else:
            runs.append([m])
    n_dated = len(runs)
    spans = [(r[0].row["event_date"], r[-1].row["event_date"]) for r in runs]
    loose: list[_M] = []
    no_day: list[_M] = []
    for m in sorted(
        (m for m in ms if m.row["event_date"] is None), key=lambda m: (m.pub or _NO_DAY, _sort_key(m))
    ):
        if m.pub is None:
            no_day.append(m)
            continue
        fits = [
            i
            for i, (first, last) in enumerate(spans)
            if (m.pub - last).days <= REPORT_LAG_DAYS and (first - m.pub).days <= tolerance
        ]
        if fits:
            runs[max(fits, key=lambda i: (len(runs[i]), -i))].append(m)
        else:
            loose.append(m)
    for m in loose:  # sorted by publication day
        last = runs[-1] if len(runs) > n_dated else None
        if (
            last is not None
            and m.pub is not None
            and last[0].pub is not None
            and ((m.pub - last[0].pub).days <= REPORT_LAG_DAYS)
        ):
            last.append(m)
        else:
            runs.append([m])
    if not runs:
        return [no_day] if no_day else []
    if no_day:
        biggest = max(range(len(runs)), key=lambda i: (len(runs[i]), -i))
        runs[biggest].extend(no_day)
    return runs


def _cluster_places(ms: list[_M]) -> list[list[_M]]:
    """Splits mentions by incompatible places; mentions without a place join the largest group."""
    by: dict[str, list[_M]] = defaultdict(list)
    for m in ms:
        by[m.place].append(m)
    unplaced = by.pop("", [])
    if not by:
        return [unplaced]
    keys = sorted(by, key=lambda k: (-len(by[k]), k))
    by[keys[0]].extend(unplaced)
    return [by[k] for k in sorted(by)]


def _sort_key(m: _M) -> tuple[str, int, str]:
    return (m.article, int(m.row["trigger_start"]), str(m.row["event_type"]))


def _attach_partial(groups: dict[tuple[Any, ...], list[_M]]) -> dict[tuple[Any, ...], list[_M]]:
    """Moves a mention that names only part of the parties ("the meeting with X") into the one group
    of the same article whose parties include its own; it stays alone when that is ambiguous."""
    by_article: dict[tuple[str, str, str], set[tuple[Any, ...]]] = defaultdict(set)
    for key, ms in groups.items():
        for m in ms:
            by_article[(m.article, key[0], key[1])].add(key)
    moved: dict[tuple[Any, ...], list[_M]] = defaultdict(list)
    for key in sorted(groups, key=repr):
        ms = groups[key]
        etype, cls = key[0], key[1]
        parties = key[2:]
        keep: list[_M] = []
        for m in ms:
            target = None
            if is_symmetric(etype):
                mine = set(parties[0])
                cands = {
                    k
                    for k in by_article[(m.article, etype, cls)]
                    if k != key and mine and mine < set(k[2]) and len(k[2]) >= 2
                }
            else:
                a, t = parties
                cands = {
                    k
                    for k in by_article[(m.article, etype, cls)]
                    if k != key
                    and ((not t and a and k[2] == a and k[3]) or (not a and t and k[3] == t and k[2]))
                }
            if len(cands) == 1:
                target = cands.pop()
            if target is None:
                keep.append(m)
            else:
                moved[target].append(m)
        if keep:
            moved[key].extend(keep)
    return dict(moved)


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _side_name(ms: list[_M], which: str, ents: dict[str, dict[str, Any]]) -> tuple[str | None, str | None]:
    """The canonical name(s) and first entity id of one side, from the mentions that name it."""
    ids_seen = [m.actor_ids if which == "actor" else m.target_ids for m in ms]
    ids = _most_common(i for i in ids_seen if i)
    if ids:
        names = [str(ents.get(i, {}).get("name") or i) for i in ids]
        return " and ".join(names), ids[0]
    return _most_common(m.row[f"{which}_text"] for m in ms), None


def _symmetric_sides(
    ms: list[_M], ents: dict[str, dict[str, Any]]
) -> tuple[str | None, str | None, str | None, str | None]:
    """Actor and target of a symmetric event: the party named most often as actor comes first."""
    as_actor: Counter[str] = Counter()
    seen: dict[str, str] = {}  # party key → display name
    order: list[str] = []
    for m in ms:
        for which, ids in (("actor", m.actor_ids), ("target", m.target_ids)):
            keys = list(ids) or (
                [f"~{_norm_phrase(m.row[f'{which}_text'])}"] if m.row[f"{which}_text"] else []
            )
            for k in keys:
                if k not in seen:
                    seen[k] = (
                        str(ents.get(k, {}).get("name") or k)
                        if not k.startswith("~")
                        else str(m.row[f"{which}_text"])
                    )
                    order.append(k)
                if which == "actor":
                    as_actor[k] += 1
    if not order:
        return None, None, None, None
    ranked = sorted(order, key=lambda k: (-as_actor[k], k))
    first, rest = ranked[0], sorted(ranked[1:])

    def eid(k: str) -> str | None:
        return None if k.startswith("~") else k

    target = " and ".join(seen[k] for k in rest) if rest else None
    return seen[first], eid(first), target, (eid(rest[0]) if rest else None)


def _event(
    key: tuple[Any, ...], ms: list[_M], ents: dict[str, dict[str, Any]]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    etype, cls = str(key[0]), str(key[1])
    if is_symmetric(etype):
        actor, actor_id, target, target_id = _symmetric_sides(ms, ents)
    else:
        actor, actor_id = _side_name(ms, "actor", ents)
        target, target_id = _side_name(ms, "target", ents)
    dates = [m.row["event_date"] for m in ms if m.row["event_date"] is not None]
    event_date = _most_common(dates)
    with_date = [m for m in ms if m.row["event_date"] == event_date] if event_date else []
    date_text = with_date[0].row["date_text"] if with_date else _most_common(m.row["date_text"] for m in ms)
    if with_date:
        date_method = with_date[0].row["date_method"]
    else:
        # No day: the method of the phrase kept says why ("unanchored" in an undated article).
        kept = [m.row["date_method"] for m in ms if m.row["date_text"] == date_text]
        date_method = "unanchored" if "unanchored" in kept else "none"
    place_id = _most_common(m.place_id for m in ms)
    location = str(ents[place_id]["name"]) if place_id else _most_common(m.row["location_text"] for m in ms)
    if cls == "fact":
        modality = min((str(m.row["modality"]) for m in ms), key=lambda v: _FACT_RANK.get(v, 9))
    else:
        modality = cls
    place_key = _most_common(m.place for m in ms) or ""
    # An undated event is told apart from the same parties' undated event of other days by the
    # first publication day of its articles (when known).
    pubs = [m.pub for m in ms if m.pub is not None]
    day = event_date.isoformat() if event_date else (f"pub:{min(pubs).isoformat()}" if pubs else "")
    event_id = stable_id("ev", etype, cls, repr(key[2:]), day, place_key)
    articles = sorted({m.article for m in ms})
    cameo = _most_common(m.row["cameo_code"] for m in ms)
    counted = next((m.row for m in ms if m.row.get("count_text")), {})
    event = {
        "event_id": event_id,
        "event_type": etype,
        "cameo_code": cameo,
        "mode": _most_common(m.row.get("mode") for m in ms),
        "actor": actor,
        "actor_entity_id": actor_id,
        "target": target,
        "target_entity_id": target_id,
        "location": location,
        "location_entity_id": place_id,
        "event_date": event_date,
        "date_text": date_text,
        "date_method": date_method,
        "modality": modality,
        **{c: counted.get(c) for c in (*EVENT_COUNTS, "count_text")},
        "article_ids": articles,
        "n_articles": len(articles),
        "n_mentions": len(ms),
    }
    rows = [
        {
            "event_id": event_id,
            "article_id": m.article,
            "sentence": m.row.get("sentence") or "",
            "start": m.row["sent_start"],
            "end": m.row["sent_end"],
            "trigger": m.row["trigger"],
            "trigger_start": m.row["trigger_start"],
            "trigger_end": m.row["trigger_end"],
            "actor_text": m.row["actor_text"],
            "target_text": m.row["target_text"],
            "modality": m.row["modality"],
            "mode": m.row.get("mode"),
            **{c: m.row.get(c) for c in (*EVENT_COUNTS, "count_text")},
        }
        for m in ms
    ]
    return event, rows
