"""The lexicons the entity rules read (titles, entity_rules), in lookup form."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from transforms import lexicons
from transforms.names import given_names, title_key


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


@cache
def _rules() -> _Rules:
    """Returns the titles and entity_rules lexicons in lookup form."""
    titles = lexicons.load("titles")
    rules = lexicons.load("entity_rules")
    return _Rules(
        honorifics=frozenset(title_key(t) for t in titles["honorifics"]),
        positions=frozenset(title_key(t) for t in titles["positions"]),
        suffixes=frozenset(s.lower() for s in titles["suffixes"]),
        particles=frozenset(p.lower() for p in titles["surname_particles"]),
        headline_verbs=frozenset(v.lower() for v in rules["headline_verbs"]),
        acronym_stopwords=frozenset(w.lower() for w in rules["acronym_stopwords"]),
        connectors=frozenset(w.lower() for w in rules["acronym_connectors"]),
        span_breaks=frozenset(rules["span_breaks"]),
        place_before=frozenset(w.lower() for w in rules["place_words_before"]),
        place_after=frozenset(w.lower() for w in rules["place_words_after"]),
    )


_title_key = title_key  # the entity modules' name for transforms.names.title_key


@cache
def _given_names() -> frozenset[str]:
    """The given names of the given_names lexicon (both genders), lower case."""
    male, female = given_names()
    return frozenset(w.lower() for w in male | female)
