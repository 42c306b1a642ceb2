"""Which date partition each published row belongs to (pure: frames in, key columns out).

Articles are partitioned by their publication day, their mentions, quotes and event mentions by
their article's day (a mention lives in its article's partition), events by their own date, else
the earliest day of the articles reporting them. Rows with no day at all go to
:data:`~transforms.schema.UNDATED` rather than to a null partition, so the same rows always land in
the same partition (the ingest day would move them on every run and break file sharing).
"""

from __future__ import annotations

import polars as pl

from transforms import schema

_DAY_FORMAT = "%Y-%m-%d"


def _day(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime(_DAY_FORMAT)


# The columns each partitioned table's key is computed from.
KEY_COLUMNS = {
    schema.ARTICLES.name: ("article_id", "published_at"),
    schema.EVENTS.name: ("event_id", "event_date", "article_ids"),
}


def key_columns(table: schema.Table) -> tuple[str, ...]:
    """Returns the columns the partition key of ``table`` is computed from."""
    return KEY_COLUMNS.get(table.name, ("article_id",))


def article_days(articles: pl.DataFrame) -> pl.DataFrame:
    """Returns ``article_id`` → ``day`` (YYYY-MM-DD, null when the article has no date)."""
    if not set(key_columns(schema.ARTICLES)) <= set(articles.columns):
        return pl.DataFrame(schema={"article_id": pl.String, "day": pl.String})
    return articles.select("article_id", _day(pl.col("published_at")).alias("day"))


def partition_keys(frame: pl.DataFrame, table: schema.Table, days: pl.DataFrame) -> pl.Series:
    """Returns the partition key of every row of ``frame`` (a frame of the published ``table``, in
    its order), given the articles' days ``days`` (:func:`article_days`). Raises ``ValueError`` for a
    table that is not partitioned."""
    if table.partition is None:
        raise ValueError(f"{table.name} is not partitioned")
    name = table.partition.name
    if table.name == schema.ARTICLES.name:
        key = frame.select(_day(pl.col("published_at"))).to_series()
    elif table.name == schema.EVENTS.name:
        key = _event_days(frame, days)
    else:
        key = frame.select("article_id").join(days, on="article_id", how="left", maintain_order="left")["day"]
    return key.fill_null(schema.UNDATED).alias(name)


def _event_days(events: pl.DataFrame, days: pl.DataFrame) -> pl.Series:
    """Returns each event's day: its event_date, else the earliest day of its articles."""
    earliest = (
        events.select("event_id", "article_ids")
        .explode("article_ids")
        .join(days, left_on="article_ids", right_on="article_id", how="inner")
        .group_by("event_id")
        .agg(pl.col("day").min().alias("first_day"))
    )
    return (
        events.select("event_id", _day(pl.col("event_date")).alias("own"))
        .join(earliest, on="event_id", how="left", maintain_order="left")
        .select(pl.coalesce("own", "first_day"))
        .to_series()
    )


def split(frame: pl.DataFrame, keys: pl.Series) -> list[tuple[str, pl.DataFrame]]:
    """Returns ``(key, rows)`` per partition, sorted by key, each keeping ``frame``'s row order."""
    if frame.height != keys.len():
        raise ValueError("one partition key per row")
    tagged = frame.with_columns(keys.alias("__partition"))
    parts = tagged.partition_by("__partition", as_dict=True, maintain_order=True, include_key=False)
    return sorted((str(k[0]), rows) for k, rows in parts.items())
