"""The merge graph: mentions grouped into nodes, a union-find over the nodes, and the joins made."""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from transforms import schema
from transforms.entities.canonical import _NAME_WORD
from transforms.entities.geo import _countries, _is_place, country_code
from transforms.entities.keys import fold
from transforms.entities.persons import PersonName, parse_person
from transforms.entities.rules import _given_names, _title_key

# Labels whose single-word mentions may be a person's surname the model mislabelled.
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
# Mentions turned into rows per block: the block's columns as Python lists are the peak, not the
# whole corpus's (six lists of every mention's values).
_ROWS_BLOCK = 50_000
# A word labelled other than PERSON, alone in this many articles naming nobody of that surname, is
# the name of a firm or place ("Doe" the agency), not a surname where it is labelled so.
_FIRM_ARTICLES = 2


class _Rows:
    """The entity mentions during resolution, as columns: one list of shared (interned) strings per
    column and integer arrays for the offsets, not an object per mention (about 60 bytes a
    mention instead of 170). ``rows[i]["key"]`` reads one value; hot loops read the columns."""

    __slots__ = ("article_id", "end", "form", "key", "label", "start", "text", "title")

    def __init__(self) -> None:
        self.article_id: list[str] = []
        self.start: array[int] = array("q")
        self.end: array[int] = array("q")
        self.text: list[str] = []
        self.label: list[str] = []
        self.title: list[str | None] = []
        self.form: list[str] = []
        self.key: list[str] = []

    def __len__(self) -> int:
        return len(self.article_id)

    def __getitem__(self, i: int) -> _Row:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return _Row(self, i % len(self))

    def __iter__(self) -> Iterator[_Row]:
        return (_Row(self, i) for i in range(len(self)))


class _Row:
    """One mention of :class:`_Rows`, read as ``row["key"]``."""

    __slots__ = ("i", "rows")

    def __init__(self, rows: _Rows, i: int) -> None:
        self.rows, self.i = rows, i

    def __getitem__(self, name: str) -> Any:
        return getattr(self.rows, name)[self.i]


def name_key(form: str) -> str:
    """Returns the key mentions are grouped by: the folded form without a leading "the"; a short
    word not in capitals gets "~" ("Us" or "Un" is not the code "US" / "UN")."""
    key = fold(form)
    key = key[4:] if key.startswith("the ") else key
    if len(key) <= 3 and not form.replace(".", "").isupper():
        key += "~"
    return key


def mention_rows(frame: pl.DataFrame) -> _Rows:
    """Returns the mentions of ``frame`` (article_id, start, end, text, label, title) as
    :class:`_Rows`, in its order, with ``form`` (whitespace normalised) and ``key``
    (:func:`name_key`). Equal strings are one object."""
    shared: dict[str, str] = {}
    keys: dict[str, tuple[str, str]] = {}

    def one(value: str) -> str:
        return shared.setdefault(value, value)

    out = _Rows()
    for block in frame.select("article_id", "start", "end", "text", "label", "title").iter_slices(
        _ROWS_BLOCK
    ):
        out.start.extend(block["start"].to_list())
        out.end.extend(block["end"].to_list())
        for col in ("article_id", "label"):
            getattr(out, col).extend(one(v) for v in block[col].to_list())
        out.title.extend(None if v is None else one(v) for v in block["title"].to_list())
        for text in block["text"].to_list():
            text = one(str(text))
            if text not in keys:
                form = one(" ".join(text.split()))
                keys[text] = (form, one(name_key(form)))
            form, key = keys[text]
            out.text.append(text)
            out.form.append(form)
            out.key.append(key)
    return out


class _UnionFind:
    """Union-find over node ids; the smaller id is the root, so results do not depend on order."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        lo, hi = min(ra, rb), max(ra, rb)
        self.parent[hi] = lo
        return True


@dataclass(slots=True)
class _Node:
    """A group of mentions sharing one folded form (in one article, for a bare surname). Slots,
    not a ``__dict__`` per node: the corpus has a node per form and per bare name and article."""

    key: str
    article: str | None
    title: str = ""  # bare names only: the title they were written with
    labels: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)
    cands: list[tuple[str, int]] = field(default_factory=list)  # bare names: article's bearers
    given_target: str | None = None  # bare given name: the article's one full name with it
    forms: Counter[str] = field(default_factory=Counter)
    mentions: array[int] = field(default_factory=lambda: array("l"))  # row numbers: 8 bytes each
    articles: set[str] = field(default_factory=set)
    note: str | None = None  # why the node stays unlinked
    link_rule: str | None = None  # the cross-article rule that linked a bare name (audit)

    @property
    def orphan(self) -> bool:
        """A bare person name whose article names no bearer: linked across articles on evidence only."""
        return self.article is not None and not self.cands and self.given_target is None

    @property
    def majority(self) -> str:
        """The most voted label (ties: the order of schema.ENTITY_TYPES)."""
        return _vote(self.labels)

    @property
    def form(self) -> str:
        """The most frequent surface form (ties: the longest, then alphabetical)."""
        return min(self.forms, key=lambda f: (-self.forms[f], -len(f), f))


def _vote(labels: Counter[str]) -> str:
    order = {t: i for i, t in enumerate(schema.ENTITY_TYPES)}
    return min(labels, key=lambda t: (-labels[t], order.get(t, 99)))


@dataclass
class _Graph:
    """Nodes, their union-find and the recorded merge edges (rule and evidence)."""

    nodes: list[_Node]
    uf: _UnionFind
    edges: dict[int, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))
    # Nodes that joined as a bare surname or given name: their labels do not vote on the type.
    followers: set[int] = field(default_factory=set)

    def join(self, a: int, b: int, rule: str, evidence: str) -> None:
        """Merges the clusters of nodes a and b and records why (only when they were apart)."""
        if self.uf.union(a, b):
            self.edges[a].append((b, rule, evidence))
            self.edges[b].append((a, rule, evidence))


def _build_nodes(rows: _Rows) -> tuple[list[_Node], array[int]]:
    """Groups mentions into nodes and finds, for each bare name, the full names of its article.

    Returns the nodes (sorted, so ids are deterministic) and each mention's node id (an array:
    8 bytes a mention, not a Python int each). A bare name
    (a surname or given name alone) mostly labelled PERSON in the corpus (or written with a title)
    gets a node of its own per article and title, holding the full names of its article with that
    surname (keys with their counts) for :func:`_merge_surnames`; so does one with no such full
    name (an *orphan*): a "Kim" of one story is not the "Kim" of another. Other mentions share one node per folded
    form. A full name counts in its article whatever its label there, when the corpus mostly
    labels it PERSON ("Jane Doe" tagged ORG once beside a bare "Doe").
    """
    by_article: dict[str, array[int]] = defaultdict(lambda: array("q"))  # 8 bytes a mention
    key_labels: dict[str, Counter[str]] = defaultdict(Counter)
    r_art, r_label, r_key, r_form, r_title = rows.article_id, rows.label, rows.key, rows.form, rows.title
    for i, (art, key, label) in enumerate(zip(r_art, r_key, r_label, strict=True)):
        by_article[art].append(i)
        key_labels[key][label] += 1
    personish = {k for k, c in key_labels.items() if _vote(c) == "PERSON"}
    places: dict[str, bool] = {}

    def is_place(key: str) -> bool:
        if key not in places:
            places[key] = _is_place(key)
        return places[key]

    assignment: list[tuple[str, str, str]] = [("", "", "")] * len(rows)
    # Equal assignments are one tuple: most mentions share their node's with many others.
    shared: dict[tuple[str, str, str], tuple[str, str, str]] = {}
    found: dict[tuple[str, str, str], tuple[list[tuple[str, int]], str | None]] = {}
    people = {a: _article_people(rows, idxs, personish, is_place) for a, idxs in by_article.items()}
    # Words used alone, labelled other than PERSON, in articles naming nobody of that surname
    # ("Doe reported" for the news agency): the firm or place of that name.
    alone: dict[str, set[str]] = defaultdict(set)
    for art, key, label, form, title in zip(r_art, r_key, r_label, r_form, r_title, strict=True):
        if label != "PERSON" and not title and key not in personish:
            name = parse_person(form)
            if name is not None and name.given is None and name.surname_key not in people[art][0]:
                alone[key].add(art)
    for article, idxs in sorted(by_article.items()):
        surname_idx, given_idx = people[article]
        for i in idxs:
            # The columns read directly (not rows[i]): this loop runs once per mention.
            key, label, form, r_tit = r_key[i], r_label[i], r_form[i], r_title[i]
            name = parse_person(form) if label in _SURNAME_LABELS else None
            # A bare word is a surname candidate unless it names a country, or a known place and
            # the model called it a place ("Washington" the city beside "George Washington").
            placeish = country_code(key) is not None or (label in ("GPE", "LOC", "FAC") and is_place(key))
            # Abbreviations ("Ky.", "Va.") and one- or two-letter words are no surnames.
            short = len(key.replace(" ", "")) < 3 or form.endswith(".")
            # A word the corpus mostly labels otherwise and uses alone is the firm or place of that
            # name ("Doe" the company beside its founder "Jane Doe"), unless labelled PERSON or titled.
            firm = len(alone.get(key, ())) >= _FIRM_ARTICLES
            other = firm and label != "PERSON" and not r_tit
            if label == "PERSON" and (target := _epithet_target(form, given_idx)) is not None:
                local = (article, key, _title_key(r_tit or ""))
                found[local] = ([], target)  # "Sly Jane" beside "Jane Doe": Jane Doe, an epithet before
                assignment[i] = shared.setdefault(local, local)
                continue
            if name is None or name.given is not None or placeish or short or other:
                assignment[i] = shared.setdefault(("", key, ""), ("", key, ""))
                continue
            title = _title_key(r_tit or "")
            cands = sorted(surname_idx.get(name.surname_key, Counter()).items())
            given = None
            if not cands and label == "PERSON" and len(given_idx.get(name.surname, ())) == 1:
                (given,) = given_idx[name.surname]
            if cands or given:
                local = (article, key, title)
                found[local] = (cands, given)
                assignment[i] = shared.setdefault(local, local)
            elif title or key in personish:
                orphan = (article, key, title)  # an orphan: see _merge_surnames
                assignment[i] = shared.setdefault(orphan, orphan)
            else:
                assignment[i] = shared.setdefault(("", key, title), ("", key, title))
    node_of: dict[tuple[str, str, str], int] = {a: n for n, a in enumerate(sorted(set(assignment)))}
    nodes = [_Node(key=k, article=a or None, title=t) for a, k, t in node_of]
    del shared
    node_ids = array("l")
    for i, a in enumerate(assignment):
        nid = node_of[a]
        n = nodes[nid]
        n.labels[r_label[i]] += 1
        n.forms[r_form[i]] += 1
        if title := r_title[i]:
            n.titles[_title_key(title)] += 1
        n.mentions.append(i)
        n.articles.add(r_art[i])
        node_ids.append(nid)
        if a in found:
            n.cands, n.given_target = found[a]
    return nodes, node_ids


def _epithet_target(form: str, given_idx: dict[str, set[str]]) -> str | None:
    """Returns the article's full name that an epithet + given name form means ("Sly Jane" beside
    "Jane Doe" alone with that given name), else None; the epithet is a capitalised word that is
    no given name of the lexicon."""
    words = form.split()
    if len(words) != 2 or not _NAME_WORD.match(words[0]) or fold(words[0]) in _given_names():
        return None
    targets = given_idx.get(fold(words[1]), set())
    return next(iter(targets)) if len(targets) == 1 else None


def _article_people(
    rows: _Rows, idxs: Sequence[int], personish: set[str], is_place: Callable[[str], bool]
) -> tuple[dict[str, Counter[str]], dict[str, set[str]]]:
    """Returns the full person names of one article, by surname key and by given name (their keys,
    counted)."""
    surname_idx: dict[str, Counter[str]] = defaultdict(Counter)
    given_idx: dict[str, set[str]] = defaultdict(set)
    r_label, r_key, r_form = rows.label, rows.key, rows.form  # columns, not a row object per read
    for i in idxs:
        label, key = r_label[i], r_key[i]
        if (label != "PERSON" and key not in personish) or is_place(key):
            continue  # "Los Angeles" labelled PERSON is no person's name
        name = parse_person(r_form[i])
        if name is None or name.given is None:
            continue
        surname_idx[name.surname_key][key] += 1
        given_idx[name.given].add(key)
    # An epithet + given name ("Sly Jane") is no full name of its own but the person it precedes.
    for i in idxs:
        form = r_form[i]
        if r_label[i] == "PERSON" and _epithet_target(form, given_idx) is not None:
            name = parse_person(form)
            if name is not None and name.given is not None:
                surname_idx[name.surname_key].pop(r_key[i], None)
                given_idx[name.given].discard(r_key[i])
    return surname_idx, given_idx


def _person_full(node: _Node) -> PersonName | None:
    """The parsed name of a node that holds a full person name (PERSON by votes), else None."""
    if node.majority != "PERSON":
        return None
    name = parse_person(node.form)
    return name if name is not None and name.given is not None else None


def _node_country(node: _Node) -> str | None:
    """The ISO code of the country a node names, or None.

    Not for nationalities (NORP), nor for names that are also people's names where the node is
    mostly PERSON; a code-like short form counts only in capitals ("US", not "Us").
    """
    countries, person_like = _countries()
    key = node.key[4:] if node.key.startswith("the ") else node.key
    code = countries.get(key)
    if code is None or node.majority == "NORP" or (key in person_like and node.majority == "PERSON"):
        return None
    if len(key) <= 3 and not node.form.replace(".", "").isupper():
        return None
    return code
