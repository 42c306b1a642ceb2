"""Comparison keys of names: initials and acronyms (the folded form and the transliteration key are
:mod:`transforms.names`'s, re-exported here)."""

from __future__ import annotations

import re

from transforms.entities.rules import _rules
from transforms.names import fold, translit_key

__all__ = ["fold", "initials", "translit_key"]  # the name keys live in transforms.names


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
