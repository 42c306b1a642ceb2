"""Parse-tree helpers of the spaCy dependency parse, shared by quotes and events: passive voice and
its agent, the subject a passive names, prepositional objects, the verb above a token, the main
clause test, a subject noun phrase's token range and a proper name's token range."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token


def is_passive(verb: Token) -> bool:
    """True when the verb is in the passive voice (it has a passive subject or auxiliary)."""
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)


def agent(verb: Token) -> Token | None:
    """Returns the object of a passive verb's "by" phrase (who does it), else None."""
    for c in verb.children:
        if c.dep_ == "agent":
            for o in c.children:
                if o.dep_ == "pobj":
                    return o
    return None


def passive_subject(verb: Token) -> Token | None:
    """Returns what a passive verb is done to: its passive subject, or the noun a relative or
    participle clause hangs on; else None."""
    for c in verb.children:
        if c.dep_ == "nsubjpass":
            return c
    if verb.dep_ in ("relcl", "acl"):
        return verb.head
    return None


def prep_objects(tok: Token, preps: Iterable[str]) -> list[Token]:
    """Returns the objects of the token's prepositions among ``preps`` ("met with X" → X)."""
    wanted = set(preps)
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in wanted:
            out.extend(o for o in c.children if o.dep_ == "pobj")
    return out


def verb_ancestor(tok: Token) -> Token | None:
    """Returns the nearest verb above a token (within eight steps), else None."""
    cur = tok
    for _ in range(8):
        if cur.head is cur:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


def main_clause(verb: Token) -> bool:
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


def np_span(tok: Token) -> tuple[int, int]:
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


def proper_chain(tok: Token) -> tuple[int, int]:
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
