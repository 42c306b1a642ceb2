"""What the packages know about person names: the comparison keys of a name, the titles written
before one and the gender a title tells (one table, ``lexicons/titles.toml``).

Several readers keep their own variant of a key or of the gendered titles: each variant is a named
parameter here, and its docstring says what differs and why (the outputs depend on it).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import Literal

from anyascii import anyascii

from transforms import lexicons

# Who reads the gendered titles, each with its own subset (see ``[gender_uses]`` in titles.toml).
TitleUse = Literal["evaluation", "pronouns", "speakers", "merging"]


def title_key(text: str) -> str:
    """Returns a title as compared: lower case, periods dropped, whitespace collapsed."""
    return " ".join(text.lower().replace(".", "").split())


@cache
def gender_titles(use: TitleUse) -> tuple[frozenset[str], frozenset[str]]:
    """Returns ``(male, female)``: the gendered titles the reader ``use`` takes, as title keys.

    The subsets differ because each reader grew its own list and tuned its rules with it: entity
    merging also counts offices ("congresswoman"), quotes foreign honorifics and "sister", events'
    pronoun agreement only the common honorifics and nobility, the quote scorer only Mr/Mrs/Ms.
    """
    data = lexicons.load("titles")
    groups = data["gender_uses"][use]
    return (
        frozenset(title_key(t) for g in groups for t in data["gender_titles"]["male"][g]),
        frozenset(title_key(t) for g in groups for t in data["gender_titles"]["female"][g]),
    )


def title_gender(title: str, use: TitleUse) -> str | None:
    """Returns "m" or "f" when ``title`` (any case, a final period allowed) is one of the gendered
    titles of ``use``, else None."""
    male, female = gender_titles(use)
    t = title.lower().rstrip(".")
    return "m" if t in male else "f" if t in female else None


@cache
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Returns ``(male, female)``: the common given names of ``lexicons/given_names.toml``."""
    data = lexicons.load("given_names")
    return frozenset(data["male"]), frozenset(data["female"])


# ---------------------------------------------------------------- keys

_POSSESSIVE_END = re.compile(r"(?:'s|’s|')$")


@lru_cache(maxsize=16384)  # a pure function of a name, asked for the same names again and again
def person_key(name: str, folded: bool = True) -> str:
    """Returns the key a person is referred to by within an article: the last word of the name,
    lower case ("Mr. Clarke", "Ray Clarke" and "Clarke's" are one person).

    ``folded`` (quotes): accents dropped, a final possessive or bare apostrophe and trailing
    periods and commas cut; a name of no words keys as itself. Unfolded (events): only a final
    "'s" of the whole name is cut, and an empty name keys as "" — events compare the key with the
    plain lower-case words of a party's text (:func:`name_words`), so it must not fold.
    """
    if not folded:
        plain = re.sub(r"[’']s$", "", name.strip()).split()
        return plain[-1].lower() if plain else ""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    last = _POSSESSIVE_END.sub("", words[-1]) if words else name
    decomposed = unicodedata.normalize("NFKD", last)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip(".,")


def name_words(text: str) -> frozenset[str]:
    """The lower-case words of a party's text, possessives cut ("Clinton’s campaign" → clinton, campaign)."""
    return frozenset(re.sub(r"[’']s\b", "", text).lower().split())


def proper_name_words(text: str | None) -> set[str]:
    """Returns the lower-case words of a text that look like parts of a proper name (capitalised).

    A possessor followed by more words ("Clinton's spokesman") is left out: it names someone else
    than the phrase; one that ends the phrase ("Trump's") is kept, its possessive cut.
    """
    if not text:
        return set()
    words = [(m.group(), m.end()) for m in re.finditer(r"[A-Z][\w'’.-]*", text)]
    tail = len(text.rstrip(" ,.;:"))
    kept = {
        re.sub(r"(?:['’]s|['’])$", "", w.lower().strip("."))
        for w, end in words
        if end >= tail or not re.search(r"(?:['’]s|s['’])$", w)
    }
    return {w.strip("'’") for w in kept}


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


@cache
def _translit() -> tuple[tuple[tuple[str, str], ...], int]:
    data = lexicons.load("transliteration")
    return tuple((str(a), str(b)) for a, b in data["substitutions"]), int(data["final_e_min_length"])


@lru_cache(maxsize=1 << 18)
def translit_key(word: str) -> str:
    """Returns the coarse romanisation-independent key of one name word (see transliteration.toml).

    "Gorbachev" and "Gorbatchev", "Yeltsin" and "Eltsine" share a key; it proposes candidates and
    a fuzzy score decides the rest.
    """
    substitutions, final_e_min = _translit()
    s = fold(word).replace(" ", "")
    for a, b in substitutions:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)  # doubled letters
    if len(s) >= final_e_min and s.endswith("e") and s[-2] not in "aeiou":
        s = s[:-1]
    return s
