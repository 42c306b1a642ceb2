"""The entity registry: new articles' mentions linked against the canonical entities of earlier runs,
and the merges and splits a full re-resolve makes against them.

The registry is the previous resolve's ``entities`` and ``entity_merges`` with an alias index
(:func:`alias_index`). An incremental run resolves the new articles' mentions among themselves with
the usual rules (:func:`transforms.entities.resolve_entities`), then :func:`link_batch` maps each new
cluster to the registry entity that holds one of its shared name keys: the key a full run would put
both in one node by. Bare surnames, given names and titled forms link inside their article, so they
are no keys; a bare surname whose article names nobody of that name links to the registry person
the corpus already calls by it alone (rule ``surname_prominent`` in the registry).
Cost: joins on the name key, n log n in the registry's aliases plus the batch.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import polars as pl

from transforms import schema
from transforms.entities.geo import country_code
from transforms.entities.graph import _vote, name_key
from transforms.entities.persons import parse_person

# Rules that join a form inside one article (or from a headline): the form is no key of its own.
BARE_RULES = frozenset(
    {"surname", "given_name", "surname_title", "surname_prominent", "title", "related_headline"}
)
# Unlinked bare surnames the registry may settle: nobody of the batch had the name, or one person
# did without evidence.
_ORPHAN_NOTES = ("no_full_name", "surname_without_evidence")


def alias_index(entities: pl.DataFrame, merges: pl.DataFrame) -> pl.DataFrame:
    """Returns the ``schema.ENTITY_ALIASES`` rows of a registry: the forms of ``merges`` joined by a
    rule other than :data:`BARE_RULES`, by name key (entities without a merge row: their name)."""
    shared = merges.filter(~pl.col("rule").is_in(list(BARE_RULES))).select("entity_id", "alias", "rule")
    named = entities.select("entity_id", pl.col("name").alias("alias"), pl.lit("canonical").alias("rule"))
    rows = pl.concat([shared, named]).unique(["entity_id", "alias"], keep="first", maintain_order=True)
    keyed = rows.with_columns(
        pl.col("alias").map_elements(name_key, return_dtype=pl.String).alias("alias_key")
    )
    return schema.conform(keyed, schema.ENTITY_ALIASES)


@dataclass
class Linked:
    """What :func:`link_batch` returns: the registry grown by a batch, and how the batch was linked."""

    entities: pl.DataFrame  # the registry's entities with the batch's counts and aliases, and new ones
    mentions: pl.DataFrame  # the batch's entity mentions, linked to registry ids
    merges: pl.DataFrame  # the registry's merge rows and the batch's, keyed by registry ids
    stats: dict[str, int] = field(default_factory=dict)


def _person_key(alias: str) -> str | None:
    """Returns the key two full person names share when the full run joins them by rule
    ``translit`` (same transliteration keys of given name and surname, same suffix, same first
    middle initial or none), or None for a form that is no full person name."""
    if country_code(name_key(alias)) is not None:
        return None
    name = parse_person(alias)
    if name is None or name.given is None:
        return None
    middle = name.middles[0][:1] if name.middles else ""
    return f"\x00{name.given_key}|{middle}|{name.surname_key}|{name.suffix or ''}"


def _person_keys(index: pl.DataFrame, ents: pl.DataFrame) -> pl.DataFrame:
    """Returns entity_id and ``alias_key`` (:func:`_person_key`) of the aliases of ``index`` whose
    entity is a PERSON in ``ents``: the transliteration keys the full run compares people by."""
    people = ents.filter(pl.col("type") == "PERSON").select("entity_id")
    rows = index.join(people, on="entity_id", how="semi").filter(pl.col("alias").str.contains(r"\S\s+\S"))
    return (
        rows.select(
            "entity_id",
            pl.col("alias").map_elements(_person_key, return_dtype=pl.String).alias("alias_key"),
        )
        .drop_nulls("alias_key")
        .unique()
    )


def _mapping(
    index: pl.DataFrame, batch_ents: pl.DataFrame, batch_merges: pl.DataFrame, reg_entities: pl.DataFrame
) -> tuple[dict[str, str], int]:
    """Returns each batch entity's registry id (itself when new) and how many batch entities met
    several registry entities (kept with the one of their own id, else the most mentioned: a full
    run might merge those; counted, not guessed further)."""
    batch_index = alias_index(batch_ents, batch_merges)
    keys = batch_index.select(pl.col("entity_id").alias("batch_id"), "alias_key")
    reg = index.select("alias_key", "entity_id").unique()
    # People: the full run joins two full names of one transliteration key (rule ``translit``).
    b_people = _person_keys(batch_index, batch_ents)
    if not b_people.is_empty():
        r_people = _person_keys(index, reg_entities)
        keys = pl.concat([keys, b_people.rename({"entity_id": "batch_id"})])
        reg = pl.concat([reg, r_people.select("alias_key", "entity_id")]).unique()
    hits = keys.join(reg, on="alias_key", how="inner").select("batch_id", "entity_id").unique()
    by_batch = hits.group_by("batch_id").agg(pl.col("entity_id").sort())
    mapping = {eid: eid for eid in batch_ents["entity_id"].to_list()}
    ambiguous = 0
    for bid, found in by_batch.iter_rows():
        if len(found) == 1:
            mapping[bid] = found[0]
        else:
            ambiguous += 1
            mapping[bid] = bid if bid in found else found[0]
    return mapping, ambiguous


def _prominent_bearers(merges: pl.DataFrame) -> dict[str, str]:
    """Returns the bare surnames the registry links to exactly one person across articles."""
    rows = merges.filter(pl.col("rule") == "surname_prominent").select("alias", "entity_id").unique()
    one = (
        rows.group_by("alias").agg(pl.col("entity_id").first(), pl.len().alias("n")).filter(pl.col("n") == 1)
    )
    return dict(zip(one["alias"].to_list(), one["entity_id"].to_list(), strict=True))


def _relink(
    mentions: pl.DataFrame,
    reg_entities: pl.DataFrame,
    reg_merges: pl.DataFrame,
    index: pl.DataFrame,
    batch_ents: pl.DataFrame,
    reg_mentions: pl.DataFrame | None = None,
    titled: frozenset[tuple[str, int]] = frozenset(),
) -> tuple[pl.DataFrame, pl.DataFrame, set[tuple[str, str]]]:
    """Returns the batch's mentions with the registry's word on single forms, and their merge rows.

    What the batch alone cannot know, the registry tells: a form the registry holds as a shared key
    of one entity is that entity where the batch left it unlinked ("Vilnius" tagged PERSON once) or
    took a word tagged other than PERSON for a person's surname (the firm "Doe" beside "Jane Doe");
    an unlinked bare surname the registry links across articles to one person
    (``surname_prominent``) is that person. Also returns the (batch entity, form) pairs whose every
    mention was taken away from that entity: it no longer has the form as an alias.

    As in the full run, an unlinked form joins the registry's entity only untitled and where the
    corpus's labels of the form (registry and batch, :func:`_person_voted`) are not mostly PERSON:
    else the full run keeps it apart as a bare name."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for k, eid in index.select("alias_key", "entity_id").iter_rows():
        by_key[k].add(eid)
    types = dict(zip(reg_entities["entity_id"].to_list(), reg_entities["type"].to_list(), strict=True))
    types.update(
        (e, t)
        for e, t in zip(batch_ents["entity_id"].to_list(), batch_ents["type"].to_list(), strict=True)
        if e not in types
    )
    prominent = _prominent_bearers(reg_merges)
    ids: list[str | None] = []
    rows: list[dict[str, str]] = []
    moved: set[tuple[str, str]] = set()
    kept: set[tuple[str, str]] = set()
    personish = _person_voted(mentions, reg_mentions, set(by_key))
    cols = mentions.select("article_id", "start", "text", "label", "entity_id", "link_note")
    for art, start, text, label, eid, note in cols.iter_rows():
        form = " ".join(str(text).split())
        key = name_key(form)
        hits = by_key.get(key, set())
        hit = next(iter(hits)) if len(hits) == 1 else None
        new = eid
        bare = (art, start) in titled or key in personish  # the full run's bare name: no shared node
        if eid is None and note in _ORPHAN_NOTES and hit is not None and not bare:
            new, why = hit, ("exact", "a form the registry holds for this entity")
        elif eid is None and note in _ORPHAN_NOTES and form in prominent:
            new, why = prominent[form], ("surname_prominent", "the registry's one person called so alone")
        elif (
            eid is not None
            and hit is not None
            and hit != eid
            and label != "PERSON"
            and types.get(eid) == "PERSON"
            and types.get(hit) != "PERSON"
        ):
            new, why = hit, ("exact", "a form the registry holds for this entity, not a surname")
        if new != eid and new is not None:
            rows.append({"entity_id": new, "alias": form, "rule": why[0], "evidence": why[1]})
            if eid is not None:
                moved.add((eid, form))
        elif eid is not None:
            kept.add((eid, form))
        ids.append(new)
    out = mentions.with_columns(pl.Series("entity_id", ids, dtype=pl.String)).with_columns(
        pl.when(pl.col("entity_id").is_null()).then(pl.col("link_note")).alias("link_note")
    )
    extra = pl.DataFrame(rows, schema=schema.ENTITY_MERGES.polars_schema).unique(
        ["entity_id", "alias"], keep="first", maintain_order=True
    )
    return out, extra, moved - kept


def _person_voted(mentions: pl.DataFrame, reg_mentions: pl.DataFrame | None, known: set[str]) -> set[str]:
    """Returns the name keys of the batch's unlinked orphan forms that the registry holds
    (``known``) and whose labels over registry and batch vote PERSON (the full run's vote, ties
    as :func:`transforms.entities.graph._vote`): the full run keeps such a form a bare name.
    Only when the batch has such forms are the registry's mentions counted."""
    orphans = mentions.filter(pl.col("entity_id").is_null() & pl.col("link_note").is_in(list(_ORPHAN_NOTES)))
    keys = {
        k for t in orphans["text"].unique().to_list() if (k := name_key(" ".join(str(t).split()))) in known
    }
    if not keys:
        return set()
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    frames = [mentions] if reg_mentions is None else [mentions, reg_mentions]
    for frame in frames:
        counted = frame.group_by("text", "label").agg(pl.len().alias("n"))
        for text, label, n in counted.iter_rows():
            k = name_key(" ".join(str(text).split()))
            if k in keys:
                votes[k][str(label)] += n
    return {k for k, c in votes.items() if _vote(c) == "PERSON"}


def _translit_rows(merges: pl.DataFrame, reg_entities: pl.DataFrame) -> pl.DataFrame:
    """Returns batch merge rows (registry ids) where a batch name that joined a registry person by
    its transliteration key says so (rule ``translit``, as the full run records it), not
    ``canonical``: the registry's name stays the canonical one."""
    names = reg_entities.filter(pl.col("type") == "PERSON").select(
        "entity_id", pl.col("name").alias("__name")
    )
    rows = merges.join(names, on="entity_id", how="left")
    alias, name = rows["alias"].to_list(), rows["__name"].to_list()
    flip = [
        r == "canonical" and n is not None and name_key(a) != name_key(n) and _person_key(a) == _person_key(n)
        for a, n, r in zip(alias, name, rows["rule"].to_list(), strict=True)
    ]
    if not any(flip):
        return merges
    why = [
        f"{a} ~ {n}: transliteration key" if f else None for a, n, f in zip(alias, name, flip, strict=True)
    ]
    mask = pl.Series(flip, dtype=pl.Boolean)
    return merges.with_columns(
        pl.when(mask).then(pl.lit("translit")).otherwise(pl.col("rule")).alias("rule"),
        pl.when(mask).then(pl.Series(why, dtype=pl.String)).otherwise(pl.col("evidence")).alias("evidence"),
    )


def _without(frame: pl.DataFrame, pairs: set[tuple[str, str]]) -> pl.DataFrame:
    """Returns batch ``frame`` (merge rows: entity_id, alias) without the rows of ``pairs``."""
    if not pairs:
        return frame
    drop = pl.DataFrame(
        {"entity_id": [e for e, _ in pairs], "alias": [a for _, a in pairs]},
        schema={"entity_id": pl.String, "alias": pl.String},
    )
    return frame.join(drop, on=["entity_id", "alias"], how="anti")


def _drop_aliases(ents: pl.DataFrame, pairs: set[tuple[str, str]]) -> pl.DataFrame:
    """Returns batch entities ``ents`` with the forms of ``pairs`` taken out of their aliases."""
    if not pairs:
        return ents
    gone: dict[str, set[str]] = defaultdict(set)
    for e, a in pairs:
        gone[e].add(a)
    kept = [
        [a for a in al if a not in gone.get(e, set())]
        for e, al in zip(ents["entity_id"].to_list(), ents["aliases"].to_list(), strict=True)
    ]
    return ents.with_columns(pl.Series("aliases", kept, dtype=pl.List(pl.String)))


def link_batch(
    reg_entities: pl.DataFrame,
    reg_merges: pl.DataFrame,
    index: pl.DataFrame,
    batch_ents: pl.DataFrame,
    batch_mentions: pl.DataFrame,
    batch_merges: pl.DataFrame,
    reg_mentions: pl.DataFrame | None = None,
    titled: frozenset[tuple[str, int]] = frozenset(),
) -> Linked:
    """Links a batch resolved on its own (``resolve_entities`` of the new articles' mentions) to the
    registry (its entities, merge rows and :func:`alias_index`). Returns the grown registry and the
    batch's mentions with registry ids (see :class:`Linked`). Registry entities keep their id and
    name; their counts, articles and aliases grow. ``reg_mentions`` (the registry's entity
    mentions) and ``titled`` (the batch mentions written with a title, by article and start) tell
    whether the full run would put an unlinked batch form in the node of the registry's entity."""
    mapping, ambiguous = _mapping(index, batch_ents, batch_merges, reg_entities)
    mentions, orphan_rows, moved = _relink(
        batch_mentions.with_columns(pl.col("entity_id").replace(mapping)),
        reg_entities,
        reg_merges,
        index,
        batch_ents,
        reg_mentions,
        titled,
    )
    # A form whose mentions the registry took elsewhere is no alias (nor merge row) of the batch
    # entity any more: aliases and merge rows say only what some mention is linked to.
    new_merges = _translit_rows(
        _without(batch_merges.with_columns(pl.col("entity_id").replace(mapping)), moved), reg_entities
    )
    merges = pl.concat([reg_merges, new_merges, orphan_rows]).unique(
        ["entity_id", "alias"], keep="first", maintain_order=True
    )
    entities = _grow(reg_entities, batch_ents, mapping, mentions, orphan_rows, moved)
    merges = merges.filter(pl.col("entity_id").is_in(entities["entity_id"].implode()))
    known = set(reg_entities["entity_id"].to_list())
    stats = {
        "batch_entities": batch_ents.height,
        "matched": sum(1 for b, r in mapping.items() if b != r or r in known),
        "ambiguous": ambiguous,
        "relinked_forms": orphan_rows.height,
    }
    stats["new"] = stats["batch_entities"] - stats["matched"]
    return Linked(
        schema.conform(entities, schema.ENTITIES),
        schema.conform(mentions, schema.ENTITY_MENTIONS),
        schema.conform(merges, schema.ENTITY_MERGES),
        stats,
    )


def _grow(
    reg_entities: pl.DataFrame,
    batch_ents: pl.DataFrame,
    mapping: dict[str, str],
    mentions: pl.DataFrame,
    orphan_rows: pl.DataFrame,
    moved: set[tuple[str, str]],
) -> pl.DataFrame:
    """Returns the registry's entities with the batch's mentions counted in (and its aliases added,
    but for the ``moved`` forms), followed by the batch's new entities."""
    known = set(reg_entities["entity_id"].to_list())
    mapped = _drop_aliases(batch_ents.with_columns(pl.col("entity_id").replace(mapping)), moved)
    fresh = mapped.filter(~pl.col("entity_id").is_in(list(known)))
    added_aliases = (
        pl.concat(
            [
                mapped.filter(pl.col("entity_id").is_in(list(known)))
                .select("entity_id", "aliases")
                .explode("aliases"),
                orphan_rows.select("entity_id", pl.col("alias").alias("aliases")),
            ]
        )
        .group_by("entity_id")
        .agg(pl.col("aliases").alias("__al"))
    )
    counts = (
        mentions.drop_nulls("entity_id")
        .group_by("entity_id")
        .agg(pl.len().alias("__n"), pl.col("article_id").unique().sort().alias("__arts"))
    )
    # A new entity counts the mentions left to it (the registry may have taken some); none: gone.
    fresh = (
        fresh.join(counts, on="entity_id", how="inner")
        .with_columns(
            pl.col("__n").cast(pl.Int64).alias("n_mentions"),
            pl.col("__arts").alias("article_ids"),
            pl.col("__arts").list.len().cast(pl.Int64).alias("n_articles"),
        )
        .drop("__n", "__arts")
    )
    empty = pl.lit([], dtype=pl.List(pl.String))
    grown = (
        reg_entities.join(counts, on="entity_id", how="left")
        .join(added_aliases, on="entity_id", how="left")
        .with_columns(
            (pl.col("n_mentions") + pl.col("__n").fill_null(0)).alias("n_mentions"),
            pl.concat_list("article_ids", pl.col("__arts").fill_null(empty))
            .list.unique()
            .list.sort()
            .alias("article_ids"),
            pl.concat_list("aliases", pl.col("__al").fill_null(empty))
            .list.unique()
            .list.sort()
            .alias("aliases"),
        )
        .with_columns(pl.col("article_ids").list.len().cast(pl.Int64).alias("n_articles"))
        .drop("__n", "__arts", "__al")
    )
    return pl.concat([grown, schema.conform(fresh, schema.ENTITIES)], how="vertical_relaxed")


# Blocks of articles registry_changes matches the mentions of separately.
_CHANGE_BLOCKS = 8


def registry_changes(
    prev_mentions: pl.DataFrame, prev_entities: pl.DataFrame, mentions: pl.DataFrame
) -> pl.DataFrame:
    """Returns ``schema.ENTITY_MERGES`` rows recording how a full re-resolve changed the previous
    registry: for every new entity holding mentions of a previous entity with another id, a row
    whose alias is the previous canonical name and whose rule is ``registry_merge`` (several previous
    entities are now this one), ``registry_split`` (the previous entity's mentions now go to several)
    or ``registry_rename`` (the same mentions under a new canonical name). Mentions are matched by
    article and offsets; none when nothing changed."""
    key = ["article_id", "start", "end"]
    old = prev_mentions.drop_nulls("entity_id").select(*key, pl.col("entity_id").alias("old"))
    now = mentions.drop_nulls("entity_id").select(*key, "entity_id")
    # Matched by blocks of articles: one block's join in memory at a time, not the corpus's.
    block = pl.col("article_id").hash(seed=11) % _CHANGE_BLOCKS
    parts = [
        old.filter(block == b)
        .join(now.filter(block == b), on=key, how="inner")
        .select("old", "entity_id")
        .unique()
        for b in range(_CHANGE_BLOCKS)
    ]
    del old, now
    pairs = pl.concat(parts).unique()
    n_new = pairs.group_by("old").agg(pl.len().alias("n_new"))
    n_old = pairs.group_by("entity_id").agg(pl.len().alias("n_old"))
    names = prev_entities.select(pl.col("entity_id").alias("old"), pl.col("name").alias("alias"))
    changed = (
        pairs.filter(pl.col("old") != pl.col("entity_id"))
        .join(n_new, on="old")
        .join(n_old, on="entity_id")
        .join(names, on="old")
        .with_columns(
            pl.when(pl.col("n_old") > 1)
            .then(pl.lit("registry_merge"))
            .when(pl.col("n_new") > 1)
            .then(pl.lit("registry_split"))
            .otherwise(pl.lit("registry_rename"))
            .alias("rule"),
            pl.format("previous registry entity {} ({})", pl.col("old"), pl.col("alias")).alias("evidence"),
        )
    )
    return schema.conform(changed.select("entity_id", "alias", "rule", "evidence"), schema.ENTITY_MERGES)


def with_changes(merges: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Returns ``merges`` with the :func:`registry_changes` rows recorded: appended, or, where the
    previous name is already an alias of the entity, said in that row's evidence."""
    if changes.is_empty():
        return merges
    note = changes.select(
        "entity_id", "alias", pl.format("{}: {}", pl.col("rule"), pl.col("evidence")).alias("__change")
    )
    noted = merges.join(note, on=["entity_id", "alias"], how="left").with_columns(
        pl.when(pl.col("__change").is_null())
        .then(pl.col("evidence"))
        .otherwise(pl.concat_str([pl.col("evidence"), pl.col("__change")], separator="; ", ignore_nulls=True))
        .alias("evidence")
    )
    extra = changes.join(merges.select("entity_id", "alias"), on=["entity_id", "alias"], how="anti")
    return schema.conform(pl.concat([noted.drop("__change"), extra]), schema.ENTITY_MERGES)
