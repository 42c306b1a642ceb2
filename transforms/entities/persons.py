"""Person names: their parts, and whether two full names denote one person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from transforms.entities.keys import fold, translit_key
from transforms.entities.rules import _rules

# Fuzzy person matching: surname score needed by surname length (skeleton characters).
_SURNAME_MIN_LEN_FUZZY = 7
_SURNAME_SCORE_SHORT = 85.0  # 7-9 characters
_SURNAME_SCORE_LONG = 80.0  # 10 characters or more
_GIVEN_MIN_LEN_FUZZY = 4
_GIVEN_SCORE = 80.0


@dataclass(frozen=True)
class PersonName:
    """A person name read from its words: given name, middle names, surname, suffix (folded)."""

    given: str | None
    middles: tuple[str, ...]
    surname: str
    suffix: str | None

    @property
    def given_key(self) -> str:
        """The transliteration key of the given name ('' when there is none)."""
        return translit_key(self.given) if self.given else ""

    @property
    def surname_key(self) -> str:
        """The transliteration key of the surname."""
        return translit_key(self.surname)


@lru_cache(maxsize=1 << 18)
def parse_person(form: str) -> PersonName | None:
    """Returns the parts of a person name, or None when it has no words.

    The surname is the last word with the particles before it ("de Gaulle", "Van Hollen"); a
    capitalised first word is a given name even when it could be a particle ("Ben", "Al", "Van");
    a name suffix (Jr, III) is kept apart; the first remaining word is the given name.
    """
    rules = _rules()
    raw = [w for w in re.split(r"[\s,]+", form) if fold(w)]
    words = [fold(w) for w in raw]
    suffix = None
    if len(words) >= 2 and words[-1] in rules.suffixes:
        suffix = words.pop()
    if not words:
        return None
    first_surname = len(words) - 1
    while first_surname > 0 and words[first_surname - 1] in rules.particles:
        if first_surname - 1 == 0 and not raw[0].islower():
            break
        first_surname -= 1
    surname = " ".join(words[first_surname:])
    if first_surname == 0:
        return PersonName(None, (), surname, suffix)
    return PersonName(words[0], tuple(words[1:first_surname]), surname, suffix)


def _spelling_variants(a: str, b: str) -> bool:
    """True for two given-name keys that differ only in vowels inside the name, like romanisations
    do (Aleksandr / Aleksander), not in consonants (Ivana / Ivanka) or the final letter, which
    often marks another person (Daniel / Daniela); both 6+ letters."""
    if min(len(a), len(b)) < 6 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    return re.sub(r"[aeiou]", "", a[1:]) == re.sub(r"[aeiou]", "", b[1:])


def same_person(a: PersonName, b: PersonName) -> tuple[bool, str]:
    """Decides whether two full person names (both with a given name) denote one person.

    Returns (decision, evidence). Suffixes must agree, middle initials must not clash, surnames
    must share the transliteration key or, when long, score high in rapidfuzz's ratio; given
    names must share their key, or score at least 80 (4+ letters) where the surnames differ too.
    """
    if a.given is None or b.given is None or a.suffix != b.suffix:
        return False, "suffix or given name missing"
    if a.middles and b.middles and a.middles[0][:1] != b.middles[0][:1]:
        return False, "middle initials differ"
    ga, gb = a.given_key, b.given_key
    if ga != gb:
        # Same surname, different first names: two people (Ivana and Ivanka); a first name may only
        # vary where the surname is transliterated differently too.
        if a.surname_key == b.surname_key and not _spelling_variants(ga, gb):
            return False, "same surname, given names differ"
        if min(len(ga), len(gb)) < _GIVEN_MIN_LEN_FUZZY or ga[:1] != gb[:1]:
            return False, "given names differ"
        g_score = fuzz.ratio(ga, gb)
        if g_score < _GIVEN_SCORE:
            return False, f"given names differ ({g_score:.0f})"
    else:
        g_score = 100.0
    sa, sb = a.surname_key, b.surname_key
    if sa == sb:
        return True, f"transliteration key {sa!r}, given {g_score:.0f}"
    shortest = min(len(sa), len(sb))
    if shortest < _SURNAME_MIN_LEN_FUZZY or sa[:1] != sb[:1]:
        return False, "surnames differ"
    s_score = max(fuzz.ratio(sa, sb), fuzz.ratio(a.surname, b.surname))
    need = _SURNAME_SCORE_LONG if shortest >= 10 else _SURNAME_SCORE_SHORT
    if s_score < need:
        return False, f"surnames differ ({s_score:.0f})"
    return True, f"surname {s_score:.0f}, given {g_score:.0f}"
