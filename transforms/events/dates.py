"""The date phrase of an event: the DATE entity attached to its trigger or anchor verb, else to the
verb or noun that shares its time (the first verb of a coordination, the verb of an infinitive
it completes, the noun a relative clause describes)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

from transforms.dates import classify
from transforms.events.lexicon import lexicon
from transforms.quotes.scan import sentence_ents

_DATE_PATH_DEPS = frozenset({"pobj", "prep", "npadvmod", "poss", "compound", "appos", "nmod", "tmod", "case"})


def _date_ent(sent: Span, heads: Sequence[Token | None], shared: bool = True) -> Span | None:
    """The DATE entity of the sentence attached (through prepositions) to one of the heads, else
    (when ``shared``) to a word that shares their time (:func:`_time_sharers`). A planned or
    hypothetical event takes only a date of its own: "met Y on Monday and will meet Z" does not
    date the second meeting."""
    own = [t for t in heads if t is not None]
    if not shared:
        # a plan's own "when" clause still dates it ("will meet X when X arrives later this month")
        return _attached(sent, own) or _attached(sent, [c for h in own for c in _when_clauses(h)])
    return _attached(sent, own) or _attached(sent, _time_sharers(own))


def _time_sharers(heads: Sequence[Token]) -> list[Token]:
    """The words whose date is the heads' too: the verb a coordinated verb joins ("on Sunday X
    slammed Y and accused Z"), the verb whose "-ing" clause a head is ("opened fire on Monday,
    killing two"), the noun or adjective a relative clause describes ("the Sept. 11 attacks that
    killed four", "became the first to endorse"), a "when" or "as" clause on a head ("banned it
    when she took office in January 2009"). Speech verbs are never crossed: "X said Monday that
    Y met Z" dates the saying, not the meeting (a clause complement is no sharer)."""
    out: list[Token] = []
    for head in heads:
        cur = head
        for _ in range(4):
            out.extend(_when_clauses(cur))
            if not _shares_head_time(cur):
                break
            cur = cur.head
            out.append(cur)
    return [t for t in out if t not in heads]


def _shares_head_time(tok: Token) -> bool:
    """Whether a word happened when its head did: a coordinated verb, an "-ing" clause, a relative
    clause on a noun ("the attacks that killed", "the first to endorse"), the
    adjective a verb takes ("became the first …")."""
    dep = tok.dep_
    return (
        (dep == "conj" and tok.head.pos_ == tok.pos_)
        or (dep == "advcl" and tok.tag_ == "VBG")
        or (dep in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "ADJ"))
        or (dep in ("attr", "acomp", "oprd") and tok.pos_ == "ADJ")
    )


def _when_clauses(verb: Token) -> list[Token]:
    """The clauses on a verb that say when it happened ("when she took office", "as X spoke")."""
    return [
        c
        for c in verb.children
        if c.dep_ == "advcl" and any(m.lower_ in _WHEN and m.dep_ in ("advmod", "mark") for m in c.children)
    ]


_WHEN = frozenset({"when", "as", "while"})
# A time phrase is a date when it names a day ("Monday night", "this morning"); "3 p.m." is not.
_LABELS = frozenset({"DATE", "TIME"})


def _party_like(tok: Token) -> bool:
    """Whether a subject is a party ("lawmakers on Wednesday …", "a judge in October …"), whose
    date phrase is its deed's; a date on a thing or an event ("the July 8 event") is its own."""
    lex = lexicon()
    return tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or (
        tok.lower_ in lex.all_groups or tok.lemma_.lower() in lex.all_groups
    )


def _attached(sent: Span, heads: Sequence[Token]) -> Span | None:
    """The DATE (or day-naming TIME) entity nearest to one of the heads: on it through prepositions,
    or on its subject ("lawmakers on Wednesday became…"); a day beats a span, an explicit day a
    weekday."""
    want = {t.i for t in heads}
    best: tuple[tuple[int, int, int], Span] | None = None
    for ent in sentence_ents(sent.doc, sent):  # sent.ents, without rebuilding the Doc's entities
        if ent.label_ not in _LABELS or (ent.label_ == "TIME" and classify(ent.text) == "reject"):
            continue
        cur = ent.root
        cost = 0
        for steps in range(1, 6):
            if (
                cur.dep_ not in _DATE_PATH_DEPS and cur.dep_ not in ("nsubj", "nsubjpass")
            ) or cur.head is cur:
                break
            if cur.dep_ in ("nsubj", "nsubjpass"):
                if steps == 1 or not _party_like(cur):
                    break  # "Tuesday was quiet"; "Biden's July 8 event was moved after the shooting"
                cost += 2  # a date on the verb itself is nearer than one on its subject
            cur = cur.head
            if cur.i in want:
                # a day beats a span ("to five months in prison"), the nearer beats the farther
                key = (
                    int(classify(ent.text) == "reject"),
                    steps + cost,
                    0 if any(ch.isdigit() for ch in ent.text) else 1,
                )
                if best is None or key < best[0]:
                    best = (key, ent)
                break
    return best[1] if best is not None else None
