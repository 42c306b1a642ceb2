"""Event merging for an incremental run: only the events that may share a merge group with the new
mentions, within a window of days around them, are merged again with the new mentions; the others
are kept as they are."""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms import schema
from transforms.events.lexicon import is_symmetric
from transforms.events.merge import _norm_phrase
from transforms.events.resolve import link_quotes_to_events, resolve_events

# Days either side of the new mentions' days whose events are merged again with them: the merge
# joins mentions at most a day apart (``date_tolerance_days``), so a week leaves room for runs.
WINDOW_DAYS = 7


def _event_days(events: pl.DataFrame, article_days: pl.DataFrame) -> pl.DataFrame:
    """Returns event_id and ``__day``: the event's date, else the earliest publication day of its
    articles (the event's partition day), else null."""
    first = (
        events.select("event_id", pl.col("article_ids").alias("article_id"))
        .explode("article_id")
        .join(article_days, on="article_id", how="left")
        .group_by("event_id")
        .agg(pl.col("__pub").min().alias("__first"))
    )
    return (
        events.select("event_id", "event_date")
        .join(first, on="event_id", how="left")
        .select("event_id", pl.coalesce("event_date", "__first").alias("__day"))
    )


def _cls(modality: str | None) -> str:
    """The class an event's mentions share (only mentions of one class merge)."""
    return modality if modality in ("negated", "hypothetical") else "fact"


def _party(entity_id: str | None, name: str | None) -> str:
    """An event side as the group key that made it names it: its first entity, else the phrase."""
    if entity_id is not None:
        return "@" + entity_id
    phrase = _norm_phrase(name)
    return "~" + phrase if phrase else ""


def _sym_parties(ev: dict[str, object]) -> set[str] | None:
    """The party keys a symmetric event's row shows (its first party and the first of the others),
    or None when the others are phrases joined into one name (then it could be any group)."""
    actor, target = ev["actor"], ev["target"]
    if actor is None:
        return {""}
    first = "@" + str(ev["actor_entity_id"]) if ev["actor_entity_id"] else "~" + _norm_phrase(str(actor))
    if ev["target_entity_id"]:
        return {first, "@" + str(ev["target_entity_id"])}
    return {first} if target is None else None


def _same_group_possible(window: pl.DataFrame, new_events: pl.DataFrame) -> list[str]:
    """Returns the events of ``window`` that may share a merge group (category, class and parties,
    :func:`transforms.events.resolve.resolve_events`) with one of ``new_events``: the only old events
    the new mentions can change. Each event row shows of its group key the category, the class
    (from its modality) and each side's first entity or its phrase; a symmetric category's row
    shows two of its parties, and two rows of one group always share one of them. Rows that show
    too little are kept (never fewer events than may merge)."""
    plain: set[tuple[str, str, str, str]] = set()
    sym: dict[tuple[str, str], set[str]] = {}
    sym_any: set[tuple[str, str]] = set()
    for ev in new_events.iter_rows(named=True):
        kind = (str(ev["event_type"]), _cls(ev["modality"]))
        if not is_symmetric(kind[0]):
            plain.add(
                (
                    *kind,
                    _party(ev["actor_entity_id"], ev["actor"]),
                    _party(ev["target_entity_id"], ev["target"]),
                )
            )
            continue
        keys = _sym_parties(ev)
        if keys is None:
            sym_any.add(kind)
        sym.setdefault(kind, set()).update(keys or ())
    out: list[str] = []
    for ev in window.iter_rows(named=True):
        kind = (str(ev["event_type"]), _cls(ev["modality"]))
        if not is_symmetric(kind[0]):
            side = (_party(ev["actor_entity_id"], ev["actor"]), _party(ev["target_entity_id"], ev["target"]))
            if (*kind, *side) in plain:
                out.append(str(ev["event_id"]))
        elif kind in sym:
            keys = _sym_parties(ev)
            if kind in sym_any or keys is None or keys & sym[kind]:
                out.append(str(ev["event_id"]))
    return out


def _no_day_events(
    new_x: pl.DataFrame, new_ev_mentions: pl.DataFrame, new_events: pl.DataFrame, article_days: pl.DataFrame
) -> pl.DataFrame:
    """Returns the rows of ``new_events`` (the new mentions merged alone) holding a mention with
    neither an event date nor a publication day."""
    undated = (
        new_x.filter(pl.col("event_date").is_null())
        .join(article_days, on="article_id", how="left")
        .filter(pl.col("__pub").is_null())
        .select("article_id", "trigger_start")
    )
    if undated.is_empty():
        return new_events.clear()
    ids = new_ev_mentions.join(undated, on=["article_id", "trigger_start"], how="semi")["event_id"]
    return new_events.filter(pl.col("event_id").is_in(ids.unique().implode()))


def merge_window(
    prev_events: pl.DataFrame,
    prev_event_mentions: pl.DataFrame,
    prev_quotes: pl.DataFrame,
    x_events: pl.DataFrame,
    new_articles: list[str],
    entity_mentions: pl.DataFrame,
    entities: pl.DataFrame,
    article_days: pl.DataFrame,
    window_days: int = WINDOW_DAYS,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Returns (events, event_mentions, quotes, stats) with the new articles' event mentions merged in.

    ``x_events`` holds the x_event_mentions of the whole input (old and new articles);
    ``article_days`` article_id and ``__pub`` (publication day); ``entity_mentions`` and
    ``entities`` are resolved already, for every article. The old events whose day (date, else
    first publication day) lies within ``window_days`` of a new mention's day (date, else its
    article's day) and that may share a merge group (category, class, parties) with a new mention
    are merged again with them, from their x rows; the rest are kept (merging them again would
    give them back unchanged: groups never merge across keys).
    Quotes of the articles touched are linked to events again; ``prev_quotes`` must hold every
    article's quotes (the new ones with ``event_id`` unset).
    """
    new = pl.col("article_id").is_in(new_articles)
    new_x = x_events.filter(new)
    stats = {"window_events_before": 0, "window_events_after": 0, "new_event_mentions": new_x.height}
    if new_x.is_empty():
        return prev_events, prev_event_mentions, prev_quotes, stats
    days = new_x.join(article_days, on="article_id", how="left").select(
        pl.coalesce("event_date", "__pub").alias("d")
    )["d"]
    lo, hi = days.min(), days.max()
    if isinstance(lo, dt.date) and isinstance(hi, dt.date):
        span = dt.timedelta(days=window_days)
        in_window = pl.col("__day").is_between(lo - span, hi + span) | pl.col("__day").is_null()
    else:  # no new mention has a day: undated events only
        in_window = pl.col("__day").is_null()
    # Mentions merge only within one category: events of other categories stay as they are.
    types = new_x["event_type"].unique().implode()
    same_type = prev_events.filter(pl.col("event_type").is_in(types))
    in_days = _event_days(same_type, article_days).filter(in_window)["event_id"]
    # Of those, only the events that may share a merge group with a new one: the new mentions
    # merged alone show their groups (a group's mentions are all of one article or linked already).
    new_events, new_ev_mentions = resolve_events(
        new_x, entity_mentions.filter(new), entities, article_days=article_days
    )
    window = same_type.filter(pl.col("event_id").is_in(in_days.implode()))
    found = _same_group_possible(window, new_events)
    # A mention with neither a date nor a publication day joins its group's largest run of any
    # day: the old events of those groups are in the window whatever their day.
    no_day = _no_day_events(new_x, new_ev_mentions, new_events, article_days)
    if not no_day.is_empty():
        anyday = same_type.filter(
            pl.col("event_type").is_in(no_day["event_type"].unique().implode())
            & ~pl.col("event_id").is_in(in_days.implode())
        )
        found += _same_group_possible(anyday, no_day)
    ids = pl.Series("event_id", found, dtype=pl.String)
    stats["window_events_before"] = ids.len()
    old_rows = (
        prev_event_mentions.filter(pl.col("event_id").is_in(ids.implode()))
        .join(prev_events.select("event_id", "event_type"), on="event_id")
        .select("article_id", "trigger_start", "event_type")
        .unique()
    )
    old_x = x_events.filter(~new).join(old_rows, on=["article_id", "trigger_start", "event_type"], how="semi")
    touched = pl.concat([old_x["article_id"], new_x["article_id"]]).unique()
    w_x = pl.concat([old_x, new_x], how="vertical_relaxed")
    w_mentions = entity_mentions.filter(pl.col("article_id").is_in(touched.implode()))
    w_events, w_ev_mentions = resolve_events(w_x, w_mentions, entities, article_days=article_days)
    stats["window_events_after"] = w_events.height
    kept = ~pl.col("event_id").is_in(ids.implode())
    events = pl.concat([prev_events.filter(kept), w_events]).unique(
        "event_id", keep="last", maintain_order=True
    )
    ev_mentions = pl.concat([prev_event_mentions.filter(kept), w_ev_mentions])
    # Quotes of the touched articles: linked again to the events as merged now.
    in_touched = pl.col("article_id").is_in(touched.implode())
    relinked = link_quotes_to_events(
        prev_quotes.filter(in_touched).with_columns(pl.lit(None, dtype=pl.String).alias("event_id")),
        ev_mentions.filter(in_touched),
        x_events.filter(in_touched),
    )
    quotes = pl.concat([prev_quotes.filter(~in_touched), relinked], how="vertical_relaxed")
    return (
        schema.conform(events, schema.EVENTS),
        schema.conform(ev_mentions, schema.EVENT_MENTIONS),
        schema.conform(quotes, schema.QUOTES),
        stats,
    )
