"""Frames around a cue that the parse misses: the speaker of a finite cue left without a subject
('…, her adviser, Jane Doe, said:'), and an outlet relaying a cue ('Doe said, according to the Post')."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.quotes.context import _Ctx
from transforms.quotes.cues import (
    _MAX_CLIMB,
    _NOT_SPEAKERS,
    _according_to,
    _is_cue,
    _is_person_name,
    _subject_of,
)
from transforms.quotes.lexicon import _lex


def stranded_subject(ctx: _Ctx, cue: Token) -> Token | None:
    """Returns the speaker of a finite cue verb the parse left without a subject, the noun phrase
    ending right before it ('…, her adviser, Jane Doe, said:' / 'an official who asked not to be
    named said Monday, "…"'), or None.

    From the word before the cue (commas skipped) up its ancestors left of the cue: the nearest
    person's name, else the first noun standing as a subject or apposition.
    """
    doc = ctx.doc
    if cue.tag_ not in ("VBD", "VBZ", "VBP") or any(c.dep_ in ("nsubj", "nsubjpass") for c in cue.children):
        return None
    if cue.lemma_.lower() in _lex().naming:
        return None  # 'a blog, called the "Feed"': the noun before a naming verb is no speaker
    sent = ctx.sents[ctx.sent_of_tok[cue.i]]
    j = cue.i - 1
    while j >= sent.start and doc[j].text == ",":
        j -= 1
    if j < sent.start:
        return None
    node = doc[j]
    noun: Token | None = None
    for _ in range(_MAX_CLIMB):
        if ctx.in_quote(node) or node.i >= cue.i or node.sent.start != sent.start:
            break
        if _is_person_name(ctx, node):
            return node
        if (
            noun is None
            and node.pos_ in ("NOUN", "PROPN")
            and node.dep_ in ("appos", "nsubj", "ROOT")
            and node.ent_type_ not in _NOT_SPEAKERS
        ):
            noun = node
        if node.head.i == node.i:
            break
        node = node.head
    return noun


# Words between a cue and an "according to" (or ", reports X") that relays it: the cue's own
# adverbials ('said in a statement, according to …').
_RELAY_WORDS = 10


def relayed_by(ctx: _Ctx, cue: Token) -> tuple[Token, Token] | None:
    """Returns (cue, speaker token) of an outlet or document that relays a cue: '"…," Doe said,
    according to the Post' / 'said Doe, reports the Post' (the outer source is the one the reader
    has the words from), or None. Only the cue's own adverbials may stand between, no verb.
    """
    doc = ctx.doc
    sent = ctx.sents[ctx.sent_of_tok[cue.i]]
    lex = _lex()
    for t in doc[cue.i + 1 : min(sent.end, cue.i + _RELAY_WORDS + 2)]:
        if ctx.in_quote(t) or t.text in ".!?;":
            return None
        obj = _according_to(t)
        if obj is not None:
            return t, obj
        if t.lemma_.lower() == "report" and _is_cue(t) and doc[t.i - 1].text == ",":
            spk = _subject_of(ctx, t, t.idx)
            return (t, spk) if spk is not None else None
        if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() not in lex.verbs:
            return None
    return None
