"""The article's reporters: a byline ("By Jane Doe"), a credit ("Reporting by Jane Doe; Editing by
John Roe") or a name after an outlet's possessive ("Channel 5 News' Jane Doe"). They write the
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
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Returns the byline, credit and outlet-possessive patterns built from the lexicon."""
    lex = _lex()
    byline = re.compile(rf"(?im)^[ \t]*(?:{_alt(lex.byline)})[ \t]+([^\n]+)$")
    credit = re.compile(rf"(?i)\b(?:{_alt(lex.credit)})[ \t]+([^;)\n]{{2,120}})")
    media = re.compile(rf"(?i)\b(?:{_alt(lex.media_words)})['’]s?[ \t]+$")
    return byline, credit, media


def reporter_keys(ctx: _Ctx) -> set[str]:
    """Returns the person keys of the article's reporters (see the module doc)."""
    byline, credit, media = _patterns()
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
    for m in ctx.mentions:
        s = int(m["start"])
        if m.get("label") == "PERSON" and media.search(ctx.text[max(s - 40, 0) : s]):
            keys.add(_key(str(m["text"])))
    return keys
