"""The resolve stage's work, pure: the whole corpus at once (:func:`resolve_all`), or only the new
articles against the entity registry of an earlier run (:func:`resolve_new`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from transforms import entities, events, quotes, schema
from transforms.entities.registry import alias_index, link_batch, registry_changes, with_changes
from transforms.events.merge_window import WINDOW_DAYS, merge_window

# The resolved tables, in the order the stage writes them.
RESOLVED = ("entities", "entity_mentions", "entity_merges", "quotes", "events", "event_mentions")
XTables = Mapping[str, pl.DataFrame]  # x_entity_mentions, x_entity_aliases, x_quotes, x_event_mentions


def resolve_all(
    x: XTables, article_days: pl.DataFrame | None = None, between: Callable[[], None] | None = None
) -> dict[str, pl.DataFrame]:
    """Resolves every article: canonical entities, quotes and events of the whole corpus.
    ``article_days`` (article_id, ``__pub``) keeps undated event mentions of distant days apart.
    Each x table is looked up in ``x`` when its step comes (``x`` may read it then); ``between``
    is called once the entities are resolved (the caller may give freed memory back then)."""
    ents, mentions, merges = entities.resolve_entities(x["x_entity_mentions"])
    if between is not None:
        between()
    ents, merges = entities.add_headline_aliases(ents, merges, x["x_entity_aliases"])
    qs = quotes.resolve_quotes(x["x_quotes"], mentions, ents)
    evs, ev_mentions = events.resolve_events(x["x_event_mentions"], mentions, ents, article_days=article_days)
    qs = events.link_quotes_to_events(qs, ev_mentions, x["x_event_mentions"])
    out = dict(zip(RESOLVED, (ents, mentions, merges, qs, evs, ev_mentions), strict=True))
    return {k: schema.conform(v, schema.TABLES[k]) for k, v in out.items()}


# The columns of the previous registry that :func:`record_changes` reads.
CHANGE_COLUMNS = {
    "entities": ["entity_id", "name"],
    "entity_mentions": ["article_id", "start", "end", "entity_id"],
}


def record_changes(out: dict[str, pl.DataFrame], prev: dict[str, pl.DataFrame]) -> int:
    """Adds to ``out["entity_merges"]`` how a full re-resolve changed the previous registry
    (``prev``'s entities and mentions, at least :data:`CHANGE_COLUMNS`); returns the number of
    change rows."""
    changes = registry_changes(prev["entity_mentions"], prev["entities"], out["entity_mentions"])
    out["entity_merges"] = with_changes(out["entity_merges"], changes)
    return changes.height


def resolve_new(
    prev: dict[str, pl.DataFrame],
    x: XTables,
    new_articles: list[str],
    article_days: pl.DataFrame,
    window_days: int = WINDOW_DAYS,
) -> tuple[dict[str, pl.DataFrame], dict[str, int]]:
    """Returns the resolved tables of old and new articles, and counts of what was linked how.

    ``prev`` holds the resolved tables of the old articles (the registry); ``x`` the x tables of
    the whole input; ``new_articles`` the articles ``prev`` does not cover; ``article_days``
    article_id and ``__pub`` (publication day). The new mentions are resolved among themselves and
    linked to the registry (:func:`transforms.entities.registry.link_batch`); the old articles'
    rows are kept; quotes of new articles are attributed; events within ``window_days`` of the new
    ones are merged again (:func:`transforms.events.merge_window.merge_window`).
    """
    if not new_articles:  # nothing new: the registry's rows are the result
        return {k: schema.conform(prev[k], schema.TABLES[k]) for k in RESOLVED}, {"new": 0}
    is_new = pl.col("article_id").is_in(new_articles)
    b_ents, b_mentions, b_merges = entities.resolve_entities(x["x_entity_mentions"].filter(is_new))
    index = alias_index(prev["entities"], prev["entity_merges"])
    x_new = x["x_entity_mentions"].filter(is_new & pl.col("title").is_not_null())
    titled = frozenset(zip(x_new["article_id"].to_list(), x_new["start"].to_list(), strict=True))
    linked = link_batch(
        prev["entities"],
        prev["entity_merges"],
        index,
        b_ents,
        b_mentions,
        b_merges,
        prev["entity_mentions"],
        titled,
    )
    ents, merges = entities.add_headline_aliases(
        linked.entities, linked.merges, x["x_entity_aliases"].filter(is_new)
    )
    mentions = pl.concat([prev["entity_mentions"], linked.mentions])
    new_quotes = quotes.resolve_quotes(x["x_quotes"].filter(is_new), linked.mentions, ents)
    all_quotes = pl.concat([prev["quotes"], new_quotes], how="vertical_relaxed")
    evs, ev_mentions, qs, ev_stats = merge_window(
        prev["events"],
        prev["event_mentions"],
        all_quotes,
        x["x_event_mentions"],
        new_articles,
        mentions,
        ents,
        article_days,
        window_days,
    )
    # A quote group's article count spans old and new articles.
    qs = qs.with_columns(
        pl.col("article_id").n_unique().over("quote_group_id").cast(pl.Int64).alias("n_articles")
    )
    out = dict(zip(RESOLVED, (ents, mentions, merges, qs, evs, ev_mentions), strict=True))
    return {k: schema.conform(v, schema.TABLES[k]) for k, v in out.items()}, {**linked.stats, **ev_stats}


# An incremental run links at most this share of new articles (of those the registry covers);
# beyond it a full resolve costs little more and follows the rules exactly.
MAX_NEW_SHARE = 0.25


def plan(registry_articles: pl.DataFrame | None, articles: pl.DataFrame) -> list[str] | None:
    """Returns the articles to resolve against the registry, or None when the run must resolve
    everything: no registry, an article of the registry changed (its signature) or left the input,
    or more than :data:`MAX_NEW_SHARE` are new. Both frames: ``schema.REGISTRY_ARTICLES``."""
    if registry_articles is None or registry_articles.is_empty():
        return None
    both = registry_articles.join(articles, on="article_id", how="left", suffix="_now")
    if both.filter(
        pl.col("signature_now").is_null() | (pl.col("signature_now") != pl.col("signature"))
    ).height:
        return None
    new = articles.join(registry_articles, on="article_id", how="anti")["article_id"].sort().to_list()
    if len(new) > MAX_NEW_SHARE * registry_articles.height:
        return None
    return new


def warm() -> None:
    """Loads the gazetteers the entity rules consult (about a second, once per process), so a
    caller waiting on other processes can have it done before resolving."""
    from transforms.entities import geo

    geo.city("")
    geo.country_code("")


def publication_days(articles: pl.DataFrame) -> pl.DataFrame:
    """Returns article_id and ``__pub`` (the publication day, a date; null when unknown)."""
    return articles.select("article_id", pl.col("published_at").cast(pl.Date).alias("__pub"))
