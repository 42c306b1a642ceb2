"""Direct quotes and their speakers, found in the one spaCy parse of an article.

Two stages:

* :func:`find_quote_spans` scans the text for quotation marks (curly, straight, ``''`` and
  guillemets), with apostrophes inside words left alone, quotes that run over several paragraphs,
  an opening mark used as the closing one, and nested single quotes (kept inside the outer quote).
* :func:`quotes_from_doc` decides which spans are speech (scare quotes and titles are dropped),
  whether each is ``full`` or ``partial``, and who said it (``speaker_method``): a cue verb and
  its subject, ``according to``, a pronoun or a description resolved to a person named before, a
  speaker introduced before a colon, a signature after a dash, or a quote paragraph continuing
  the previous speaker. Pronoun resolution keeps a chain: a he/she outside quotes, once resolved,
  counts as a mention of that person for the pronouns after it.

:func:`resolve_quotes` turns the per-article rows into the published ``quotes`` table.
Rule data (cue verbs, roles, titles, pronouns, gendered given names) lives in
``lexicons/cue_verbs.toml``, ``lexicons/speaker_roles.toml`` and ``lexicons/given_names.toml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from spacy.tokens import Doc, Span, Token

from transforms import schema
from transforms.ids import stable_id
from transforms.lexicons import load
from transforms.nlp import doc_text
from transforms.resolve import link_spans

VERSION = "quotes-5"

# ---------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class _Lex:
    verbs: frozenset[str]
    particles: dict[str, frozenset[str]]
    object_speaker: frozenset[str]
    male_titles: frozenset[str]
    female_titles: frozenset[str]
    pron_male: frozenset[str]
    pron_female: frozenset[str]
    pron_thing: frozenset[str]
    pron_group: frozenset[str]
    pron_first: frozenset[str]
    gp_male: frozenset[str]
    gp_female: frozenset[str]
    roles: frozenset[str]
    role_male: frozenset[str]
    role_female: frozenset[str]
    role_class: dict[str, frozenset[str]]
    given_male: frozenset[str]
    given_female: frozenset[str]
    role_abbrev: dict[str, str]


@cache
def _lex() -> _Lex:
    """Returns the cue and role lexicons, loaded once per process."""
    cues: dict[str, Any] = load("cue_verbs")
    roles: dict[str, Any] = load("speaker_roles")
    given: dict[str, Any] = load("given_names")
    role_class: dict[str, set[str]] = {}
    for cls, words in roles["role_synonyms"].items():
        for w in words:
            role_class.setdefault(w, set()).add(cls)
    f = frozenset
    return _Lex(
        verbs=f(cues["verbs"]),
        particles={k: f(v) for k, v in cues["particles"].items()},
        object_speaker=f(cues["phrases"]["object_speaker"]),
        male_titles=f(roles["gender_titles"]["male"]),
        female_titles=f(roles["gender_titles"]["female"]),
        pron_male=f(roles["pronouns"]["male"]),
        pron_female=f(roles["pronouns"]["female"]),
        pron_thing=f(roles["pronouns"]["thing"]),
        pron_group=f(roles["pronouns"]["group"]),
        pron_first=f(roles["pronouns"]["first"]),
        gp_male=f(roles["gender_pronouns"]["male"]),
        gp_female=f(roles["gender_pronouns"]["female"]),
        roles=f(roles["roles"]),
        role_male=f(roles["gender_roles"]["male"]),
        role_female=f(roles["gender_roles"]["female"]),
        role_class={k: f(v) for k, v in role_class.items()},
        given_male=f(given["male"]),
        given_female=f(given["female"]),
        role_abbrev=dict(roles["role_abbreviations"]),
    )


# ---------------------------------------------------------------- finding the marks

_OPEN_GLYPHS = "“„«‟"
_CLOSE_GLYPHS = "”»"
_SINGLE_OPEN = "‘'‚"
_SINGLE_CLOSE = "’'"
_TRAILING_PUNCT = ",.;:!?)]—–-…"


@dataclass(frozen=True)
class QuoteSpan:
    """A stretch of text between quotation marks.

    ``start``/``end`` are the words inside the marks (whitespace trimmed); ``open_at`` is the
    offset of the opening mark; ``chain`` numbers the pieces of one quote that runs over several
    paragraphs (pieces of one chain share it; ``None`` for a one-paragraph quote); ``single``
    marks quotes in single marks; ``closed`` is False when the paragraph ended first.
    """

    start: int
    end: int
    open_at: int
    close_at: int
    chain: int | None = None
    single: bool = False
    closed: bool = True


@dataclass
class _Mark:
    pos: int
    width: int
    glyph: str  # "open", "close" or "either"


def _double_marks(line: str) -> list[_Mark]:
    """Returns the double quotation marks of a line (``''`` and ````` count as one mark)."""
    marks: list[_Mark] = []
    i = 0
    while i < len(line):
        c = line[i]
        two = line[i : i + 2]
        if two == "''":
            marks.append(_Mark(i, 2, "either"))
            i += 2
            continue
        if two == "``":
            marks.append(_Mark(i, 2, "open"))
            i += 2
            continue
        if c in _OPEN_GLYPHS:
            marks.append(_Mark(i, 1, "open"))
        elif c in _CLOSE_GLYPHS:
            marks.append(_Mark(i, 1, "close"))
        elif c == '"':
            marks.append(_Mark(i, 1, "either"))
        i += 1
    return marks


def _opens_here(line: str, m: _Mark) -> bool:
    """True when the context of a mark looks like an opening (space before, word after)."""
    before = line[m.pos - 1] if m.pos > 0 else " "
    after = line[m.pos + m.width] if m.pos + m.width < len(line) else " "
    return (before.isspace() or before in "([—–-:/") and not after.isspace()


def _closes_here(line: str, m: _Mark) -> bool:
    """True when the context of a mark looks like a closing (word or punctuation before, space after)."""
    before = line[m.pos - 1] if m.pos > 0 else " "
    after = line[m.pos + m.width] if m.pos + m.width < len(line) else " "
    return not before.isspace() and (after.isspace() or after in _TRAILING_PUNCT or after in "'’\"”")


def _pair_double(line: str) -> tuple[list[tuple[int, int, int, int]], bool, bool]:
    """Pairs the double marks of one line.

    Returns (pieces, opened_at_start, left_open): pieces are (open_at, inner_start, inner_end,
    close_at) with offsets into the line; ``left_open`` is True when the last quote was not
    closed before the line ended (it goes on in the next paragraph, or ends with the line).
    """
    marks = _double_marks(line)
    pieces: list[tuple[int, int, int, int]] = []
    inside: _Mark | None = None
    first_open = False
    for k, m in enumerate(marks):
        if inside is None:
            if m.glyph == "close" and not _opens_here(line, m):
                continue  # a stray closing mark
            if m.glyph == "either" and m.width == 1 and m.pos > 0 and line[m.pos - 1].isdigit():
                continue  # inches: 5'10"
            inside = m
            if not pieces and not line[: m.pos].strip():
                first_open = True
            continue
        # Inside a quote any mark closes it (an opening glyph used as the closing one, as in
        # '…people, “added the opponent'), except an opening glyph that plainly opens the next
        # quote while a real closing glyph still follows: then the previous one was left open.
        reopen = (
            m.glyph == "open"
            and _opens_here(line, m)
            and not _closes_here(line, m)
            and any(n.glyph == "close" for n in marks[k + 1 :])
            and (line[inside.pos : m.pos].rstrip()[-1:] in ".!?")
        )
        pieces.append((inside.pos, inside.pos + inside.width, m.pos, m.pos))
        inside = m if reopen else None
    left_open = inside is not None
    if inside is not None:
        pieces.append((inside.pos, inside.pos + inside.width, len(line), len(line)))
    return pieces, first_open, left_open


def _single_pieces(line: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Quotes in single marks outside the double-quoted parts of a line (British style, headlines).

    An opening mark must start a word (space or bracket before, a letter after) and a closing
    mark must end one (not a letter on both sides, as in "don't"); of several closing
    candidates the first one followed by punctuation or the line end wins (so a plural
    possessive like "workers' rights" inside the quote does not end it).
    """

    def free(i: int) -> bool:
        return not any(a <= i < b for a, b in taken)

    out: list[tuple[int, int, int, int]] = []
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if (
            c in _SINGLE_OPEN
            and free(i)
            and line[i : i + 2] != "''"
            and (i == 0 or line[i - 1 : i + 1] != "''")
        ):
            before = line[i - 1] if i > 0 else " "
            after = line[i + 1] if i + 1 < n else " "
            if (before.isspace() or before in "([—–:") and after.isalpha():
                cands: list[int] = []
                for j in range(i + 2, n):
                    if not free(j):
                        break
                    if line[j] in _SINGLE_CLOSE:
                        b, a = line[j - 1], line[j + 1] if j + 1 < n else " "
                        if b.isspace() or (b.isalpha() and a.isalpha()):
                            continue
                        if a.isspace() or a in _TRAILING_PUNCT or j + 1 == n:
                            cands.append(j)
                if cands:
                    best = next(
                        (
                            j
                            for j in cands
                            if j + 1 == n or line[j + 1] in _TRAILING_PUNCT or line[j - 1] in ",.!?"
                        ),
                        cands[0],
                    )
                    out.append((i, i + 1, best, best))
                    i = best + 1
                    continue
        i += 1
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Returns (a, b) narrowed so the span has no whitespace at either end."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Returns the quoted stretches of ``text`` in order (the words inside the marks).

    Lines are paragraphs. A paragraph that opens a quote without closing it goes on in the
    next paragraph when that one opens with a quotation mark (the news convention); the
    pieces then share a ``chain`` number. Quotes without any letter inside are skipped.
    """
    spans: list[QuoteSpan] = []
    offset = 0
    chain_id = 0
    open_chain: int | None = None  # the chain the previous paragraph left open
    for line in text.split("\n"):
        if not line.strip():
            offset += len(line) + 1
            continue
        pieces, first_open, left_open = _pair_double(line)
        taken = [(p[0], p[3] + 1) for p in pieces]
        singles = _single_pieces(line, taken)
        chain_here = open_chain if (open_chain is not None and first_open) else None
        found: list[QuoteSpan] = []
        for idx, (o, s, e, c) in enumerate(pieces):
            is_last = idx == len(pieces) - 1
            a, b = _trim(text, offset + s, offset + e)
            chain: int | None = None
            if idx == 0 and chain_here is not None:
                chain = chain_here
            if is_last and left_open and chain is None:
                chain_id += 1
                chain = chain_id
            found.append(QuoteSpan(a, b, offset + o, offset + c, chain, False, not (is_last and left_open)))
        for o, s, e, c in singles:
            a, b = _trim(text, offset + s, offset + e)
            found.append(QuoteSpan(a, b, offset + o, offset + c, None, True, True))
        open_chain = found[-1].chain if (left_open and pieces and found) else None
        if left_open and pieces:
            last = [q for q in found if not q.single][-1]
            open_chain = last.chain
        spans.extend(q for q in found if any(ch.isalpha() for ch in text[q.start : q.end]))
        offset += len(line) + 1
    spans.sort(key=lambda q: q.start)
    return _drop_lonely_chains(spans)


def _drop_lonely_chains(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Clears the chain number of a piece whose chain has no other piece (a quote left open)."""
    counts: dict[int, int] = {}
    for q in spans:
        if q.chain is not None:
            counts[q.chain] = counts.get(q.chain, 0) + 1
    return [
        QuoteSpan(q.start, q.end, q.open_at, q.close_at, None, q.single, q.closed)
        if q.chain is not None and counts[q.chain] < 2
        else q
        for q in spans
    ]


# ---------------------------------------------------------------- people in the article


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


_NAME_STRIP = re.compile(r"(?:'s|’s|')$")


def _key(name: str) -> str:
    """Returns a person's key within an article: the last word of the name, folded."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    last = _NAME_STRIP.sub("", words[-1]) if words else name
    folded = unicodedata.normalize("NFKD", last)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().strip(".,")


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


def _title_before(doc: Doc, start_char: int) -> str | None:
    """Returns the lower-cased word right before a character offset when it is a title."""
    span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    prev = doc[span.start - 1]
    return prev.text.lower().rstrip(".") if prev.text[:1].isupper() else None


def _title_gender(title: str) -> str | None:
    """Returns "m"/"f" for a gendered title (Mr, Ms…), else None."""
    lex = _lex()
    t = title.lower().rstrip(".")
    if t in lex.male_titles:
        return "m"
    if t in lex.female_titles:
        return "f"
    return None


def _given_gender(name: str) -> str | None:
    """Returns "m"/"f" when the first word of a name of two words or more is a common given name
    of that gender ("Jane Doe"), else None; a bare surname says nothing."""
    words = name.split()
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    lex = _lex()
    first = unicodedata.normalize("NFKD", words[0]).encode("ascii", "ignore").decode().lower().strip(".")
    if first in lex.given_male:
        return "m"
    if first in lex.given_female:
        return "f"
    return None


def _role_before(doc: Doc, start_char: int) -> bool:
    """True when a person-role word (President, spokeswoman…) stands right before a name."""
    title = _title_before(doc, start_char)
    if title is None:
        span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
        if span is None or span.start == 0:
            return False
        title = doc[span.start - 1].lower_
    return title in _lex().roles


def _build_persons(ctx: _Ctx) -> None:
    """Fills ctx.persons and the gender votes per person key.

    People are the PERSON mentions outside quotes, plus any name outside quotes (a mention of
    another label, or a proper-noun subject the NER missed) whose key is a person's: the key of
    a PERSON mention, of a name with a personal title (Mr, Ms…), or of a name a "who" clause
    describes. The small models often label a foreign surname ORG; the key repairs that.
    """
    lex = _lex()
    doc = ctx.doc
    names: list[tuple[int, int, str, str | None, bool]] = []  # start, end, text, label, person-evidence
    for m in ctx.mentions:
        s, e = int(m["start"]), int(m["end"])
        if ctx.quote_of_char[s] >= 0:
            continue
        text = str(m["text"])
        first = text.split()[0] if text.split() else ""
        titled = bool(
            _title_gender(str(m.get("title") or ""))
            or _title_gender(_title_before(doc, s) or "")
            or _title_gender(first)
        ) or _role_before(doc, s)
        if m.get("label") in ("GPE", "LOC", "NORP", "FAC"):
            titled = False  # places and nationalities are never people
        # a common given name before a surname ("Bryan Doe") is evidence of a person too
        names.append(
            (
                s,
                e,
                text,
                str(m.get("label")),
                titled or m.get("label") == "PERSON" or bool(_given_gender(text)),
            )
        )
    for t in doc:
        if t.dep_ not in ("nsubj", "nsubjpass") or t.pos_ != "PROPN" or ctx.in_quote(t):
            continue
        a, b = _proper_chain(t)
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        if any(n[0] < e and s < n[1] for n in names):
            continue
        who = any(c.dep_ == "relcl" and any(g.lower_ == "who" for g in c.children) for c in t.children)
        titled = bool(
            _title_gender(_title_before(doc, s) or "") or _title_gender(doc[a].text)
        ) or _role_before(doc, s)
        names.append((s, e, doc_text(doc)[s:e], None, who or titled))
    person_keys = {_key(n[2]) for n in names if n[4]}
    for s, e, text, _label, _ev in sorted(names):
        key = _key(text)
        if key not in person_keys:
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        # a name in apposition to a subject is that subject ("Her father, Brad Doe, said")
        heads = [t.head if t.dep_ == "appos" and t.head.i < span.start else t for t in span]
        subject = any(t.dep_ in ("nsubj", "nsubjpass") for t in heads)
        main = any(t.dep_ in ("nsubj", "nsubjpass") and _main_clause(t.head) for t in heads)
        first = text.split()[0]
        gender = (
            _title_gender(_title_before(doc, s) or "")
            or _title_gender(first)
            or next(
                (
                    _title_gender(str(m.get("title") or ""))
                    for m in ctx.mentions
                    if int(m["start"]) == s and m.get("title")
                ),
                None,
            )
            or _given_gender(text)
        )
        weight = 3
        if gender is None:
            weight = 1  # a role word is weaker evidence: "spokesman" is used for women too
            # "spokeswoman Jane Doe", "Jane Doe, his wife,"
            window = [t.lower_ for t in doc[max(span.start - 3, 0) : span.start]]
            window += [c.lower_ for c in span.root.children if c.dep_ == "appos"]
            if any(w in lex.role_male for w in window):
                gender = "m"
            elif any(w in lex.role_female for w in window):
                gender = "f"
        ctx.persons.append(_Person(s, e, text, key, ctx.sent_of_tok[span.start], subject, gender, main))
        if gender and weight > 1:
            ctx.first_gender.setdefault(key, gender)
        if gender:
            votes = ctx.genders.setdefault(key, {})
            votes[gender] = votes.get(gender, 0) + weight
    ctx.persons.sort(key=lambda p: p.start)
    # A pronoun after a person in a sentence that names only that person votes for its gender.
    for sent in ctx.sents:
        here = [p for p in ctx.persons if sent.start_char <= p.start < sent.end_char]
        keys = {p.key for p in here}
        if len(keys) != 1:
            keys = {p.key for p in here if p.subject}  # the one person the sentence is about
            if len(keys) != 1:
                continue
        key = next(iter(keys))
        first_at = min(
            p.start for p in ctx.persons if p.key == key and sent.start_char <= p.start < sent.end_char
        )
        for t in sent:
            if t.idx <= first_at or ctx.in_quote(t):
                continue
            g = "m" if t.lower_ in lex.gp_male else "f" if t.lower_ in lex.gp_female else None
            if g:
                votes = ctx.genders.setdefault(key, {})
                votes[g] = votes.get(g, 0) + 1
    _add_surname_mentions(ctx, person_keys)


# Parts of speech a capitalised word naming a person may get from a small model ("Early said",
# "Woods continued"); function words never name anyone.
_NAME_POS = ("PROPN", "NOUN", "ADJ", "ADV", "VERB", "X")


def _add_surname_mentions(ctx: _Ctx, person_keys: set[str]) -> None:
    """Adds the bare re-mentions of people already named ("Doe" after "Jane Doe") that neither
    the NER nor the subject scan caught: a capitalised word outside quotes equal to a person's
    key, not part of a longer name or of a mention."""
    doc = ctx.doc
    covered = [(p.start, p.end) for p in ctx.persons] + [
        (int(m["start"]), int(m["end"])) for m in ctx.mentions
    ]
    added: list[_Person] = []
    for t in doc:
        if not t.text[:1].isupper() or t.pos_ not in _NAME_POS or ctx.in_quote(t):
            continue
        key = _key(t.text)
        if key not in person_keys or len(key) < 3:
            continue
        if any(a < t.idx + len(t.text) and t.idx < b for a, b in covered):
            continue
        # part of a longer name ("Woods Hole") or a compound modifier ("the Early campaign")
        if t.dep_ == "compound" or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in t.children):
            continue
        subject = t.dep_ in ("nsubj", "nsubjpass")
        main = subject and _main_clause(t.head)
        added.append(
            _Person(t.idx, t.idx + len(t.text), t.text, key, ctx.sent_of_tok[t.i], subject, None, main)
        )
    if added:
        ctx.persons.extend(added)
        ctx.persons.sort(key=lambda p: p.start)


def _main_clause(verb: Token) -> bool:
    """True when a verb heads its sentence's main clause (the root, or a verb coordinated with it)."""
    if verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT"):
        return True
    # the parser sometimes hangs a main clause on a verb of the next sentence or of a quote
    # ("Later, Doe claimed that …" as ccomp): a clause without a subordinating word still counts
    return (
        verb.dep_ in ("ccomp", "parataxis")
        and not any(c.dep_ == "mark" for c in verb.children)
        and verb.head.i > verb.i
    )


def _add_person(ctx: _Ctx, start: int, end: int, text: str, sent: int) -> None:
    """Adds a named speaker the NER missed to the people of the article (kept in order)."""
    if any(p.start == start and p.end == end for p in ctx.persons):
        return
    ctx.persons.append(_Person(start, end, text, _key(text), sent, True, None, True))
    ctx.persons.sort(key=lambda p: p.start)


# ---------------------------------------------------------------- cues and subjects


def _is_cue(tok: Token) -> bool:
    """True when a token is a cue verb of the lexicon (with its particle where one is needed)."""
    lex = _lex()
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_ in ("VBD", "VBZ", "VBG")):
        return False
    if lemma in lex.verbs:
        return True
    wants = lex.particles.get(lemma, frozenset())
    return any(c.lower_ in wants for c in tok.children if c.dep_ in ("prt", "prep", "dobj", "advmod"))


def _according_to(tok: Token) -> Token | None:
    """Returns the object of "according to" when tok is "according", else None."""
    if tok.lower_ != "according":
        return None
    for c in tok.children:
        if c.lower_ == "to":
            for o in c.children:
                if o.dep_ == "pobj":
                    return o
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for o in nxt.children:
            if o.dep_ == "pobj":
                return o
    return None


def _subject_of(ctx: _Ctx, tok: Token, quote_end: int | None) -> Token | None:
    """Returns the subject of a cue verb: nsubj, or the noun after an inverted cue ('added the opponent').

    Of several subjects (the parser sometimes makes a word of the quote one) the nearest one
    outside quotation marks wins; punctuation never speaks.
    """
    subjects = [
        c
        for c in tok.children
        if c.dep_ == "nsubj"
        and c.tag_ not in ("WP", "WDT", "EX")
        and not c.is_punct
        and c.pos_ != "PUNCT"
        and not ctx.in_quote(c)
    ]
    if subjects:
        return min(subjects, key=lambda c: abs(c.i - tok.i))
    if quote_end is not None and quote_end <= tok.idx:
        for c in tok.children:
            if (
                c.i > tok.i
                and c.dep_ in ("dobj", "attr", "npadvmod", "oprd", "nsubj")
                and c.pos_ in ("NOUN", "PROPN", "PRON")
                and c.ent_type_ not in _NOT_SPEAKERS
                and not ctx.in_quote(c)
            ):
                return c
    return None


# Entity types that never speak: "said this week", "said, half joking".
_NOT_SPEAKERS = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")


def _find_speaker_token(ctx: _Ctx, cue: Token, quote_end: int | None) -> Token | None:
    """Returns the token naming the speaker of a cue verb, following participles up the tree.

    "…, adding that X" and "describing ties as …" have no subject of their own: the nearest
    cue verb above them that has one speaks; failing that, the subject of the verb they hang on
    ("Ivanov downplayed the talks, saying …"). "X quoted Y as saying" gives Y.
    """
    lex = _lex()
    subj = _subject_of(ctx, cue, quote_end)
    if subj is not None:
        return subj
    head = cue.head
    if head.lemma_.lower() in lex.object_speaker:
        for c in head.children:
            if c.dep_ in ("dobj", "nsubjpass"):
                return c
    prev = cue.doc[cue.i - 1] if cue.i > 0 else None
    if (
        cue.tag_ == "VBG"
        and prev is not None
        and prev.pos_ == "PROPN"
        and not ctx.in_quote(prev)
        and (prev.ent_type_ == "PERSON" or ctx.gender(_key(prev.text)) is not None)
        and not (prev.dep_ == "pobj" and prev.head.lower_ != "of")  # "a post on Twitter reading …"
    ):
        return prev  # a name right before a gerund is its subject: "footage of Jane Doe saying …"
    if cue.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl", "ccomp", "relcl") and head.i != cue.i:
        node = head
        while True:
            if _is_cue(node) and not ctx.in_quote(node):
                s = _subject_of(ctx, node, quote_end)
                if s is not None:
                    return s
            if node.head.i == node.i:
                break
            node = node.head
        if cue.dep_ == "relcl":
            return head  # "Smith, who said …"
        return _subject_of(ctx, head, quote_end)
    return None


def _name_before_cue(ctx: _Ctx, cue: Token, q: QuoteSpan) -> Token | None:
    """Returns the proper noun right before a cue that follows a quote ('"…," Police Chief Ann Roe
    said') when the parse gave the cue no subject; the words between the closing mark and the
    cue must be a name phrase (nouns, adjectives, determiners, commas)."""
    doc = ctx.doc
    if cue.i == 0 or cue.idx <= q.close_at:
        return None
    prev = doc[cue.i - 1]
    if prev.pos_ != "PROPN" or ctx.in_quote(prev) or prev.idx <= q.close_at:
        return None
    between = [t for t in doc[prev.i - 8 if prev.i >= 8 else 0 : prev.i] if t.idx > q.close_at]
    if ctx.para_of_char[prev.idx] != ctx.para_of_char[q.start] or len(between) > 7:
        return None
    if any(
        t.pos_ not in ("PROPN", "NOUN", "ADJ", "DET", "PUNCT", "VERB") or t.text in ".!?" for t in between
    ):
        return None
    return prev


def _is_person_name(ctx: _Ctx, tok: Token) -> bool:
    """True when a proper noun outside quotes names a person (NER, a PERSON mention, or a known gender)."""
    if tok.pos_ != "PROPN" or ctx.in_quote(tok):
        return False
    if tok.ent_type_ == "PERSON" or ctx.gender(_key(tok.text)) is not None:
        return True
    m = _mention_at(ctx, tok.idx, tok.idx + len(tok.text))
    return m is not None and m.get("label") == "PERSON"


def _name_next_to_cue(ctx: _Ctx, cue: Token, q: QuoteSpan) -> Token | None:
    """Returns the person named next to a cue that follows a quote when the parse gave the cue no
    subject (it often hangs the name on a word of the quote).

    '"…," said Ann Roe, an economist' / '"…," tweeted aide Ann Roe': a person's name within the
    few words after a cue that directly follows the closing mark. '"…," Ann Roe, a former aide,
    said': a person's name right after the closing mark, the cue later in the same sentence.
    """
    doc = ctx.doc
    if cue.idx <= q.close_at or ctx.para_of_char[cue.idx] != ctx.para_of_char[q.start]:
        return None
    gap = ctx.text[q.close_at + 1 : cue.idx]
    if not gap.strip(" ,\u00a0"):
        for t in doc[cue.i + 1 : cue.i + 7]:
            if t.text in ".!?" or ctx.in_quote(t) or "\n" in t.text:
                break
            if _is_person_name(ctx, t):
                return t
        return None
    after = doc.char_span(q.close_at + 1, cue.idx, alignment_mode="expand")
    if after is None or len(after) > 30 or any(t.text in ".!?" or ctx.in_quote(t) for t in after):
        return None
    first = next((t for t in after if not t.is_punct and not t.is_space), None)
    if first is None:
        return None
    if first.pos_ == "PROPN" and not _is_person_name(ctx, first):
        # the name's first word may be a given name the NER left out: look at the chain's last word
        _, b = _proper_chain(first)
        first = doc[b - 1] if b > first.i else first
    return first if _is_person_name(ctx, first) else None


def _np_span(tok: Token) -> tuple[int, int]:
    """Returns the token range [a, b) of a subject noun phrase, cut before relative clauses and commas."""
    a = tok.left_edge.i
    b = tok.right_edge.i + 1
    for c in tok.children:
        if c.i > tok.i and (
            c.dep_ in ("relcl", "appos", "acl", "punct", "cc", "conj", "advcl") or c.text == ","
        ):
            b = min(b, c.left_edge.i)
    b = max(b, tok.i + 1)
    doc = tok.doc
    # never across a line break (a heading above the sentence)
    for i in range(tok.i - 1, a - 1, -1):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            a = i + 1
            break
    for i in range(tok.i, b):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            b = i + 1
            break
    while a < b and doc[a].is_punct:
        a += 1
    while b > a + 1 and doc[b - 1].is_punct:
        b -= 1
    return a, b


def _proper_chain(tok: Token) -> tuple[int, int]:
    """Returns the token range of a proper name around tok (its compound and flat proper nouns)."""
    a = b = tok.i
    doc = tok.doc
    while (
        a - 1 >= 0
        and doc[a - 1].pos_ == "PROPN"
        and doc[a - 1].head.i in (tok.i, a)
        and "\n" not in doc[a - 1].whitespace_
    ):
        a -= 1
    while (
        b + 1 < len(doc)
        and doc[b + 1].pos_ == "PROPN"
        and doc[b + 1].head.i == tok.i
        and "\n" not in doc[b].whitespace_
    ):
        b += 1
    return a, b + 1


# ---------------------------------------------------------------- resolution


def _compatible(ctx: _Ctx, p: _Person, gender: str | None) -> int:
    """2 when the person's gender is known and agrees, 1 when unknown, 0 when it disagrees."""
    if gender is None:
        return 1
    g = p.gender or ctx.gender(p.key)
    if g is None:
        return 1
    return 2 if g == gender else 0


# Pronoun resolution weighs each sentence of distance as 1; a main-clause subject ("Smith said
# that Jones had lied. He …" is Smith) outranks the subject of a clause inside the sentence.
_PRONOUN_SUBJECT_BONUS = 3.0
_PRONOUN_EMBEDDED_SUBJECT_BONUS = 0.75
_PRONOUN_GENDER_BONUS = 0.25
_PRONOUN_WINDOW = 8  # sentences


def _pronoun_pool(ctx: _Ctx, at: int, s_here: int, last: _Attr | None) -> list[_Person]:
    """Returns the people a he/she at character ``at`` (sentence ``s_here``) may refer to.

    The people named before it in the last eight sentences, the he/she subjects before it that
    were resolved to someone (a chain: "Doe arrived. He said … He added" keeps Doe in view), and
    the previous quote's speaker as a main-clause subject in the sentence of its cue.
    """
    pool = [p for p in ctx.persons if p.start < at and s_here - p.sent <= _PRONOUN_WINDOW]
    pool += [p for p in _pronoun_chain(ctx) if p.start < at and s_here - p.sent <= _PRONOUN_WINDOW]
    if last is not None and last.person_key and last.start is not None and last.cue_tok is not None:
        s_last = ctx.sent_of_tok[last.cue_tok]
        if s_here - s_last <= _PRONOUN_WINDOW:
            pool.append(
                _Person(
                    last.start,
                    last.end or last.start,
                    last.text or "",
                    last.person_key,
                    s_last,
                    True,
                    None,
                    True,
                )
            )
    return pool


def _best_referent(ctx: _Ctx, pool: list[_Person], s_here: int, gender: str | None) -> _Person | None:
    """Returns the best-scored person of a pronoun's pool (the named mention behind a chain entry).

    Minus one per sentence of distance, a bonus for being a sentence's subject, a small one for a
    gender known to agree; one whose known gender disagrees is out; ties go to the latest mention.
    """
    best: tuple[float, int] | None = None
    chosen: _Person | None = None
    for p in pool:
        comp = _compatible(ctx, p, gender)
        if comp == 0:
            continue
        bonus = _PRONOUN_SUBJECT_BONUS if p.main else _PRONOUN_EMBEDDED_SUBJECT_BONUS if p.subject else 0.0
        score = -(s_here - p.sent) + bonus + _PRONOUN_GENDER_BONUS * (comp == 2)
        if best is None or (score, p.start) > best:
            best, chosen = (score, p.start), p
    if chosen is not None and chosen.ref is not None:
        return chosen.ref
    return chosen


def _pronoun_chain(ctx: _Ctx) -> list[_Person]:
    """Returns the he/she subjects outside quotes, in order, each resolved to a named person.

    Computed once per article, each pronoun from the people and chain entries before it.
    """
    if ctx.chain is not None:
        return ctx.chain
    lex = _lex()
    ctx.chain = []
    for t in ctx.doc:
        low = t.lower_
        if t.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote(t):
            continue
        if low not in lex.pron_male and low not in lex.pron_female:
            continue
        gender = "m" if low in lex.pron_male else "f"
        s_here = ctx.sent_of_tok[t.i]
        pool = [p for p in ctx.persons if p.start < t.idx and s_here - p.sent <= _PRONOUN_WINDOW]
        pool += [p for p in ctx.chain if s_here - p.sent <= _PRONOUN_WINDOW]
        ref = _best_referent(ctx, pool, s_here, gender)
        if ref is not None:
            end = t.idx + len(t.text)
            main = _main_clause(t.head)
            ctx.chain.append(_Person(t.idx, end, ref.text, ref.key, s_here, True, gender, main, ref))
    return ctx.chain


def _resolve_pronoun(ctx: _Ctx, pron: Token, gender: str | None, last: _Attr | None) -> _Person | None:
    """Returns the named person a he/she refers to (see :func:`_pronoun_pool`, :func:`_best_referent`)."""
    s_here = ctx.sent_of_tok[pron.i]
    return _best_referent(ctx, _pronoun_pool(ctx, pron.idx, s_here, last), s_here, gender)


def _role_words(ctx: _Ctx, p: _Person) -> set[str]:
    """Returns the lower-case words that describe a person where named: title, words before, appositive."""
    doc = ctx.doc
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return set()
    words: set[str] = set()
    # the title the entity stage read off the mention ("secretary of state"), lower case
    m = _mention_at(ctx, p.start, p.end)
    if m is not None and m.get("title"):
        words.update(re.findall(r"[\w-]+", str(m["title"]).lower()))
    i = span.start - 1
    while i >= 0 and span.start - i <= 5:
        t = doc[i]
        if t.is_punct or t.pos_ in ("VERB", "AUX", "ADP", "DET", "CCONJ", "PRON") or ctx.in_quote(t):
            break
        words.add(t.lower_)
        i -= 1
    for t in span:
        for c in t.children:
            if c.dep_ == "appos" and not span.start <= c.i < span.end:
                words.update(w.lower_ for w in c.subtree if not w.is_punct)
    # "X, the Kremlin spokesman" where the parser made the description a sibling
    head = span.root
    if head.dep_ == "appos":
        words.update(
            w.lower_ for w in head.head.subtree if not w.is_punct and not span.start <= w.i < span.end
        )
    # "Sen. Jane Doe" is a senator, "Gov. John Roe" a governor
    abbrev = _lex().role_abbrev
    words.update(abbrev[w.rstrip(".")] for w in list(words) if w.rstrip(".") in abbrev)
    return words


def _nationalities(ctx: _Ctx, p: _Person) -> set[str]:
    """Returns the nationality or country words right before a person's name ("French President X")."""
    doc = ctx.doc
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return set()
    return {t.lower_ for t in doc[max(span.start - 4, 0) : span.start] if t.ent_type_ in ("NORP", "GPE")}


def _resolve_description(ctx: _Ctx, head: Token, a: int, b: int, last: _Attr | None) -> _Person | None:
    """Returns the person a definite description ("the French president") refers to, or None.

    A person named before whose title, preceding words or appositive hold the description's
    head noun (or a synonym: chief ~ president ~ leader) wins, the most shared modifiers
    ("French") first, then the latest; None when no one was named in that role.
    """
    lex = _lex()
    doc = ctx.doc
    word = head.lower_
    classes = lex.role_class.get(word, frozenset())
    mods = {t.lower_ for t in doc[a:b] if t.i != head.i and not t.is_stop and not t.is_punct}
    gender = "m" if word in lex.role_male else "f" if word in lex.role_female else None
    nations = {t.lower_ for t in doc[a:b] if t.ent_type_ in ("NORP", "GPE") and t.i != head.i}
    best: tuple[tuple[int, int, int], _Person] | None = None
    for p in ctx.persons:
        if p.start >= head.idx:
            break
        if _compatible(ctx, p, gender) == 0:
            continue
        rw = _role_words(ctx, p)
        same = word in rw or any(lex.role_class.get(w, frozenset()) & classes for w in rw)
        if not same:
            continue
        score = len(mods & rw)
        # the previous speaker is the likelier referent of a description that fits several people
        salient = int(last is not None and last.person_key == p.key)
        if nations and not nations & rw and _nationalities(ctx, p):
            continue  # "the French president" must not take a president of another country
        if best is None or (score, salient, p.start) >= best[0]:
            best = ((score, salient, p.start), p)
    # No one named in that role: the caller keeps the description itself as an unnamed speaker
    # (the previous speaker is too often someone else: "the senator" after a governor spoke).
    return best[1] if best is not None else None


def _sent_at(ctx: _Ctx, char: int) -> int:
    """Returns the index of the sentence holding a character offset."""
    span = ctx.doc.char_span(char, char + 1, alignment_mode="expand")
    return ctx.sent_of_tok[span.start] if span is not None and len(span) else 0


def _attribute_cue(ctx: _Ctx, cue: Token, spk: Token, quote: QuoteSpan, last: _Attr | None) -> _Attr:
    """Returns the attribution given the cue verb and the token that names the speaker."""
    lex = _lex()
    doc = ctx.doc
    cue_text = cue.text
    low = spk.lower_
    if cue.lower_ == "according":
        cue_text = "according to"
    # pronouns
    if spk.pos_ == "PRON" or low in lex.pron_male | lex.pron_female | lex.pron_thing | lex.pron_group:
        if low in lex.pron_male or low in lex.pron_female:
            gender = "m" if low in lex.pron_male else "f"
            p = _resolve_pronoun(ctx, spk, gender, last)
            if p is not None:
                return _Attr("pronoun", cue_text, p.text, p.start, p.end, p.key, cue.i)
            return _Attr("none", cue_text, None, None, None, None, cue.i)
        if low in lex.pron_thing:
            # "it said in a statement": the latest organisation named before
            here = ctx.sent_of_tok[spk.i]
            orgs = [
                o
                for o in ctx.mentions
                if o.get("label") in ("ORG", "GPE", "NORP")
                and int(o["end"]) <= spk.idx
                and ctx.quote_of_char[int(o["start"])] < 0
                and here - _sent_at(ctx, int(o["start"])) <= 3
            ]
            if orgs:
                o = orgs[-1]
                return _Attr("pronoun", cue_text, str(o["text"]), int(o["start"]), int(o["end"]), None, cue.i)
        return _Attr("unnamed", cue_text, spk.text, spk.idx, spk.idx + len(spk.text), None, cue.i)
    a, b = _np_span(spk)
    np_start, np_end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
    method = "according_to" if cue.lower_ == "according" else "cue_subject"
    # the head is (part of) a named entity
    m = _mention_at(ctx, spk.idx, spk.idx + len(spk.text))
    if m is not None:
        ms, me = int(m["start"]), int(m["end"])
        if m.get("label") == "PERSON":
            _add_person(ctx, ms, me, str(m["text"]), ctx.sent_of_tok[spk.i])
        key = _key(str(m["text"])) if m.get("label") == "PERSON" else None
        return _Attr(method, cue_text, str(m["text"]), ms, me, key, cue.i)
    if spk.pos_ == "PROPN":
        pa, pb = _proper_chain(spk)
        ps, pe = doc[pa].idx, doc[pb - 1].idx + len(doc[pb - 1].text)
        name = doc_text(doc)[ps:pe]
        _add_person(ctx, ps, pe, name, ctx.sent_of_tok[spk.i])
        return _Attr(method, cue_text, name, ps, pe, _key(name), cue.i)
    # a common noun: a named person in apposition ("the spokesman, John Smith,")
    for c in spk.children:
        if c.dep_ == "appos":
            m = _mention_at(ctx, c.idx, c.idx + len(c.text))
            if m is not None and m.get("label") == "PERSON":
                return _Attr(
                    method,
                    cue_text,
                    str(m["text"]),
                    int(m["start"]),
                    int(m["end"]),
                    _key(str(m["text"])),
                    cue.i,
                )
    phrase = doc_text(doc)[np_start:np_end]
    dets = [c.lower_ for c in spk.children if c.dep_ in ("det", "poss")]
    definite = any(d in ("the", "this", "that", "his", "her", "its", "their") for d in dets) or any(
        c.dep_ == "poss" and c.pos_ == "PROPN" for c in spk.children
    )
    # only a role noun describes a person named before ("the senator"); "the report" is itself the source
    is_role = spk.lower_ in lex.roles or spk.lower_ in lex.role_class or spk.lemma_.lower() in lex.roles
    if definite and spk.tag_ != "NNS" and is_role:
        p = _resolve_description(ctx, spk, a, b, last)
        if p is not None:
            return _Attr("description", cue_text, p.text, p.start, p.end, p.key, cue.i)
    return _Attr("unnamed", cue_text, phrase, np_start, np_end, None, cue.i)


def _quote_tokens(doc: Doc, q: QuoteSpan) -> Span | None:
    return doc.char_span(q.start, q.end, alignment_mode="expand")


def _cue_candidates(ctx: _Ctx, q: QuoteSpan, qspan: Span) -> list[Token]:
    """Returns the cue tokens that may introduce a quote, best first.

    First the cue verbs the quote hangs on in the parse (its ancestors, or cue verbs attached
    to the quote's root), then any other cue in the quote's sentence or in a short sentence
    right after it ('"…." he said.'), nearest first; cues inside quotes never count.
    """
    doc = ctx.doc
    out: list[Token] = []
    inside = {t.i for t in qspan}
    roots = [t for t in qspan if t.head.i not in inside or t.head.i == t.i]
    for r in roots:
        node = r
        steps = 0
        while node.head.i != node.i and steps < 12:
            node = node.head
            steps += 1
            if ctx.para_of_char[node.idx] != ctx.para_of_char[q.start]:
                break  # the parser joined two paragraphs
            if node.i in inside or ctx.in_quote(node):
                continue
            if (_is_cue(node) or _according_to(node) is not None) and node not in out:
                out.append(node)
        for c in r.children:
            if ctx.para_of_char[c.idx] != ctx.para_of_char[q.start]:
                continue
            if c.i not in inside and not ctx.in_quote(c) and _is_cue(c) and c not in out:
                out.append(c)
    # the window: the sentences the quote touches, plus a short tail sentence after it
    first_s = ctx.sent_of_tok[qspan.start]
    last_s = ctx.sent_of_tok[qspan.end - 1]
    sents = ctx.sents
    lo, hi = sents[first_s].start, sents[last_s].end
    if last_s + 1 < len(sents):
        nxt = sents[last_s + 1]
        gap = doc_text(doc)[q.close_at : nxt.start_char]
        opens_with_cue = any(_is_cue(t) for t in nxt[:4] if not ctx.in_quote(t))
        if (
            (len(nxt) <= 25 or opens_with_cue)
            and "\n" not in gap
            and ctx.para_of_char[nxt.start_char] == ctx.para_of_char[q.start]
        ):
            hi = nxt.end
    para = ctx.para_of_char[q.start]
    window = [
        t
        for t in doc[lo:hi]
        if not ctx.in_quote(t)
        and ctx.para_of_char[t.idx] == para
        and (_is_cue(t) or _according_to(t) is not None)
        and t not in out
    ]
    window.sort(key=lambda t: min(abs(t.idx - q.start), abs(t.idx - q.end)))
    # a cue right before the opening mark ('… Doe saying, "…"') introduces the quote, whatever
    # verb the parser hung the quote on
    lead = [
        t
        for t in window
        if t.i + 1 < len(doc)
        and 0 <= q.open_at - (t.idx + len(t.text)) <= 2
        and not doc_text(doc)[t.idx + len(t.text) : q.open_at].strip(" ,:")
    ]
    if lead and out:
        return lead[:1] + out + [t for t in window if t not in lead[:1]]
    return out + window


def _colon_speaker(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the speaker introduced before a colon ('Smith said:' / 'Smith:') for a quote after it."""
    doc = ctx.doc
    before = ctx.text[: q.open_at].rstrip()
    if not before.endswith(":"):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None:
        return None
    sent = ctx.sents[ctx.sent_of_tok[colon.start]]
    for t in reversed(list(sent)):
        if t.i >= colon.start or ctx.in_quote(t):
            continue
        if _is_cue(t):
            spk = _find_speaker_token(ctx, t, None)
            if spk is not None:
                at = _attribute_cue(ctx, t, spk, q, last)
                if at.method in ("cue_subject", "according_to"):
                    at.method = "colon"
                return at
    # "… — Jane Doe:" / "More from Doe:": a person's name right before the colon introduces the quote
    prev = doc[colon.start - 1] if colon.start > 0 else None
    if (
        prev is not None
        and prev.pos_ == "PROPN"
        and not ctx.in_quote(prev)
        and (prev.ent_type_ == "PERSON" or ctx.gender(_key(prev.text)) is not None)
        and not (prev.dep_ == "pobj" and prev.head.lower_ not in ("of", "from", "by"))  # "on Twitter:"
    ):
        return _name_at_colon(ctx, prev)
    # "The chairman, Ravi Menon, had a blunt message:" — the subject of the sentence speaks
    verbs = [sent.root] + [t for t in reversed(doc[sent.start : colon.start]) if t.pos_ in ("VERB", "AUX")]
    for root in verbs:
        if ctx.in_quote(root) or root.i >= colon.start:
            continue
        subj = _subject_of(ctx, root, None)
        if subj is None:
            continue
        at = _attribute_cue(ctx, root, subj, q, last)
        if at.method != "none":
            at.method = "colon" if at.method in ("cue_subject", "according_to") else at.method
            at.cue = None
            return at
        break
    if prev is not None and prev.pos_ == "PROPN":
        return _name_at_colon(ctx, prev)
    return None


def _name_at_colon(ctx: _Ctx, prev: Token) -> _Attr:
    """Returns the colon attribution to the proper name ending at ``prev`` (its mention where one is)."""
    doc = ctx.doc
    pa, pb = _proper_chain(prev)
    ps, pe = doc[pa].idx, doc[pb - 1].idx + len(doc[pb - 1].text)
    m = _mention_at(ctx, ps, pe)
    if m is not None:
        ps, pe = int(m["start"]), int(m["end"])
    name = doc_text(doc)[ps:pe]
    return _Attr("colon", None, name, ps, pe, _key(name), prev.i)


def _adjacent_speaker(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the subject of a verb the lexicon lacks that frames a quote like a cue.

    '"…," Smith fumed' / '"…?" cracked the host': a quote closed on a comma, question or
    exclamation mark and followed in its sentence by a finite verb (within three words) whose
    subject sits outside the marks. 'Smith cracked, "…"': a full quote opened right after a
    comma whose clause has a finite verb with a subject. Such a frame is attribution whatever
    the verb.
    """
    doc = ctx.doc
    inner = ctx.text[q.start : q.end].rstrip()
    after = ctx.text[q.close_at + 1 : q.close_at + 3]
    para = ctx.para_of_char[q.start]
    if inner[-1:] in ",?!" or after.startswith(","):
        tail = doc.char_span(q.close_at, min(q.close_at + 80, len(ctx.text)), alignment_mode="expand")
        if tail is not None:
            words = [t for t in tail if not t.is_punct and not ctx.in_quote(t)][:3]
            for t in words:
                if ctx.para_of_char[t.idx] != para:
                    break
                verb = t if t.pos_ == "VERB" else t.head if t.dep_ in ("nsubj",) else None
                if verb is None or verb.tag_ not in ("VBD", "VBZ", "VBP") or ctx.in_quote(verb):
                    continue
                subj = _subject_of(ctx, verb, q.end)
                if subj is not None and subj.idx > q.close_at:
                    return _attribute_cue(ctx, verb, subj, q, last)
    before = ctx.text[: q.open_at].rstrip()
    if before.endswith(",") and "\n" not in ctx.text[len(before) : q.open_at]:
        comma = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
        if comma is None:
            return None
        sent = ctx.sents[ctx.sent_of_tok[comma.start]]
        for t in reversed(doc[sent.start : comma.start]):
            if ctx.in_quote(t) or ctx.para_of_char[t.idx] != para:
                break
            if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP"):
                subj = _subject_of(ctx, t, None)
                if subj is not None and subj.i < t.i:
                    return _attribute_cue(ctx, t, subj, q, last)
                break
    return None


_DASHES = "―—–-"


def _signature(ctx: _Ctx, q: QuoteSpan) -> _Attr | None:
    """Returns the speaker named after a dash that closes a quote ('"…" — Jane Doe, 42')."""
    text = ctx.text
    line_end = text.find("\n", q.close_at)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[q.close_at + 1 : line_end]
    m = re.match(r"[\s\u00a0]*[" + _DASHES + r"]+[\s\u00a0]*", rest)
    if m:
        start = q.close_at + 1 + m.end()
    else:
        # a pull quote alone in its paragraph, signed on the next line: '"…"' / '- Jane Doe, Ohio.'
        line_start = text.rfind("\n", 0, q.open_at) + 1
        if rest.strip(" .,\u00a0") or text[line_start : q.open_at].strip():
            return None
        nxt = re.match(r"\n+([" + _DASHES + r"]+)[\s\u00a0]*([^\n]*)", text[line_end:])
        if not nxt or len(nxt.group(2).split()) > 12:
            return None
        start = line_end + nxt.start(2)
        line_end = line_end + nxt.end(2)
    span = ctx.doc.char_span(start, line_end, alignment_mode="expand")
    if span is None or len(span) == 0 or span[0].pos_ != "PROPN":
        return None
    a = span.start
    b = a
    while b < span.end and span.doc[b].pos_ in ("PROPN",) and b - a < 6:
        b += 1
    s, e = span.doc[a].idx, span.doc[b - 1].idx + len(span.doc[b - 1].text)
    mention = _mention_at(ctx, s, e)
    if mention is not None:
        s, e = int(mention["start"]), int(mention["end"])
    s = max(s, start)  # a dash the tokenizer left on the name ("-Jane")
    name = text[s:e]
    return _Attr("signature", None, name, s, e, _key(name), a)


def _continues(ctx: _Ctx, q: QuoteSpan, last: _Attr | None, last_q: QuoteSpan | None) -> _Attr | None:
    """Returns the previous speaker for a quote with no cue of its own, when it goes on speaking.

    The previous quote must be in the same paragraph or the one before (or earlier, when every
    paragraph in between is itself a quote of that speaker's run).
    """
    if last is None or last_q is None or last.method == "none":
        return None
    gap = ctx.para_of_char[q.start] - ctx.para_of_char[last_q.start]
    if gap > 1:
        return None
    return _Attr("continuation", None, last.text, last.start, last.end, last.person_key, last.cue_tok)


# ---------------------------------------------------------------- speech or not, full or partial

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


# ---------------------------------------------------------------- the extractor


def _index(
    doc: Doc, quotes: Sequence[QuoteSpan], sents: list[Span]
) -> tuple[list[int], list[int], list[int]]:
    """Returns per-character quote index, per-token sentence index and per-character paragraph index."""
    n = len(doc_text(doc))
    qoc = [-1] * (n + 1)
    for k, q in enumerate(quotes):
        a = q.open_at
        b = min(max(q.close_at + 1, q.end), n)
        for i in range(a, b):
            qoc[i] = k
    sent_of_tok = [0] * len(doc)
    for si, s in enumerate(sents):
        for i in range(s.start, s.end):
            sent_of_tok[i] = si
    para = [0] * (n + 1)
    p = 0
    for i, ch in enumerate(doc_text(doc)):
        para[i] = p
        if ch == "\n" and (i + 1 >= n or doc_text(doc)[i + 1] != "\n"):
            p += 1
    para[n] = p
    return qoc, sent_of_tok, para


def _mentions_from_ents(doc: Doc) -> list[dict[str, Any]]:
    """Returns mention rows built from doc.ents (used when the caller gives none)."""
    rows: list[dict[str, Any]] = []
    for e in doc.ents:
        if e.label_ in schema.ENTITY_TYPES:
            rows.append(
                {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "title": None}
            )
    return rows


def quotes_from_doc(doc: Doc, article_id: str, mentions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Returns the rows of ``schema.X_QUOTES`` for one parsed article.

    ``mentions`` are the article's entity mention rows (``schema.X_ENTITY_MENTIONS``); the speaker
    offsets point at the mention the attribution rests on (the antecedent for pronouns and
    descriptions), or at the phrase itself for an unnamed speaker.
    """
    text = doc_text(doc)
    spans = find_quote_spans(text)
    if not spans:
        return []
    sents = list(doc.sents)
    qoc, sent_of_tok, para = _index(doc, spans, sents)
    ments: list[dict[str, Any]] = [dict(m) for m in mentions] if mentions else _mentions_from_ents(doc)
    ctx = _Ctx(doc, text, spans, qoc, [], ments, sent_of_tok, para, sents)
    _build_persons(ctx)
    _pronoun_chain(ctx)

    found: list[tuple[QuoteSpan, str, _Attr]] = []
    last: _Attr | None = None
    last_q: QuoteSpan | None = None
    for q in spans:
        qspan = _quote_tokens(doc, q)
        if qspan is None or len(qspan) == 0:
            continue
        continued = q.chain is not None and any(o.chain == q.chain and o.start < q.start for o in spans)
        kind = _kind(ctx, q, qspan, continued)
        attr: _Attr | None = None
        for cue in _cue_candidates(ctx, q, qspan):
            obj = _according_to(cue)
            if obj is not None:
                attr = _attribute_cue(ctx, cue, obj, q, last)
            else:
                spk = (
                    _find_speaker_token(ctx, cue, q.end)
                    or _name_before_cue(ctx, cue, q)
                    or _name_next_to_cue(ctx, cue, q)
                )
                if spk is None or (q.start <= spk.idx < q.end):
                    continue
                attr = _attribute_cue(ctx, cue, spk, q, last)
            break
        if attr is None:
            attr = _signature(ctx, q)
        if attr is None:
            attr = _colon_speaker(ctx, q, last)
        if attr is None and kind == "full":
            attr = _adjacent_speaker(ctx, q, last)
        quote_text = text[q.start : q.end]
        if attr is None and kind == "partial":
            continue  # a scare quote or a name in quotation marks: not speech
        if _is_title(quote_text) and kind == "partial":
            continue
        if attr is None and _is_title(quote_text):
            continue
        if attr is None:
            attr = _continues(ctx, q, last, last_q)
        if attr is None:
            attr = _Attr("none", None, None, None, None)
        found.append((q, kind, attr))
        if attr.method != "none":
            last, last_q = attr, q

    # The pieces of a quote running over several paragraphs share one speaker.
    by_chain: dict[int, _Attr] = {}
    for q, _, at in found:
        if q.chain is not None and at.method != "none" and q.chain not in by_chain:
            by_chain[q.chain] = at
    rows: list[dict[str, object]] = []
    for q, kind, at in found:
        if at.method == "none" and q.chain is not None and q.chain in by_chain:
            src = by_chain[q.chain]
            at = _Attr("continuation", None, src.text, src.start, src.end, src.person_key)
        rows.append(
            {
                "article_id": article_id,
                "start": q.start,
                "end": q.end,
                "text": text[q.start : q.end],
                "kind": kind,
                "cue": at.cue,
                "speaker_text": at.text,
                "speaker_start": at.start,
                "speaker_end": at.end,
                "speaker_method": at.method,
            }
        )
    return rows


# ---------------------------------------------------------------- resolve


_QUOTE_CHARS = re.compile(r"[\"'“”‘’«»„‟‚`]")


def normalise_quote(text: str) -> str:
    """Returns a quote's text folded for grouping: case, accents, quotation marks, punctuation, spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = _QUOTE_CHARS.sub("", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def resolve_quotes(
    x_quotes: pl.DataFrame, entity_mentions: pl.DataFrame, entities: pl.DataFrame
) -> pl.DataFrame:
    """Returns the published ``schema.QUOTES`` table (conformed).

    quote_id hashes article and offsets; the speaker span links to an entity through
    ``link_spans`` (unnamed speakers and quotes without a speaker are not linked); ``speaker`` is
    the entity's canonical name where linked, else the phrase as written; identical quotes (after
    :func:`normalise_quote`) share ``quote_group_id``, and ``n_articles`` counts the group's
    articles. ``event_id`` is left for the events stage.
    """
    if x_quotes.height == 0:
        return schema.empty(schema.QUOTES)
    linkable = pl.col("speaker_method").is_in(["unnamed", "none"]).not_()
    spans = x_quotes.with_columns(
        pl.when(linkable).then(pl.col("speaker_start")).otherwise(None).alias("link_start"),
        pl.when(linkable).then(pl.col("speaker_end")).otherwise(None).alias("link_end"),
    )
    linked = link_spans(spans, "link", entity_mentions)
    names = entities.select(pl.col("entity_id").alias("link_entity_id"), pl.col("name").alias("__name"))
    linked = linked.join(names, on="link_entity_id", how="left")
    out = linked.with_columns(
        pl.struct("article_id", "start", "end")
        .map_elements(lambda r: stable_id("q", r["article_id"], r["start"], r["end"]), return_dtype=pl.String)
        .alias("quote_id"),
        pl.col("text")
        .map_elements(lambda t: stable_id("qg", normalise_quote(t)), return_dtype=pl.String)
        .alias("quote_group_id"),
        pl.coalesce(pl.col("__name"), pl.col("speaker_text")).alias("speaker"),
        pl.col("link_entity_id").alias("speaker_entity_id"),
    )
    out = out.with_columns(
        pl.col("article_id").n_unique().over("quote_group_id").cast(pl.Int64).alias("n_articles")
    )
    return schema.conform(out, schema.QUOTES)


def quote_rows_to_frame(rows: Iterable[dict[str, object]]) -> pl.DataFrame:
    """Returns x_quotes rows as a conformed ``schema.X_QUOTES`` frame."""
    return schema.conform(pl.DataFrame(list(rows), schema=schema.X_QUOTES.polars_schema), schema.X_QUOTES)
