"""Scoring event extraction against PLOVER gold-standard records (one coded sentence each), pure.

The gold (``plover_gsr`` format: ``id``, ``text``, ``event``, ``mode``, ``source``, ``target``,
``event_text``, ``dead``, ``injured``, ``size``) codes one event per sentence in PLOVER 0.5 names;
they are mapped to the 2021 manual's names first (DEMAND → REQUEST, DISAPPROVE and INVESTIGATE →
ACCUSE, FIGHT → ASSAULT). Each record is run through the pipeline as one article; the figures:

* **sentence recall** — gold sentences with at least one event mention / all gold sentences;
* **category accuracy** — of the sentences with a mention, those where a mention has the gold
  category; ``category_recall`` is the same count over all gold sentences;
* **actor / target match** — of the sentences where a mention has the gold category and the gold
  names a source (target): a mention of that category whose party, as written or canonical, names
  a gold party (folded; one contains the other on word boundaries);
* **mode** — of the gold records with a mode and a mention of the gold category: the mention's
  ``mode`` equals it (when the predictions carry a ``mode`` column);
* **counts** — of the sentences that state a count (dead → ``n_killed``, injured → ``n_injured``,
  size → ``crowd_size`` or ``n_arrested``): every stated count exact. A number must be equal; a count in words
  ("thousands", "tens of thousands") is right when the prediction has a value for that field and
  its ``count_text`` (the words it came from) contains the gold words.

Gold records with the same text (coded twice, for two events) are one article to the pipeline, which
keeps one copy of an exact duplicate: every such record is scored on the mentions of that article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from anyascii import anyascii

PLOVER_2021 = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
# Gold count → the columns that may carry it: the GSR's ``size`` counts the people involved, the
# crowd of a protest or the people arrested or detained.
COUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "dead": ("n_killed",),
    "injured": ("n_injured",),
    "size": ("crowd_size", "n_arrested"),
}


def category_2021(name: str) -> str:
    """Returns the PLOVER 2021 name of a PLOVER 0.5 category (unchanged names pass through)."""
    up = name.strip().upper()
    return PLOVER_2021.get(up, up)


def _fold(text: str | None) -> str:
    return " ".join(re.findall(r"\w+", anyascii(text or "").lower()))


def party_matches(gold: Sequence[str], predicted: Iterable[str | None]) -> bool:
    """Returns whether a predicted party names one of the gold parties (folded, on word boundaries)."""
    golds = [g for g in (_fold(x) for x in gold) if g]
    for p in predicted:
        fp = _fold(p)
        if not fp:
            continue
        for g in golds:
            if f" {g} " in f" {fp} " or f" {fp} " in f" {g} ":
                return True
    return False


def count_matches(gold: str, value: Any, count_text: str | None) -> bool:
    """Returns whether a predicted count equals the gold one (a number) or came from its words."""
    if value is None:
        return False
    g = gold.strip().replace(",", "")
    if g.isdigit():
        try:
            return int(value) == int(g)
        except (TypeError, ValueError):
            return False
    fg = _fold(g)
    return bool(fg) and f" {fg} " in f" {_fold(count_text)} "


def predicted_by_record(
    articles: pl.DataFrame, events: pl.DataFrame, event_mentions: pl.DataFrame
) -> dict[str, list[dict[str, Any]]]:
    """Returns the pipeline's event mentions per gold record id (``articles.source_id``), each with its
    event's columns (type, canonical parties, mode and counts where the tables have them)."""
    if event_mentions.is_empty():
        return {}
    ev_cols = [
        c
        for c in ("event_id", "event_type", "actor", "target", "mode", *_count_columns(), "count_text")
        if c in events.columns
    ]
    m = event_mentions.join(events.select(ev_cols), on="event_id", how="left", suffix="_event")
    m = m.join(articles.select("article_id", "source_id"), on="article_id", how="left")
    out: dict[str, list[dict[str, Any]]] = {}
    for row in m.sort("article_id", "trigger_start").iter_rows(named=True):
        out.setdefault(str(row["source_id"]), []).append(row)
    return out


def _count_columns() -> list[str]:
    return list(dict.fromkeys(c for cols in COUNT_FIELDS.values() for c in cols))


def _value(row: Mapping[str, Any], col: str) -> Any:
    # A mention-level value wins over the merged event's.
    v = row.get(col)
    return row.get(f"{col}_event") if v is None else v


def _shared_text_rows(
    records: Sequence[Mapping[str, Any]], predicted: Mapping[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """Returns, per gold text, the mentions predicted for the record of that text the pipeline kept
    (exact duplicates are quarantined, so a record coded twice has its mentions under one id)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        text = str(r.get("text") or "")
        rows = predicted.get(str(r["id"]))
        if text and rows and text not in out:
            out[text] = rows
    return out


def score_events(
    records: Sequence[Mapping[str, Any]], predicted: Mapping[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Returns the figures of the module doc, with their counts and per-category recall."""
    n = len(records)
    found = cat_ok = 0
    actor_total = actor_ok = target_total = target_ok = 0
    mode_total = mode_ok = count_total = count_ok = 0
    per_cat: dict[str, list[int]] = {}
    misses: list[dict[str, Any]] = []
    by_text = _shared_text_rows(records, predicted)
    for r in records:
        gold_cat = category_2021(str(r["event"]))
        rows = predicted.get(str(r["id"])) or by_text.get(str(r.get("text") or ""), [])
        stats = per_cat.setdefault(gold_cat, [0, 0])
        stats[1] += 1
        if rows:
            found += 1
        same = [x for x in rows if x.get("event_type") == gold_cat]
        if not same:
            misses.append(
                {
                    "id": r["id"],
                    "gold": gold_cat,
                    "predicted": sorted({str(x.get("event_type")) for x in rows}),
                }
            )
        else:
            cat_ok += 1
            stats[0] += 1
            if r.get("source"):
                actor_total += 1
                actor_ok += any(
                    party_matches(r["source"], (x.get("actor_text"), x.get("actor"))) for x in same
                )
            if r.get("target"):
                target_total += 1
                target_ok += any(
                    party_matches(r["target"], (x.get("target_text"), x.get("target"))) for x in same
                )
            if r.get("mode"):
                mode_total += 1
                mode_ok += any(_value(x, "mode") == r["mode"] for x in same)
        stated = {f: str(r[f]) for f in COUNT_FIELDS if r.get(f)}
        if stated:
            count_total += 1
            count_ok += any(
                all(
                    any(count_matches(g, _value(x, c), _value(x, "count_text")) for c in COUNT_FIELDS[f])
                    for f, g in stated.items()
                )
                for x in rows
            )

    def ratio(a: int, b: int) -> float:
        return round(a / b, 4) if b else 0.0

    return {
        "n_gold": n,
        "sentences_found": found,
        "sentence_recall": ratio(found, n),
        "category_correct": cat_ok,
        "category_accuracy": ratio(cat_ok, found),
        "category_recall": ratio(cat_ok, n),
        "actor_match": ratio(actor_ok, actor_total),
        "actor_total": actor_total,
        "target_match": ratio(target_ok, target_total),
        "target_total": target_total,
        "mode_match": ratio(mode_ok, mode_total),
        "mode_total": mode_total,
        "counts_exact": ratio(count_ok, count_total),
        "counts_total": count_total,
        "per_category_recall": {k: ratio(v[0], v[1]) for k, v in sorted(per_cat.items())},
        "misses": misses,
    }


def format_events_report(figures: Mapping[str, Any]) -> str:
    """Returns the figures as a few lines of text."""
    f = figures
    lines = [
        f"events: {f['n_gold']} gold sentences, {f['sentences_found']} with an event mention",
        f"sentence recall {f['sentence_recall']:.3f}  category accuracy {f['category_accuracy']:.3f} "
        f"(category recall {f['category_recall']:.3f})",
        f"actor match {f['actor_match']:.3f} (of {f['actor_total']})  target match {f['target_match']:.3f} "
        f"(of {f['target_total']})  mode {f['mode_match']:.3f} (of {f['mode_total']})  "
        f"counts exact {f['counts_exact']:.3f} (of {f['counts_total']})",
        "per category recall: " + ", ".join(f"{k} {v:.2f}" for k, v in f["per_category_recall"].items()),
    ]
    return "\n".join(lines)
