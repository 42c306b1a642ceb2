"""Who a subject pronoun of an event stands for, by the quote attribution's resolver
(``transforms.quotes.pronouns``): "He … accused her" is the person in focus, "They criticized X"
the pair, plural noun phrase or organisation last the subject; "I"/"we" inside a quote is the
quote's speaker. The resolver's article context is built once per article, and only when an
event's subject is a pronoun the entity mentions alone do not resolve.
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions, _person_like
from transforms.quotes.context import _Ctx
from transforms.quotes.extract import doc_index
from transforms.quotes.persons import _build_persons
from transforms.quotes.pronouns import _resolve_pronoun, resolve_group

_MALE = frozenset({"he"})
_FEMALE = frozenset({"she"})
_PLURAL = frozenset({"they"})
# The speaker inside a quote ("“I enjoyed the meeting,” he said").
_FIRST_PERSON = frozenset({"i", "we"})


def _context(pron: Token, ms: _Mentions) -> _Ctx:
    """The quote resolver's context of the pronoun's article (built once, kept on ``ms``)."""
    if isinstance(ms.coref, _Ctx):
        return ms.coref
    doc = pron.doc
    ix = doc_index(doc)  # the quote attribution's index of this Doc, built once
    ments = [
        {"start": s, "end": e, "text": t, "label": lab, "title": ms.titles.get(s)} for s, e, t, lab in ms.rows
    ]
    ctx = _Ctx(doc, ix.text, ix.spans, ix.qoc, [], ments, ix.sent_of_tok, ix.para, ix.sents)
    _build_persons(ctx)
    ms.coref = ctx
    return ctx


def subject_referent(pron: Token, ms: _Mentions, exclude: frozenset[str] = frozenset()) -> Party | None:
    """Returns the party a he/she/they subject stands for, or None when the resolver finds none
    (or finds a person whose surname is among ``exclude``)."""
    low = pron.lower_
    if pron.dep_ not in ("nsubj", "nsubjpass") or low not in _MALE | _FEMALE | _PLURAL:
        return None
    ctx = _context(pron, ms)
    if low in _PLURAL:
        span = resolve_group(ctx, pron, plural_nouns=True)
        if span is None:
            return None
        m = ms.at(span[0])
        text = ctx.text[span[0] : span[1]]
        if m is not None and m[0] == span[0]:
            # one named body, or names coordinated ("Ann Lee and Tom Pratt")
            return (
                Party(m[0], m[1], m[2], "entity", m[3]) if m[1] >= span[1] else Party(*span, text, "entity")
            )
        lex = lexicon()
        last = text.lower().split()[-1] if text.split() else ""
        if last not in lex.all_groups and last not in lex.populations:
            return None  # "the proposals … They": things, no doer the event could have
        return Party(span[0], span[1], text, "group")
    person = _resolve_pronoun(ctx, pron, "m" if low in _MALE else "f", None)
    if person is None or any(w in exclude for w in person.text.lower().split()):
        return None
    m = ms.at(person.start)
    label = m[3] if m is not None else "PERSON"
    if label not in ("PERSON", "ORG") or (label == "ORG" and not _person_like(person.text)):
        return None  # a place, a people or a body taken for a person's name: no he or she
    return Party(person.start, person.end, person.text, "entity", label)


def quote_speaker(pron: Token) -> Token | None:
    """The subject of the speech verb a first-person pronoun's clause is quoted by ("“I met
    him,” he said": he), outside the quote; None when the quote has no such cue in its sentence."""
    if pron.lower_ not in _FIRST_PERSON:
        return None
    reported = lexicon().modality["reported_verbs"]
    cur = pron.head
    for _ in range(4):
        if cur.dep_ in ("ccomp", "conj", "advcl", "xcomp") and cur.head.i != cur.i:
            cur = cur.head
            if cur.lemma_.lower() in reported and cur.i > pron.i:
                subj = next((c for c in cur.children if c.dep_ == "nsubj"), None)
                if subj is not None and subj.lower_ not in _FIRST_PERSON and subj.lower_ != "you":
                    return subj
        else:
            return None
    return None


def pronoun_subject(tok: Token | None, verb: Token) -> bool:
    """Whether an unresolved subject is a third-person pronoun that refers to a definite doer (he,
    she, they): the event stands with its actor unknown, not as no event. (An unquoted "I" or "we"
    is the writer, no party to the news; a pronoun of a clause above the verb is no doer of it.)"""
    return (
        tok is not None
        and (tok.head.i == verb.i or (verb.dep_ == "conj" and tok.head.i == verb.head.i))
        and tok.pos_ == "PRON"
        and tok.dep_ in ("nsubj", "nsubjpass")
        and tok.lower_ in _MALE | _FEMALE | _PLURAL
    )


def cataphor(pron: Token, ms: _Mentions) -> Party | None:
    """The person a he/she points ahead to: the named subject of the main clause that the
    pronoun's fronted clause opens ("While he refused…, X deemed…", "Asked why he…, X said")."""
    if pron.dep_ not in ("nsubj", "nsubjpass") or pron.lower_ not in _MALE | _FEMALE:
        return None
    cur = pron.head
    for _ in range(3):
        if cur.dep_ == "advcl" and cur.i < cur.head.i:
            main = cur.head
            subj = next((c for c in main.children if c.dep_ == "nsubj" and c.i > cur.i), None)
            m = ms.at(subj.idx) if subj is not None else None
            if m is not None and m[3] == "PERSON":
                return Party(m[0], m[1], m[2], "entity", m[3])
            return None
        if cur.dep_ not in ("ccomp", "xcomp", "advcl") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None
