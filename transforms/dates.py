"""Event dates: a date phrase from a sentence resolved against the article's publication date.

``resolve_date("on Tuesday", date(2021, 3, 4))`` gives the Tuesday on or before that day. The method
returned says how the date was found (one of :data:`transforms.schema.DATE_METHODS`):

- ``explicit``: the phrase names a month and a day ("August 9", "September 14th", "3/11/2020"), or
  a month and a year ("in January 2009"). A phrase without a year takes the article's year (rolled
  back a year when that would put a past event weeks after publication, forward a year for a
  planned one); without a publication date an explicit phrase without a year is left unresolved.
- ``relative``: weekdays, "yesterday", "last month", "last July", "two days ago"… counted from
  ``published_at`` (dateparser with a relative base); unresolvable when the article is undated.
- ``none``: no day could be fixed (durations such as "26 years", habits such as "every weekend",
  a bare year or a year counted from publication ("last year"), or an undated article); the
  caller keeps the words in ``date_text``.

Month-level phrases ("last month", "early August") resolve to the first day of the month. Words
before the date itself are dropped ("an interview last week", "the week of March 7").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import dateparser

from transforms.lexicons import load

Prefer = Literal["past", "future"]
_WORD = re.compile(r"[a-z]+")
_YEAR = re.compile(r"\b(1[89]|20)\d{2}\b")
# Years a news event may be dated in (what _YEAR matches): a phrase stating another year is no day.
_YEARS = range(1800, 2100)
_DAY_TOKEN = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")
_NUMBER_TOKEN = re.compile(r"^\d+$")
_NUMERIC_PARTS = re.compile(r"\b(\d{1,4})[/.-](\d{1,2})(?:[/.-](\d{1,4}))?\b")
_DAY_NUMBER = re.compile(r"\b\d{1,2}(st|nd|rd|th)?\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?\b")
_PART_OF_MONTH = re.compile(r"\b(early|mid|late|end of|beginning of|start of)\b-?")


@dataclass(frozen=True)
class _DateWords:
    strip_prefixes: tuple[str, ...]
    reject: frozenset[str]
    weekdays: tuple[str, ...]
    relative: frozenset[str]
    months: frozenset[str]
    anchors: frozenset[str]
    rollover: int


@cache
def _words() -> _DateWords:
    lex = load("dates")
    # Longest prefixes first, so "as of" is stripped before "as".
    prefixes = tuple(sorted((str(p) for p in lex["strip_prefixes"]), key=len, reverse=True))
    return _DateWords(
        strip_prefixes=prefixes,
        reject=frozenset(lex["reject_words"]),
        weekdays=tuple(lex["weekdays"]),
        relative=frozenset(lex["relative_words"]),
        months=frozenset(lex["months"]),
        anchors=frozenset(lex["anchors"]),
        rollover=int(lex["year_rollover_days"]),
    )


def normalise(text: str) -> str:
    """Returns the phrase lower-cased, without parentheses, commas or leading prepositions."""
    s = re.sub(r"[()\[\],]", " ", text.lower())
    s = re.sub(r"\s+", " ", s).strip()
    changed = True
    while changed:
        changed = False
        for p in _words().strip_prefixes:
            if s.startswith(p + " "):
                s = s[len(p) + 1 :]
                changed = True
    return s


def _core(s: str) -> str:
    """The date itself in a normalised phrase: the words from its first anchor (a month, a weekday,
    "last", "yesterday"…) on, when no number comes before it ("an interview last week" → "last
    week", "the week of march 7" → "march 7"); the phrase unchanged otherwise."""
    w = _words()
    words = s.split(" ")
    for i, word in enumerate(words):
        if any(ch.isdigit() for ch in word):
            return s
        token = word.strip(".")
        if token in w.months or token in w.weekdays or token in w.anchors or _PART_OF_MONTH.match(token):
            return " ".join(words[i:])
    return s


def _month_of(tokens: list[str]) -> int | None:
    """The number of the one month the tokens name ("sept" → 9), None for none or several."""
    found = {_MONTH_NUMBERS[t[:3]] for t in tokens if t in _words().months}
    return found.pop() if len(found) == 1 else None


_MONTH_NUMBERS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def classify(text: str) -> Literal["explicit", "relative", "reject"]:
    """Returns whether the phrase is an explicit day, a day relative to publication, or not a day."""
    w = _words()
    s = normalise(text)
    tokens = _WORD.findall(s)
    if not s or any(t in w.reject for t in tokens) or _PART_OF_MONTH.sub("", s).strip() == "":
        return "reject"
    s = _core(s)
    tokens = _WORD.findall(s)
    has_month = any(t in w.months for t in tokens)
    if _NUMERIC_DATE.search(s) or (has_month and (_DAY_NUMBER.search(s) or _PART_OF_MONTH.search(s))):
        return "explicit"
    if has_month:
        # "in January 2009" names its month; "in August" is still an anchor, resolved like "last month"
        return "explicit" if _YEAR.search(s) else "relative"
    if "year" in tokens or "years" in tokens:
        return "reject"  # "last year", "a year ago": a year is no day, as a bare year is not
    if any(t in w.weekdays or t in w.relative for t in tokens):
        return "relative"
    return "reject"


@dataclass(frozen=True)
class _Stated:
    """What a phrase states outright: year, month and day (None when not stated)."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    def possible(self) -> bool:
        """Whether the stated parts make a calendar day (any year when none is stated)."""
        if self.month is not None and not 1 <= self.month <= 12:
            return False
        if self.day is not None:
            try:
                dt.date(2000 if self.year is None else self.year, self.month or 1, self.day)
            except ValueError:
                return False
        return True

    def agrees(self, day: dt.date) -> bool:
        """Whether a resolved day keeps every stated part."""
        return all(
            want is None or got == want
            for want, got in ((self.year, day.year), (self.month, day.month), (self.day, day.day))
        )


def _stated(s: str) -> _Stated:
    """The year, month and day a normalised phrase writes out: a numeric date (Y-M-D, or M/D/Y as
    the parser reads it; a two-digit year is not checked), or a month name with a day number next
    to it and a number after them ("march 15 44": year 44) or a number of three digits or more
    after the month ("january 10000")."""
    num = _NUMERIC_PARTS.search(s)
    if num is not None:
        a, b, c = num.groups()
        if len(a) == 4:
            return _Stated(int(a), int(b), int(c) if c else None)
        numeric_year = int(c) if c is not None and len(c) != 2 else None
        return _Stated(numeric_year, int(a), int(b))
    tokens = s.split(" ")
    at = [i for i, t in enumerate(tokens) if t.strip(".") in _words().months]
    month = _month_of([t.strip(".") for t in tokens])
    if len(at) != 1 or month is None:
        return _Stated()
    i = at[0]

    def token(k: int) -> str:
        return tokens[k] if 0 <= k < len(tokens) else ""

    after = _DAY_TOKEN.match(token(i + 1))
    before_at = i - 2 if token(i - 1) == "of" else i - 1
    before = None if after else _DAY_TOKEN.match(token(before_at))
    day = int(after.group(1)) if after else int(before.group(1)) if before else None
    year_at = i + 2 if after else i + 1
    year: int | None = None
    if day is not None and _NUMBER_TOKEN.match(token(year_at)):
        year = int(token(year_at))
    elif day is None and _NUMBER_TOKEN.match(token(i + 1)) and len(token(i + 1)) >= 3:
        year = int(token(i + 1))
    return _Stated(year, month, day)


def _month_level(s: str, base: dt.date | None, prefer: Prefer) -> dt.date | None:
    """The first day of the month a phrase names without a day ("january 2009", "last july", "in
    june"): its year if stated, else the one before or after ``base`` that ``last``, ``next``,
    ``this`` or ``prefer`` points to; None when it names no single month, has a day or no base."""
    tokens = _WORD.findall(s)
    month = _month_of(tokens)
    if month is None or _NUMERIC_DATE.search(s) or _DAY_NUMBER.search(_YEAR.sub("", s)):
        return None
    year = _YEAR.search(s)
    if year is not None:
        return dt.date(int(year.group(0)), month, 1)
    if base is None:
        return None
    if "last" in tokens:
        return dt.date(base.year if month < base.month else base.year - 1, month, 1)
    if "next" in tokens:
        return dt.date(base.year if month > base.month else base.year + 1, month, 1)
    if "this" in tokens or month == base.month:
        return dt.date(base.year, month, 1)
    if prefer == "past":
        return dt.date(base.year if month < base.month else base.year - 1, month, 1)
    return dt.date(base.year if month > base.month else base.year + 1, month, 1)


def _weekday(s: str, base: dt.date, prefer: Prefer) -> dt.date | None:
    """The named weekday nearest to ``base`` on the preferred side (the base day included)."""
    tokens = _WORD.findall(s)
    days = [d for d in _words().weekdays if d in tokens]
    if len(days) != 1 or len(tokens) > 3:
        return None
    target = _words().weekdays.index(days[0])
    if "last" in tokens:
        delta = (base.weekday() - target) % 7 or 7
        return base - dt.timedelta(days=delta)
    if "next" in tokens or prefer == "future":
        delta = (target - base.weekday()) % 7
        if "next" in tokens and delta == 0:
            delta = 7
        return base + dt.timedelta(days=delta)
    return base - dt.timedelta(days=(base.weekday() - target) % 7)


def _parse(s: str, base: dt.date, prefer: Prefer) -> dt.date | None:
    cleaned = _PART_OF_MONTH.sub("", s).strip() or s
    found = dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
            "PREFER_DATES_FROM": prefer,
            "PREFER_DAY_OF_MONTH": "first",
            "DATE_ORDER": "MDY",
        },
    )
    return found.date() if found is not None else None


def resolve_date(
    text: str, published_at: dt.date | None, prefer: Prefer = "past"
) -> tuple[dt.date | None, str]:
    """Returns ``(date, method)`` for a date phrase; ``(None, "none")`` when no day can be fixed.

    ``prefer`` says on which side of ``published_at`` an ambiguous day falls: ``past`` for what
    happened, ``future`` for what is planned. A day that would fall outside the calendar (years
    1-9999, from a ``published_at`` at its ends) is ``(None, "none")``, never an error; so is a
    phrase stating an impossible day ("May 32", month 13), a year outside 1800-2099, or a day the
    parser could only read by changing a stated year, month or day.
    """
    try:
        if classify(text) == "reject":
            return None, "none"
        stated = _stated(_core(normalise(text)))
        if not stated.possible() or (stated.year is not None and stated.year not in _YEARS):
            return None, "none"  # "May 32", month 13, "July 4, 1776", "January 10000"
        day, method = _resolve(text, published_at, prefer)
    except (OverflowError, ValueError):
        # A day before year 1 or after 9999 (published_at at either end of the calendar): no day.
        return None, "none"
    if day is not None and not stated.agrees(day):
        return None, "none"  # the parser moved a stated year, month or day: not the day written
    return day, method


def _resolve(text: str, published_at: dt.date | None, prefer: Prefer) -> tuple[dt.date | None, str]:
    kind = classify(text)
    if kind == "reject":
        return None, "none"
    s = _core(normalise(text))
    has_year = _YEAR.search(s) is not None
    if not _PART_OF_MONTH.search(s) and (month := _month_level(s, published_at, prefer)) is not None:
        return month, kind
    if kind == "explicit":
        if has_year:
            base = published_at or dt.date(int(_YEAR.search(s).group(0)), 1, 1)  # type: ignore[union-attr]
            found = _parse(s, base, prefer)
            return (found, "explicit") if found else (None, "none")
        if published_at is None:
            return None, "none"
        found = _parse(s, dt.date(published_at.year, 6, 15), prefer)
        if found is None:
            return None, "none"
        # 29 February of a year without one raises ValueError: no day.
        found = found.replace(year=published_at.year)
        roll = dt.timedelta(days=_words().rollover)
        if prefer == "past" and found > published_at + roll:
            found = _shift_year(found, -1)
        elif prefer == "future" and found < published_at - roll:
            found = _shift_year(found, 1)
        return found, "explicit"
    if published_at is None:
        return None, "none"
    day = _weekday(s, published_at, prefer)
    if day is None:
        day = _parse(s, published_at, prefer)
    return (day, "relative") if day else (None, "none")


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
