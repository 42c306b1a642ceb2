"""The simple present that reports a speech act, not a habit: a first-person performative in a
quote ("I condemn his views", "We urge X to…": saying it is doing it) and the news present of a
named speaker's blame ("X blames Y for…", "X accuses Y of…"). :func:`generic.habitual` takes every
simple present for a habit or a generic statement; these two are events. A plural common-noun
subject ("Republicans blame Y for everything") and an adverb of frequency stay generic, and a
third person's present of support ("X supports Y") is a standing stance, not an act.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.lexicons import load

# Categories whose verbs are acts of speech: uttering them in the present performs them.
_SPEECH_ACTS = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN", "SUPPORT", "AGREE"})
# Of these, the one whose third-person present is the news report of an act ("X blames Y"); "X calls
# for Z", "X rejects Z" in the present state a platform or stance more often than an act.
_REPORTED_ACTS = frozenset({"ACCUSE"})
_FIRST = frozenset({"i", "we"})
_THIRD = frozenset({"he", "she"})
_HABIT: set[str] = set()


def _habit_adverbs() -> set[str]:
    if not _HABIT:
        _HABIT.update(load("event_verbs")["generic"]["habitual_adverbs"])
    return _HABIT


# Objects that name no one: "I blame nobody", "we condemn no one", "I accuse no government".
_NOBODY = frozenset({"nobody", "nothing", "none", "noone", "no-one"})
_NO = frozenset({"no", "neither"})


def _nobody(obj: Token) -> bool:
    """Whether an object names no one ("nobody", "no one", "no government")."""
    return obj.lower_ in _NOBODY or any(c.dep_ in ("det", "neg") and c.lower_ in _NO for c in obj.children)


def performative(verb: Token, event_type: str) -> bool:
    """Whether a simple-present verb of a speech-act category performs or reports one act now:
    its subject is "I"/"we" (any of these categories), or a named party or he/she for the
    reporting categories; a main or reported clause with an object that names someone, no
    auxiliary, no adverb of frequency."""
    if event_type not in _SPEECH_ACTS or verb.tag_ not in ("VBZ", "VBP"):
        return False
    if verb.dep_ not in ("ROOT", "ccomp", "conj") or any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return False
    if any(c.dep_ == "advmod" and c.lower_ in _habit_adverbs() for c in verb.children):
        return False
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "ccomp", "xcomp")), None)
    if obj is None:  # "we call on X to…": the object of the verb's preposition
        obj = next(
            (g for c in verb.children if c.dep_ in ("prep", "prt") for g in c.children if g.dep_ == "pobj"),
            None,
        )
    if subj is None or obj is None or _nobody(obj):
        return False  # "He blames." acts on no one; "I condemn no one" is no act
    if subj.lower_ in _FIRST:
        return True
    if event_type not in _REPORTED_ACTS or verb.tag_ != "VBZ":
        return False
    return subj.lower_ in _THIRD or subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
