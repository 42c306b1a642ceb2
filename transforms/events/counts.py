"""Stated counts, ACLED-style: how many were killed, injured or arrested, and how large a crowd was.

A count is read from the parse, never guessed: the number phrase of the patient of a verb whose
lexicon entry has a ``count`` field ("killed at least 28 people", "five were arrested"), or of a
protest's actor ("hundreds of protesters"). Vague words take the lowest value they imply (dozens
= 12, hundreds = 100, as ACLED codes them), and so do collective nouns before "of" ("a group of
refugees"); a singular patient ("a journalist was killed") is one, and so is a protest by one
named person ("X began a hunger strike"). The words the number came from are kept beside it
(``count_text``).
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.nlp import doc_text

_DIGITS = re.compile(r"^\d[\d,]*(\.\d+)?$")
_GROUP = re.compile(r"^\d{3}$")  # the thousands group of "1 000", written with a space
# No count of people is larger: past it a figure is a typo, a hyperbole or an attack on the
# parser, and it would not fit the Int64 count columns either.
MAX_COUNT = 10**10
# Patients that say how many were not hurt at all ("killed no one", "nobody was arrested").
_NOBODY = frozenset({"nobody", "none", "noone"})
# Nouns a number can count that are no people: a share, not a count ("10% of the villagers").
_SHARES = frozenset(
    {"%", "percent", "per", "cent", "percentage", "pc", "fraction", "half", "third", "quarter"}
)


def _value(word: str) -> float | None:
    """The value of one number word or figure ("1,000", "five", "dozens"), or None."""
    lex = lexicon()
    w = word.lower().replace(",", "")
    if _DIGITS.match(word.replace(",", "")):
        return float(w)
    return lex.count_words.get(w) or lex.vague_counts.get(w) or lex.multipliers.get(w)


def _join_groups(words: list[str]) -> list[str]:
    """The words with a figure's space-separated thousands groups joined ("1 000" → "1000")."""
    out: list[str] = []
    for w in words:
        if out and _GROUP.match(w) and out[-1].isdigit():
            out[-1] += w
            continue
        out.append(w)
    return out


def _phrase_value(words: list[str]) -> int | None:
    """The value of a number phrase ("two hundred", "1.5 million", "tens of thousands"); None for
    a phrase with a symbol in it ("10^100"), a value that is no whole number of people ("3.7") or
    one past :data:`MAX_COUNT`."""
    lex = lexicon()
    total: float | None = None
    for w in _join_groups(words):
        low = w.lower()
        if not any(ch.isalnum() for ch in low) and low not in (",", "-"):
            return None  # "10^100", "10/20": no figure a report gives
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
    if total is None or total != int(total) or total > MAX_COUNT:
        return None
    return int(total)


def _nobody(tok: Token) -> bool:
    """Whether the noun phrase says no one at all ("no one", "nobody", "no civilians")."""
    return tok.lower_ in _NOBODY or any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def _span_text(first: Token, last: Token) -> str:
    text = doc_text(first.doc)
    return text[first.idx : last.idx + len(last.text)]


def number_of(tok: Token, singular: bool = True) -> tuple[int, str] | None:
    """Returns ``(value, words)`` for the count a noun phrase states, or None.

    "at least 28 people" → 28; "dozens of people" → 12 with its words; "12" as the object itself;
    "a group of refugees" → the collective's value (the number of "a group of 30 refugees" wins);
    a singular noun ("a journalist", "the deputy chief") → 1 when ``singular``."""
    lex = lexicon()
    if tok.lower_ in _SHARES:
        return None  # "10% of the villagers", "half of the crew": a share, not a count
    if _nobody(tok):
        return 0, _span_text(tok.left_edge, tok)
    if tok.lower_ in lex.collectives and (obj := _of_child(tok)) is not None:
        inner = number_of(obj, singular=False)
        if inner is not None:
            return inner
        return lex.collectives[tok.lower_], _span_text(tok.left_edge, obj)
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


def counted_noun(tok: Token) -> Token:
    """The noun a count phrase counts ("hundreds of migrants" → migrants, "a group of refugees" →
    refugees); the token itself when it is no such phrase."""
    lex = lexicon()
    if tok.lower_ in lex.vague_counts or tok.lower_ in lex.collectives or tok.like_num:
        obj = _of_object(tok)
        if obj is not None:
            return obj
    return tok


def up_to_object(verb: Token) -> Token | None:
    """The object of "kidnapped up to 16 advisers", which the parser reads as a particle "up" and a
    phrase "to 16 advisers"; None for any other verb."""
    for prt in verb.children:
        if prt.dep_ != "prt" or prt.lower_ != "up":
            continue
        for prep in prt.children:
            if prep.dep_ == "prep" and prep.lower_ == "to" and prep.i == prt.i + 1:
                for o in prep.children:
                    if o.dep_ == "pobj" and (o.like_num or any(c.dep_ == "nummod" for c in o.children)):
                        return o
    return None


def patient_of(verb: Token) -> Token | None:
    """Who undergoes what a verb says: its passive subject, its object (also after "up to"), the
    noun a participle modifies ("people killed"), or the object of a coordinated verb ("killed
    one and wounded two")."""
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and verb.head.pos_ in ("NOUN", "PROPN")
        and not any(c.dep_ in ("nsubjpass", "nsubj") for c in verb.children)
    ):
        return verb.head  # "workers held hostage": the workers, not the hostage
    for c in verb.children:
        if c.dep_ in ("nsubjpass", "dobj"):
            return c
    if (obj := up_to_object(verb)) is not None:
        return obj
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


def _either(verb: Token, column: str) -> bool:
    """Whether the verb is one of two counting verbs joined by "or" ("killing or wounding 50"): the
    number is of both together, neither column's."""
    pair = verb.head if verb.dep_ == "conj" else next((c for c in verb.children if c.dep_ == "conj"), None)
    entry = lexicon().verbs.get(pair.lemma_.lower()) if pair is not None else None
    if pair is None or entry is None or entry.count in (None, column):
        return False
    first = pair if verb.dep_ == "conj" else verb
    return any(c.dep_ == "cc" and c.lower_ == "or" for c in first.children)


def sentence_counts(triggers: list[tuple[Token, str]]) -> dict[str, tuple[int, str]]:
    """Returns the counts a clause (or a sentence) states, by column (n_killed, n_injured, n_arrested), from its
    verbal triggers whose entry counts their patient (``(verb, column)`` pairs)."""
    out: dict[str, tuple[int, str]] = {}
    for tok, column in triggers:
        if column in out or _either(tok, column):
            continue
        patient = patient_of(tok)
        if patient is None or patient.pos_ == "PRON":
            continue
        found = number_of(patient)
        if found is not None:
            out[column] = found
    return out


def _own_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in verb.children)


def clause_of(tok: Token) -> Token:
    """Returns the token that heads the clause whose counts a mention at ``tok`` carries: for a verb,
    the first of the verbs coordinated with it that share its actor ("attacked a bus, killed 3 and
    kidnapped 10" → attacked; a conjunct with its own subject starts a clause of its own); for a
    noun, that of its nearest governing verb."""
    cur = tok
    while cur.pos_ not in ("VERB", "AUX") and cur.head.i != cur.i:
        cur = cur.head
    while cur.dep_ == "conj" and cur.head.pos_ in ("VERB", "AUX") and not _own_subject(cur):
        cur = cur.head
    return cur


def clause_counts(triggers: list[tuple[Token, str]]) -> dict[int, dict[str, tuple[int, str]]]:
    """Returns the counts of a sentence's counting verbs (``(verb, column)`` pairs) by the index of
    their clause's head (:func:`clause_of`): a count belongs to its own verb's clause, not to every
    event of the sentence ("X killed 20, while Y killed 30")."""
    groups: dict[int, list[tuple[Token, str]]] = {}
    for tok, column in triggers:
        groups.setdefault(clause_of(tok).i, []).append((tok, column))
    return {head: found for head, verbs in groups.items() if (found := sentence_counts(verbs))}


def counts_at(tok: Token, by_clause: dict[int, dict[str, tuple[int, str]]]) -> dict[str, tuple[int, str]]:
    """Returns the counts a mention at ``tok`` carries: its clause's; when its clause states none
    (a noun "attack", a verb in a clause of its own), those of the sentence's only counting clause
    ("Police fired tear gas, wounding 5"), none when several clauses state theirs."""
    own = by_clause.get(clause_of(tok).i)
    if own is not None:
        return own
    if len(by_clause) == 1:
        return next(iter(by_clause.values()))
    return {}


def crowd_of(actor: Token | None, person: bool = False) -> tuple[int, str] | None:
    """The crowd size a protest's actor phrase states ("thousands of students", "about 200
    supporters"); one for a single named person (``person``: the actor is a PERSON, "X staged a
    hunger strike"); an organisation or any other singular actor states none."""
    if actor is None:
        return None
    found = number_of(actor, singular=False)
    if found is None and person and actor.tag_ in ("NN", "NNP") and not list(actor.conjuncts):
        return 1, _span_text(actor.left_edge, actor)
    return found
