"""Speech acts of appraisal: a party says what it thinks of another ("X called Y a liar", "X said
Y was a brilliant leader", "“I'm disappointed in Y,” X said"). Disapproval is ACCUSE (CAMEO 111),
praise SUPPORT (CAMEO 051); the speech verb is the trigger, its subject the actor, the party
appraised the target. Word lists are data (``event_verbs.toml``, ``[appraisal]``).
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.clauses import _is_passive, _subject
from transforms.events.coref import pronoun_subject
from transforms.events.generic import (
    fiction,
    frequentative,
    generic_population,
    habitual,
    modifier_participle,
)
from transforms.events.lexicon import Entry, lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import _name_words, _overlap, _owner, _parties
from transforms.events.triggers import _Found, _noun_entry
from transforms.lexicons import load

_ACCUSE = Entry(event_type="ACCUSE", cameo="111", mode="disapprove")
_SUPPORT = Entry(event_type="SUPPORT", cameo="051")
# Dependents that open a clause or phrase of its own: their words say nothing of the predicate.
_OWN_CLAUSE = frozenset({"relcl", "acl", "ccomp", "advcl", "xcomp", "prep", "appos", "conj", "cc", "punct"})
_SPEAKER = frozenset({"i", "we"})
_NOT_JUST = frozenset({"only", "just", "merely", "simply"})  # "not only/just X": X and more
_BE_FORMS = frozenset({"'m", "’m", "'re", "’re", "'s", "’s", "am", "is", "are", "was", "were"})


def _words() -> dict[str, frozenset[str]]:
    raw = load("event_verbs")["appraisal"]
    return {k: frozenset(v) for k, v in raw.items()}


_WORDS: dict[str, frozenset[str]] = {}


def words(kind: str) -> frozenset[str]:
    """Returns the ``[appraisal]`` word list ``kind`` (loaded once)."""
    if not _WORDS:
        _WORDS.update(_words())
    return _WORDS[kind]


def _polar(tok: Token) -> int:
    """+1 for a word of praise, -1 for one of blame, 0 otherwise (lemma or word as written)."""
    keys = (tok.lemma_.lower(), tok.lower_)
    if any(k in words("negative") for k in keys):
        return -1
    if any(k in words("positive") for k in keys):
        return 1
    return 0


def _modifiers(pred: Token) -> list[Token]:
    """The predicate's own modifiers, nested ("a very obnoxious guy"), not its clauses or phrases."""
    out: list[Token] = []
    stack = [c for c in pred.children if c.dep_ not in _OWN_CLAUSE]
    while stack:
        t = stack.pop()
        out.append(t)
        # "a very aggressive and effective campaign": a modifier's conjunct is a modifier too
        stack += [
            c for c in t.children if c.dep_ not in _OWN_CLAUSE or (c.dep_ == "conj" and t.dep_ == "amod")
        ]
    return out


def _negated(tok: Token, skip: Token | None = None) -> bool:
    """Whether a "not"/"never" bears on the token ("not only", "not just" are no negation; ``skip``, the "not"
    of a contrast, neither)."""
    neg = lexicon().modality["negation_words"]
    return any(
        c.dep_ == "neg"
        and c.lower_ in neg
        and (skip is None or c.i != skip.i)
        and not any(g.lower_ in _NOT_JUST for g in c.children)
        for c in tok.children
    )


def _contrast(pred: Token) -> tuple[Token | None, Token | None]:
    """ "a liability, not an asset": the "not" after the predicate and the alternative it rejects
    (None, None when the predicate sets no alternative against itself)."""
    neg = next((c for c in pred.children if c.dep_ == "neg" and c.i > pred.i), None)
    alt = (
        next((c for c in pred.children if c.dep_ in ("appos", "conj") and c.i > neg.i), None)
        if neg is not None
        else None
    )
    return (neg, alt) if alt is not None else (None, None)


def _own_polarity(p: Token) -> int:
    mods = [_polar(t) for t in _modifiers(p) if t.dep_ != "neg"]
    return sum(mods) if any(mods) else _polar(p)


def polarity(pred: Token, clause: Token | None = None) -> int:
    """The appraisal a predicate states: its modifiers decide ("a bad choice"), else its own head
    ("a hypocrite"); a negation on it or on its clause turns it ("is not qualified"); an alternative
    it rejects counts against it ("a liability, not an asset")."""
    neg, alt = _contrast(pred)
    preds = [pred, *(c for c in pred.conjuncts if c.i > pred.i and (alt is None or c.i != alt.i))]
    score = sum(_own_polarity(p) for p in preds)
    if alt is not None:
        score -= _own_polarity(alt)
    sign = 1 if score > 0 else -1 if score < 0 else 0
    not_just = any(c.dep_ == "advmod" and c.lower_ in _NOT_JUST for c in pred.children)
    if not not_just and (
        _negated(pred, neg) or (clause is not None and clause is not pred and _negated(clause))
    ):
        sign = -sign  # "not qualified" turns; "not just a liar" does not
    return sign


def _entry(sign: int) -> Entry | None:
    return _ACCUSE if sign < 0 else _SUPPORT if sign > 0 else None


def _target(tok: Token | None, ms: _Mentions, actor: Party | None, accuse: bool) -> Party | None:
    """The party a token names (for blame also the owner of the thing blamed: "X's use of…")."""
    if tok is None:
        return None
    exclude = _name_words(actor.text) if actor is not None else frozenset()
    if tok.pos_ != "PROPN" and _own(tok, ms, actor):
        return None  # "X is proud of his campaign", "X said his staff did the wrong thing"
    target = _parties(tok, ms, exclude)
    if target is None and accuse and tok.pos_ == "NOUN":
        poss = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
        # "X called his vote reckless": his is not X
        target = _parties(poss, ms, exclude) if poss is not None else _owner(tok, ms)
    if target is not None and actor is not None and (_overlap(actor, target) or actor.text == target.text):
        return None  # the speaker appraising itself (or a pronoun resolved to the one appraised)
    if target is not None and generic_population(target.text, target.label, target.kind):
        return None  # "people are tired of…" speaks of no party
    return target


_SAME_PERSON = {"he": "his", "she": "her", "they": "their", "it": "its"}


def _own(tok: Token, ms: _Mentions, actor: Party | None) -> bool:
    """Whether a noun is the speaker's own ("his campaign", "our staff"): a possessive pronoun of
    the speaker, of the same person as the subject pronoun of its clause ("he is proud of his
    campaign"), or one that stands for the actor."""
    poss = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
    if poss is None:
        return False
    if poss.lower_ in ("my", "our"):
        return True
    clause = next((a for a in tok.ancestors if a.pos_ in ("VERB", "AUX", "ADJ") and a.dep_ != "amod"), None)
    subj = next((c for c in clause.children if c.dep_ == "nsubj"), None) if clause is not None else None
    if subj is None and clause is not None and clause.pos_ == "ADJ":
        subj = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)  # "he is proud of…"
    if subj is not None and _SAME_PERSON.get(subj.lower_) == poss.lower_:
        return True
    owner = _parties(poss, ms)
    return actor is not None and owner is not None and (_overlap(owner, actor) or owner.text == actor.text)


def _modal_hedge(clause: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in ("could", "might", "may") for c in clause.children)


def _hedged(clause: Token, pred: Token) -> bool:
    """Whether an appraisal is hedged or weighed, not made: a modal ("would be wise to", "may not be
    such a bad thing") or a comparison ("less an asset than a liability")."""
    if _modal_hedge(clause):
        return True
    if any(c.dep_ == "xcomp" for c in pred.children) and any(
        c.dep_ == "aux" and c.lower_ in ("would", "should") for c in clause.children
    ):
        return True  # "would be wise to wait": advice on a deed, no appraisal of the party
    return any(t.lower_ == "than" for c in pred.children for t in (c, *c.children))


def _found(verb: Token, entry: Entry, actor: Party | None, target: Party) -> _Found:
    return _Found(verb, entry, actor, target, None, verb, [verb], False, actor_tok=_subject(verb))


def _naming(verb: Token, ms: _Mentions, actor: Party | None) -> _Found | None:
    """ "X called Y a liar", "X described Y as dishonest": the object named, the predicate's sense."""
    kids = list(verb.children)
    obj = next((c for c in kids if c.dep_ == "dobj"), None)
    pred = next((c for c in kids if c.dep_ in ("oprd", "acomp")), None)
    if pred is None:
        pred = next(
            (
                o
                for c in kids
                if c.dep_ == "prep" and c.lower_ == "as"
                for o in c.children
                if o.dep_ == "pobj"
            ),
            None,
        )
    if pred is None:
        clause = next((c for c in kids if c.dep_ == "ccomp"), None)  # "called [X careless]"
        if clause is not None and clause.pos_ in ("ADJ", "NOUN"):
            pred, obj = clause, next((c for c in clause.children if c.dep_ == "nsubj"), None)
    if pred is not None and obj is None and pred.dep_ == "oprd":
        # "called X's suspension “arbitrary”": the object parsed as the predicate's modifier
        obj = next((c for c in pred.children if c.dep_ in ("npadvmod", "nsubj") and c.i < pred.i), None)
    if pred is None and obj is not None:
        # "called X's vote an irresponsible one", the predicate parsed as the object's apposition
        pred = next((c for c in obj.children if c.dep_ == "appos" and polarity(c) != 0), None)
    if pred is None or obj is None or _hedged(verb, pred):
        return None
    entry = _entry(polarity(pred, verb))
    if entry is None:
        return None
    target = _target(obj, ms, actor, entry.event_type == "ACCUSE")
    if target is None and _party_free_deed(obj):
        # "X called the statement outrageous": a deed or word whose author the sentence leaves unnamed
        return _Found(verb, entry, actor, None, None, verb, [verb], False, actor_tok=_subject(verb))
    return _found(verb, entry, actor, target) if target is not None else None


def _party_free_deed(obj: Token) -> bool:
    """Whether an object is a deed or a word (``appraised_deeds``) that names no owner of its own."""
    if obj.lemma_.lower() not in words("appraised_deeds") and obj.lower_ not in words("appraised_deeds"):
        return False
    return not any(
        c.dep_ in ("poss", "compound") or (c.dep_ == "prep" and c.lower_ in ("of", "by"))
        for c in obj.children
    )


def _copula(clause: Token) -> tuple[Token | None, Token | None]:
    """The subject and predicate of a clause "Y is (a) P" (None, None when it is no such clause)."""
    subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if clause.pos_ == "ADJ":
        return subj, clause  # "she was appalled that…", the adjective heading its clause
    if clause.lemma_.lower() in words("linking_verbs"):
        # "Y has gone soft", "Y has become a disgrace": a change of state said of Y
        pred = next((c for c in clause.children if c.dep_ in ("acomp", "attr", "oprd")), None)
        return (subj, _likened(pred)) if pred is not None else (None, None)
    if clause.lemma_.lower() != "be" and clause.lower_ not in _BE_FORMS:
        return None, None
    pred = next((c for c in clause.children if c.dep_ in ("attr", "acomp")), None)
    return subj, _likened(pred)


def _likened(pred: Token | None) -> Token | None:
    """ "was akin to extortion", "is tantamount to fraud": the thing likened to is the predicate
    (the predicate itself otherwise)."""
    if pred is None or pred.lower_ not in words("likeness"):
        return pred
    for c in pred.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "with"):
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    return pred


def _feeling(pred: Token, ms: _Mentions, actor: Party | None, accuse_words: frozenset[str]) -> Party | None:
    """The party a feeling is about: "disappointed in Y", "appalled that Y would…"."""
    if pred.lower_ not in accuse_words and pred.lemma_.lower() not in accuse_words:
        return None
    for c in pred.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in words("feeling_preps"):
            for o in (o for o in c.children if o.dep_ == "pobj"):
                if (t := _target(o, ms, actor, True)) is not None:
                    return t
        if c.dep_ in ("ccomp", "advcl"):
            subj = next((s for s in c.children if s.dep_ in ("nsubj", "nsubjpass")), None)
            if (t := _target(subj, ms, actor, True)) is not None:
                return t
    return None


def _addressee(verb: Token) -> Token | None:
    """The one a speech verb addresses: its object ("told X") or the object of "at"/"to"."""
    for c in verb.children:
        if c.dep_ in ("dobj", "dative"):
            return c
        if c.dep_ == "prep" and c.lower_ in ("at", "to"):
            return next((o for o in c.children if o.dep_ == "pobj"), None)
    return None


def _felt(verb: Token, ms: _Mentions) -> _Found | None:
    """ "X was outraged by Y", "X is disappointed with Y": a party's feeling about another, said of
    it (the participle of a verb of feeling, its passive subject the one who feels)."""
    if verb.tag_ != "VBN" or verb.lower_ not in words("feelings_negative") | words("feelings_positive"):
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    actor = _parties(subj, ms) if subj is not None and subj.pos_ != "PRON" else None
    if actor is None or _negated(verb):
        return None
    accuse = verb.lower_ in words("feelings_negative")
    target = _feeling(verb, ms, actor, words("feelings_negative" if accuse else "feelings_positive"))
    about_event = any(
        _noun_entry(o) is not None
        for c in verb.children
        if c.dep_ in ("agent", "prep") and c.lower_ in words("feeling_preps")
        for o in c.children
        if o.dep_ == "pobj"
    )
    if target is None and not about_event:
        return None  # "outraged by the raids" is about an event; "pleased by the weather" is not
    return _Found(
        verb, _ACCUSE if accuse else _SUPPORT, actor, target, None, verb, [verb], False, actor_tok=subj
    )


def _reported(verb: Token) -> list[Token]:
    """The clauses a speech verb reports: its clause complements and the reasons they give ("says he
    quit watching because Y has gone soft")."""
    out = [c for c in verb.children if c.dep_ == "ccomp"]
    return out + [
        a
        for c in out
        for a in c.children
        if a.dep_ == "advcl"
        and any(
            m.dep_ == "mark" and m.lower_ == "because" and (m.i == 0 or m.doc[m.i - 1].lower_ != "not")
            for m in a.children
        )
    ]


def _speech(verb: Token, ms: _Mentions, actor: Party | None) -> _Found | None:
    """ "X said Y was a brilliant leader", "“I'm disappointed in Y,” X said": the clause the verb
    reports appraises a party other than the speaker, or voices the speaker's feeling about one."""
    for clause in _reported(verb):
        subj, pred = _copula(clause)
        if subj is None and pred is None and (found := _deed(verb, clause, ms, actor)) is not None:
            return found
        if subj is None and pred is not None:
            # "explained [X's refusal] is a weakness": the subject parsed as the verb's object
            subj = next((c for c in verb.children if c.dep_ == "dobj" and c.i < clause.i), None)
        if subj is None or pred is None or _hedged(clause, pred):
            continue
        if subj.lower_ == "you":
            # "told X: you are a liar", "tweeting at X, you are a loser": the one addressed
            entry = _entry(polarity(pred, clause))
            target = _target(_addressee(verb), ms, actor, True)
            if entry is not None and target is not None:
                return _found(verb, entry, actor, target)
            continue
        if subj.pos_ == "PRON":
            # "X said she was appalled…": the pronoun is the speaker far more often than not; an
            # appraisal of a pronoun ("X said he was great") may be the speaker's own boast
            if subj.lower_ not in _SPEAKER and subj.lower_ not in lexicon().person_pronouns | {"they", "it"}:
                continue
            for sign, kind in ((-1, "feelings_negative"), (1, "feelings_positive")):
                target = _feeling(pred, ms, actor, words(kind))
                if target is not None and not _negated(clause) and not _negated(pred):
                    return _found(verb, _ACCUSE if sign < 0 else _SUPPORT, actor, target)
            continue
        entry = _entry(polarity(pred, clause))
        if entry is None:
            continue
        target = _target(subj, ms, actor, entry.event_type == "ACCUSE")
        if target is not None:
            return _found(verb, entry, actor, target)
    return None


def _deed(verb: Token, clause: Token, ms: _Mentions, actor: Party | None) -> _Found | None:
    """ "X said Y ran a terrible campaign", "X says Y told lies": the clause a speech verb reports
    has a party do a deed (a verb of ``deed_verbs``) the speaker appraises by its object."""
    lemma = clause.lemma_.lower()
    if _is_passive(clause):
        return None
    subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    if lemma not in words("deed_verbs") | words("misdeed_verbs"):
        return _harm(verb, clause, subj, ms, actor)
    if lemma in words("misdeed_verbs"):
        # "X said Y lied", "X says Y failed the voters": the deed itself is the blame
        if subj is None or subj.lower_ in _SPEAKER or _negated(clause) or _modal_hedge(clause):
            return None
        if any(c.dep_ == "xcomp" and c.lemma_.lower() in words("outcome_verbs") for c in clause.children):
            return None  # "failed to win the state" reports an outcome; "failed to act" is blame
        target = _target(subj, ms, actor, True)
        return _found(verb, _ACCUSE, actor, target) if target is not None else None
    obj = next((c for c in clause.children if c.dep_ == "dobj"), None)
    if subj is None or obj is None or subj.lower_ in _SPEAKER or obj.lower_ == "nothing":
        return None  # "said she did nothing illegal" clears her
    if any(c.dep_ == "det" and c.lower_ == "no" for c in obj.children):
        return None
    entry = _entry(polarity(obj, clause))
    if entry is None:
        return None
    target = _target(subj, ms, actor, entry.event_type == "ACCUSE")
    return _found(verb, entry, actor, target) if target is not None else None


def _harm(
    verb: Token, clause: Token, subj: Token | None, ms: _Mentions, actor: Party | None
) -> _Found | None:
    """ "X argued Y's plan would wreck the economy": a party's deed or word said to do harm (a verb
    of ``harm_verbs``, or its conjunct) is blame of the party; a thing of no one's is no appraisal."""
    # the conjunct verb, also when the parse hangs it under the first verb's object
    verbs = [
        clause,
        *(
            t
            for t in clause.subtree
            if t.dep_ == "conj" and t.pos_ == "VERB" and clause in (t.head, t.head.head)
        ),
    ]
    harms = [v for v in verbs if v.lemma_.lower() in words("harm_verbs") and not _is_passive(v)]
    if not harms or subj is None or subj.pos_ == "PRON" or _modal_hedge(clause):
        return None
    if _negated(clause) or any(_negated(v) for v in harms):
        return None
    target = _target(subj, ms, actor, True)
    return _found(verb, _ACCUSE, actor, target) if target is not None else None


def _reporting_present(verb: Token) -> bool:
    """ "X says Y is a liar": the present of a speech verb with a subject of its own reports what
    was said, as news does; no habit (adverbs of frequency are ruled out apart)."""
    return (
        verb.tag_ in ("VBZ", "VBP")
        and verb.lemma_.lower() in words("speech_verbs")
        and any(c.dep_ == "nsubj" for c in verb.children)
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


_CUES: list[frozenset[str]] = []
_FEELINGS: list[frozenset[str]] = []


def _feeling_words() -> frozenset[str]:
    """Returns the words of feeling, negative and positive (joined once)."""
    if not _FEELINGS:
        _FEELINGS.append(words("feelings_negative") | words("feelings_positive"))
    return _FEELINGS[0]


def _may_appraise(verb: Token) -> bool:
    """Whether the clauses a speech verb reports hold any word an appraisal is read from (a word
    of blame or praise, a feeling, a verb of harm or misdeed): a cheap test, before the speaker
    is resolved (the costly part), that every reading of :func:`_speech` and
    :func:`evaluative.evaluated` needs."""
    if not _CUES:
        kinds = (
            "negative",
            "positive",
            "feelings_negative",
            "feelings_positive",
            "misdeed_verbs",
            "harm_verbs",
        )
        _CUES.append(frozenset().union(*(words(k) for k in kinds)))
    cues = _CUES[0]
    return any(t.lemma_.lower() in cues or t.lower_ in cues for c in _reported(verb) for t in c.subtree)


def appraisal(verb: Token, ms: _Mentions) -> _Found | None:
    """Returns the ACCUSE or SUPPORT a verb of naming or speech states about a named party, or None
    (no appraisal, no party appraised, a habit or a description)."""
    lemma = verb.lemma_.lower()
    naming = lemma in words("naming_verbs")
    if not (naming or lemma in words("speech_verbs")):
        if verb.tag_ != "VBN" or verb.lower_ not in _feeling_words():
            return None  # what _felt asks first, before the costlier tests of habit and fiction
        return _felt(verb, ms) if not (habitual(verb) or fiction(verb)) else None
    if (habitual(verb) and not _reporting_present(verb)) or fiction(verb) or frequentative(verb):
        return None
    if modifier_participle(verb) or _negated(verb) or (verb.dep_ == "xcomp" and _negated(verb.head)):
        return None  # "did not say Y is a liar", "not going to tell you Y did good things"
    if not naming and not _may_appraise(verb):
        return None  # no word of blame, praise, feeling, harm or misdeed in what is said
    subj = _subject(verb)
    actor = _parties(subj, ms)
    if actor is None and not pronoun_subject(subj, verb):
        return None  # an unresolved he/she/they still said it: kept, actor unknown
    found = (_naming(verb, ms, actor) if naming else None) or _speech(verb, ms, actor)
    if found is None:
        from transforms.events.evaluative import evaluated  # it builds on this module

        found = evaluated(verb, ms, actor)
    return found
