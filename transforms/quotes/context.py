"""The per-article state the speaker rules share: a person named outside quotes (``_Person``), an
attribution (``_Attr``), and ``_Ctx`` with the people and the character, token and paragraph indexes."""

from __future__ import annotations

from bisect import bisect_left
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
    kin: dict[str, set[str]] = field(default_factory=dict)  # given names seen with each surname
    chain: list[_Person] | None = None  # resolved he/she subjects, see _pronoun_chain
    unlabelled: list[_Person] | None = None  # people the NER missed, see pronouns._unlabelled_people
    salience: dict[int, float] = field(default_factory=dict)  # by person start, see pronouns._bonus
    # Indexes built once per article so that no rule rescans the whole article per quote (the
    # attribution stays near-linear in the article's length): mentions by start, the longest
    # mention, the people's starts, the cue tokens outside quotes (see cues._cue_index).
    m_starts: list[int] = field(default_factory=list)
    m_longest: int = 0
    p_starts: list[int] = field(default_factory=list)
    cue_toks: list[int] | None = None
    role_words: dict[int, set[str]] = field(default_factory=dict)
    reporters: set[str] = field(default_factory=set)  # person keys of the article's reporters
    # surnames of people named in full, and the first words of organisations' longer names with
    # where each is first written (see organisations.is_organisation), built once per article
    org_index: tuple[set[str], dict[str, int]] | None = None

    def __post_init__(self) -> None:
        self.mentions.sort(key=lambda m: (int(m["start"]), int(m["end"])))
        self.m_starts = [int(m["start"]) for m in self.mentions]
        self.m_longest = max((int(m["end"]) - int(m["start"]) for m in self.mentions), default=0)

    def mentions_in(self, start: int, end: int) -> list[dict[str, Any]]:
        """Returns the mentions that overlap [start, end), in order (a bisect on the index)."""
        lo = bisect_left(self.m_starts, start - self.m_longest)
        hi = bisect_left(self.m_starts, end)
        return [m for m in self.mentions[lo:hi] if int(m["end"]) > start]

    def mentions_before(self, at: int) -> list[dict[str, Any]]:
        """Returns the mentions that start before ``at`` (a slice of the index, in order)."""
        return self.mentions[: bisect_left(self.m_starts, at)]

    def index_persons(self) -> None:
        """Sorts the people by start and rebuilds their index (after people were added)."""
        self.persons.sort(key=lambda p: p.start)
        self.p_starts = [p.start for p in self.persons]

    def persons_between(self, start: int, end: int) -> list[_Person]:
        """Returns the people whose mention starts in [start, end), in order."""
        return self.persons[bisect_left(self.p_starts, start) : bisect_left(self.p_starts, end)]

    def persons_before(self, at: int, s_here: int, window: int, limit: int) -> list[_Person]:
        """Returns at most ``limit`` of the latest people named before ``at`` within ``window``
        sentences of sentence ``s_here`` (bounded so a pronoun never scans the whole article)."""
        hi = bisect_left(self.p_starts, at)
        out: list[_Person] = []
        for p in reversed(self.persons[max(hi - limit, 0) : hi]):
            if s_here - p.sent > window:
                break
            out.append(p)
        out.reverse()
        return out

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
    for m in ctx.mentions_in(start, end):
        ov = min(end, int(m["end"])) - max(start, int(m["start"]))
        if ov > best_ov:
            best, best_ov = m, ov
    return best
