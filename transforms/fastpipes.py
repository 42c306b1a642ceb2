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
from spacy.language import Language
from spacy.pipeline import Lemmatizer
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

# A check of one token: (column, test of the column's value).
Check = tuple[int, Callable[[int], bool]]
# A compiled pattern: its rule, its key (the rule's number as a string's hash) and its tokens' checks.
Compiled = tuple[int, int, tuple[tuple[Check, ...], ...]]


class Unsupported(ValueError):
    """A pattern uses what this matcher does not do."""


def _value(attr: str, v: Any, strings: Any) -> int:
    if _ATTRS[attr][1]:
        if not isinstance(v, str):
            raise Unsupported(f"{attr} value {v!r}")
        # spaCy's own ids: a symbol ("POS", "nsubj") has a small fixed id, not its string's hash
        return 0 if v == "" else int(strings.add(v))
    if not isinstance(v, bool):
        raise Unsupported(f"{attr} value {v!r}")
    return int(v)


def _check(attr: str, spec: Any, strings: Any) -> tuple[Check, set[int] | None]:
    """Returns the token check for ``attr`` = ``spec`` and the values that can satisfy it (None
    when they cannot be listed, as for a regular expression)."""
    if attr not in _ATTRS:
        raise Unsupported(attr)
    col = _ATTRS[attr][0]
    if not isinstance(spec, dict):
        want = _value(attr, spec, strings)
        return (col, want.__eq__), {want}
    if len(spec) != 1:
        raise Unsupported(f"{attr} {spec!r}")
    ((op, arg),) = spec.items()
    if op in ("IN", "NOT_IN"):
        if not isinstance(arg, list):
            raise Unsupported(f"{attr} {spec!r}")
        values = frozenset(_value(attr, v, strings) for v in arg)
        if op == "IN":
            return (col, values.__contains__), set(values)
        return (col, lambda x: x not in values), None
    if op == "REGEX" and _ATTRS[attr][1] and isinstance(arg, str):
        rx = re.compile(arg)
        memo: dict[int, bool] = {}

        def search(x: int) -> bool:
            hit = memo.get(x)
            if hit is None:
                hit = memo[x] = bool(rx.search(strings[x])) if x in strings else False
            return hit

        return (col, search), None
    raise Unsupported(f"{attr} {spec!r}")


class IndexedRuleMatcher:
    """Callable as ``AttributeRuler.match``: returns the ruler's matches of a Doc, sorted as the
    ruler sorts them (rule number, key, start, end), found through per-attribute indexes."""

    def __init__(self, patterns: Sequence[dict[str, Any]], strings: Any) -> None:
        # One-token patterns: tried once per distinct token (its four values), the answer memoised.
        self._single_index: list[dict[int, list[Compiled]]] = [{} for _ in _COLUMNS]
        self._single_always: list[Compiled] = []
        self._memo: dict[tuple[int, ...], tuple[tuple[int, int], ...]] = {}
        # Longer patterns: anchor column → value → patterns whose first token needs that value.
        self._index: list[dict[int, list[Compiled]]] = [{} for _ in _COLUMNS]
        self._always: list[Compiled] = []
        self.rules = len(patterns)
        for rule, entry in enumerate(patterns):
            key = int(strings.add(str(rule)))
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
                        check, values = _check(attr, want, strings)
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

    def _singles(self, row: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
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
                (rule, key) for rule, key, (checks,) in cands if all(test(row[col]) for col, test in checks)
            )
        return hit

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """Returns (rule number, key, start, end) of every match in ``doc``, sorted."""
        if not len(doc):
            return []
        rows = list(map(tuple, doc.to_array(_COLUMNS).tolist()))
        n = len(rows)
        memo = self._memo
        found: list[tuple[int, int, int, int]] = []
        for i, row in enumerate(rows):
            hit = memo.get(row)
            if hit is None:
                hit = self._singles(row)
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
                    test(rows[i + k][col]) for k, checks in enumerate(tokens) for col, test in checks
                ):
                    found.append((rule, key, i, end))
        return sorted(set(found))


def index_attribute_ruler(nlp: Language, name: str = "attribute_ruler") -> bool:
    """Gives the pipeline's attribute ruler an :class:`IndexedRuleMatcher`; returns False (and
    leaves spaCy's matcher) when there is no such component or a pattern is not supported."""
    if name not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe(name)
    patterns = getattr(ruler, "patterns", None)
    if not isinstance(patterns, list) or len(patterns) != len(getattr(ruler, "attrs", ())):
        return False
    try:
        matcher = IndexedRuleMatcher(patterns, nlp.vocab.strings)
    except Unsupported:
        return False
    ruler.match = matcher  # type: ignore[attr-defined]  # the instance's match: __call__ then sets the same attributes
    return True


class MemoLemmatizer(Lemmatizer):
    """A rule lemmatizer whose ``__call__`` sets the same lemmas from one array per Doc (see the
    module docstring); installed by swapping an instance's class (:func:`memo_lemmatizer`)."""

    _newsfacts_memo: dict[tuple[int, int, int], int]

    def __call__(self, doc: Doc) -> Doc:
        """Sets each token's lemma (those without one, or all when ``overwrite``); returns ``doc``."""
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


def memo_lemmatizer(nlp: Language, name: str = "lemmatizer") -> bool:
    """Makes the pipeline's rule lemmatizer a :class:`MemoLemmatizer`; returns False (and leaves
    it) when there is none or it works another way (a lookup or custom lemmatizer)."""
    if name not in nlp.pipe_names:
        return False
    lem = nlp.get_pipe(name)
    if not isinstance(lem, Lemmatizer) or getattr(lem, "mode", None) != "rule":
        return False
    base = type(lem)
    if issubclass(base, MemoLemmatizer):
        return True
    # The language's own subclass (its is_base_form) stays in the method order, below ours.
    lem.__class__ = type(f"Memo{base.__name__}", (MemoLemmatizer, base), {})
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
