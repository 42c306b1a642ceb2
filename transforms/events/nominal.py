"""Event nouns as triggers ("the arrest of X", "a suicide bombing"): the noun's frame, its own parties and place."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from spacy.tokens import Token

from transforms.events.clauses import (
    _np_position,
    _prep_objects,
    _subject,
    _verb_ancestor,
)
from transforms.events.generic import fiction, standing
from transforms.events.lexicon import Entry, lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import (
    PARTY_LABELS,
    PLACE_LABELS,
    _location_of,
    _overlap,
    _owner,
    _parties,
    _party,
)
from transforms.events.triggers import _Found, _group_ok, _noun_entry, _recipients, _violent
from transforms.lexicons import load


@dataclass
class _Frame:
    """How the clause around a nominal trigger governs it: the anchor verb, the actor and target
    tokens it gives, where to look for the place, and whether the verb's meaning sets the modality."""

    anchor: Token | None
    actor: Party | None = None
    verb_targets: list[Token] = field(default_factory=list)
    loc_tokens: list[Token | None] = field(default_factory=list)
    support: bool = False
    nominal_free: bool = False
    free_object: bool = False
    detached: bool = False


@dataclass
class _Own:
    """The parties a nominal trigger's own dependents name; ``from_actor`` says a "by", "from" or
    actor "of" phrase named the doer."""

    actor: Party | None = None
    target: Party | None = None
    place: Party | None = None
    from_actor: bool = False
    named_before: bool = False  # the actor is a name before the noun ("the Trump endorsement")


def _nominal(noun: Token, ms: _Mentions) -> _Found | None:
    """Returns the event a lexicon noun names, with parties from the clause and its own dependents,
    or None when the noun is no trigger or the event lacks parties it needs."""
    lex = lexicon()
    entry = _noun_entry(noun)
    if entry is None or noun.dep_ == "compound":
        return None
    pos = _np_position(noun)
    g = pos.head
    has_poss = any(c.dep_ == "poss" for c in noun.children)
    frame = _frame(noun, pos, entry, has_poss, ms)
    signed = frame.support and frame.anchor is not None and frame.anchor.lemma_.lower() in lex.signing
    if entry.event_type == "AGREE" and signed:
        entry = replace(entry, event_type="SUPPORT", cameo="057")  # an agreement signed (CAMEO 057)
    asked = entry.of_role == "actor" and entry.event_type == "REQUEST" and frame.support
    if asked and g.lemma_.lower() not in lex.recipient_verbs:
        # "made demands of X": X is asked; "the demands of X" are X's
        own = _own_parties(noun, replace(entry, of_role="target"), has_poss, ms)
    else:
        own = _own_parties(noun, entry, has_poss, ms)
    actor = frame.actor
    own_actor, own_target = own.actor, own.target
    if frame.free_object and own_actor is None and own_target is None:
        return None
    if frame.support and own.from_actor and g.lemma_.lower() in lex.recipient_verbs and own_actor is not None:
        # "X had the backing of Y": Y backs X
        own_target, actor = actor, None
    # "assistance from Democrats": the named giver, not the clause's subject
    actor = (own_actor or actor) if own.from_actor else (actor or own_actor)
    target: Party | None = None
    if own_target is not None:
        target = own_target
    else:
        for t in frame.verb_targets:
            target = _parties(t, ms)
            if target is None and entry.event_type in lex.owner_target and t.pos_ == "NOUN":
                target = _owner(t, ms)  # "Pfizer's deal sparked criticism": Pfizer is criticised
            if target is not None:
                break
    if actor is None and target is not None and entry.poss == "none" and has_poss:
        # "the FBI's investigation of X": with the target named apart, the possessor is the doer
        poss = next(c for c in noun.children if c.dep_ == "poss")
        actor = _parties(poss, ms) if poss.ent_type_ in ("ORG", "GPE", "NORP") else None
    if actor is not None and target is not None and _overlap(actor, target):
        target = None
    location = _location_of(frame.loc_tokens, ms, [actor, target]) or own.place
    governed = frame.support or pos.dep_ != "nsubj"
    if entry.physical and entry.alt is not None and _verbal_attack(noun, actor, target):
        entry = lex.verbs[entry.alt]  # "X's attack on the judge": words, not force
    if not _nominal_fits(noun, pos, entry, frame, actor, target):
        return None
    return _Found(
        noun,
        entry,
        actor,
        target,
        location,
        frame.anchor,
        [noun, frame.anchor],
        frame.nominal_free,
        governed,
        detached=frame.detached,
        actor_tok=_subject(frame.anchor) if frame.anchor is not None and frame.support else None,
    )


def _verbal_attack(noun: Token, actor: Party | None, target: Party | None) -> bool:
    """Whether an attack noun is one in words: a named doer and a named person, body or people it
    is aimed at, and no scene of violence ("Y's attacks on X"); an attack of unnamed doers or
    aims is left out rather than guessed."""
    named = ("PERSON", "ORG", "NORP")
    if actor is None or target is None or actor.kind != "entity" or target.kind != "entity":
        return False
    if actor.label not in named or target.label not in named:
        return False
    return not _violent(noun, actor, target)


def _nominal_fits(
    noun: Token, pos: Token, entry: Entry, frame: _Frame, actor: Party | None, target: Party | None
) -> bool:
    """Whether a nominal trigger reports an event: not a standing state or a title, with the
    parties, support verb, protest group or scene of violence its entry asks for."""
    if fiction(noun) or standing(pos, frame.anchor):
        return False
    if entry.needs_party and actor is None and target is None:
        return False
    if entry.patient is not None and (
        target is None or not (target.label in ("PERSON", "NORP") or target.kind == "group")
    ):
        return False  # "the release of documents" is no release of persons
    if entry.needs_support and not frame.support:
        return False
    # "has broad appeal" is a quality the subject has, no appeal made
    made = frame.support and not (
        frame.anchor is not None and frame.anchor.lemma_.lower() in lexicon().recipient_verbs
    )
    if entry.complement is not None and not _noun_complement(noun, entry.complement, made):
        return False  # "the candidate's appeal to voters" is her charm; "an appeal for calm" a request
    if entry.support is not None and not (
        frame.support and frame.anchor is not None and frame.anchor.lemma_.lower() in entry.support
    ):
        return False
    if entry.actor_group is not None and not _group_ok(actor, entry.actor_group):
        return False
    return not (entry.physical and not _violent(noun, actor, target))


def _noun_complement(noun: Token, kinds: frozenset[str], support: bool) -> bool:
    """Whether an event noun has one of the complements its sense needs: ``support`` (the object
    of a support verb: "issued an appeal"), ``acl`` (an infinitive: "an appeal to X to stop"), or a
    preposition with its object ("an appeal for calm")."""
    if support and "support" in kinds:
        return True
    for c in noun.children:
        if c.dep_ in ("acl", "relcl") and "acl" in kinds and any(a.lower_ == "to" for a in c.children):
            return True
        if c.dep_ == "prep" and c.lower_ in kinds and any(o.dep_ in ("pobj", "pcomp") for o in c.children):
            return True
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in kinds for m in c.children):
            return True  # "calls for X to resign", the small model's clause with "for" as its mark
        # "an appeal to voters to stay home": the infinitive hangs on the addressee
        if (
            c.dep_ == "prep"
            and "acl" in kinds
            and any(
                g.dep_ in ("acl", "relcl") and any(a.lower_ == "to" for a in g.children)
                for o in c.children
                for g in o.children
            )
        ):
            return True
    return False


def _frame(noun: Token, pos: Token, entry: Entry, has_poss: bool, ms: _Mentions) -> _Frame:
    """Returns how the clause governs a nominal trigger whose place in it is ``pos``: a support verb
    ("slap sanctions on X", "provide X with assistance"), a verb of reception ("were met with a
    crackdown"), an adverbial phrase ("after talks with X"), else the nearest verb above it."""
    lex = lexicon()
    g = pos.head
    reacting = _reaction_verb(pos)
    if reacting is not None and entry.event_type in ("ACCUSE", "COERCE", "SANCTION", "THREATEN", "REQUEST"):
        # "X took issue with the criticism", "X dismissed the charges": X is its other side
        subj = _subject(reacting)
        return _Frame(reacting, None, [subj] if subj is not None else [], [noun], detached=True)
    if (
        pos.dep_ in ("dobj", "nsubjpass")
        and g.pos_ in ("VERB", "AUX")
        and g.lemma_.lower() in lex.support_verbs
    ):
        # "slap sanctions on X", "hold talks with Y", "gave Z a loan", "sanctions were imposed on X"
        actor = _parties(_subject(g), ms)
        verb_targets = _recipients(g)
        verb_targets += _prep_objects(g, entry.preps or lex.noun_target_preps)
        return _Frame(g, actor, verb_targets, [noun, g], support=True)
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ == "with"
        and g.head.pos_ == "VERB"
        and g.head.lemma_.lower() in lex.support_verbs
    ):
        # "provide X with assistance"
        actor = _parties(_subject(g.head), ms)
        return _Frame(g.head, actor, [c for c in g.head.children if c.dep_ == "dobj"], [noun, g.head])
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and f"{g.head.lemma_.lower()} {g.lower_}" in lex.participation_verbs
    ):
        # "forces engaged in ethnic cleansing", "X insisted on its demands": the subject acts
        subj = next((c for c in g.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return _Frame(g.head, _parties(subj, ms), [], [noun, g.head])
    claim = _responsibility_claim(pos)
    if claim is not None:
        # "X claimed responsibility for the attack": X is the doer, the claim is X's word
        return _Frame(claim, _parties(_subject(claim), ms), [], [noun, claim])
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ == "with"
        and g.head.lemma_.lower() in lex.reception
    ):
        # "protests were met with a crackdown": the passive subject is the target
        anchor = g.head
        return _Frame(anchor, None, [c for c in anchor.children if c.dep_ in ("nsubjpass", "nsubj")], [noun])
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ == "under"
        and g.head.lemma_.lower() in ("come", "be")
    ):
        # "X came under attack by Y", "X is under investigation": X undergoes it, "by Y" does it
        anchor = g.head
        doer = next(
            (
                o
                for c in anchor.children
                if c.dep_ in ("prep", "agent") and c.lower_ in ("by", "from")
                for o in c.children
                if o.dep_ == "pobj"
            ),
            None,
        )
        subj = next((c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        return _Frame(anchor, _parties(doer, ms), [subj] if subj is not None else [], [noun])
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ in lex.speech_setting_preps
        and g.i < pos.i
        and g.head.pos_ == "VERB"
        and g.head.lemma_.lower() in lex.modality["reported_verbs"]
        and entry.event_type in ("ACCUSE", "SUPPORT", "REJECT", "REQUEST", "THREATEN")
        and not has_poss
    ):
        # "In a swipe at X, Y said…": the speaker is the doer; the saying carries the event
        return _Frame(g.head, _parties(_subject(g.head), ms), [], [noun, g.head])
    if pos.dep_ == "dobj" and g.lemma_.lower() in lex.reception:
        subj = _subject(g)
        return _Frame(g, None, [subj] if subj is not None else [], [noun])
    if (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ in lex.adverbial_preps
        and g.head.pos_ in ("VERB", "AUX")
        and entry.event_type in lex.symmetric
        and not has_poss
    ):
        # "said in Riga after talks with X": the speaker took part in the talks
        return _Frame(g.head, _parties(_subject(g.head), ms), [], [noun, g.head])
    if (
        entry.event_type == "PROTEST"
        and pos.dep_ == "pobj"
        and g.lower_ in ("for", "in", "at")
        and g.head.pos_ == "VERB"
        and g.head.lemma_.lower() in lex.gathering_verbs
    ):
        # "thousands converged for a rally": those who gather take part in it (their number is its size)
        return _Frame(g.head, _parties(_subject(g.head), ms), [], [noun, g.head], support=True)
    return _free_frame(noun, pos)


def _reaction_verb(pos: Token) -> Token | None:
    """The verb of answering whose object, or whose preposition's object, is the event noun's
    phrase ("took issue with the criticism", "dismissed the charges"; :attr:`Lexicon.reaction`)."""
    lex = lexicon()
    prep: Token | None = None
    verb = pos.head
    if pos.dep_ == "pobj" and verb.dep_ == "prep":
        prep, verb = verb, verb.head
    elif pos.dep_ != "dobj":
        return None
    if verb.pos_ != "VERB":
        return None
    parts = [verb.lemma_.lower()]
    parts += [c.lower_ for c in verb.children if c.dep_ == "prt"]
    if prep is not None:
        parts += [c.lower_ for c in verb.children if c.dep_ == "dobj"][:1]
        parts.append(prep.lower_)
    return verb if " ".join(parts) in lex.reaction else None


def _responsibility_claim(pos: Token) -> Token | None:
    """The verb of a claim of responsibility whose "for" phrase holds the event noun ("claimed
    credit for the attacks", the phrase on the noun or on the verb), or None."""
    lex = lexicon()
    g = pos.head
    if pos.dep_ != "pobj" or g.dep_ != "prep" or g.lower_ != "for":
        return None
    h = g.head
    if h.lemma_.lower() in lex.responsibility_nouns and h.dep_ == "dobj":
        h = h.head
    elif not any(c.dep_ == "dobj" and c.lemma_.lower() in lex.responsibility_nouns for c in h.children):
        return None
    return h if h.pos_ == "VERB" and h.lemma_.lower() in lex.responsibility_verbs else None


def _free_frame(noun: Token, pos: Token) -> _Frame:
    """Returns the frame of a nominal trigger that no support verb carries: the nearest verb above
    anchors it; ``free_object`` when that verb says what became of the event, ``detached`` when
    the event keeps a modality of its own."""
    mod = lexicon().modality
    g = pos.head
    anchor = _verb_ancestor(pos)
    nominal_free = anchor is not None and pos.dep_ in ("dobj", "pobj")
    free_object = False
    if (
        pos.dep_ in ("dobj", "nsubjpass")
        and g.pos_ in ("VERB", "AUX")
        and not any(
            g.lemma_.lower() in mod[k] for k in ("negation_verbs", "planned_verbs", "hypothetical_verbs")
        )
    ):
        # "tore up the treaty", "sanctions were lifted": the verb says what became of the event
        free_object = True
    # an event named under another noun ("a request for comment on X's criticism") or the object
    # of a verb that is not about it ("refused to disavow X's endorsement") has its own modality
    modal = ("negation_verbs", "planned_verbs", "hypothetical_verbs")
    detached = free_object or (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and (g.head.pos_ not in ("VERB", "AUX") or not any(g.head.lemma_.lower() in mod[k] for k in modal))
    )
    return _Frame(
        anchor, None, [], [noun], nominal_free=nominal_free, free_object=free_object, detached=detached
    )


def _own_parties(noun: Token, entry: Entry, has_poss: bool, ms: _Mentions) -> _Own:
    """Returns the parties the noun's own dependents name: its possessor, a name before it ("the
    Sochi meeting", "U.S. sanctions") and its prepositional phrases."""
    lex = lexicon()
    own = _Own()
    of_role = entry.of_role or lex.of_role.get(entry.event_type)
    if has_poss and of_role == "actor":
        of_role = "target"  # "his endorsement of Trump": the possessor gives, "of" receives
    # "his endorsements from 88 generals": with a named giver, the possessor receives
    poss_role = entry.poss
    if poss_role == "actor" and any(c.dep_ == "prep" and c.lower_ == "from" for c in noun.children):
        poss_role = "target"
    # "the government's killing of terrorists": with the undergoer named by "of", the possessor does it
    if (
        poss_role == "target"
        and of_role == "target"
        and any(c.dep_ == "prep" and c.lower_ == "of" for c in noun.children)
    ):
        poss_role = "actor"
    for c in noun.children:
        if c.dep_ == "poss" and c.ent_type_ not in ("DATE", "TIME"):
            if poss_role == "actor":
                own.actor = own.actor or _parties(c, ms)
            elif poss_role == "target":
                own.target = own.target or _parties(c, ms)
        elif c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in PARTY_LABELS:
            p = _party(c, ms)
            if (
                p is not None
                and (entry.event_type in lex.symmetric or entry.event_type in lex.location_suffices)
                and p.label in PLACE_LABELS
            ):
                own.place = own.place or p  # "the Sochi meeting", "the Tulsa protest" is where, not who
            elif p is not None and entry.event_type == "RETREAT" and p.label in PLACE_LABELS:
                own.place = own.place or p  # "an Iraq withdrawal" leaves Iraq, Iraq does not withdraw
            elif p is not None and (c.dep_ == "compound" or p.label in ("NORP", "GPE")):
                own.named_before = own.named_before or own.actor is None
                own.actor = own.actor or p
        elif c.dep_ == "prep":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if objs:
                _own_prep(own, c.lower_, objs[0], entry, of_role, has_poss, ms)
        elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children):
            # "calls for X to resign": X is asked
            subj = next((g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")), None)
            own.target = own.target or (_parties(subj, ms) if subj is not None else None)
        elif c.dep_ in ("acl", "relcl") and (doer := _named_doer(c, ms)) is not None:
            # "the lawsuit brought by X", "the killing that was claimed by Y": the doer, over a name before it
            own.actor, own.from_actor = doer, True
        elif c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in lex.aiming_verbs:
            # "the accusation aimed at X", "criticism directed against Y": X and Y are targets
            for t in _prep_objects(c, ("at", "against", "toward", "towards")):
                own.target = own.target or _parties(t, ms)
    return own


def _named_doer(clause: Token, ms: _Mentions) -> Party | None:
    """The party a passive participle or relative clause on an event noun names as its doer, by a
    verb of doing or claiming ("brought by X", "that was carried out by Y"), or None."""
    if clause.lemma_.lower() not in _doing_verbs():
        return None
    if clause.dep_ == "relcl" and not any(c.dep_ == "auxpass" for c in clause.children):
        return None  # "the attack that X claimed" is parsed with X as the subject: left alone
    for c in clause.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            for o in c.children:
                if o.dep_ == "pobj":
                    return _parties(o, ms)
    return None


@cache
def _doing_verbs() -> frozenset[str]:
    return frozenset(load("event_verbs")["generic"]["doing_verbs"])


def _own_prep(
    own: _Own, prep: str, o: Token, entry: Entry, of_role: str | None, has_poss: bool, ms: _Mentions
) -> None:
    """Adds to ``own`` what one prepositional phrase of the noun names (``o`` is its object)."""
    lex = lexicon()
    if prep == "between":
        # "the meeting between X and Y": the first is the actor, the conjunct the target
        first = _party(o, ms)
        second = next((p for p in (_party(x, ms) for x in o.conjuncts) if p is not None), None)
        own.actor = own.actor or first
        own.target = own.target or second
    elif prep in ("by", "from"):
        p = _parties(o, ms)
        if p is not None and own.actor is not None and has_poss and entry.poss == "actor":
            # "his endorsements from 88 generals": the possessor receives
            own.target, own.actor = own.actor, p
        elif p is not None and own.named_before and prep == "by" and own.target is None:
            # "a Trump endorsement by X": X gives it, the name before the noun receives it
            own.target, own.actor, own.named_before = own.actor, p, False
        else:
            own.actor = own.actor or p
        own.from_actor = own.from_actor or p is not None
    elif prep == "of" and of_role in ("actor", "target"):
        p = _parties(o, ms)
        if p is None and of_role == "target" and entry.event_type in lex.owner_target:
            p = _owner(o, ms)  # "condemnation of North Korea's test"
        if of_role == "actor":
            own.actor = own.actor or p
            own.from_actor = own.from_actor or p is not None
        else:
            own.target = own.target or p
    elif prep in (entry.preps or lex.noun_target_preps):
        p = _parties(o, ms)
        if p is None and entry.event_type in lex.owner_target:
            p = _owner(o, ms)  # "accusations against Clinton's fundraising"
        own.target = own.target or p
