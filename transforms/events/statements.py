"""Speech acts and deeds of words that the verb lexicon alone does not code, decided from the parse
of what the verb governs: an admission of fault ("X admitted she made a mistake") is a CONCEDE
(CAMEO 080); an allegation that a party did something an ACCUSE (CAMEO 112), and so is contesting
its claim or bid (CAMEO 111) or having harsh words for it; a refusal to hand over or make known ("X declined to provide a list", "X refused to
release the files") and the blocking of an undertaking ("X blocked the release of the files") are a
REJECT (CAMEO 120); a demand said as an obligation ("X said Y must resign") a REQUEST (CAMEO 100).
Each is tried only when no lexicon entry of the verb fits (:func:`speech_act`). Word lists are data
(``speech_acts.toml``).
"""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events import appraisal as _appraisal
from transforms.events.clauses import _is_passive, _subject
from transforms.events.coref import pronoun_subject
from transforms.events.generic import fiction, frequentative, habitual, modifier_participle
from transforms.events.lexicon import Entry, lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import _name_words, _overlap, _owner, _parties
from transforms.events.triggers import _Found, _noun_entry
from transforms.lexicons import load

_CONCEDE = Entry(event_type="CONCEDE", cameo="080")
_ACCUSE = Entry(event_type="ACCUSE", cameo="112")
_SUPPORT = Entry(event_type="SUPPORT", cameo="051")
_DISAPPROVE = Entry(event_type="ACCUSE", cameo="111", mode="disapprove")
_KINDS = ("admission", "refusal", "blocking", "allegation", "words_for", "challenge")
_REJECT = Entry(event_type="REJECT", cameo="120")
_WORDS: dict[str, frozenset[str]] = {}


def words(section: str, kind: str) -> frozenset[str]:
    """Returns the ``speech_acts.toml`` list ``kind`` of ``section`` (loaded once)."""
    key = f"{section}.{kind}"
    if key not in _WORDS:
        _WORDS[key] = frozenset(load("speech_acts")[section][kind])
    return _WORDS[key]


def _key(verb: Token) -> str:
    """The verb's lemma with its particle, as the lists spell it ("turn over")."""
    prt = next((c.lower_ for c in verb.children if c.dep_ == "prt"), None)
    return f"{verb.lemma_.lower()} {prt}" if prt else verb.lemma_.lower()


def _objects(verb: Token) -> list[Token]:
    return [c for c in verb.children if c.dep_ == "dobj"]


def _fault(tok: Token) -> bool:
    """Whether a noun names a fault ("a mistake", "wrongdoing")."""
    return tok.lower_ in words("admission", "fault_nouns") or tok.lemma_.lower() in words(
        "admission", "fault_nouns"
    )


def _fault_clause(clause: Token) -> bool:
    """Whether a clause states a fault: "she misspoke", "he made a mistake", "mistakes were made",
    "he was wrong"."""
    if clause.lemma_.lower() in words("admission", "fault_verbs") or clause.lower_ in words(
        "admission", "fault_verbs"
    ):
        return True
    if any(_fault(c) for c in clause.children if c.dep_ in ("dobj", "nsubjpass")):
        return True
    return any(
        c.dep_ in ("acomp", "attr")
        and (c.lemma_.lower() in words("admission", "fault_predicates") or _fault(c))
        for c in clause.children
    )


def _admitted(verb: Token) -> bool:
    """Whether an admission verb admits a fault: its object or its clause names one."""
    if any(_fault(o) for o in _objects(verb)):
        return True
    return any(_fault_clause(c) for c in verb.children if c.dep_ == "ccomp")


def _withheld(verb: Token) -> Token | None:
    """The disclosure a refusal verb governs ("declined to provide a list"): the infinitive, when it
    is active and has an object; None otherwise ("declined to comment", "declined to be named")."""
    for c in verb.children:
        if c.dep_ != "xcomp" or _is_passive(c) or _key(c) not in words("refusal", "disclosure_verbs"):
            continue
        objs = _objects(c)
        if any(
            w in words("refusal", "no_comment_objects")
            for o in objs
            for t in (o, *o.conjuncts)
            for w in (t.lemma_.lower(), t.lower_)
        ):
            continue  # "declined to give a price tag (or documents)": a no comment, no refusal of a demand
        if objs or any(p.dep_ in ("prt", "oprd") for p in c.children):
            return c
    return None


def _blocked(verb: Token) -> Token | None:
    """The undertaking a blocking verb's object names ("blocked the release", "stalled the vote"), or
    None."""
    for o in _objects(verb):
        if o.lemma_.lower() in words("blocking", "undertakings") or o.lower_ in words(
            "blocking", "undertakings"
        ):
            return o
        if o.pos_ == "NOUN" and _noun_entry(o) is not None:
            return o
    return None


def _words_for(verb: Token) -> tuple[Entry, Token] | None:
    """ "had harsh words for X", "offered kind words for X": the sense of the words the verb has or
    offers, and the words (None when they are of no sense or are not said of anyone)."""
    for o in _objects(verb):
        if o.lower_ not in words("words_for", "nouns"):
            continue
        mods = {
            c.lower_
            for c in o.children
            if c.dep_ in ("amod", "compound")  # "kind" is often a compound
            and not any(g.lower_ in ("less", "than", "not", "hardly") for g in c.subtree)  # "less than kind"
        }
        if any(g.lower_ in ("less", "than", "not", "hardly") for c in o.children for g in c.subtree):
            return None
        if mods & words("words_for", "negative"):
            return _DISAPPROVE, o
        if mods & words("words_for", "positive"):
            return _SUPPORT, o
    return None


def _not_told(verb: Token) -> bool:
    """Whether the verb tells no deed of its subject: a question ("Did X refuse to…?"), the reason of
    a blame ("railed against X for refusing…": X's doing, not the subject's), an infinitive that
    describes a noun ("her call to admit…", "efforts to block…"), a capacity ("able to block…")."""
    if verb.sent.text.rstrip().rstrip("\"'”’").endswith("?"):
        return True
    if verb.dep_ == "pcomp" and verb.head.lower_ == "for":
        return True
    if verb.dep_ == "xcomp" and (
        verb.head.pos_ == "ADJ" or verb.head.lemma_.lower() in words("blocking", "ability")
    ):
        return True  # "well positioned to block", "able to refuse": a capacity, no deed
    return verb.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _reporting_present(verb: Token) -> bool:
    """ "X admits she erred", "X alleges that Y lied": the present of a verb of saying with a subject
    of its own reports what was said, as news does."""
    return (
        verb.tag_ in ("VBZ", "VBP")
        and any(c.dep_ == "nsubj" for c in verb.children)
        and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    )


def _alleged(verb: Token, ms: _Mentions, actor: Party | None) -> Party | None:
    """The party an allegation accuses: the doer of the clause it governs ("alleged that Y took
    bribes", "alleged that the funds were taken by Y"), other than the speaker; else None."""
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        doer = next((c for c in clause.children if c.dep_ == "nsubj"), None)
        if doer is None and _is_passive(clause):
            doer = next(
                (o for c in clause.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"),
                None,
            )
        if doer is not None and (doer.pos_ != "PRON" or doer.lower_ in ("he", "she")):
            target = _parties(doer, ms, _name_words(actor.text) if actor is not None else frozenset())
            if target is not None and not (actor is not None and target.text == actor.text):
                return target
    return None


def _other(tok: Token | None, ms: _Mentions, actor: Party | None) -> Party | None:
    """The party a noun names or owns ("the release of X's files" → X), other than the actor."""
    if tok is None:
        return None
    exclude = _name_words(actor.text) if actor is not None else frozenset()
    target = _parties(tok, ms, exclude)
    if target is None and tok.pos_ == "NOUN":
        target = _owner(tok, ms)
        if target is None:
            for p in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
                for o in (o for o in p.children if o.dep_ == "pobj" and o.pos_ == "NOUN"):
                    target = target or _owner(o, ms)  # "the release of X's records"
    if target is not None and actor is not None and (target.text == actor.text):
        return None
    return target


def statement(verb: Token, ms: _Mentions) -> _Found | None:
    """Returns the CONCEDE or REJECT a verb of admission, refusal or blocking reports, or None (no
    such verb, nothing of the kind governed, a habit, a description, fiction)."""
    key = _key(verb)
    kind = next((k for k in _KINDS if key in words(k, "verbs")), None)
    if kind is None or _is_passive(verb):
        return None
    if (habitual(verb) and not _reporting_present(verb)) or fiction(verb) or frequentative(verb):
        return None
    if modifier_participle(verb) or _not_told(verb):
        return None
    subj = _subject(verb)
    actor = _parties(subj, ms)
    if actor is None and not pronoun_subject(subj, verb):
        return None
    target: Party | None = None
    if kind == "admission":
        if not _admitted(verb):
            return None
        entry = _CONCEDE
    elif kind == "refusal":
        withheld = _withheld(verb)
        if withheld is None:
            return None
        entry = _REJECT
        for t in [c for c in withheld.children if c.dep_ == "dative"] + [
            o for c in withheld.children if c.dep_ == "prep" and c.lower_ == "to" for o in c.children
        ]:
            target = target or _other(t, ms, actor)
        for o in _objects(withheld):
            target = target or _other(o, ms, actor)
    elif kind == "words_for":
        said = _words_for(verb)
        if said is None:
            return None
        entry, said_obj = said
        fors = [c for t in (said_obj, verb) for c in t.children if c.dep_ == "prep" and c.lower_ == "for"]
        for o in (o for c in fors for o in c.children if o.dep_ == "pobj"):
            target = target or _other(o, ms, actor)  # "harsh words for the character of X": X
        if target is None:
            return None
    elif kind == "challenge":
        contested = next(
            (o for o in _objects(verb) if o.lemma_.lower() in words("challenge", "objects")), None
        )
        if contested is None:
            return None
        entry = _DISAPPROVE
        target = _other(contested, ms, actor)
    elif kind == "allegation":
        entry = _ACCUSE
        target = _alleged(verb, ms, actor)
        if target is None:
            return None
    else:
        obj = _blocked(verb)
        if obj is None:
            return None
        entry = _REJECT
        target = _other(obj, ms, actor)
    return _Found(verb, entry, actor, target, None, verb, [verb], False, actor_tok=subj)


def speech_act(verb: Token, ms: _Mentions, lexicon_verb: bool) -> _Found | None:
    """Returns the speech act a verb no lexicon entry codes reports, or None. A verb the lexicon
    lacks may state an obligation, an appraisal or one of the acts here; a lexicon verb none of
    whose entries fits may still be one of the acts here, or a naming ("dismissed X as a fraud")."""
    if not lexicon_verb:
        return obligation(verb, ms) or _appraisal.appraisal(verb, ms) or statement(verb, ms)
    found = statement(verb, ms)
    if found is None and verb.lemma_.lower() in _appraisal.words("naming_verbs"):
        found = _appraisal.appraisal(verb, ms)
    return found


_OBLIGATION = Entry(event_type="REQUEST", cameo="100")


def obligation(verb: Token, ms: _Mentions) -> _Found | None:
    """A demand said as an obligation: "X said Y must return the helicopter" is X's REQUEST to
    Y, the speech verb its trigger; None unless both are parties and not the same."""
    lex = lexicon()
    if verb.lemma_.lower() not in lex.obligation_verbs or habitual(verb):
        return None
    for clause in verb.children:
        if clause.dep_ != "ccomp" or not any(
            c.dep_ == "aux" and c.lower_ in lex.obligation_modals for c in clause.children
        ):
            continue
        actor = _parties(_subject(verb), ms)
        subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and _no_demand(clause, subj):
            return None
        target = _parties(subj, ms) if subj is not None and subj.pos_ != "PRON" else None
        if target is None and subj is not None and actor is not None and subj.lower_ in lex.person_pronouns:
            # "If X cannot say it, she should quit", Trump said: the one named before it in the
            # sentence, never the speaker (who is "he" in "X said he should…" more often than not)
            m = ms.antecedent(subj, 600, _name_words(actor.text))
            if m is not None and m[0] >= subj.sent.start_char:
                target = Party(m[0], m[1], m[2], "entity", m[3])
        if actor is None or target is None or _overlap(actor, target):
            return None
        return _Found(verb, _OBLIGATION, actor, target, None, verb, [verb], False, actor_tok=_subject(verb))
    return None


def _no_demand(clause: Token, subj: Token) -> bool:
    """Whether an obligation clause makes no demand of its subject: an inverted conditional
    ("should he win"), or what befalls the subject ("she should face no charges")."""
    modal_first = any(c.dep_ == "aux" and c.i < subj.i for c in clause.children)
    # "she should get out of the race": a verb with its particle is a deed asked for, not what befalls
    undergoes = clause.lemma_.lower() in words("obligation", "undergo")
    particle = any(
        c.dep_ == "prt" or (c.dep_ in ("prep", "advmod") and c.lower_ in _PARTICLES) for c in clause.children
    )
    return modal_first or (undergoes and not particle)


_PARTICLES = frozenset({"out", "down", "off", "away", "back", "aside"})
