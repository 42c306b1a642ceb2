"""The people named outside quotes: titles, given names and role words, the gender each mention
shows and the votes per surname, bare surname re-mentions, and named speakers the NER missed."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from transforms.names import title_gender
from transforms.nlp import doc_text
from transforms.quotes.context import _Ctx, _key, _Person
from transforms.quotes.lexicon import _lex
from transforms.quotes.reporters import reporter_keys
from transforms.quotes.scan import token_indices
from transforms.syntax import main_clause as _main_clause
from transforms.syntax import proper_chain as _proper_chain

_BEFORE_KEY = "newsfacts_token_before"


def _index_before(doc: Doc, start_char: int) -> int:
    """Returns the index of the token right before the one at a character offset, -1 when there
    is none; kept per Doc (the people of one article ask for the same offsets many times)."""
    memo = doc.user_data.get(_BEFORE_KEY)
    if not isinstance(memo, dict):
        memo = doc.user_data[_BEFORE_KEY] = {}
    i = memo.get(start_char)
    if i is None:
        span = doc.char_span(start_char, start_char + 1, alignment_mode="expand")
        i = memo[start_char] = -1 if span is None or span.start == 0 else span.start - 1
    return int(i)


def _title_before(doc: Doc, start_char: int) -> str | None:
    """Returns the lower-cased word right before a character offset when it is a title."""
    i = _index_before(doc, start_char)
    if i < 0:
        return None
    prev = doc[i]
    return prev.text.lower().rstrip(".") if prev.text[:1].isupper() else None


def _title_gender(title: str) -> str | None:
    """Returns "m"/"f" for a gendered title (Mr, Ms…), else None."""
    return title_gender(title, "speakers")


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
        i = _index_before(doc, start_char)
        if i < 0:
            return False
        title = doc[i].lower_
    return title in _lex().roles


# A name outside quotes: start, end, text, entity label (None for a subject the NER missed), and
# whether it shows a person (a PERSON label, a personal title or role word, a given name, "who").
_Name = tuple[int, int, str, str | None, bool]


def _build_persons(ctx: _Ctx) -> None:
    """Fills ctx.persons and the gender votes per person key.

    People are the PERSON mentions outside quotes, plus any name outside quotes (a mention of
    another label, or a proper-noun subject the NER missed) whose key is a person's: the key of
    a PERSON mention, of a name with a personal title (Mr, Ms…), or of a name a "who" clause
    describes. The small models often label a foreign surname ORG; the key repairs that.
    """
    names = _mention_names(ctx)
    _add_subject_names(ctx, names)
    person_keys = {_key(n[2]) for n in names if n[4]}
    _add_named_persons(ctx, names, person_keys)
    ctx.index_persons()
    _vote_pronoun_genders(ctx)
    _add_surname_mentions(ctx, person_keys)
    # the reporters write the article: out of view of pronouns and descriptions (a cue naming
    # one as its subject adds that mention back, see _add_person)
    ctx.reporters = reporters = reporter_keys(ctx)
    if reporters:
        ctx.persons = [p for p in ctx.persons if p.key not in reporters]
        ctx.index_persons()


def _mention_names(ctx: _Ctx) -> list[_Name]:
    """Returns the entity mentions outside quotes as names (places and nationalities show no person)."""
    doc = ctx.doc
    names: list[_Name] = []
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
    return names


def _add_subject_names(ctx: _Ctx, names: list[_Name]) -> None:
    """Adds to ``names`` the proper-noun subjects outside quotes that no name covers yet (a "who"
    clause, a personal title or a role word shows a person)."""
    doc = ctx.doc
    covered = _coverage(len(ctx.text), ((n[0], n[1]) for n in names))
    for i in token_indices(doc, deps=("nsubj", "nsubjpass"), pos=("PROPN",)):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass") or t.pos_ != "PROPN" or ctx.in_quote(t):
            continue
        a, b = _proper_chain(t)
        s, e = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        if any(covered[s:e]):
            continue
        who = any(c.dep_ == "relcl" and any(g.lower_ == "who" for g in c.children) for c in t.children)
        titled = bool(
            _title_gender(_title_before(doc, s) or "") or _title_gender(doc[a].text)
        ) or _role_before(doc, s)
        names.append((s, e, doc_text(doc)[s:e], None, who or titled))


def _add_named_persons(ctx: _Ctx, names: list[_Name], person_keys: set[str]) -> None:
    """Adds the names whose key is a person's to ctx.persons, with the gender each mention shows,
    and counts that gender's votes for the key (see :func:`_name_gender` for the weights)."""
    doc = ctx.doc
    for s, e, text, _label, _ev in sorted(names):
        key = _key(text)
        if key not in person_keys:
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            continue
        # a name in apposition to a subject is that subject ("Her father, Brad Doe, said"), also
        # through an apposition of an apposition ("The other man, his cousin Brad Doe, said")
        heads = [_appos_root(t, span.start) for t in span]
        subject = any(t.dep_ in ("nsubj", "nsubjpass") for t in heads)
        main = any(t.dep_ in ("nsubj", "nsubjpass") and _main_clause(t.head) for t in heads)
        gender, weight = _name_gender(ctx, span, s, text)
        given = _given_word(text)
        if given:
            ctx.kin.setdefault(key, set()).add(given)
        ctx.persons.append(_Person(s, e, text, key, ctx.sent_of_tok[span.start], subject, gender, main))
        if gender and weight > 1:
            ctx.first_gender.setdefault(key, gender)
        if gender:
            votes = ctx.genders.setdefault(key, {})
            votes[gender] = votes.get(gender, 0) + weight


# Appositions followed up from a name to the noun it renames, at most this many.
_APPOS_DEPTH = 3


def _appos_root(tok: Token, before: int) -> Token:
    """Returns the noun a token renames through a chain of appositions that each start before
    ``before`` ("man" for "Doe" in "the other man, his cousin Doe,"), else the token itself."""
    for _ in range(_APPOS_DEPTH):
        if tok.dep_ != "appos" or tok.head.i >= before:
            break
        tok = tok.head
    return tok


def _name_gender(ctx: _Ctx, span: Span, s: int, text: str) -> tuple[str | None, int]:
    """Returns the gender one mention of a name shows and the weight of that evidence: 3 for a
    title or a given name, 1 for a role word before it or in apposition (gender None when none)."""
    lex = _lex()
    doc = ctx.doc
    words = text.split()
    # a title is the first word of a longer name ("King Abdullah"); alone it is a surname ("King said")
    first = words[0] if len(words) > 1 else ""
    gender = (
        _title_gender(_title_before(doc, s) or "")
        or _title_gender(first)
        or next(
            (
                _title_gender(str(m.get("title") or ""))
                for m in ctx.mentions_in(s, s + 1)
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
    return gender, weight


def _given_word(name: str) -> str | None:
    """Returns the lower-case first word of a name of two words or more when it is a given name
    (no title, no role word: "Ivanka" of "Ivanka Doe", nothing for "Mr. Doe"), else None."""
    words = name.split()
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    first = words[0].rstrip(".").lower()
    if _title_gender(first) or first in _lex().roles or len(first) < 2:
        return None
    return first


def _vote_pronoun_genders(ctx: _Ctx) -> None:
    """Counts gender votes from pronouns: a he/she after a person in a sentence that names only that
    person (or only that one as a subject) votes for that person's gender."""
    lex = _lex()
    for sent in ctx.sents:
        here = ctx.persons_between(sent.start_char, sent.end_char)
        keys = {p.key for p in here}
        if len(keys) != 1:
            keys = {p.key for p in here if p.subject}  # the one person the sentence is about
            if len(keys) != 1:
                continue
        key = next(iter(keys))
        first_at = min(p.start for p in here if p.key == key)
        for t in sent:
            if t.idx <= first_at or ctx.in_quote(t):
                continue
            g = "m" if t.lower_ in lex.gp_male else "f" if t.lower_ in lex.gp_female else None
            if g:
                votes = ctx.genders.setdefault(key, {})
                votes[g] = votes.get(g, 0) + 1


# Parts of speech a capitalised word naming a person may get from a small model ("Early said",
# "Woods continued"); function words never name anyone.
_NAME_POS = ("PROPN", "NOUN", "ADJ", "ADV", "VERB", "X")


def _add_surname_mentions(ctx: _Ctx, person_keys: set[str]) -> None:
    """Adds the bare re-mentions of people already named ("Doe" after "Jane Doe") that neither
    the NER nor the subject scan caught: a capitalised word outside quotes equal to a person's
    key, not part of a longer name or of a mention."""
    covered = _coverage(
        len(ctx.text),
        [(p.start, p.end) for p in ctx.persons] + [(int(m["start"]), int(m["end"])) for m in ctx.mentions],
    )
    added = [
        _Person(s, e, text, key, ctx.sent_of_tok[i], subject, None, main)
        for i, s, e, text, key, subject, main in _capitalised_words(ctx)
        if key in person_keys and len(key) >= 3 and not any(covered[s:e])
    ]
    if added:
        ctx.persons.extend(added)
        ctx.index_persons()


# A capitalised word outside quotes that may re-mention a person: token index, start, end,
# text, key, whether a subject, whether the main clause's subject.
_Word = tuple[int, int, int, str, str, bool, bool]
# The words of the last Doc scanned, with the quote index they were scanned against: the quote
# attribution and the events' pronoun resolver build the people of one Doc in turn.
_LAST_WORDS: tuple[Doc, list[int], list[_Word]] | None = None


def _capitalised_words(ctx: _Ctx) -> list[_Word]:
    """Returns the words of the article that :func:`_add_surname_mentions` may take for a bare
    surname, whatever the article's people (scanned once per Doc and quote index)."""
    global _LAST_WORDS
    last = _LAST_WORDS
    if last is not None and last[0] is ctx.doc and last[1] is ctx.quote_of_char:
        return last[2]
    words: list[_Word] = []
    doc = ctx.doc
    for i in token_indices(doc, pos=_NAME_POS):
        t = doc[i]
        if not t.text[:1].isupper() or t.pos_ not in _NAME_POS or ctx.in_quote(t):
            continue
        # part of a longer name ("Woods Hole") or a compound modifier ("the Early campaign")
        if t.dep_ == "compound" or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in t.children):
            continue
        subject = t.dep_ in ("nsubj", "nsubjpass")
        main = subject and _main_clause(t.head)
        words.append((t.i, t.idx, t.idx + len(t.text), t.text, _key(t.text), subject, main))
    _LAST_WORDS = (ctx.doc, ctx.quote_of_char, words)
    return words


def _add_person(ctx: _Ctx, start: int, end: int, text: str, sent: int) -> None:
    """Adds a named speaker the NER missed to the people of the article (kept in order)."""
    if any(p.end == end for p in ctx.persons_between(start, start + 1)):
        return
    i = bisect_right(ctx.p_starts, start)
    ctx.persons.insert(i, _Person(start, end, text, _key(text), sent, True, None, True))
    ctx.p_starts.insert(i, start)


def _coverage(n: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    """Returns one byte per character of the text, 1 where one of the spans covers it (an O(1)
    overlap test in place of a scan over every span)."""
    covered = bytearray(n + 1)
    for a, b in spans:
        a, b = max(a, 0), min(b, n)
        covered[a:b] = b"\x01" * max(b - a, 0)
    return covered


def _compatible(ctx: _Ctx, p: _Person, gender: str | None) -> int:
    """2 when the person's gender is known and agrees, 1 when unknown, 0 when it disagrees."""
    if gender is None:
        return 1
    g = p.gender or ctx.gender(p.key)
    if g is None:
        return 1
    return 2 if g == gender else 0
