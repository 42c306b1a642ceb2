"""The canonical name of an entity: the most complete, normally cased, non-epithet form."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from transforms.entities.keys import _is_acronym, fold
from transforms.entities.persons import parse_person
from transforms.entities.rules import _given_names, _rules

# A word in capitals this long or longer is shouted, not an acronym ("TAYLOR", not "UCP").
_SHOUT_MIN_LETTERS = 4
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Za-z]*)?$")


def _canonical(forms: Counter[str], etype: str) -> str:
    """Returns the entity's name chosen among its forms.

    Forms are ranked: first those that are no role alone (a person "UCP MLA": only acronyms and
    title words), not shouted in capitals ("JANE DOE"), not an epithet before the name ("Sly Jane
    Doe", :func:`_epithets`); then, for a person, full names (given name and surname), for other
    types spelled-out names rather than acronyms; then the most frequent, the longest, alphabetical.
    """
    person = etype == "PERSON"
    full = {f for f in forms if person and (p := parse_person(f)) is not None and p.given is not None}
    epithets = _epithets(full)

    def rank(f: str) -> tuple[bool, bool, bool, bool, int, int, str]:
        plain = f not in full if person else _is_acronym(f)
        return (person and _role_only(f), _shouted(f, person), f in epithets, plain, -forms[f], -len(f), f)

    return min(forms, key=rank)


@cache
def _title_words() -> frozenset[str]:
    rules = _rules()
    return frozenset(w for t in rules.honorifics | rules.positions for w in t.split())


def _role_only(form: str) -> bool:
    """True for a person form made only of acronyms and title words ("UCP MLA", "Sen."): no name."""
    words = form.split()
    return bool(words) and all(
        _is_acronym(w.strip(",")) or fold(w) in _title_words() for w in words if fold(w)
    )


def _shouted(form: str, person: bool) -> bool:
    """True for a form in capitals that is no acronym: a person's name ("JANE DOE"), or other names
    of several words with a long one ("NORDIC ENERGY AGENCY", not "NEA")."""
    letters = [c for c in form if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return False
    words = form.split()
    long_word = any(sum(c.isalpha() for c in w) >= _SHOUT_MIN_LETTERS for w in words)
    return long_word and (person or len(words) >= 2)


def _epithets(full: set[str]) -> set[str]:
    """Returns the person forms that put an epithet before the name: a capitalised word that is no
    given name (neither in the given-names lexicon nor another form's) before another full form of
    the entity or before another form's given name ("Sly Jane Doe" or "Sly Jane" beside
    "Jane Doe")."""
    parsed = {f: p for f in full if (p := parse_person(f)) is not None}
    out: set[str] = set()
    for f, p in parsed.items():
        words = f.split()
        if len(words) < 2 or not _NAME_WORD.match(words[0]) or fold(words[0]) in _given_names():
            continue
        rest = fold(" ".join(words[1:]))
        others = [(o, q) for o, q in parsed.items() if o != f]
        if any(q.given == p.given for _, q in others):
            continue  # another form starts with this word: a given name
        if any(fold(o) == rest or q.given == rest for o, q in others):
            out.add(f)
    return out
