"""Faster, same-output stand-ins for the per-token Python loops of two spaCy components.

**Attribute ruler.** The English pipelines' attribute ruler holds a few hundred one- and two-token patterns (the tag
map, a few lemma and morphology exceptions). spaCy runs them through its general ``Matcher``,
which tries every pattern at every token: on news text that was about 9% of the whole parse's
CPU. :class:`IndexedRuleMatcher` looks each token's patterns up by the token's lowercase form,
tag, dependency label or space flag instead, then checks the whole pattern, and returns exactly
what ``AttributeRuler.match`` returns (the same (rule, key, start, end) tuples in the same order),
so the ruler's own ``set_annotations`` writes the same attributes.

Only what these patterns use is supported: the attributes in ``_ATTRS`` compared for equality,
``IN``, ``NOT_IN`` or ``REGEX``, no operators. A ruler with anything else keeps spaCy's matcher
(:func:`index_attribute_ruler` returns False).

**Lemmatizer.** The rule lemmatizer builds a Token and a MorphAnalysis for every token to look up
its cache, and recomputes every uninflected form (those are never cached): about 5% of the parse's
CPU. :class:`MemoLemmatizer` reads the tokens' (form, POS, morphology, lemma) as one array and
calls the lemmatizer's own function only for a (form, POS, morphology) it has not seen: a rule
lemma depends on nothing else, so every lemma is the one spaCy sets.

:func:`speed_up` installs both; ``transforms.nlp.load_model`` calls it unless asked for spaCy's
stock components (the bare-parse benchmark measures against those).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

# Pattern attribute → (its column in the token array, whether its value is a string).
_ATTRS: dict[str, tuple[int, bool]] = {
    "LOWER": (0, True),
    "TAG": (1, True),
    "DEP": (2, True),
    "IS_SPACE": (3, False),
}
_COLUMNS = [LOWER, TAG, DEP, IS_SPACE]
# Distinct tokens whose one-token matches are remembered (then the memo starts again).
MEMO_MAX = 200_000
# Which attribute indexes a pattern, most selective first.
_ANCHORS = ("LOWER", "TAG", "DEP", "IS_SPACE")

# A check of one token: (column, test, its argument); ``test(arg, value, strings)`` is a module
# function (so a loaded pipeline still pickles), ``strings`` the Doc's string store.
Check = tuple[int, Callable[[Any, int, Any], bool], Any]
# A compiled pattern: its rule, its key (the rule's number as a string id) and its tokens' checks.
Compiled = tuple[int, int, tuple[tuple[Check, ...], ...]]


class Unsupported(ValueError):
    """A pattern uses what this matcher does not do."""


def _eq(want: int, x: int, strings: Any) -> bool:
    return x == want


def _in(values: frozenset[int], x: int, strings: Any) -> bool:
    return x in values


def _not_in(values: frozenset[int], x: int, strings: Any) -> bool:
    return x not in values


class _Regex:
    """A REGEX test of a string attribute, its verdict per string id remembered (bounded)."""

    def __init__(self, pattern: str) -> None:
        self.rx = re.compile(pattern)
        self.memo: dict[int, bool] = {}

    def test(self, x: int, strings: Any) -> bool:
        hit = self.memo.get(x)
        if hit is None:
            if len(self.memo) >= MEMO_MAX:
                self.memo.clear()
            hit = self.memo[x] = bool(self.rx.search(strings[x])) if x in strings else False
        return hit


def _regex(rx: _Regex, x: int, strings: Any) -> bool:
    return rx.test(x, strings)


def _value(attr: str, v: Any) -> int:
    if _ATTRS[attr][1]:
        if not isinstance(v, str):
            raise Unsupported(f"{attr} value {v!r}")
        # spaCy's own ids: a symbol ("POS", "nsubj") has a small fixed id, not its string's hash;
        # looked up, not added: the vocabulary stays as spaCy's matcher leaves it
        return int(get_string_id(v))
    if not isinstance(v, bool):
        raise Unsupported(f"{attr} value {v!r}")
    return int(v)


def _check(attr: str, spec: Any) -> tuple[Check, set[int] | None]:
    """Returns the token check for ``attr`` = ``spec`` and the values that can satisfy it (None
    when they cannot be listed, as for a regular expression)."""
    if attr not in _ATTRS:
        raise Unsupported(attr)
    col = _ATTRS[attr][0]
    if not isinstance(spec, dict):
        want = _value(attr, spec)
        return (col, _eq, want), {want}
    if len(spec) != 1:
        raise Unsupported(f"{attr} {spec!r}")
    ((op, arg),) = spec.items()
    if op in ("IN", "NOT_IN"):
        if not isinstance(arg, list):
            raise Unsupported(f"{attr} {spec!r}")
        values = frozenset(_value(attr, v) for v in arg)
        if op == "IN":
            return (col, _in, values), set(values)
        return (col, _not_in, values), None
    if op == "REGEX" and _ATTRS[attr][1] and isinstance(arg, str):
        return (col, _regex, _Regex(arg)), None
    raise Unsupported(f"{attr} {spec!r}")


class IndexedRuleMatcher:
    """Returns the matches of a list of attribute-ruler patterns in a Doc, sorted as
    ``AttributeRuler.match`` sorts them (rule number, key, start, end), found through
    per-attribute indexes."""

    def __init__(self, patterns: Sequence[dict[str, Any]]) -> None:
        # One-token patterns: tried once per distinct token (its four values), the answer memoised.
        self._single_index: list[dict[int, list[Compiled]]] = [{} for _ in _COLUMNS]
        self._single_always: list[Compiled] = []
        self._memo: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        # Longer patterns: anchor column → value → patterns whose first token needs that value.
        self._index: list[dict[int, list[Compiled]]] = [{} for _ in _COLUMNS]
        self._always: list[Compiled] = []
        for rule, entry in enumerate(patterns):
            key = int(get_string_id(str(rule)))
            for pattern in entry["patterns"]:
                if not pattern:
                    raise Unsupported("empty pattern")
                tokens: list[tuple[Check, ...]] = []
                first_values: dict[str, set[int] | None] = {}
                for n, spec in enumerate(pattern):
                    if not isinstance(spec, dict) or not spec:
                        raise Unsupported(repr(spec))
                    checks = []
                    for attr, want in spec.items():
                        check, values = _check(attr, want)
                        checks.append(check)
                        if n == 0:
                            first_values[attr] = values
                    tokens.append(tuple(checks))
                compiled: Compiled = (rule, key, tuple(tokens))
                single = len(tokens) == 1
                anchor = next((a for a in _ANCHORS if first_values.get(a) is not None), None)
                if anchor is None:
                    (self._single_always if single else self._always).append(compiled)
                    continue
                col = _ATTRS[anchor][0]
                for v in first_values[anchor] or ():
                    (self._single_index if single else self._index)[col].setdefault(v, []).append(compiled)

    def _singles(self, row: tuple[int, ...], strings: Any) -> tuple[tuple[int, int], ...]:
        """Returns (rule, key) of the one-token patterns that a token with these values matches."""
        memo = self._memo
        hit = memo.get(row)
        if hit is None:
            if len(memo) >= MEMO_MAX:
                memo.clear()  # a worker's distinct tokens grow with its texts: keep it bounded
            cands = [*self._single_always]
            for col, table in enumerate(self._single_index):
                cands.extend(table.get(row[col], ()))
            hit = memo[row] = tuple(
                (rule, key)
                for rule, key, (checks,) in cands
                if all(test(arg, row[col], strings) for col, test, arg in checks)
            )
        return hit

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """Returns (rule number, key, start, end) of every match in ``doc``, sorted."""
        if not len(doc):
            return []
        strings = doc.vocab.strings
        rows = list(map(tuple, doc.to_array(_COLUMNS).tolist()))
        n = len(rows)
        memo = self._memo
        found: list[tuple[int, int, int, int]] = []
        for i, row in enumerate(rows):
            hit = memo.get(row)
            if hit is None:
                hit = self._singles(row, strings)
            for rule, key in hit:
                found.append((rule, key, i, i + 1))
        tables = [(col, table) for col, table in enumerate(self._index) if table]
        for i, row in enumerate(rows):
            cands: list[Compiled] = [*self._always]
            for col, table in tables:
                cands.extend(table.get(row[col], ()))
            for rule, key, tokens in cands:
                end = i + len(tokens)
                if end <= n and all(
                    test(arg, rows[i + k][col], strings)
                    for k, checks in enumerate(tokens)
                    for col, test, arg in checks
                ):
                    found.append((rule, key, i, end))
        return sorted(set(found))


class RulerMatch:
    """The ``match`` of an attribute ruler given an :class:`IndexedRuleMatcher`: rebuilt from the
    ruler's patterns whenever they change (patterns added, ``clear``, ``from_bytes``), and spaCy's
    own matching for patterns it does not support."""

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler
        self._seen: tuple[Any, int, int] | None = None
        self._indexed: IndexedRuleMatcher | None = None
        self._refresh()

    def _refresh(self) -> None:
        ruler = self.ruler
        state = (ruler.matcher, len(ruler.matcher), len(ruler.attrs))
        if self._seen is not None and state[0] is self._seen[0] and state[1:] == self._seen[1:]:
            return
        self._seen = state
        try:
            patterns = ruler.patterns
            self._indexed = IndexedRuleMatcher(patterns) if len(patterns) == len(ruler.attrs) else None
        except Unsupported:
            self._indexed = None

    @property
    def indexed(self) -> bool:
        """Whether the ruler's current patterns are matched through the indexes."""
        self._refresh()
        return self._indexed is not None

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """Returns what ``AttributeRuler.match`` returns for ``doc``."""
        self._refresh()
        if self._indexed is None:
            return type(self.ruler).match(self.ruler, doc)
        return self._indexed(doc)


def index_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Gives the pipeline's attribute ruler a :class:`RulerMatch`; returns False (and leaves
    spaCy's matcher) when there is no such component or a pattern is not supported."""
    if name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(name)
    if not isinstance(ruler, AttributeRuler):
        return False
    match = RulerMatch(ruler)
    if not match.indexed:
        return False
    ruler.match = match  # type: ignore[method-assign]  # the instance's match: __call__ then sets the same attributes
    return True


class MemoLemmatizer(Lemmatizer):
    """A rule lemmatizer whose ``__call__`` sets the same lemmas from one array per Doc (see the
    module docstring); installed by swapping an instance's class (:func:`memo_lemmatizer`)."""

    _newsfacts_memo: dict[tuple[int, int, int], int]

    def __call__(self, doc: Doc) -> Doc:
        """Sets each token's lemma (those without one, or all when ``overwrite``); returns ``doc``."""
        if not self._validated:
            self._validate_tables(Errors.E1004)  # as spaCy's own call: tables missing is an error
        if not len(doc):
            return doc
        memo: dict[tuple[int, int, int], int] | None = getattr(self, "_newsfacts_memo", None)
        if memo is None:
            memo = {}
            self._newsfacts_memo = memo
        cols = doc.to_array([ORTH, POS, MORPH, LEMMA])
        out = cols[:, 3].copy()
        strings = doc.vocab.strings
        overwrite = self.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(cols.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = memo.get(key)
            if value is None:
                if len(memo) >= MEMO_MAX:
                    memo.clear()  # bounded, as the ruler's memo
                value = memo[key] = int(strings.add(self.lemmatize(doc[i])[0]))
            out[i] = value
        doc.from_array([LEMMA], out.reshape(-1, 1).astype(np.uint64))  # type: ignore[arg-type]
        return doc


class MemoEnglishLemmatizer(MemoLemmatizer, EnglishLemmatizer):
    """English's rule lemmatizer (its ``is_base_form``) with :class:`MemoLemmatizer`'s call."""


# Lemmatizer classes whose rule lemma depends on the token's form, POS and morphology alone, and
# their memoised stand-ins (another language's may read more: Spanish reads sentence starts).
_MEMO_CLASSES: dict[type, type] = {Lemmatizer: MemoLemmatizer, EnglishLemmatizer: MemoEnglishLemmatizer}


def memo_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Makes the pipeline's rule lemmatizer a :class:`MemoLemmatizer`; returns False (and leaves
    it) when there is none, it works another way (lookup mode) or is another language's."""
    if name not in nlp.pipe_names:
        return False
    lem = nlp.get_pipe(name)
    if isinstance(lem, MemoLemmatizer):
        return True
    memo_class = _MEMO_CLASSES.get(type(lem))
    if memo_class is None or getattr(lem, "mode", None) != "rule":
        return False
    lem.__class__ = memo_class
    return True


def speed_up(nlp: Language) -> list[str]:
    """Installs the faster stand-ins where they apply; returns the names of the components that
    got one."""
    done = []
    if index_attribute_ruler(nlp):
        done.append("attribute_ruler")
    if memo_lemmatizer(nlp):
        done.append("lemmatizer")
    return done
