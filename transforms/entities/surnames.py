"""The surname rules: bare surnames and given names linked to full person names, a title (and the
gender it tells) deciding between several bearers."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from transforms import lexicons
from transforms.entities.geo import country_code
from transforms.entities.graph import _Graph, _Node, _person_full
from transforms.entities.persons import parse_person
from transforms.entities.rules import _title_key

# In an article naming several bearers of a surname, a bare surname goes to one named this many
# times as often as any other.
_DOMINANCE = 2


def _gender(title: str) -> str | None:
    """Returns "m" or "f" for a gendered title or honorific (titles.toml), else None."""
    lex = _genders()
    return "m" if title in lex[0] else "f" if title in lex[1] else None


@cache
def _genders() -> tuple[frozenset[str], frozenset[str]]:
    titles = lexicons.load("titles")
    return (
        frozenset(_title_key(t) for t in titles["male"]),
        frozenset(_title_key(t) for t in titles["female"]),
    )


def _known_gender(seen: Counter[str]) -> str | None:
    """The gender a person's titles tell: the one of at least two thirds of its gendered titles."""
    votes: Counter[str] = Counter()
    for t, c in seen.items():
        if (sex := _gender(t)) is not None:
            votes[sex] += c
    for sex, c in votes.items():
        if 3 * c >= 2 * votes.total():
            return sex
    return None


def _title_fits(title: str, seen: Counter[str]) -> bool | None:
    """Whether a person seen with the titles ``seen`` fits ``title``.

    True when the person's known gender is the title's, or (for a position) when seen with it;
    False when the gender is the other one, or a position the person was never seen with while
    seen with others; None when nothing is known.
    """
    sex = _gender(title)
    if sex is not None:
        known = _known_gender(seen)
        return None if known is None else known == sex
    if title in seen:
        return True
    return False if seen else None


def _choose_bearer(
    g: _Graph, title: str, cands: list[tuple[int, int]], profile: dict[int, Counter[str]], dominance: bool
) -> tuple[int, str, str] | None:
    """Picks the person a bare surname means among several bearers, or None when unsure.

    Returns (node, rule, evidence). A title settles it when exactly one bearer was seen with the
    same title or one of the same gender, or when all bearers but one were seen with the other
    gender; otherwise, with ``dominance``, the bearer named at least twice as often as any other.
    """
    if title:
        fit = {c: _title_fits(title, profile.get(g.uf.find(c), Counter())) for c, _ in cands}
        fitting = [c for c, _ in cands if fit[c]]
        if len(fitting) == 1:
            return fitting[0], "surname_title", f"title {title!r} also seen on {g.nodes[fitting[0]].form}"
        if not fitting:
            left = [c for c, _ in cands if fit[c] is None]
            if len(left) == 1:
                return left[0], "surname_title", f"the other bearers have the other gender than {title!r}"
    if dominance:
        ranked = sorted(cands, key=lambda c: (-c[1], c[0]))
        if ranked[0][1] >= _DOMINANCE * ranked[1][1]:
            top = ranked[0][0]
            return top, "surname", f"same article, named most of {len(ranked)}: {g.nodes[top].form}"
    return None


def _merge_surnames(g: _Graph) -> None:
    """Links bare surnames (and bare given names) to full person names.

    In its article, a bare name joins the one full name with that surname (or, for a PERSON word,
    with that given name) unless its title points to another bearer of the corpus ("Mr. X" beside
    only "Jane X"). Where the article names several bearers, only a title decides; else it stays
    unlinked ("ambiguous_surname_in_article").
    A bare surname without a full name in its article joins the one person of the corpus with that
    surname (by transliteration key), a title deciding between several; else its mentions stay
    unlinked ("ambiguous_surname").
    """
    key_to_node = {n.key: nid for nid, n in enumerate(g.nodes) if n.article is None and not n.title}
    by_surname: dict[str, set[int]] = defaultdict(set)
    for nid, n in enumerate(g.nodes):
        if n.article is None and (name := _person_full(n)) is not None:
            by_surname[name.surname_key].add(nid)

    def link(target: int, nid: int, rule: str, evidence: str) -> None:
        g.join(target, nid, rule, evidence)
        g.followers.add(nid)

    def profile() -> dict[int, Counter[str]]:
        seen: dict[int, Counter[str]] = defaultdict(Counter)
        for nid, n in enumerate(g.nodes):
            if n.note is None and (n.article is None or nid in g.followers):
                seen[g.uf.find(nid)].update(n.titles)
        return seen

    def bearers(n: _Node) -> list[tuple[int, int]]:
        name = parse_person(n.form)
        if name is None or len(name.surname) < 3 or n.form.endswith("."):
            return []  # abbreviations ("Ky.") and initials are no surnames
        holders = by_surname.get(name.surname_key, set())
        if len(name.surname_key) < 5:  # a short key matches by chance: ask for the same spelling
            holders = {h for h in holders if (p := _person_full(g.nodes[h])) and p.surname == name.surname}
        roots = sorted({g.uf.find(x) for x in holders})
        return [(r, 0) for r in roots]

    # 1. Unique bearers in the article, unless a title points to another bearer of the corpus
    # ("President X" where only "Jane X" is named in full). Once one bare mention of the article
    # is sent elsewhere that way, its other titled bare mentions that do not fit the article's
    # bearer follow it ("President X ... Mr. X").
    seen = profile()
    # Tentatively, each bare name counts for its article's one bearer, so that a person's gender
    # is what most of the titles say ("Mrs. X" hundreds of times, "Mr. X" by a slip twice).
    # Only gendered titles count so, and a bare name is judged without its own votes.
    own: dict[int, Counter[str]] = {}
    for nid, n in enumerate(g.nodes):
        bearer_roots = {g.uf.find(key_to_node[k]) for k, _ in n.cands}
        if n.article is not None and len(bearer_roots) == 1:
            own[nid] = Counter({t: c for t, c in n.titles.items() if _gender(t) is not None})
            seen[bearer_roots.pop()].update(own[nid])
    pending: list[int] = []
    corpus: list[int] = []
    unique: list[tuple[int, int]] = []
    redirected: dict[tuple[str, str], set[int]] = defaultdict(set)
    for nid, n in enumerate(g.nodes):
        if n.article is None:
            if n.majority == "PERSON" and country_code(n.key) is None and parse_person(n.form) is not None:
                corpus.append(nid)
            continue
        cand_roots = sorted({g.uf.find(key_to_node[k]) for k, _ in n.cands})
        if len(cand_roots) == 1:
            target = cand_roots[0]
        elif not n.cands and n.given_target is not None:
            target = key_to_node[n.given_target]
        else:
            pending.append(nid)
            continue
        others = [c for c in bearers(n) if c[0] != g.uf.find(target)]
        fit = None
        if n.title:
            fit = _title_fits(n.title, seen.get(g.uf.find(target), Counter()) - own.get(nid, Counter()))
        if fit is False and _gender(n.title) is not None:
            corpus.append(nid)  # "Mrs. X" is not the article's Mr. X: let the corpus decide
            continue
        if n.title and others and not fit:
            chosen = _choose_bearer(g, n.title, [(target, 0), *others], seen, dominance=False)
            if chosen is not None and g.uf.find(chosen[0]) != g.uf.find(target):
                corpus.append(nid)
                redirected[(n.article or "", n.key)].add(g.uf.find(chosen[0]))
                continue
        unique.append((nid, target))
    for nid, target in unique:
        n = g.nodes[nid]
        elsewhere = redirected.get((n.article or "", n.key), set())
        mine = own.get(nid, Counter())
        if (
            n.title
            and len(elsewhere) == 1
            and not _title_fits(n.title, seen.get(g.uf.find(target), Counter()) - mine)
        ):
            (other,) = elsewhere
            if _title_fits(n.title, seen.get(other, Counter())) is not False:
                link(other, nid, "surname_title", f"same article calls {g.nodes[other].form} by title")
                continue
        rule = "surname" if n.cands else "given_name"
        link(target, nid, rule, f"same article: {g.nodes[target].form}")
    # 2. Articles naming several bearers.
    seen = profile()
    for nid in pending:
        n = g.nodes[nid]
        counts: Counter[int] = Counter()
        for k, c in n.cands:
            counts[g.uf.find(key_to_node[k])] += c
        # No "named most often" guess: a bare "Trump" beside two Ivanka and one Donald is Donald
        # as often as not, and a false merge is worse than a miss. Only a title decides here.
        chosen = _choose_bearer(g, n.title, sorted(counts.items()), seen, dominance=False)
        if chosen is None:
            n.note = "ambiguous_surname_in_article"
        else:
            link(chosen[0], nid, chosen[1], chosen[2])
    # 3. Bare surnames with no (fitting) full name in their article: the corpus's bearers.
    for nid in corpus:
        n = g.nodes[nid]
        name = parse_person(n.form)
        if name is None or name.given is not None:
            continue
        roots = bearers(n)
        if n.title and _gender(n.title) is not None:
            # "Mrs. X" never goes to a man of that name (nor "Mr. X" to a woman).
            fitting = [r for r in roots if _title_fits(n.title, seen.get(r[0], Counter())) is not False]
            if roots and not fitting:
                n.note = "title_mismatch"
                continue
            roots = fitting
        if len(roots) == 1:
            target = roots[0][0]
            link(
                target, nid, "surname", f"only person of the corpus with this surname: {g.nodes[target].form}"
            )
        elif len(roots) > 1:
            chosen = _choose_bearer(g, n.title, roots, seen, dominance=False)
            if chosen is None:
                n.note = "ambiguous_surname"
            else:
                link(chosen[0], nid, chosen[1], chosen[2])
