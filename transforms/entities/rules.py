"""The lexicons the entity rules read (titles, entity_rules, transliteration), in lookup form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from transforms import lexicons


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
    place_before: frozenset[str]
    place_after: frozenset[str]
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
        place_before=frozenset(w.lower() for w in rules["place_words_before"]),
        place_after=frozenset(w.lower() for w in rules["place_words_after"]),
        translit=tuple((str(a), str(b)) for a, b in translit["substitutions"]),
        final_e_min=int(translit["final_e_min_length"]),
    )


def _title_key(text: str) -> str:
    """Returns a title as compared: lower case, periods dropped, whitespace collapsed."""
    return " ".join(text.lower().replace(".", "").split())


@cache
def _given_names() -> frozenset[str]:
    """The given names of the given_names lexicon (both genders), lower case."""
    lex = lexicons.load("given_names")
    return frozenset(str(w).lower() for key in ("male", "female") for w in lex[key])
