"""The per-article state the speaker rules share: a person named outside quotes (``_Person``), an
attribution (``_Attr``), and ``_Ctx`` with the people and the character, token and paragraph indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from transforms.names import person_key
from transforms.quotes.marks import QuoteSpan


@dataclass
class _Person:
    """A reference to a person outside quotes: a mention, or a name the parse found as a subject."""

    start: int
    end: int
    text: str
    key: str
    sent: int
    subject: bool
    gender: str | None = None  # "m"/"f" from this mention alone (title, given name, role)
    main: bool = False  # the subject of the sentence's main clause, not of a clause inside it
    ref: _Person | None = None  # for a he/she outside quotes: the named person it was resolved to


@dataclass
class _Attr:
    method: str
    cue: str | None
    text: str | None
    start: int | None
    end: int | None
    person_key: str | None = None
    cue_tok: int | None = None


_key = person_key  # a person's key within an article: the last word of the name, folded


@dataclass
class _Ctx:
    doc: Doc
    text: str
    quotes: list[QuoteSpan]
    quote_of_char: list[int]  # -1 outside quotes, else the index of the quote (marks included)
    persons: list[_Person]
    mentions: list[dict[str, Any]]
    sent_of_tok: list[int]
    para_of_char: list[int]
    sents: list[Span]
    genders: dict[str, dict[str, int]] = field(default_factory=dict)
    first_gender: dict[str, str] = field(default_factory=dict)  # of a surname's first full mention
    chain: list[_Person] | None = None  # resolved he/she subjects, see _pronoun_chain

    def in_quote(self, tok: Token) -> bool:
        return self.quote_of_char[tok.idx] >= 0

    def gender(self, key: str) -> str | None:
        """Returns the gender a bare surname stands for: that of the first mention naming the
        person with a title or given name (news name a second "Clinton" in full every time),
        else the majority of the votes, else None."""
        if key in self.first_gender:
            return self.first_gender[key]
        votes = self.genders.get(key, {})
        m, f = votes.get("m", 0), votes.get("f", 0)
        if m > f:
            return "m"
        if f > m:
            return "f"
        return None


def _mention_at(ctx: _Ctx, start: int, end: int) -> dict[str, Any] | None:
    """Returns the entity mention that overlaps [start, end) most, or None."""
    best: dict[str, Any] | None = None
    best_ov = 0
    for m in ctx.mentions:
        ov = min(end, int(m["end"])) - max(start, int(m["start"]))
        if ov > best_ov:
            best, best_ov = m, ov
    return best
