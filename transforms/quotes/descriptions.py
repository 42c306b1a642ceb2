"""Definite descriptions ("the French president") resolved to a person named before in that role."""

from __future__ import annotations

import re

from spacy.tokens import Token

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
    # "Sen. Jane Doe" is a senator, "Gov. John Roe" a governor
    abbrev = _lex().role_abbrev
    words.update(abbrev[w.rstrip(".")] for w in list(words) if w.rstrip(".") in abbrev)
    return words


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
    for p in ctx.persons_before(head.idx, ctx.sent_of_tok[head.i], len(ctx.sents), _DESCRIPTION_LIMIT):
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
