"""Frames that change an event's modality from outside its clause: a "would" under an adjective
of comment ("it is strange that X would…": done), a first-person decision that performs the act
("I have decided to endorse X"), and a verb of wish over the noun an infinitive hangs on
("called for a prosecutor to investigate X": only wished)."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.lexicon import lexicon


def evaluated_would(chain: list[Token]) -> bool:
    """Whether the chain's only modal is a "would" in a that-clause under an adjective of comment
    ("it is strange that X would denounce Y"): the writer comments on what was done."""
    words = lexicon().modality["evaluative_adjectives"]
    for tok in chain:
        auxes = [c.lower_ for c in tok.children if c.dep_ == "aux"]
        if "would" not in auxes:
            continue
        head = tok.head
        return (
            tok.dep_ == "ccomp"
            and any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children)
            and any(c.dep_ == "acomp" and c.lemma_.lower() in words for c in head.children)
            and not any(a.lower_ in ("have", "'ve") for a in tok.children if a.dep_ == "aux")
        )
    return False


def performative(chain: list[Token]) -> bool:
    """Whether a verb of decision in the first person present (perfect) governs the event ("I have
    decided to endorse X", "we decide to back Y"): the announcement performs it."""
    verbs = lexicon().modality["performative_verbs"]
    for tok in chain[1:]:
        if tok.lemma_.lower() not in verbs:
            continue
        subj = [c.lower_ for c in tok.children if c.dep_ == "nsubj"]
        auxes = [c.lower_ for c in tok.children if c.dep_ == "aux"]
        present = tok.tag_ in ("VBP", "VBZ") or (tok.tag_ == "VBN" and auxes in (["have"], ["'ve"]))
        return bool(subj) and subj[0] in ("i", "we") and present
    return False


def wisher(noun: Token) -> Token | None:
    """The verb of wish that asks for the noun ("called for a prosecutor [to investigate X]",
    "demanded a commission [to review Y]"), or None."""
    verb = noun.head.head if noun.dep_ == "pobj" and noun.head.dep_ == "prep" else noun.head
    if noun.dep_ not in ("pobj", "dobj") or verb.pos_ != "VERB":
        return None
    return verb if verb.lemma_.lower() in lexicon().modality["hypothetical_verbs"] else None
