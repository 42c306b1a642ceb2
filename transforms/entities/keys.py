"""Comparison keys of names: the folded form, the transliteration key, initials and acronyms."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from transforms.entities.rules import _rules


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
