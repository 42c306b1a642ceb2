"""Appraisals inside quotes: the quote attribution names the speaker, maybe in another sentence
("“He is a disgrace,” X said.", "X was blunt. “Y failed miserably.”"). A clause of the quoted
words that blames or praises a party (the ``[appraisal]`` words: "Y is weak", "Y should be
ashamed", "Y lied") is an ACCUSE or SUPPORT whose actor is the quote's speaker and whose target the
party appraised (a he/she/they resolved through the article's coreference). The writer's own
opinion has no speaker and is never coded; a quote whose speaker the attribution leaves open
neither.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.events.appraisal import (
    _ACCUSE,
    _SPEAKER,
    _SUPPORT,
    _copula,
    _deed,
    _entry,
    _feeling,
    _hedged,
    _modal_hedge,
    _negated,
    _target,
    polarity,
    words,
)
from transforms.events.clauses import _is_passive
from transforms.events.coref import subject_referent
from transforms.events.generic import generic_population
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import _name_words, _overlap
from transforms.events.triggers import _Found

# Speaker methods that name no one: no actor to code.
_NO_ACTOR = frozenset({"none", "unresolved", "unnamed"})
# Target labels an appraisal is coded for: people and bodies (a country being "great" is rhetoric).
_TARGET_LABELS = frozenset({"PERSON", "ORG", "NORP"})
# Mention labels no speaker has (a place the NER read in the attribution).
_PLACES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME"})
# Third-person subjects the coreference may resolve ("He failed miserably").
_THIRD = frozenset({"he", "she", "they"})
# How far back (characters) a quoted he/she looks for the person it stands for.
_REACH = 600


def _speaker(q: dict[str, object], ms: _Mentions) -> Party | None:
    """The quote's speaker as a party: the entity mention its attribution rests on (the quote
    resolver has read it as a person or body, whatever label the NER gave it), or None."""
    start, end, text = q.get("speaker_start"), q.get("speaker_end"), q.get("speaker_text")
    if q.get("speaker_method") in _NO_ACTOR or not isinstance(start, int) or not isinstance(end, int):
        return None
    m = ms.at(start)
    if m is not None and m[3] not in _PLACES:
        return Party(m[0], m[1], m[2], "entity", m[3] if m[3] in _TARGET_LABELS else "PERSON")
    if m is None and isinstance(text, str) and text[:1].isupper():
        return Party(start, end, text, "entity", "PERSON")
    return None


def quote_speakers(quotes: list[dict[str, object]], ms: _Mentions) -> list[tuple[int, int, Party]]:
    """(start, end, speaker) of the quotes whose speaker is a named party."""
    out = []
    for q in quotes:
        start, end, party = q.get("start"), q.get("end"), _speaker(q, ms)
        if party is not None and isinstance(start, int) and isinstance(end, int):
            out.append((start, end, party))
    return out


def _opinion_frame(tok: Token) -> bool:
    """ "I think Y should be ashamed": a first-person verb of opinion frames the appraisal."""
    return tok.lemma_.lower() in words("opinion_verbs") and any(
        c.dep_ == "nsubj" and c.lower_ in _SPEAKER for c in tok.children
    )


def _clauses(doc: Doc, start: int, end: int) -> list[Token]:
    """The clause heads of the quoted words: the tokens whose head lies outside the quote (or that
    head their sentence), their conjuncts, and the complements of a first-person opinion verb."""
    out: list[Token] = []
    for tok in doc.char_span(start, end, alignment_mode="expand") or ():
        head = tok.head
        top = tok.dep_ == "ROOT" or not (start <= head.idx < end)
        if top or (tok.dep_ == "conj" and head in out) or (tok.dep_ == "ccomp" and _opinion_frame(head)):
            out.append(tok)
    return out


def _appraised(clause: Token, ms: _Mentions, actor: Party) -> tuple[Token, str, Party | None] | None:
    """The predicate, category and party a quoted clause appraises, or None."""
    subj, pred = _copula(clause)
    if subj is None and pred is None:
        doer = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if doer is not None and doer.pos_ == "PRON":
            if doer.lower_ not in _THIRD:
                return None
            # "He failed miserably": the category from the deed, the doer from the article
            kind = _deed_kind(clause)
            return (clause, kind, _referent(doer, clause, ms, actor)) if kind is not None else None
        found = _deed(clause, clause, ms, actor)  # "Y lied", "Y ran a terrible campaign"
        return (clause, found.entry.event_type, found.target) if found is not None else None
    if subj is None or pred is None or _hedged(clause, pred):
        return None
    low = subj.lower_
    if low in _SPEAKER:
        # "I'm disappointed in Y": the speaker's feeling about a party
        for felt, kind in ((_ACCUSE, "feelings_negative"), (_SUPPORT, "feelings_positive")):
            target = _feeling(pred, ms, actor, words(kind))
            if target is not None and not _negated(clause) and not _negated(pred):
                return pred, felt.event_type, target
        return None
    if subj.pos_ == "PRON" and low not in _THIRD:
        return None  # "you", "it", "this": no party the words name
    sign = polarity(pred, clause)
    if clause.dep_ == "ccomp" and _opinion_frame(clause.head) and _negated(clause.head):
        sign = -sign  # "I don't believe she is qualified"
    entry = _entry(sign)
    if entry is None or (entry.event_type == "SUPPORT" and _description(clause)):
        return None
    if subj.pos_ == "PRON":
        return pred, entry.event_type, _referent(subj, clause, ms, actor)
    return pred, entry.event_type, _target(subj, ms, actor, entry.event_type == "ACCUSE")


def _deed_kind(clause: Token) -> str | None:
    """The appraisal a quoted deed states by itself, whoever its doer: a misdeed ("lied", "failed
    miserably") is blame, a deed is what its object says ("ran a terrible campaign"); else None."""
    lemma = clause.lemma_.lower()
    if _negated(clause) or _modal_hedge(clause) or _is_passive(clause):
        return None
    if lemma in words("misdeed_verbs"):
        if any(c.dep_ == "xcomp" and c.lemma_.lower() in words("outcome_verbs") for c in clause.children):
            return None  # "failed to win the state" reports an outcome
        return "ACCUSE"
    obj = next((c for c in clause.children if c.dep_ == "dobj"), None)
    if lemma not in words("deed_verbs") or obj is None or obj.lower_ == "nothing":
        return None
    if any(c.dep_ == "det" and c.lower_ == "no" for c in obj.children):
        return None
    entry = _entry(polarity(obj, clause))
    return entry.event_type if entry is not None else None


def _description(clause: Token) -> bool:
    """Whether quoted praise describes rather than endorses: said in the past ("he was an honest
    man") or weighed against a "but" ("he's smart, but…")."""
    return clause.tag_ == "VBD" or any(
        c.dep_ == "cc" and c.lower_ in ("but", "yet") for t in (clause, *clause.conjuncts) for c in t.children
    )


def _said_of(clause: Token) -> Token | None:
    """ "“He is a disgrace,” X said of Y": the one the speech verb says the words are about."""
    if clause.dep_ == "ccomp" and _opinion_frame(clause.head):
        clause = clause.head  # "“I think he is…,” X said of Y"
    verb = clause.head
    if clause.dep_ != "ccomp" or verb.lemma_.lower() not in words("speech_verbs"):
        return None
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return next((o for o in prep.children if o.dep_ == "pobj"), None) if prep is not None else None


def _referent(pron: Token, clause: Token, ms: _Mentions, actor: Party) -> Party | None:
    """The party a quoted he/she/they stands for: the one the words are said of, else the
    article's antecedent (never the speaker: inside the quote the speaker says "I")."""
    about = _said_of(clause)
    if about is not None:
        return _target(about, ms, actor, False)
    exclude = _name_words(actor.text)
    if pron.lower_ != "they":
        m = ms.antecedent(pron, _REACH, exclude)
        if m is not None:
            return Party(m[0], m[1], m[2], "entity", m[3])
    party = subject_referent(pron, ms, exclude)
    if party is None or _overlap(party, actor) or party.text == actor.text:
        return None
    return party


def quoted_appraisals(doc: Doc, quotes: list[dict[str, object]], ms: _Mentions) -> list[_Found]:
    """Returns the ACCUSE and SUPPORT the quoted words of a named speaker state about a named
    party (one per clause; the trigger is the predicate, the anchor its clause)."""
    out: list[_Found] = []
    for q in quotes:
        actor = _speaker(q, ms)
        start, end = q.get("start"), q.get("end")
        if actor is None or not isinstance(start, int) or not isinstance(end, int):
            continue
        for clause in _clauses(doc, start, end):
            got = _appraised(clause, ms, actor)
            if got is None:
                continue
            trig, etype, target = got
            subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if target is None or (target.label not in _TARGET_LABELS and target.kind != "group"):
                continue
            if generic_population(target.text, target.label, target.kind):
                continue
            entry = _ACCUSE if etype == "ACCUSE" else _SUPPORT
            out.append(_Found(trig, entry, actor, target, None, clause, [clause], False, actor_tok=subj))
    return out
