"""The article's reporters: a byline ("By Jane Doe"), a credit ("Reporting by Jane Doe; Editing by
John Roe") a name after an outlet's possessive ("Channel 5 News' Jane Doe"), a name opening a short line
with an outlet after a separator ("Jane Doe · Channel 5 News"), or a name before a phrase saying it filed
the story ("Jane Doe reports from Halifax", "Jane Doe contributed to this report"). They write the
article and are never taken as a speaker by pronoun, description or continuation; a cue whose
subject names them still makes them one."""

from __future__ import annotations

import re
from functools import cache

from transforms.quotes.context import _Ctx, _key
from transforms.quotes.lexicon import _lex

_BYLINE_WORDS = 8  # a byline line holds names, not a sentence


def _alt(words: tuple[str, ...] | frozenset[str]) -> str:
    """Returns a regex alternation of the words, longest first, spaces matching any blank."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Returns the byline, credit, outlet-possessive and filed-the-story patterns built from the lexicon."""
    lex = _lex()
    byline = re.compile(rf"(?im)^[ \t]*(?:{_alt(lex.byline)})[ \t]+([^\n]+)$")
    credit = re.compile(rf"(?i)\b(?:{_alt(lex.credit)})[ \t]+([^;)\n]{{2,120}})")
    media = re.compile(rf"(?i)\b(?:{_alt(lex.media_words)})['’]s?[ \t]+$")
    filed = re.compile(rf"(?i)^[ \t]*(?:{_alt(lex.filed)})\b")
    return byline, credit, media, filed


@cache
def _outlet_after() -> re.Pattern[str]:
    """Returns the pattern of an outlet right after a name opening a short line, set off by a
    separator ("Jane Doe · Channel 5 News · Posted …", "Jane Doe, The Daily Herald")."""
    words = "|".join(re.escape(w.capitalize()) for w in sorted(_lex().media_words, key=len, reverse=True))
    return re.compile(rf"^[ \t]*[·|•,–—-][ \t]*(?:[A-Z0-9][\w&.'’-]*[ \t]+){{0,3}}(?:{words})\b")


def reporter_keys(ctx: _Ctx) -> set[str]:
    """Returns the person keys of the article's reporters (see the module doc)."""
    byline, credit, media, filed = _patterns()
    regions: list[tuple[int, int]] = []
    for hit in byline.finditer(ctx.text):
        if len(hit.group(1).split()) <= _BYLINE_WORDS:
            regions.append((hit.start(1), hit.end(1)))
    regions += [(hit.start(1), hit.end(1)) for hit in credit.finditer(ctx.text)]
    keys: set[str] = set()
    for a, b in regions:
        for m in ctx.mentions_in(a, b):
            if m.get("label") == "PERSON":
                keys.add(_key(str(m["text"])))
    outlet = _outlet_after()
    for m in ctx.mentions:
        s, e = int(m["start"]), int(m["end"])
        # (a name alone on a line is often read as an organisation)
        if (
            m.get("label") in ("PERSON", "ORG")
            and _opens_short_line(ctx.text, s, e)
            and outlet.match(ctx.text[e : e + 60])
        ):
            keys.add(_key(str(m["text"])))
        if m.get("label") == "PERSON" and (
            media.search(ctx.text[max(s - 40, 0) : s]) or filed.match(ctx.text[e : e + 60])
        ):
            keys.add(_key(str(m["text"])))
    return keys


def _opens_short_line(text: str, start: int, end: int) -> bool:
    """True when a name opens a line of at most a byline's length."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    return len(line.split()) <= 2 * _BYLINE_WORDS
