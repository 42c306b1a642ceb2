"""Candidate tokens of a whole-article scan, found on the Doc's arrays instead of Token objects.

Several extractors scan every token of an article for a few candidates (proper-noun subjects,
pronoun subjects, verbs); each ``for t in doc`` creates a ``Token`` per token and looks up its
``pos_`` / ``dep_`` strings. :func:`candidates` tests the part of speech, dependency and lower
form on the Doc's integer columns (read once per Doc with ``Doc.to_array`` and kept on it) and
returns the indices that pass, in order: a scan then builds ``Token`` objects for those alone and
applies its other tests as before, with the same result.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from spacy.attrs import DEP, LOWER, POS
from spacy.parts_of_speech import IDS
from spacy.tokens import Doc

_ARRAY_KEY = "newsfacts_token_array"


def _columns(doc: Doc) -> np.ndarray:
    """The Doc's POS, DEP and LOWER columns (one row per token), read once and kept on the Doc
    (the extractors only read a parsed Doc, so they never go stale)."""
    arr = doc.user_data.get(_ARRAY_KEY)
    if not isinstance(arr, np.ndarray):
        arr = doc.user_data[_ARRAY_KEY] = doc.to_array([POS, DEP, LOWER]).reshape(len(doc), 3)
    return arr


def candidates(
    doc: Doc,
    pos: Iterable[str] | None = None,
    dep: Iterable[str] | None = None,
    lower: Iterable[str] = (),
) -> list[int]:
    """Returns, in order, the indices of the tokens whose ``pos_`` is one of ``pos`` and whose
    ``dep_`` is one of ``dep`` (None: any), plus those whose ``lower_`` is one of ``lower``."""
    arr = _columns(doc)
    keep = np.ones(len(doc), dtype=bool)
    if pos is not None:
        keep &= np.isin(arr[:, 0], np.array([IDS[p] for p in pos], dtype=np.uint64))
    if dep is not None:
        strings = doc.vocab.strings
        keep &= np.isin(arr[:, 1], np.array([strings[d] for d in dep], dtype=np.uint64))
    if lower:
        strings = doc.vocab.strings
        keep |= np.isin(arr[:, 2], np.array([strings[w] for w in lower], dtype=np.uint64))
    return [int(i) for i in np.flatnonzero(keep)]
