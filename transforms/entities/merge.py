"""The merge rules between nodes: people (middle names, transliteration), longer forms in one
article, countries and acronyms."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

from transforms.entities.geo import country_code
from transforms.entities.graph import _Graph, _node_country, _person_full, _Rows
from transforms.entities.keys import _is_acronym, _is_subsequence, initials
from transforms.entities.persons import PersonName, same_person
from transforms.entities.rules import _rules

# Blocks up to this size are compared in full; larger ones by sorted neighbourhood (window below),
# which keeps the pair count linear in the block size.
_FULL_BLOCK = 40
_WINDOW = 8
# A name without middle names used in this many articles is the corpus's usual name for someone.
_MIDDLE_PROMINENT = 3


def _candidate_pairs(items: list[tuple[int, PersonName]]) -> Iterable[tuple[int, int]]:
    """Yields node pairs worth comparing: same initials block, then all pairs or sorted neighbours."""
    blocks: dict[tuple[str, str, str], list[tuple[int, PersonName]]] = defaultdict(list)
    for nid, name in items:
        blocks[(name.given_key[:1], name.surname_key[:1], name.suffix or "")].append((nid, name))
    for _, block in sorted(blocks.items()):
        if len(block) <= _FULL_BLOCK:
            for i in range(len(block)):
                for j in range(i + 1, len(block)):
                    yield block[i][0], block[j][0]
            continue
        for reverse in (False, True):
            ordered = sorted(
                block, key=lambda x: (x[1].surname_key[::-1] if reverse else x[1].surname_key, x[0])
            )
            for i in range(len(ordered)):
                for j in range(i + 1, min(i + 1 + _WINDOW, len(ordered))):
                    yield ordered[i][0], ordered[j][0]


def _merge_people(g: _Graph) -> None:
    """Joins full person names across articles: middle names (:func:`_middle_name_evidence`), then
    transliteration (fuzzy)."""
    full = [(nid, n) for nid, n in enumerate(g.nodes) if n.article is None]
    items = [
        (nid, name)
        for nid, n in full
        if (name := _person_full(n)) is not None and country_code(n.key) is None
    ]
    names = dict(items)
    # "Hillary Clinton" → "Hillary Rodham Clinton" when every longer form agrees on the middle initial.
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for nid, name in items:
        groups[(name.given_key, name.surname_key, name.suffix or "")].append(nid)
    givens: dict[str, set[str]] = defaultdict(set)
    for _, name in items:
        givens[name.surname_key].add(name.given_key)
    for _, members in sorted(groups.items()):
        plain = [m for m in members if not names[m].middles]
        longer = [m for m in members if names[m].middles]
        if not plain or not longer or len({names[m].middles[0][:1] for m in longer}) != 1:
            continue
        for p in plain:
            for m in longer:
                why = _middle_name_evidence(g, p, m, len(givens[names[p].surname_key]))
                if why is not None:
                    g.join(p, m, "middle_name", f"{g.nodes[p].form} = {g.nodes[m].form}: {why}")
    for a, b in sorted(set(_candidate_pairs(items))):
        na, nb = names[a], names[b]
        # A name without middle names joins longer ones only through the rule above, so that
        # "George Bush" cannot chain "George H. W. Bush" to "George W. Bush".
        if g.uf.find(a) == g.uf.find(b) or bool(na.middles) != bool(nb.middles):
            continue
        ok, evidence = same_person(na, nb)
        if ok:
            exact = na.surname_key == nb.surname_key and na.given_key == nb.given_key
            rule = "translit" if exact else "translit_fuzzy"
            g.join(a, b, rule, f"{g.nodes[a].form} ~ {g.nodes[b].form}: {evidence}")


def _middle_name_evidence(g: _Graph, plain: int, longer: int, n_given: int) -> str | None:
    """Returns why a name without middle names is the same person as one with them, or None.

    Two people may share a given name and surname ("Jo Doe" and "Jo Q. Doe" of two stories), so
    the names alone are not enough: both written in one article, a position title seen on both,
    a surname no other given name goes with in the corpus, or a short form used in
    :data:`_MIDDLE_PROMINENT` articles or more (the corpus's usual name for someone).
    """
    a, b = g.nodes[plain], g.nodes[longer]
    if shared := sorted(a.articles & b.articles):
        return f"both in {shared[0]}"
    honorifics = _rules().honorifics
    if titles := sorted((set(a.titles) & set(b.titles)) - honorifics):
        return f"both seen as {titles[0]!r}"
    if n_given == 1:
        return "no other given name with this surname in the corpus"
    if len(a.articles) >= _MIDDLE_PROMINENT:
        return f"the short form is used in {len(a.articles)} articles"
    return None


def _merge_longer_forms(g: _Graph, rows: _Rows, node_ids: Sequence[int]) -> None:
    """Joins, inside one article, a person's name to a longer name of the article ending with it.

    "Keith Lamont Scott" and "Lamont Scott", or a slip like "Universe Jane Doe" beside "Jane Doe":
    the same article would not name two people so. Both names need two words or more.
    """
    by_article: dict[str, set[int]] = defaultdict(set)
    for nid, art, key, label in zip(node_ids, rows.article_id, rows.key, rows.label, strict=True):
        if label == "PERSON" and g.nodes[nid].article is None and len(key.split()) >= 2:
            by_article[art].add(nid)
    for article, nids in sorted(by_article.items()):
        words = {nid: g.nodes[nid].key.split() for nid in nids}
        verbs = _rules().headline_verbs
        for long in sorted(nids):
            # A headline run-on ("Doe Slams Jane Roe") is no longer form of a name.
            if len(words[long]) > 4 or any(w in verbs for w in words[long]):
                continue
            for short in sorted(nids):
                w_long, w_short = words[long], words[short]
                if len(w_short) < len(w_long) and w_long[-len(w_short) :] == w_short:
                    g.join(short, long, "longer_form", f"{g.nodes[long].form} ends with it, in {article}")


def _merge_countries(g: _Graph) -> None:
    """Joins the nodes that name the same country (pycountry plus the variants lexicon)."""
    by_code: dict[str, list[int]] = defaultdict(list)
    for nid, n in enumerate(g.nodes):
        code = _node_country(n)
        if code is not None:
            by_code[code].append(nid)
    for code, members in sorted(by_code.items()):
        for m in members[1:]:
            g.join(members[0], m, "country", f"{g.nodes[m].form} → {code}")


def _merge_acronyms(g: _Graph, rows: _Rows, node_ids: Sequence[int]) -> None:
    """Joins acronyms to their expansions.

    In an article, an expansion followed within 3 characters by its acronym (the "(OSCE)" pattern)
    joins when the acronym's letters run through the expansion's initials ("acronym_paren"). Across
    the corpus, an acronym joins the one expansion of its type whose initials spell it, if the two
    appear together in at least one article ("acronym"); several such expansions leave it alone.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, art in enumerate(rows.article_id):
        by_article[art].append(i)
    r_start, r_end, r_form, r_label = rows.start, rows.end, rows.form, rows.label  # per mention: columns
    for _, idxs in sorted(by_article.items()):
        for prev, cur in itertools.pairwise(idxs):
            gap = r_start[cur] - r_end[prev]
            if not (0 < gap <= 3):
                continue
            a_form, b_form = r_form[prev], r_form[cur]
            if not _is_acronym(b_form) or len(a_form.split()) < 2 or r_label[prev] == "PERSON":
                continue
            letters = b_form.replace(".", "")
            if letters[0] == initials(a_form, all_words=True)[:1] and _is_subsequence(
                letters, initials(a_form, all_words=True)
            ):
                g.join(node_ids[prev], node_ids[cur], "acronym_paren", f"{a_form} ({b_form})")
    expansions: dict[str, set[int]] = defaultdict(set)
    acronyms: list[int] = []
    for nid, n in enumerate(g.nodes):
        if n.majority == "PERSON":
            continue
        if _is_acronym(n.form) and n.article is None:
            if country_code(n.key) is None:  # "US", "UK" are countries, joined by that rule
                acronyms.append(nid)
        elif len(n.form.split()) >= 2 and not any(_is_acronym(w) for w in n.form.split()):
            expansions[initials(n.form)].add(nid)
    # Articles of each cluster, for the co-occurrence the corpus-wide rule asks for.
    arts: dict[int, set[str]] = defaultdict(set)
    for nid, art in zip(node_ids, rows.article_id, strict=True):
        arts[g.uf.find(nid)].add(art)
    for nid in acronyms:
        letters = g.nodes[nid].form.replace(".", "")
        own = g.uf.find(nid)
        # Same type only ("D.C." the place is not "Daily Caller" the paper).
        pool = [x for x in expansions.get(letters, set()) if g.nodes[x].majority == g.nodes[nid].majority]
        roots = {g.uf.find(x) for x in pool}
        if len(roots) != 1 or own in roots:
            continue  # several expansions, or already joined to one (in brackets): not another
        (root,) = roots
        shared = sorted(arts[root] & arts[own])
        if shared:  # written side by side at least once: not just letters that happen to fit
            target = min(pool)
            g.join(
                nid,
                target,
                "acronym",
                f"{g.nodes[nid].form} = initials of {g.nodes[target].form}, both in {shared[0]}",
            )
            arts[g.uf.find(nid)] = arts[root] | arts[own]
