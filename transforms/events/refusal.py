"""A party's stated refusal of support is a rejection (CAMEO 12): "X said they will not back Y",
"X won't endorse Y" report X's stance now, not a support that failed to happen. Only a negated
support verb of ``[appraisal].stance_verbs`` whose negation comes with a will/would of the
actor's own counts; "X did not endorse Y" (a past non-event) stays what it was.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.appraisal import words
from transforms.events.coref import pronoun_subject
from transforms.events.triggers import _Found

_WILL = frozenset({"will", "wo", "'ll", "’ll", "would", "shall"})


def _refusing(verb: Token) -> bool:
    """Whether the verb carries its own negation and a will/would ("will not back", "won't endorse")."""
    aux = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    neg = any(c.dep_ == "neg" for c in verb.children)
    return neg and bool(aux & _WILL)


def refusal(found: _Found, modality: str) -> bool:
    """Whether a negated SUPPORT is the actor's refusal of support, to be coded as a REJECT."""
    trig = found.trigger
    return (
        modality == "negated"
        and found.entry.event_type == "SUPPORT"
        and trig.pos_ == "VERB"
        and trig.lemma_.lower() in words("stance_verbs")
        and (found.actor is not None or pronoun_subject(found.actor_tok, trig))
        and _refusing(trig)
    )
