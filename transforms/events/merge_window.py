"""Event merging for an incremental run: only the events of the new mentions' categories within a
window of days around them are merged again, with the new mentions; the others are kept as they are."""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms import schema
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
    article's day) and of a category of the new mentions are merged again with them, from their x
    rows; the rest are kept.
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
    ids = _event_days(same_type, article_days).filter(in_window)["event_id"]
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
