"""Stated counts, ACLED-style: how many were killed, injured or arrested, and how large a crowd was.

A count is read from the parse, never guessed: the number phrase of the patient of a verb whose
lexicon entry has a ``count`` field ("killed at least 28 people", "five were arrested"), or of a
protest's actor ("hundreds of protesters"). Vague words take the lowest value they imply (dozens
= 12, hundreds = 100, as ACLED codes them); a singular patient ("a journalist was killed") is one.
The words the number came from are kept beside it (``count_text``).
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.nlp import doc_text

_DIGITS = re.compile(r"^\d[\d,]*(\.\d+)?$")


def _value(word: str) -> float | None:
    """The value of one number word or figure ("1,000", "five", "dozens"), or None."""
    lex = lexicon()
    w = word.lower().replace(",", "")
    if _DIGITS.match(word.replace(",", "")):
        return float(w)
    return lex.count_words.get(w) or lex.vague_counts.get(w) or lex.multipliers.get(w)


def _phrase_value(words: list[str]) -> int | None:
    """The value of a number phrase ("two hundred", "1.5 million", "tens of thousands")."""
    lex = lexicon()
    total: float | None = None
    for w in words:
        low = w.lower()
        if low in lex.multipliers and total is not None:
            total *= lex.multipliers[low]
            continue
        if low in ("tens", "hundreds") and total is None:
            total = 10 if low == "tens" else 100
            continue
        if low in ("thousands", "millions") and total is not None:
            total *= 1000 if low == "thousands" else 1_000_000
            continue
        v = _value(w)
        if v is not None and total is None:
            total = v
    return int(total) if total is not None else None


def _span_text(first: Token, last: Token) -> str:
    text = doc_text(first.doc)
    return text[first.idx : last.idx + len(last.text)]


def number_of(tok: Token, singular: bool = True) -> tuple[int, str] | None:
    """Returns ``(value, words)`` for the count a noun phrase states, or None.

    "at least 28 people" → 28; "dozens of people" → 12 with its words; "12" as the object itself;
    a singular noun ("a journalist", "the deputy chief") → 1 when ``singular``."""
    lex = lexicon()
    if tok.like_num or tok.lower_ in lex.vague_counts:
        words = [t.text for t in tok.subtree if t.i <= tok.i and t.dep_ not in ("det",)]
        quant = [t for t in tok.subtree if t.i <= tok.i]
        obj = _of_object(tok)
        last = obj if obj is not None else tok
        value = _phrase_value(words + ([] if obj is None else _of_chain_words(tok)))
        if value is None:
            return None
        return value, _span_text(quant[0], last)
    nums = [c for c in tok.children if c.dep_ == "nummod"]
    if nums:
        num = nums[0]
        words = [t.text for t in num.subtree]
        value = _phrase_value(words)
        if value is not None:
            return value, _span_text(num.left_edge, tok)
    if singular and tok.tag_ in ("NN", "NNP") and tok.pos_ in ("NOUN", "PROPN"):
        return 1, _span_text(tok.left_edge, tok)
    return None


def _of_child(tok: Token) -> Token | None:
    """The object of an "of" phrase on ``tok`` ("thousands [of] protesters"), None without one."""
    return next(
        (
            o
            for c in tok.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for o in c.children
            if o.dep_ == "pobj"
        ),
        None,
    )


def _of_object(tok: Token) -> Token | None:
    """The object at the end of "tens of thousands of protesters" (None when no "of" follows)."""
    cur = tok
    found: Token | None = None
    for _ in range(3):
        nxt = _of_child(cur)
        if nxt is None:
            break
        found = cur = nxt
    return found


def _of_chain_words(tok: Token) -> list[str]:
    """The number words along "tens of thousands of …" after the first."""
    out: list[str] = []
    cur = tok
    for _ in range(3):
        nxt = _of_child(cur)
        if nxt is None or not (nxt.like_num or nxt.lower_ in lexicon().vague_counts):
            break
        out.append(nxt.text)
        cur = nxt
    return out


def patient_of(verb: Token) -> Token | None:
    """Who undergoes what a verb says: its passive subject, its object, the noun a participle
    modifies ("people killed"), or the object of a coordinated verb ("killed one and wounded two")."""
    for c in verb.children:
        if c.dep_ in ("nsubjpass", "dobj"):
            return c
    entry = lexicon().verbs.get(verb.lemma_.lower())
    if entry is None or entry.subject_target:
        for c in verb.children:
            if c.dep_ == "nsubj":
                return c  # "a prisoner died of torture"
    if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
        return verb.head
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        for c in verb.head.children:
            if c.dep_ in ("nsubjpass",):
                return c
    return None


def sentence_counts(triggers: list[tuple[Token, str]]) -> dict[str, tuple[int, str]]:
    """Returns the counts a sentence states, by column (n_killed, n_injured, n_arrested), from its
    verbal triggers whose entry counts their patient (``(verb, column)`` pairs)."""
    out: dict[str, tuple[int, str]] = {}
    for tok, column in triggers:
        if column in out:
            continue
        patient = patient_of(tok)
        if patient is None or patient.pos_ == "PRON":
            continue
        found = number_of(patient)
        if found is not None:
            out[column] = found
    return out


def crowd_of(actor: Token | None) -> tuple[int, str] | None:
    """The crowd size a protest's actor phrase states ("thousands of students", "about 200
    supporters"); a singular actor states none."""
    if actor is None:
        return None
    return number_of(actor, singular=False)
