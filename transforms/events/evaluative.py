"""Evaluative speech: a party says something good or bad of another in words the copular and
naming patterns of :mod:`appraisal` do not reach ("X said Y is obsessed with undermining Z",
"X says Y would divide us even more", "“thug Y kills journalists,” X tweeted"). The reported
clause's evaluative words (the ``[appraisal]`` polarity lists) decide the sense, its subject
(or the party an evaluative word qualifies) is the one appraised. Disapproval is ACCUSE
(CAMEO 111), praise SUPPORT (CAMEO 051).

Left out: a hedged or conditional clause ("Y could be…", "if Y wins…"), a question, a clause
about the speaker ("I", "we") or about no party, and a clause whose words lean both ways.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.appraisal import (
    _ACCUSE,
    _SUPPORT,
    _found,
    _negated,
    _polar,
    _reported,
    _target,
    polarity,
    words,
)
from transforms.events.mentions import Party, _Mentions
from transforms.events.triggers import _Found
from transforms.nlp import doc_text

# Clauses inside the reported one that say nothing of its subject: a condition, a time, a reason
# given by another, a clause of its own about something else.
_CONDITION_MARKS = frozenset(
    {"if", "unless", "whether", "when", "while", "although", "though", "before", "until"}
)
_PARTY_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _condition(tok: Token) -> bool:
    """Whether a clause is a condition or time frame ("if Y wins", "when Y took office")."""
    return tok.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in tok.children
    )


def _words_of(clause: Token) -> list[Token]:
    """The words that say what the clause says of its subject: its verb (and the verbs coordinated
    with it), their predicate, object and manner, and these words' own modifiers ("ran a very
    negative campaign"); not what a phrase or a clause inside says of something else."""
    verbs = [
        clause,
        *(
            c
            for c in clause.children
            if c.dep_ == "conj"
            and c.pos_ in ("VERB", "AUX", "ADJ")
            and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)  # its own subject: its own say
        ),
    ]
    out: list[Token] = []
    for v in verbs:
        out.append(v)
        for c in v.children:
            deed = c.dep_ == "dobj" and v.lemma_.lower() in words("deed_verbs")  # "ran a negative campaign"
            if deed or c.dep_ in _PREDICATE_DEPS or (c.dep_ == "ccomp" and c.pos_ in ("ADJ", "NOUN")):
                out.append(c)
                out += [m for m in c.children if m.dep_ in _MODIFIER_DEPS]
                out += [
                    m
                    for g in c.children
                    if g.dep_ in _MODIFIER_DEPS
                    for m in g.children
                    if m.dep_ == "advmod"
                ]
    return out


_NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
)
_PREDICATE_DEPS = frozenset({"acomp", "attr", "oprd", "advmod"})
_MODIFIER_DEPS = frozenset({"amod", "compound", "advmod", "conj", "appos"})


def _sign(toks: list[Token], clause: Token) -> int:
    """The clause's sense: +1 praise, -1 blame, 0 none or mixed; a "not" on a word or on the
    clause turns it ("not qualified")."""
    pos = neg = 0
    # words of a name judge no one: "the band is Bad Company", "the buyer was Honest Tea"
    toks = [t for t in toks if t.pos_ != "PROPN" and t.ent_type_ not in _NAME_LABELS]
    preds = [t for t in toks if t.dep_ in ("attr", "acomp", "oprd") and t.head.i == clause.i]
    for pred in preds:
        p = polarity(pred, clause)
        pos, neg = pos + (p > 0), neg + (p < 0)
    skip = {t.i for pred in preds for t in (pred, *pred.subtree)}
    for t in toks:
        if t.i in skip:
            continue
        p = _polar(t)
        if p == 0:
            continue
        if _negated(t) or (t.head.i != t.i and t.head.pos_ in ("VERB", "AUX") and _negated(t.head)):
            continue  # "did not lie" clears no one and blames no one
        if t.head.i != t.i and (
            t.head.lower_ in _NOTHING or any(c.dep_ == "det" and c.lower_ == "no" for c in t.head.children)
        ):
            continue  # "did nothing illegal", "made no mistake"
        if p > 0:
            pos += 1
        else:
            neg += 1
    if pos and neg:
        return 0
    return 1 if pos else -1 if neg else 0


def _qualified_party(toks: list[Token], ms: _Mentions, actor: Party | None, accuse: bool) -> Party | None:
    """A named party an evaluative word qualifies directly ("thug Y", "the dishonest Y")."""
    for t in toks:
        if _polar(t) == 0 or t.dep_ not in ("amod", "compound", "appos"):
            continue
        head = t.head
        if head.ent_type_ in _PARTY_LABELS and (p := _target(head, ms, actor, accuse)) is not None:
            return p
    return None


def _clauses(verb: Token) -> list[Token]:
    """The clauses a speech verb reports, and those a first-person or pronoun opinion inside them
    holds ("said he agrees Y is an opportunist", "“I think Y is a disaster,” X said")."""
    out: list[Token] = []
    for clause in _reported(verb):
        out.append(clause)
        subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if (
            clause.lemma_.lower() in words("opinion_verbs") | _AGREEING
            and subj is not None
            and subj.pos_ == "PRON"
            and not _negated(clause)
        ):
            out += [c for c in clause.children if c.dep_ == "ccomp"]
    return out


_AGREEING = frozenset({"agree", "fear", "worry"})


def evaluated(verb: Token, ms: _Mentions, actor: Party | None) -> _Found | None:
    """Returns the ACCUSE or SUPPORT a speech verb states by the evaluative words of the clause it
    reports, about the clause's subject (a named party, not the speaker), or None."""
    for clause in _clauses(verb):
        if _condition(clause) or any(c.dep_ == "aux" and c.lower_ in _MODALS for c in clause.children):
            continue  # "Y could be…", "Y should be ashamed": a guess or a demand, no appraisal made
        toks = _words_of(clause)
        sign = _sign(toks, clause)
        if sign == 0:
            continue
        accuse = sign < 0
        subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        target: Party | None = None
        if subj is not None and subj.pos_ != "PRON":  # a pronoun is too often the speaker, or misread
            target = _target(subj, ms, actor, accuse)
        target = target or _qualified_party(toks, ms, actor, accuse)
        if target is not None and not _question(verb):
            return _found(verb, _ACCUSE if accuse else _SUPPORT, actor, target)
    return None


def _question(verb: Token) -> bool:
    """Whether the verb's sentence asks rather than says (it ends in a question mark)."""
    sent = verb.sent
    return doc_text(verb.doc)[sent.start_char : sent.end_char].rstrip().rstrip("\"'”’").endswith("?")


_NOTHING = frozenset({"nothing", "none", "nobody", "no one"})
_MODALS = frozenset({"could", "might", "may", "should", "must", "ought", "would", "can", "'d"})
