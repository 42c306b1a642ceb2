"""Definite descriptions ("the French president") resolved to a person named before in that role."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from transforms.quotes.context import _Attr, _Ctx, _mention_at, _Person
from transforms.quotes.lexicon import _lex
from transforms.quotes.persons import _compatible

# The latest people a description may refer to, and how far from a name its role words are read.
_DESCRIPTION_LIMIT = 200
_NEAR = 12


def _role_words(ctx: _Ctx, p: _Person) -> set[str]:
    """Returns the lower-case words that describe a person where named: title, words before, appositive."""
    if p.start in ctx.role_words:
        return ctx.role_words[p.start]
    words = ctx.role_words[p.start] = _read_role_words(ctx, p)
    return words


def _read_role_words(ctx: _Ctx, p: _Person) -> set[str]:
    doc = ctx.doc
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return set()
    words: set[str] = set()
    near = range(span.start - _NEAR, span.end + _NEAR)  # an apposition is next to the name
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
                words.update(w.lower_ for w in _near_subtree(c, near) if not w.is_punct)
    # "X, the Kremlin spokesman" where the parser made the description a sibling
    head = span.root
    if head.dep_ == "appos":
        words.update(
            w.lower_
            for w in _near_subtree(head.head, near)
            if not w.is_punct and not span.start <= w.i < span.end
        )
    # "Sen. Jane Doe" is a senator, "Gov. John Roe" a governor (the tokenizer may split the stop)
    abbrev = _lex().role_abbrev
    before = _WORD_BEFORE.search(ctx.text[max(p.start - 16, 0) : p.start])
    if before:
        words.add(before.group(1).lower())
    words.update(abbrev[w.rstrip(".")] for w in list(words) if w.rstrip(".") in abbrev)
    # the nouns the person was introduced with ("rookie defenceman Jane Doe", "Jane Doe, a
    # defenceman"), kept as "^noun": any such noun names the person later ("the defenceman")
    words.update("^" + w for w in _introduced_as(ctx, span))
    words.update(_acting_as(ctx, span))
    # "the 34-year-old Jane Doe" / "Jane Doe, 34,": "the 34-year-old" names her later
    age = _AGE_BEFORE.search(ctx.text[max(p.start - 60, 0) : p.start]) or _AGE_AFTER.match(
        ctx.text[p.end : p.end + 8]
    )
    if age:
        words.add("age:" + age.group(1))
    return words


_WORD_BEFORE = re.compile(r"\b([A-Za-z]+)\.?\s+$")
_AGE_BEFORE = re.compile(r"\b(\d{1,3})-year-old\s+(?:[\w.’'-]+\s+){0,3}$")
_AGE_AFTER = re.compile(r",\s*(\d{1,3})\s*[,.;]")
_AGE_PHRASE_BEFORE = re.compile(r"(?i)\bthe\s+(\d{1,3})-year-old\s*$")
_AGE_PHRASE_AFTER = re.compile(r"(?i)\s*the\s+(\d{1,3})-year-old\b")


def _introduced_as(ctx: _Ctx, span: Span) -> set[str]:
    """Returns the common nouns right before a name (its title words) and the head noun of an
    apposition to it, lower case."""
    doc = ctx.doc
    out: set[str] = set()
    i = span.start - 1
    while (
        i >= 0
        and span.start - i <= 4
        and doc[i].pos_ in ("NOUN", "PROPN", "ADJ")
        and not ctx.in_quote(doc[i])
    ):
        if doc[i].pos_ == "NOUN" or doc[i].text[:1].isupper():
            out.add(doc[i].lower_)
        i -= 1
    for t in span:
        for c in t.children:
            if c.dep_ == "appos" and c.pos_ == "NOUN" and not span.start <= c.i < span.end:
                out.add(c.lower_)
    if span.root.dep_ == "appos" and span.root.head.pos_ == "NOUN":
        out.add(span.root.head.lower_)
    return out


# Words of an "as" phrase read as a subject's role, at most (the noun and what comes before it).
_AS_WORDS = 5


def _acting_as(ctx: _Ctx, span: Span) -> set[str]:
    """Returns the lower-case words of the role a subject acts in, named by an "as" phrase of its
    verb ("Jane Doe spoke as the party's nominee" gives "party", "nominee"), else an empty set."""
    root = span.root
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return set()
    # "Doe painted Roe as a liar": with a named or pronoun object the role is the object's
    if any(c.dep_ == "dobj" and c.pos_ in ("PROPN", "PRON") for c in root.head.children):
        return set()
    # "Doe stepped down as chairman", "Doe was replaced as chairman": a role left, not held
    verb = root.head.lemma_.lower()
    particles = {f"{verb} {c.lower_}" for c in root.head.children if c.dep_ in ("prt", "advmod")}
    if verb in _lex().role_leaving or particles & _lex().role_leaving:
        return set()
    out: set[str] = set()
    for prep in root.head.children:
        if prep.dep_ != "prep" or prep.lower_ != "as" or ctx.in_quote(prep):
            continue
        for noun in prep.children:
            if noun.dep_ != "pobj" or noun.pos_ != "NOUN":
                continue
            lo = max(noun.left_edge.i, noun.i - _AS_WORDS)
            out.update(
                t.lower_ for t in ctx.doc[lo : noun.i + 1] if not t.is_punct and t.pos_ not in ("DET", "PRON")
            )
    return out


def held_role(ctx: _Ctx, head: Token) -> bool:
    """True when a common noun is one that a person named before was introduced with."""
    word = "^" + head.lower_
    people = ctx.persons_before(head.idx, ctx.sent_of_tok[head.i], len(ctx.sents), _DESCRIPTION_LIMIT)
    return any(word in _role_words(ctx, p) for p in people)


def age_description(ctx: _Ctx, cue: Token) -> tuple[_Person | None, int, int] | None:
    """Returns (the person, start, end of the phrase) for "the 34-year-old" right before or after
    a cue ('"…," the 34-year-old said'), the person None when no one was named with that age."""
    before = _AGE_PHRASE_BEFORE.search(ctx.text[max(cue.idx - 30, 0) : cue.idx].rstrip())
    end_cue = cue.idx + len(cue.text)
    after = _AGE_PHRASE_AFTER.match(ctx.text[end_cue : end_cue + 30])
    if before:
        base = max(cue.idx - 30, 0)
        start, end, age = base + before.start(), base + before.end(), before.group(1)
    elif after:
        start, end, age = end_cue + after.start(), end_cue + after.end(), after.group(1)
    else:
        return None
    while start < end and ctx.text[start].isspace():
        start += 1
    people = ctx.persons_before(start, ctx.sent_of_tok[cue.i], len(ctx.sents), _DESCRIPTION_LIMIT)
    found = [p for p in people if "age:" + age in _role_words(ctx, p)]
    return (found[-1] if found else None), start, end


def _near_subtree(tok: Token, near: range) -> list[Token]:
    """Returns the tokens of tok's subtree that lie in ``near`` (never the whole of a long sentence)."""
    doc = tok.doc
    lo, hi = max(near.start, 0), min(near.stop, len(doc))
    return [w for w in doc[lo:hi] if w.i == tok.i or tok.is_ancestor(w)]


def _nationalities(ctx: _Ctx, p: _Person) -> set[str]:
    """Returns the nationality or country words right before a person's name ("French President X")."""
    doc = ctx.doc
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return set()
    return {t.lower_ for t in doc[max(span.start - 4, 0) : span.start] if t.ent_type_ in ("NORP", "GPE")}


def _resolve_description(
    ctx: _Ctx, head: Token, a: int, b: int, last: _Attr | None, focus: bool = False
) -> _Person | None:
    """Returns the person a definite description ("the French president") refers to, or None.

    A person named before whose title, preceding words or appositive hold the description's
    head noun (or a synonym: chief ~ president ~ leader) wins, the most shared modifiers
    ("French") first, then the latest; None when no one was named in that role. With ``focus``
    (a quote's speaker), the person the sentence or the one before is about wins over one named
    in that role earlier (see :func:`_in_focus`).
    """
    lex = _lex()
    doc = ctx.doc
    word = head.lower_
    classes = lex.role_class.get(word, frozenset())
    mods = {t.lower_ for t in doc[a:b] if t.i != head.i and not t.is_stop and not t.is_punct}
    gender = "m" if word in lex.role_male else "f" if word in lex.role_female else None
    nations = {t.lower_ for t in doc[a:b] if t.ent_type_ in ("NORP", "GPE") and t.i != head.i}
    best: tuple[tuple[int, int, int], _Person] | None = None
    # a person's roles are those of all their mentions ("Sen. Jane Doe" … "Doe"), the latest
    # mention standing for them: "the senator" is the one named in that role most recently
    # (the nationality is that of the mentions naming the role: "Russian President X" … "X in Syria")
    people: dict[str, tuple[set[str], set[str], _Person]] = {}
    for p in ctx.persons_before(head.idx, ctx.sent_of_tok[head.i], len(ctx.sents), _DESCRIPTION_LIMIT):
        words, nats, _ = people.get(p.key, (set(), set(), p))
        rw_here = _role_words(ctx, p)
        if _holds(word, classes, rw_here):
            nats = nats | _nationalities(ctx, p)
        people[p.key] = (words | rw_here, nats, p)
    for rw, nats, p in people.values():
        if _compatible(ctx, p, gender) == 0 or not _holds(word, classes, rw):
            continue
        score = len(mods & rw)
        # the previous speaker is the likelier referent of a description that fits several people
        salient = int(last is not None and last.person_key == p.key)
        if nations and not nations & rw and nats:
            continue  # "the French president" must not take a president of another country
        if best is None or (score, salient, p.start) >= best[0]:
            best = ((score, salient, p.start), p)
    if best is not None:
        if focus:
            f = _in_focus(ctx, head, gender, word, classes, people)
            # named after the role holder's latest mention, and sharing as many of its modifiers
            if (
                f is not None
                and f.key != best[1].key
                and len(mods & people[f.key][0]) >= best[0][0]
                and (best[1].sent, int(best[1].main)) < (f.sent, int(f.main))
            ):
                return f
        return best[1]
    # No one named in that role: after a continuing cue, the previous speaker when that person
    # was named in no role at all ('“…,” she wrote. “…,” added the opponent' adds what the person
    # is), else None and the caller keeps the description itself ("the senator" after a governor
    # spoke is someone else).
    return _roleless_previous_speaker(ctx, head, last, gender)


# How many sentences before a description its sentence's topic may be named ("Doe toured the
# port. She met dockworkers. “…,” the senator said." is Doe's).
_FOCUS_SENTS = 2


def _in_focus(
    ctx: _Ctx,
    head: Token,
    gender: str | None,
    word: str,
    classes: frozenset[str],
    people: dict[str, tuple[set[str], set[str], _Person]],
) -> _Person | None:
    """Returns the person in focus where a quote's description stands: the latest main-clause
    subject outside quotes in its sentence or the two before (a he/she standing for the named
    person), of a gender the description allows, and named in that role, or the subject of the
    description's own sentence named in no role of the lexicon ("Doe defends the plan in an ad:
    “…,” the senator says"); else None. A person named in another role ("Gov. Roe") is never
    "the senator", nor one in no role named in an earlier sentence ("Roe attacked it.")."""
    lex = _lex()
    s_here = ctx.sent_of_tok[head.i]
    pool = ctx.persons_before(head.idx, s_here, _FOCUS_SENTS, _DESCRIPTION_LIMIT)
    pool += [c for c in ctx.chain or () if c.start < head.idx and s_here - c.sent <= _FOCUS_SENTS]
    mains = sorted((p for p in pool if p.main), key=lambda p: p.start)
    if not mains:
        return None
    f = mains[-1]
    named = f.ref if f.ref is not None else f
    entry = people.get(named.key)
    if entry is None or _compatible(ctx, named, gender) == 0:
        return None
    rw = entry[0]
    if not _holds(word, classes, rw) and (
        f.sent != s_here or any(w.lstrip("^") in lex.roles or w.lstrip("^") in lex.role_class for w in rw)
    ):
        return None  # one never named in the role is "the senator" only in the sentence about them
    return _Person(named.start, named.end, named.text, named.key, f.sent, named.subject, named.gender, True)


def _holds(word: str, classes: frozenset[str], rw: set[str]) -> bool:
    """True when role words hold a description's head noun or one of its synonyms."""
    role_class = _lex().role_class
    return word in rw or "^" + word in rw or any(role_class.get(w, frozenset()) & classes for w in rw)


_PREVIOUS_SENTS = 3


def _roleless_previous_speaker(
    ctx: _Ctx, head: Token, last: _Attr | None, gender: str | None
) -> _Person | None:
    """Returns the latest mention of the previous speaker, named within the last few sentences,
    of a gender the description allows and with no role word of the lexicon in any mention, or None."""
    cue = head.head
    if (
        last is None
        or not last.person_key
        or last.cue_tok is None
        or cue.lemma_.lower() not in _lex().continuing
    ):
        return None
    if ctx.sent_of_tok[head.i] - ctx.sent_of_tok[last.cue_tok] > _PREVIOUS_SENTS:
        return None
    lex = _lex()
    people = ctx.persons_before(head.idx, ctx.sent_of_tok[head.i], len(ctx.sents), _DESCRIPTION_LIMIT)
    same = [p for p in people if p.key == last.person_key]
    for p in same:
        if any(w in lex.roles or w in lex.role_class for w in _role_words(ctx, p)):
            return None
    return same[-1] if same and _compatible(ctx, same[-1], gender) else None
