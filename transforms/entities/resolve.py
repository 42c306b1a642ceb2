"""The per-corpus step: canonical entities from the mentions of the whole corpus, and the aliases
seen in related-story headlines."""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from typing import Any

import polars as pl

from transforms import schema
from transforms.entities.canonical import _canonical
from transforms.entities.geo import _CITY_MIN_POP_FOR_TYPE, _geocode, city
from transforms.entities.graph import (
    _build_nodes,
    _Graph,
    _node_country,
    _Rows,
    _UnionFind,
    _vote,
    mention_rows,
)
from transforms.entities.keys import fold
from transforms.entities.merge import _merge_acronyms, _merge_countries, _merge_longer_forms, _merge_people
from transforms.entities.persons import PersonName, parse_person, same_person
from transforms.entities.rules import _given_names
from transforms.entities.surnames import _merge_surnames
from transforms.ids import stable_id


def _known_given(form: str) -> bool:
    """True for a person name whose given name is in the given-names lexicon."""
    name = parse_person(form)
    return name is not None and name.given is not None and name.given in _given_names()


def _title_case(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def resolve_entities(x_mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Clusters the corpus's entity mentions into canonical entities.

    Returns (entities, entity_mentions, entity_merges), conformed to ``schema.ENTITIES``,
    ``schema.ENTITY_MENTIONS`` and ``schema.ENTITY_MERGES``. Deterministic: the same mentions in
    any row order give the same rows and ids (``stable_id("e", name, type)``).
    """
    cols = ["article_id", "start", "end", "text", "label", "title"]
    frame = x_mentions
    if "title" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("title"))
    frame = frame.select(cols).unique(["article_id", "start", "end"], keep="first", maintain_order=False)
    frame = frame.sort(["article_id", "start", "end", "text", "label"], nulls_last=True)
    del x_mentions  # the caller's copy may be the only other one: not held through the merges
    rows = mention_rows(frame)

    nodes, node_ids = _build_nodes(rows)
    g = _Graph(nodes=nodes, uf=_UnionFind(len(nodes)))
    _merge_countries(g)
    _merge_longer_forms(g, rows, node_ids)
    _merge_acronyms(g, rows, node_ids)
    _merge_people(g)
    _merge_surnames(g)
    return _tables(g, rows, node_ids, frame)


def _tables(
    g: _Graph, rows: _Rows, node_ids: Sequence[int], frame: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Builds the three output frames from the merged graph (``frame``: the mentions, in the
    order of ``rows``)."""
    clusters: dict[int, list[int]] = defaultdict(list)
    for nid, n in enumerate(g.nodes):
        if n.note is None:
            clusters[g.uf.find(nid)].append(nid)
    entities: list[dict[str, Any]] = []
    merges: list[dict[str, Any]] = []
    entity_of_node: dict[int, str] = {}
    r_art, r_title, r_form = rows.article_id, rows.title, rows.form
    seen_ids: dict[str, dict[str, Any]] = {}
    for root in sorted(clusters):
        members = clusters[root]
        labels: Counter[str] = Counter()
        voters: Counter[str] = Counter()
        forms: Counter[str] = Counter()
        titled: dict[str, str] = {}
        articles: set[str] = set()
        for nid in members:
            labels.update(g.nodes[nid].labels)
            if nid not in g.followers:
                voters.update(g.nodes[nid].labels)
            forms.update(g.nodes[nid].forms)
            for i in g.nodes[nid].mentions:
                articles.add(r_art[i])
                if title := r_title[i]:
                    titled.setdefault(f"{_title_case(title)} {r_form[i]}", title)
        codes = sorted({c for nid in members if (c := _node_country(g.nodes[nid])) is not None})
        code = codes[0] if len(codes) == 1 else None
        etype = _vote(voters or labels)
        if etype != "PERSON" and _vote(labels) == "PERSON" and any(map(_known_given, forms)):
            etype = "PERSON"  # "Jane Doe" tagged ORG, and as PERSON in most of its mentions
        if code is not None:
            etype = "GPE"  # a country is a GPE whatever some mentions were labelled
        name = _canonical(forms, etype)
        if code is None and etype not in ("PERSON", "GPE"):
            found = city(name)
            if (
                found is not None
                and found[3] >= _CITY_MIN_POP_FOR_TYPE
                and labels["PERSON"] * 2 <= labels.total()
            ):
                etype = "GPE"
        eid = stable_id("e", name, etype)
        cc, lat, lon = _geocode(name, etype, code)
        aliases = sorted(set(forms) | set(titled))
        row = {
            "entity_id": eid,
            "name": name,
            "type": etype,
            "aliases": aliases,
            "n_mentions": sum(forms.values()),
            "n_articles": len(articles),
            "article_ids": sorted(articles),
            "country_code": cc,
            "latitude": lat,
            "longitude": lon,
        }
        if eid in seen_ids:
            # Two clusters with one canonical name and type are one entity; fold them together.
            prev = seen_ids[eid]
            prev["aliases"] = sorted(set(prev["aliases"]) | set(aliases))
            prev["n_mentions"] += row["n_mentions"]
            prev["article_ids"] = sorted(set(prev["article_ids"]) | articles)
            prev["n_articles"] = len(prev["article_ids"])
        else:
            seen_ids[eid] = row
            entities.append(row)
        for nid in members:
            entity_of_node[nid] = eid
        merges.extend(_merge_rows(g, members, name, titled, eid))
    # Columns, not a dict per mention: the mention table is the largest and this is its peak.
    mentions = frame.select("article_id", "start", "end", "text", "label").with_columns(
        pl.Series("entity_id", [entity_of_node.get(nid) for nid in node_ids], dtype=pl.String),
        pl.Series("link_note", [g.nodes[nid].note for nid in node_ids], dtype=pl.String),
    )
    merges_df = pl.DataFrame(merges, schema=schema.ENTITY_MERGES.polars_schema)
    merges_df = merges_df.unique(["entity_id", "alias"], keep="first", maintain_order=True)
    return (
        schema.conform(pl.DataFrame(entities, schema=schema.ENTITIES.polars_schema), schema.ENTITIES),
        schema.conform(mentions, schema.ENTITY_MENTIONS),
        schema.conform(merges_df, schema.ENTITY_MERGES),
    )


def _merge_rows(
    g: _Graph, members: list[int], name: str, titled: dict[str, str], eid: str
) -> list[dict[str, Any]]:
    """Returns one entity_merges row per alias: the rule of the join that brought its node in."""
    start = next((nid for nid in sorted(members) if name in g.nodes[nid].forms), min(members))
    reached: dict[int, tuple[str, str | None]] = {start: ("canonical", None)}
    queue = deque([start])
    member_set = set(members)
    while queue:
        cur = queue.popleft()
        for nxt, why, seen in sorted(g.edges.get(cur, [])):
            if nxt in member_set and nxt not in reached:
                reached[nxt] = (why, seen)
                queue.append(nxt)
    # Bare names linked across articles share their alias with in-article links: say so on the row.
    across: dict[str, Counter[str]] = defaultdict(Counter)
    for nid in reached:
        if (rule := g.nodes[nid].link_rule) is not None:
            for form in g.nodes[nid].forms:
                across[form][rule] += 1
    out: list[dict[str, Any]] = []
    done: set[str] = set()
    for nid in sorted(reached, key=lambda x: (x != start, x)):
        rule, evidence = reached[nid]
        for form in sorted(g.nodes[nid].forms):
            if form in done:
                continue
            done.add(form)
            if form == name:
                out.append({"entity_id": eid, "alias": form, "rule": "canonical", "evidence": None})
            elif nid == start:
                out.append(
                    {"entity_id": eid, "alias": form, "rule": "exact", "evidence": f"folds like {name}"}
                )
            else:
                if form in across and rule not in across[form]:
                    extra = ", ".join(f"{r} in {c} article(s)" for r, c in sorted(across[form].items()))
                    evidence = f"{evidence}; also linked across articles: {extra}"
                out.append({"entity_id": eid, "alias": form, "rule": rule, "evidence": evidence})
    for alias, title in sorted(titled.items()):
        if alias not in done:
            done.add(alias)
            out.append({"entity_id": eid, "alias": alias, "rule": "title", "evidence": f"title {title!r}"})
    return out


def add_headline_aliases(
    entities: pl.DataFrame, merges: pl.DataFrame, x_aliases: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns (entities, entity_merges) with the names seen in related-story headlines added as
    aliases, with rule ``related_headline``.

    A headline is not article text (cleaning removed it), so its names are alias evidence only:
    one joins an entity when exactly one entity matches it (the same folded form; for people, a full
    name that :func:`same_person` accepts against the entity's canonical name), and never creates an
    entity, a mention or a count. Blocking by the given name's initial keeps this near-linear.
    """
    if x_aliases.is_empty() or entities.is_empty():
        return entities, merges
    by_form: dict[tuple[str, str], set[str]] = defaultdict(set)
    people: dict[str, list[tuple[str, PersonName]]] = defaultdict(list)
    for e in entities.iter_rows(named=True):
        for form in [e["name"], *e["aliases"]]:
            by_form[(fold(form), e["type"])].add(e["entity_id"])
        if e["type"] == "PERSON" and (p := parse_person(e["name"])) is not None and p.given:
            people[p.given_key[:1]].append((e["entity_id"], p))
    added: dict[str, set[str]] = defaultdict(set)
    rows: list[dict[str, Any]] = []
    for r in x_aliases.sort(["article_id", "text", "label"]).iter_rows(named=True):
        form = " ".join(str(r["text"]).split())
        label = "GPE" if r["label"] == "LOC" and (fold(form), "GPE") in by_form else r["label"]
        hits = by_form.get((fold(form), label), set())
        evidence = f"seen in a related-story headline of article {r['article_id']}"
        if not hits and label == "PERSON" and (p := parse_person(form)) is not None and p.given:
            found = {eid for eid, q in people.get(p.given_key[:1], []) if same_person(p, q)[0]}
            hits = found
        if len(hits) == 1:
            eid = next(iter(hits))
            if form not in added[eid]:
                added[eid].add(form)
                rows.append(
                    {"entity_id": eid, "alias": form, "rule": "related_headline", "evidence": evidence}
                )
    if not rows:
        return entities, merges
    extra = pl.DataFrame(rows, schema=schema.ENTITY_MERGES.polars_schema)
    out = entities.with_columns(
        pl.struct("entity_id", "aliases")
        .map_elements(
            lambda s: sorted(set(s["aliases"]) | added.get(s["entity_id"], set())),
            return_dtype=pl.List(pl.String),
        )
        .alias("aliases")
    )
    all_merges = pl.concat([merges, extra]).unique(["entity_id", "alias"], keep="first", maintain_order=True)
    return schema.conform(out, schema.ENTITIES), schema.conform(all_merges, schema.ENTITY_MERGES)
