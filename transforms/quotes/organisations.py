"""An organisation as a cue's subject that stands for a person: '"…," Acme said' right after
"Acme spokesperson Jane Doe told reporters …" is Jane Doe speaking, not the company; a written
channel ('Acme said in a statement') keeps the organisation."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Token

from transforms.quotes.context import _Attr, _Ctx, _key, _Person
from transforms.quotes.lexicon import _lex

# The person must be quoted or speak in the cue's sentence or the one before.
_SENTS_BACK = 1


def _written(cue: Token) -> bool:
    """True when the cue goes through a written channel ("said in a statement", "told in an
    email", "said on its website", "issued a statement")."""
    channels = _lex().written_channels
    sent = cue.sent
    for t in sent:
        if t.lemma_.lower() not in channels:
            continue
        if t.head.i == cue.i or (t.head.dep_ in ("prep", "agent") and t.head.head.i == cue.i):
            return True
    return False


def _org_word(org: dict[str, Any]) -> str | None:
    """Returns the first word of an organisation's name (its own: "Acme" of "Acme Corp."), or None
    when too short to stand for it."""
    words = [w for w in str(org["text"]).split() if w.lower() != "the"]
    if not words or len(words[0].strip(".,'’")) < 3:
        return None
    return words[0].strip(".,'’")


def _tied(ctx: _Ctx, p: _Person, word: str) -> bool:
    """True when the organisation's word is written in the person's sentence or the one before
    ("Acme spokesperson Jane Doe", "Jane Doe, who speaks for Acme")."""
    first = ctx.sents[max(p.sent - 1, 0)]
    last = ctx.sents[p.sent]
    doc = ctx.doc
    return any(t.text == word and not p.start <= t.idx < p.end for t in doc[first.start : last.end])


def _speaks(ctx: _Ctx, p: _Person) -> bool:
    """True when a person's mention is the subject of a cue of speaking aloud outside quotes."""
    span = ctx.doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    verbs = _lex().spoken
    for t in span:
        head = t.head if t.dep_ == "appos" else t
        if head.dep_ in ("nsubj", "nsubjpass") and head.head.lemma_.lower() in verbs:
            return True
    return False


def is_organisation(ctx: _Ctx, m: dict[str, Any]) -> bool:
    """True when a mention names an organisation: a name of several words labelled one, or a
    single word that opens an organisation's longer name written before ("Acme" after "Acme
    Corp", whatever its label); never the surname of a person named in full, nor a reporter."""
    text = str(m["text"])
    surnames, openers = _org_index(ctx)
    # a surname the NER took for an organisation ("Doe" after "Jane Doe", "the Doe campaign")
    if _key(text) in surnames or _key(text) in ctx.reporters:
        return False
    # a whole name ("Acme Corp"); one word the NER calls an organisation is often a surname
    if m.get("label") == "ORG" and " " in text:
        return True
    return " " not in text and openers.get(text, len(ctx.text)) < int(m["start"])


def _org_index(ctx: _Ctx) -> tuple[set[str], dict[str, int]]:
    """Returns (the surnames of people named in full, the first word of each organisation's
    name of several words with where it is first written), built once per article."""
    if ctx.org_index is None:
        surnames: set[str] = set()
        openers: dict[str, int] = {}
        for o in ctx.mentions:
            text = str(o["text"])
            if " " not in text:
                continue
            if o.get("label") == "PERSON":
                surnames.add(_key(text))
            elif o.get("label") == "ORG":
                word = _org_word(o)
                if word is not None:
                    openers.setdefault(word, int(o["start"]))
        ctx.org_index = (surnames, openers)
    return ctx.org_index


def organisation_person(ctx: _Ctx, cue: Token, org: dict[str, Any], last: _Attr | None) -> _Person | None:
    """Returns the person an organisation subject of a spoken cue stands for, or None.

    Only for a cue of speaking aloud (the lexicon's ``spoken``) with no written channel; the
    person is the previous quote's speaker or a person speaking (the subject of a cue verb), in
    the cue's sentence or the one before, with the organisation's name written in or just before
    the person's sentence. The latest such person wins.
    """
    lex = _lex()
    if cue.lemma_.lower() not in lex.spoken or _written(cue):
        return None
    word = _org_word(org)
    if word is None:
        return None
    here = ctx.sent_of_tok[cue.i]
    start = int(org["start"])
    found: _Person | None = None
    for p in ctx.persons_before(start, here, _SENTS_BACK, 20):
        if p.key in ctx.reporters or p.ref is not None:
            continue
        quoted = (
            last is not None
            and last.person_key == p.key
            and last.cue_tok is not None
            and here - ctx.sent_of_tok[last.cue_tok] <= _SENTS_BACK
        )
        if (quoted or _speaks(ctx, p)) and _tied(ctx, p, word):
            found = p
    return found
