"""Parse-tree helpers specific to events: who does what a verb says (subject, passive agent,
raising and control) and a noun's place in its clause; the general ones are :mod:`transforms.syntax`'s."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.syntax import agent as _agent
from transforms.syntax import is_passive as _is_passive
from transforms.syntax import passive_subject as _passive_subject
from transforms.syntax import prep_objects as _prep_objects
from transforms.syntax import verb_ancestor as _verb_ancestor

__all__ = [  # the general helpers live in transforms.syntax; triggers read them from here too
    "QUANTIFIERS",
    "_agent",
    "_author",
    "_is_passive",
    "_np_position",
    "_passive_subject",
    "_prep_objects",
    "_subject",
    "_verb_ancestor",
]

# Words that stand for part of what follows "of": "some of the sanctions", "a series of talks".
QUANTIFIERS = frozenset(
    {
        "some",
        "all",
        "one",
        "more",
        "most",
        "many",
        "several",
        "part",
        "series",
        "round",
        "rounds",
        "any",
        "each",
        "days",
        "weeks",
        "months",
        "years",
        "hours",
        # measures of what is given: "25,000 tons of food aid", "a package of sanctions"
        "tons",
        "tonnes",
        "package",
        "shipment",
        "shipments",
        "amount",
        "batch",
        "consignment",
        "million",
        "billion",
        "dollars",
        "worth",
        "wave",
        "spate",
        "string",
        "new",
    }
)


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The token that does what ``verb`` says: its subject, the agent of a passive, or inherited."""
    if depth > 4:
        return None
    if _is_passive(verb):
        return _agent(verb)
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c
    head = verb.head
    if verb.dep_ in ("xcomp", "ccomp") and verb.tag_ == "VBG" and head.lemma_.lower() in lexicon().open_doer:
        return None  # "would not recommend prosecuting her": who would prosecute is left open
    if verb.dep_ == "xcomp" and _is_passive(head) and _agent(head) is None:
        # raising: "X is set to hold talks", "X is expected to sign" — X does the holding
        for c in head.children:
            if c.dep_ == "nsubjpass":
                return c
    if verb.dep_ == "xcomp" and head.lemma_.lower() in lexicon().object_control and _bare_participle(head):
        # "when asked to condemn X, Y refused": Y, the one asked, is who would condemn
        return _subject(head.head, depth + 1) if head.head is not head else None
    if verb.dep_ == "xcomp" and head.lemma_.lower() in lexicon().object_control:
        # object control: "prompted NATO to order…", "urged X to resume talks"
        for c in head.children:
            if c.dep_ in ("dobj", "dative"):
                return c
            if c.dep_ == "prep" and c.lower_ == "on":  # "called on X to…"
                return next((o for o in c.children if o.dep_ == "pobj"), None)
        if head.dep_ == "relcl" and not any(c.tag_ in ("WP", "WDT", "WP$") for c in head.children):
            # "X, the firm the party hired to investigate…": the noun the clause is on is hired
            noun = head.head
            return noun.head if noun.dep_ == "appos" and noun.head.pos_ == "PROPN" else noun
    if verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.dep_ == "acomp":
        # "X is ready to send troops", "they are willing to forgive Y"
        return _subject(head.head, depth + 1)
    if verb.dep_ == "conj":
        head = conj_head(verb)
    if verb.dep_ in ("xcomp", "conj") and head.pos_ in ("VERB", "AUX") and head is not verb:
        # "X became the first to slap…", "X met Y and signed…": the subject is the head's
        return _subject(head, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.lower_ in ("for", "of"):
        # "A upbraided B for failing to reject C", "accused B of attacking C": B does it
        obj = next((c for c in head.head.children if c.dep_ in ("dobj", "nsubjpass")), None)
        if obj is not None:
            return obj
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        # "X said after meeting with Y": who meets is who speaks
        return _subject(head.head, depth + 1)
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VB"
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        and head.pos_ in ("VERB", "AUX")
    ):
        # a purpose: "X sent inspectors to investigate…" — X investigates through them; named
        # people sent act themselves ("X dispatched Lee and Ortiz to meet with Y")
        if head.lemma_.lower() in lexicon().object_control:
            sent = next((c for c in head.children if c.dep_ == "dobj"), None)
            if sent is not None and sent.pos_ == "PROPN":
                return sent
        return _subject(head, depth + 1)
    if (
        verb.dep_ == "advcl"
        and verb.tag_ in ("VBG", "VBN")
        and not any(c.dep_ == "mark" for c in verb.children)
        and head.pos_ in ("VERB", "AUX")
        # "when asked to condemn X, Y…": a bare past participle is passive, Y is asked, not asking
        and not _bare_participle(verb)
    ):
        # a participle clause: "X used the ad, accusing her of…"
        return _subject(head, depth + 1)
    if verb.dep_ in ("relcl", "acl") and head is not verb:
        noun = head
        if noun.dep_ == "attr":  # "X became the first nations to slap sanctions"
            for c in noun.head.children:
                if c.dep_ == "nsubj":
                    return c
        if verb.dep_ == "acl" and noun.pos_ == "NOUN" and noun.lower_ not in lexicon().all_groups:
            # "X's tweets accusing Y", "X had a vote condemning Y": the author of the thing
            return _author(noun, depth)
        return noun
    return None


def conj_head(verb: Token) -> Token:
    """The verb a conjunct is coordinated with. The parser hangs a past-tense conjunct without a
    subject on the nearest verb, also a bare infinitive or a copula deep in a complement ("X said Y
    did not know…, and accused Z"): then it is the first finite past verb above with a subject."""
    head = verb.head
    misplaced = head.tag_ == "VB" or (
        head.pos_ == "AUX" and head.dep_ == "ccomp"
    )  # "said Y was…, and accused Z"
    if not (verb.tag_ == "VBD" and misplaced) or any(c.dep_ == "nsubj" for c in verb.children):
        return head
    cur = head
    for _ in range(6):
        if cur.dep_ not in ("ccomp", "xcomp", "conj", "advcl") or cur.head is cur:
            break
        cur = cur.head
        if cur.pos_ == "VERB" and cur.tag_ == "VBD" and any(c.dep_ == "nsubj" for c in cur.children):
            return cur
    return head


def _bare_participle(verb: Token) -> bool:
    """Whether the verb is a past participle clause with no auxiliary ("when asked", "once
    elected"): passive, its head's subject undergoes it."""
    return (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBN"
        and not any(c.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") for c in verb.children)
    )


def _author(noun: Token, depth: int) -> Token | None:
    """Who made what a noun names: its possessor, else the subject of the verb it is the object of
    ("X unleashed a series of tweets…")."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    cur = noun
    for _ in range(3):
        if cur.dep_ == "pobj" and cur.head.dep_ == "prep" and cur.head.lower_ == "of":
            cur = cur.head.head
            continue
        break
    if cur.dep_ == "dobj" and cur.head.pos_ in ("VERB", "AUX"):
        if cur.head.lemma_.lower() in lexicon().open_doer:
            return None  # "voters support a proposal to ban X": they take a stance, they did not make it
        return _subject(cur.head, depth + 1)
    return None


def _np_position(noun: Token) -> Token:
    """The token whose place in the clause a noun takes: "some of the sanctions" → "some"."""
    cur = noun
    for _ in range(2):
        prep = cur.head
        if (
            cur.dep_ == "pobj"
            and prep.dep_ == "prep"
            and prep.lower_ == "of"
            and (prep.head.lower_ in QUANTIFIERS or prep.head.like_num)
        ):
            cur = prep.head
            continue
        break
    return cur
