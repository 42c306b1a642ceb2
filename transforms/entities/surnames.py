"""The surname rules: bare surnames and given names linked to full person names, a title (and the
gender it tells) deciding between several bearers."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from transforms.entities.geo import country_code
from transforms.entities.graph import _Graph, _Node, _person_full
from transforms.entities.persons import parse_person
from transforms.entities.rules import _given_names
from transforms.names import title_gender

# In an article naming several bearers of a surname, a bare surname goes to one named this many
# times as often as any other.
_DOMINANCE = 2
# A bare surname with no full name in its article goes to the corpus's only bearer when that one
# is named in full in this many articles, and by the bare surname (beside the full name) in this many.
_PROMINENT_FULL = 3
_PROMINENT_BARE = 2


def _gender(title: str) -> str | None:
    """Returns "m" or "f" for a gendered title or honorific (titles.toml, merging subset), else None."""
    return title_gender(title, "merging")


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


@dataclass
class _BareNames:
    """The bare-name nodes sorted by the way they get linked (step 1 of :func:`_merge_surnames`)."""

    unique: list[tuple[int, int]] = field(default_factory=list)  # (node, its article's one bearer)
    pending: list[int] = field(default_factory=list)  # articles naming several bearers
    corpus: list[int] = field(default_factory=list)  # left to the bearers of the whole corpus
    # (article, key) → the bearers its titled bare mentions were sent to instead of the article's.
    redirected: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))


def _merge_surnames(g: _Graph) -> None:
    """Links bare surnames (and bare given names) to full person names.

    In its article, a bare name joins the one full name with that surname (or, for a PERSON word,
    with that given name) unless its title points to another bearer of the corpus ("Mr. X" beside
    only "Jane X"). Where the article names several bearers, only a title decides; else it stays
    unlinked ("ambiguous_surname_in_article").
    A bare surname without a full name in its article joins a person of the corpus only on
    evidence (:func:`_link_corpus`); else its mentions stay unlinked with the reason.
    """
    key_to_node = {n.key: nid for nid, n in enumerate(g.nodes) if n.article is None and not n.title}
    by_surname: dict[str, set[int]] = defaultdict(set)
    for nid, n in enumerate(g.nodes):
        if n.article is None and (name := _person_full(n)) is not None:
            by_surname[name.surname_key].add(nid)
    # 1. Unique bearers in the article, unless a title points to another bearer of the corpus
    # ("President X" where only "Jane X" is named in full). Once one bare mention of the article
    # is sent elsewhere that way, its other titled bare mentions that do not fit the article's
    # bearer follow it ("President X ... Mr. X").
    seen = _profile(g)
    own = _tentative_titles(g, key_to_node, seen)
    bare = _sort_bare_names(g, key_to_node, by_surname, seen, own)
    _link_unique(g, bare, seen, own)
    # 2. Articles naming several bearers.
    seen = _profile(g)
    _link_pending(g, bare.pending, key_to_node, seen)
    # 3. Bare surnames with no (fitting) full name in their article: the corpus's bearers.
    _link_corpus(g, bare.corpus, by_surname, seen)


def _link(g: _Graph, target: int, nid: int, rule: str, evidence: str) -> None:
    """Joins a bare name's node to its target; the bare name then follows (no vote on the type)."""
    g.join(target, nid, rule, evidence)
    g.followers.add(nid)


def _profile(g: _Graph) -> dict[int, Counter[str]]:
    """Returns the titles seen on each cluster (by root) of full names and linked bare names."""
    seen: dict[int, Counter[str]] = defaultdict(Counter)
    for nid, n in enumerate(g.nodes):
        if n.note is None and (n.article is None or nid in g.followers):
            seen[g.uf.find(nid)].update(n.titles)
    return seen


def _bearers(g: _Graph, by_surname: dict[str, set[int]], n: _Node) -> list[tuple[int, int]]:
    """Returns the clusters (roots, with a zero count) of the corpus's full names with n's surname."""
    name = parse_person(n.form)
    if name is None or len(name.surname) < 3 or n.form.endswith("."):
        return []  # abbreviations ("Ky.") and initials are no surnames
    holders = by_surname.get(name.surname_key, set())
    if len(name.surname_key) < 5:  # a short key matches by chance: ask for the same spelling
        holders = {h for h in holders if (p := _person_full(g.nodes[h])) and p.surname == name.surname}
    roots = sorted({g.uf.find(x) for x in holders})
    return [(r, 0) for r in roots]


def _tentative_titles(
    g: _Graph, key_to_node: dict[str, int], seen: dict[int, Counter[str]]
) -> dict[int, Counter[str]]:
    """Adds to ``seen`` the gendered titles of each bare name with one bearer in its article, and
    returns them by bare-name node.

    Tentatively, each bare name counts for its article's one bearer, so that a person's gender
    is what most of the titles say ("Mrs. X" hundreds of times, "Mr. X" by a slip twice).
    Only gendered titles count so, and a bare name is judged without its own votes.
    """
    own: dict[int, Counter[str]] = {}
    for nid, n in enumerate(g.nodes):
        bearer_roots = {g.uf.find(key_to_node[k]) for k, _ in n.cands}
        if n.article is not None and len(bearer_roots) == 1:
            own[nid] = Counter({t: c for t, c in n.titles.items() if _gender(t) is not None})
            seen[bearer_roots.pop()].update(own[nid])
    return own


def _sort_bare_names(
    g: _Graph,
    key_to_node: dict[str, int],
    by_surname: dict[str, set[int]],
    seen: dict[int, Counter[str]],
    own: dict[int, Counter[str]],
) -> _BareNames:
    """Returns the nodes sorted: bare names with one bearer in their article (``unique``), with
    several (``pending``), and those left to the bearers of the corpus (``corpus``: the PERSON nodes
    tied to no article, step 3 skipping full names, and bare names a title sends elsewhere)."""
    out = _BareNames()
    for nid, n in enumerate(g.nodes):
        if n.article is None:
            if n.majority == "PERSON" and country_code(n.key) is None and parse_person(n.form) is not None:
                out.corpus.append(nid)
            continue
        if n.orphan:
            out.corpus.append(nid)
            continue
        cand_roots = sorted({g.uf.find(key_to_node[k]) for k, _ in n.cands})
        if len(cand_roots) == 1:
            target = cand_roots[0]
        elif not n.cands and n.given_target is not None:
            target = key_to_node[n.given_target]
        else:
            out.pending.append(nid)
            continue
        others = [c for c in _bearers(g, by_surname, n) if c[0] != g.uf.find(target)]
        fit = None
        if n.title:
            fit = _title_fits(n.title, seen.get(g.uf.find(target), Counter()) - own.get(nid, Counter()))
        if fit is False and _gender(n.title) is not None:
            out.corpus.append(nid)  # "Mrs. X" is not the article's Mr. X: let the corpus decide
            continue
        if n.title and others and not fit:
            chosen = _choose_bearer(g, n.title, [(target, 0), *others], seen, dominance=False)
            if chosen is not None and g.uf.find(chosen[0]) != g.uf.find(target):
                out.corpus.append(nid)
                out.redirected[(n.article or "", n.key)].add(g.uf.find(chosen[0]))
                continue
        out.unique.append((nid, target))
    return out


def _link_unique(
    g: _Graph, bare: _BareNames, seen: dict[int, Counter[str]], own: dict[int, Counter[str]]
) -> None:
    """Links each bare name to its article's one bearer, or to the bearer another bare mention of
    the article was sent to by its title when this one's title does not fit the article's."""
    for nid, target in bare.unique:
        n = g.nodes[nid]
        elsewhere = bare.redirected.get((n.article or "", n.key), set())
        mine = own.get(nid, Counter())
        if (
            n.title
            and len(elsewhere) == 1
            and not _title_fits(n.title, seen.get(g.uf.find(target), Counter()) - mine)
        ):
            (other,) = elsewhere
            if _title_fits(n.title, seen.get(other, Counter())) is not False:
                _link(g, other, nid, "surname_title", f"same article calls {g.nodes[other].form} by title")
                continue
        rule = "surname" if n.cands else "given_name"
        _link(g, target, nid, rule, f"same article: {g.nodes[target].form}")


def _link_pending(
    g: _Graph, pending: list[int], key_to_node: dict[str, int], seen: dict[int, Counter[str]]
) -> None:
    """Links the bare names of articles naming several bearers where a title decides; notes the rest."""
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
            _link(g, chosen[0], nid, chosen[1], chosen[2])


def _link_corpus(
    g: _Graph, corpus: list[int], by_surname: dict[str, set[int]], seen: dict[int, Counter[str]]
) -> None:
    """Links a bare surname with no (fitting) full name in its article to a bearer of the corpus,
    on evidence only; notes the others (``link_note``).

    The evidence: a position title the bearer was also seen with, on exactly one bearer
    ("Governor X" → the X seen as governor; ``surname_title``; the only bearer of the corpus when
    the article names no bearer of the surname at all), or a prominent bearer
    (:meth:`_CorpusStats.prominent`; ``surname_prominent``). A gendered title never goes to a person of the
    other gender ("title_mismatch"). Without evidence the mentions stay unlinked:
    "ambiguous_surname" (several bearers), "surname_without_evidence" (one bearer, nothing tells
    it is them), "no_full_name" (nobody of the corpus has this surname).
    """
    stats = _CorpusStats.of(g)
    for nid in corpus:
        n = g.nodes[nid]
        name = parse_person(n.form)
        if name is None or name.given is not None:
            continue
        roots = _bearers(g, by_surname, n)
        if n.title and _gender(n.title) is not None:
            # "Mrs. X" never goes to a man of that name (nor "Mr. X" to a woman).
            fitting = [r for r in roots if _title_fits(n.title, seen.get(r[0], Counter())) is not False]
            if roots and not fitting:
                n.note = "title_mismatch"
                continue
            roots = fitting
        titled = [r for r, _ in roots if n.title and _gender(n.title) is None and n.title in seen.get(r, ())]
        # With no full name in the article, a title picks only the sole bearer: "a President X"
        # may be another X running for the office.
        if len(titled) == 1 and (not n.orphan or len(roots) == 1):
            target = titled[0]
            _link(g, target, nid, "surname_title", f"title {n.title!r} also seen on {g.nodes[target].form}")
            n.link_rule = "surname_title"
        elif len(roots) == 1 and (why := stats.prominent(roots[0][0], name.surname)) is not None:
            _link(g, roots[0][0], nid, "surname_prominent", why)
            n.link_rule = "surname_prominent"
        else:
            n.note = (
                "ambiguous_surname"
                if len(roots) > 1
                else "surname_without_evidence"
                if roots
                else "no_full_name"
            )


@dataclass
class _CorpusStats:
    """What the corpus says of each person cluster (by root), for the ``surname_prominent`` rule."""

    full_articles: dict[int, set[str]]  # articles writing one of the cluster's full names
    bare_articles: dict[int, set[str]]  # articles calling it by the bare surname beside a full name
    given_words: frozenset[str]  # given and middle names of the corpus's full person names

    @classmethod
    def of(cls, g: _Graph) -> _CorpusStats:
        """Reads the graph as linked so far (inside articles)."""
        full: dict[int, set[str]] = defaultdict(set)
        bare: dict[int, set[str]] = defaultdict(set)
        given: set[str] = set()
        for nid, n in enumerate(g.nodes):
            if n.article is None and (name := _person_full(n)) is not None:
                full[g.uf.find(nid)] |= n.articles
                given.update([name.given or "", *name.middles])
            elif n.article is not None and n.cands and nid in g.followers:
                bare[g.uf.find(nid)].add(n.article)
        return cls(full, bare, frozenset(given) | _given_names())

    def prominent(self, root: int, surname: str) -> str | None:
        """Evidence that a bare surname means this cluster, its only bearer in the corpus, or None.

        The cluster must be named in full in :data:`_PROMINENT_FULL` articles or more and by the
        bare surname beside its full name in :data:`_PROMINENT_BARE` or more (the way the corpus
        refers to it), and the surname must be nobody's given name (no "Kim" for a "Kim Jong-un",
        no "Thomas" for a "Thomas Doe", nor a name of the given-names lexicon).
        """
        if surname in self.given_words or surname.split()[-1] in self.given_words:
            return None
        n_full, n_bare = len(self.full_articles.get(root, ())), len(self.bare_articles.get(root, ()))
        if n_full < _PROMINENT_FULL or n_bare < _PROMINENT_BARE:
            return None
        return (
            f"the only person of the corpus with this surname, named in full in {n_full} articles and"
            f" by the surname alone beside the full name in {n_bare}; no one's given name"
        )
