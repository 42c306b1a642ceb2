"""Speech or not, full or partial: quoted titles and scare quotes are dropped, fragments are partial."""

from __future__ import annotations

import re

from spacy.tokens import Span

from transforms.quotes.context import _Ctx
from transforms.quotes.cues import _is_cue
from transforms.quotes.marks import QuoteSpan

_SENT_END = ".!?"


def _is_title(text: str) -> bool:
    """True for a quoted name or title: every content word capitalised, no sentence punctuation."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or len(words) > 8 or text.rstrip()[-1:] in _SENT_END + ",":
        return False
    small = {
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "to",
        "by",
        "with",
        "de",
        "la",
        "le",
    }
    return all(w[0].isupper() for w in words if w.lower() not in small) and words[0][0].isupper()


def _kind(ctx: _Ctx, q: QuoteSpan, qspan: Span, continued: bool) -> str:
    """Returns "full" for a sentence or more of speech, "partial" for a fragment inside a sentence."""
    text = ctx.text[q.start : q.end]
    letters = [c for c in text if c.isalpha()]
    line_start = ctx.text.rfind("\n", 0, q.open_at) + 1
    before = ctx.text[line_start : q.open_at].rstrip()
    if continued and not before:
        return "full"
    if not letters or not letters[0].isupper():
        return "partial"
    n_words = len(text.split())
    at_boundary = not before or before[-1] in ":,;.!?—–-(" or before.endswith("''")
    if not at_boundary:
        prev_tok = qspan.doc[qspan.start - 2] if qspan.start >= 2 else None
        at_boundary = prev_tok is not None and _is_cue(prev_tok)
    if at_boundary and (n_words >= 3 or text.rstrip()[-1:] in _SENT_END + ","):
        return "full"
    return "partial"


def _is_speech(quote_text: str, kind: str, has_speaker: bool) -> bool:
    """False for what is not speech: a partial quote without a speaker (a scare quote or a name in
    quotation marks), and a quoted title that is partial or has no speaker."""
    if not has_speaker and kind == "partial":
        return False
    if _is_title(quote_text) and kind == "partial":
        return False
    return not (not has_speaker and _is_title(quote_text))
