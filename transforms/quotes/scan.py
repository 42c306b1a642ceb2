"""Whole-article scans without a Python object per token: the rules that look for a few tokens
of an article (the subjects, the proper nouns, the verbs) pick their candidates from numeric
arrays of the Doc (``Doc.to_array``) and make ``Token`` objects for those alone.

Iterating a Doc makes one ``Token`` per word and reads its labels as strings: on 200 news
articles the quote and event rules spent about a fifth of their time in such scans (several per
article), nearly all of it on tokens the first test rejects. The arrays and the entities are
built once per Doc (the last Doc asked for is kept, as the rules read one Doc in turn).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

import numpy as np
from spacy.attrs import DEP, LOWER, POS
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span

# Columns of the per-Doc array.
_COLS = (DEP, POS, LOWER)
# (Doc, its array, its entities, their start tokens) of the last Doc asked for: one entry,
# replaced in one assignment (a thread that finds another Doc there builds its own).
_LAST: tuple[Doc, np.ndarray, Sequence[Span] | None, list[int] | None] | None = None


def _array(doc: Doc) -> np.ndarray:
    global _LAST
    last = _LAST
    if last is not None and last[0] is doc:
        return last[1]
    arr = doc.to_array(list(_COLS)) if len(doc) else np.zeros((0, len(_COLS)), dtype=np.uint64)
    _LAST = (doc, arr, None, None)
    return arr


def _ids(doc: Doc, labels: Iterable[str]) -> list[int]:
    return [doc.vocab.strings[s] for s in labels]


def token_indices(
    doc: Doc,
    deps: Iterable[str] | None = None,
    pos: Iterable[str] | None = None,
    lowers: Iterable[str] | None = None,
    or_lowers: Iterable[str] | None = None,
) -> list[int]:
    """Returns, in order, the indices of the tokens whose dependency label is among ``deps``
    (when given) and whose coarse part of speech is among ``pos`` (when given) and whose lower
    case is among ``lowers`` (when given), plus those whose lower case is among ``or_lowers``.
    The same tokens as ``[t.i for t in doc if ...]`` with the string attributes."""
    arr = _array(doc)
    keep = np.ones(arr.shape[0], dtype=bool)
    if deps is not None:
        keep &= np.isin(arr[:, 0], np.array(_ids(doc, deps), dtype=np.uint64))
    if pos is not None:
        keep &= np.isin(arr[:, 1], np.array([POS_IDS[p] for p in pos], dtype=np.uint64))
    if lowers is not None:
        keep &= np.isin(arr[:, 2], np.array(_ids(doc, lowers), dtype=np.uint64))
    if or_lowers is not None:
        keep |= np.isin(arr[:, 2], np.array(_ids(doc, or_lowers), dtype=np.uint64))
    return [int(i) for i in np.flatnonzero(keep)]


def sentence_ents(doc: Doc, sent: Span) -> list[Span]:
    """Returns ``sent.ents`` (the entities within the span, as spaCy picks them: from the first
    that starts in it up to the first that ends after it) from the Doc's entities read once."""
    global _LAST
    _array(doc)
    last = _LAST
    assert last is not None
    ents, starts = last[2], last[3]
    if ents is None or starts is None:
        ents = tuple(doc.ents)
        starts = [e.start for e in ents]
        _LAST = (doc, last[1], ents, starts)
    out: list[Span] = []
    for k in range(bisect_left(starts, sent.start), len(ents)):
        ent = ents[k]
        if ent.end > sent.end:
            break
        out.append(ent)
    return out
