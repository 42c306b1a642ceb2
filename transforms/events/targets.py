"""A fallback for the target of an event whose trigger's own arguments name none, while the
sentence does: the owner of what is acted on ("blocked X's law"), the doer of a participle on it
("vetoed the bill passed by X"), a category's preposition on the trigger ("met with and prayed
over X", "complained about X"), the object of the embedded verb ("promising to bomb X"), and the
noun a relative pronoun stands for ("the group, which X blamed")."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import _group_phrase, _owner, _parties, _party
from transforms.events.scope import words
from transforms.syntax import prep_objects

_NOT_PARTY = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"})
_OWN = frozenset({"his", "her", "its", "their", "our", "my", "your"})
_RELATIVE = frozenset({"which", "who", "whom", "that"})
_NAMED = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC"})


def fallback_target(trig: Token, event_type: str, actor: Party | None, ms: _Mentions) -> Party | None:
    """Returns the target the sentence names around the trigger (see the module), the first of
    the steps in order that finds one other than the actor, or None."""
    if any(
        c.dep_ in ("nsubjpass", "dobj") and c.pos_ == "PRON" and c.lower_ not in _RELATIVE
        for c in trig.children
    ):
        return None  # "I was attacked", "attacked me": the target is named, as a pronoun
    for step, tok, party in _candidates(trig, event_type, ms):
        if party is not None and _acceptable(tok, party, actor, own_ok=step == "addressee"):
            return party
    return None


def _candidates(trig: Token, event_type: str, ms: _Mentions) -> Iterator[tuple[str, Token, Party | None]]:
    objects = _objects(trig)
    lex = lexicon()
    # (0) the people a violent act befalls, named by a plural noun with no name in it
    if event_type in ("ASSAULT", "COERCE"):
        for tok in _patients(trig):
            yield "patient", tok, _parties(tok, ms) or _group_phrase(tok)
    # (0b) who receives the support a noun names: "X won endorsements from Y" (Y is its doer)
    receipt = (
        trig.pos_ == "NOUN" and trig.dep_ == "dobj" and trig.head.lemma_.lower() in words("receipt_verbs")
    )
    if event_type in ("SUPPORT", "AID") and receipt:
        for subj in _clause_subject(trig.head):
            yield "receiver", subj, _parties(subj, ms)
    # (0c) who is asked to act, named by a noun of people: "called on its followers to attack X"
    addressees = _addressees(trig)
    for tok in addressees:
        # who is told to act: people ("urged its followers to…"), or a noun a name qualifies
        # ("urged the Denver tycoon to…"); not "asked the question to build on…"
        named = any(c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in _NAMED for c in tok.children)
        group = _group_phrase(tok) if tok.pos_ == "NOUN" and (_people(tok) or named) else None
        yield "addressee", tok, _parties(tok, ms) or group
    if addressees:
        return  # "ordered 300 of them to X to assist Y": who is told to act is the other side, or none
    # (0d) "X was the subject of an investigation": the one the event befalls
    for subj in _undergoer(trig):
        yield "undergoer", subj, _parties(subj, ms)
    # (1) the owner of what is acted on: "blocked X's law", "the investigation of X's email use"
    for obj in objects if event_type not in lex.fallback.get("no_owner", ()) else ():
        yield "owner", obj, _named_owner(obj, ms)
        if obj.dep_ in ("nsubj", "nsubjpass") and obj.head.pos_ in ("VERB", "AUX"):
            # the subject of "an investigation into whether her arrangement…": the question is
            # about her, whom the pronoun names
            own = next((c for c in obj.children if c.dep_ == "poss" and c.pos_ == "PRON"), None)
            yield "asked", obj, _parties(obj, ms) or (_parties(own, ms) if own is not None else None)
    # (1b) with "that" among the category's words, the subject of a that-clause complement:
    # "demanded that X's report include…", "the demand that X resign"
    preps = tuple(lex.fallback_preps.get(event_type, ()))
    if "that" in preps and not (event_type == "ACCUSE" and any(c.lower_ == "back" for c in trig.children)):
        # ("fired back that X…": a retort answers someone else; a pronoun there is no target)
        for subj in (s for s in _clause_subjects(trig) if event_type != "ACCUSE" or s.pos_ != "PRON"):
            yield "clause", subj, _parties(subj, ms) or _named_owner(subj, ms)
    # (2) the doer of a passive participle on it: "vetoed the bill passed by X"
    for obj in objects:
        for agent in _participle_agents(obj, lex.fallback.get("by_participles", frozenset())):
            yield "agent", agent, _parties(agent, ms)
    # (3) the category's prepositions on the trigger ("met with and prayed over X": a stranded
    # preposition leaves its object to the coordinated verb)
    for obj in _prep_objects(trig, preps, event_type in lex.fallback.get("object_to", ())):
        yield "prep", obj, _parties(obj, ms) or _possessor(obj, ms)
    # (4) the object of the trigger's embedded verb: "promising to bomb X", "vowed to help X"
    # (an object-control verb's own object is the target: "urged followers to attack X")
    has_obj = any(c.dep_ in ("dobj", "dative") for c in trig.children)
    has_obj = has_obj or event_type in lex.fallback.get("no_embedded", ())
    for x in (c for c in trig.children if c.dep_ == "xcomp" and c.pos_ == "VERB" and not has_obj):
        for obj in _embedded_objects(x):
            yield "xcomp", obj, _parties(obj, ms) or _named_owner(obj, ms)  # "a tax on X vehicles"
    # (5) a relative pronoun stands for the noun its clause modifies: "the group, which X blamed"
    if trig.dep_ == "relcl" and trig.head.pos_ in ("NOUN", "PROPN"):
        # only as the object: "for which he apologized" names the cause, not the other side
        rel = [c for c in trig.children if c.dep_ in ("dobj", "dative") and c.lower_ in _RELATIVE]
        if rel:
            yield "relative", trig.head, _antecedent(trig.head, ms)


def _undergoer(trig: Token) -> list[Token]:
    """The subject of a copula whose predicate noun the trigger is "of" ("X was the subject of
    an investigation", "Y became a target of attacks")."""
    if trig.pos_ != "NOUN" or trig.dep_ != "pobj" or trig.head.lower_ != "of":
        return []
    noun = trig.head.head
    if noun.lemma_.lower() not in lexicon().fallback.get("undergoer_nouns", ()) or noun.dep_ != "attr":
        return []
    return [c for c in noun.head.children if c.dep_ in ("nsubj", "nsubjpass")]


def _addressees(trig: Token) -> list[Token]:
    """The object of an object-control verb with an infinitive complement ("urged X to…",
    "called on X to…"): who is to do what the infinitive says."""
    if trig.pos_ != "VERB" or trig.lemma_.lower() not in lexicon().object_control:
        return []
    if not any(c.dep_ == "xcomp" for c in trig.children):
        return []
    on = [
        o
        for p in trig.children
        if p.dep_ in ("prep", "prt") and p.lower_ in ("on", "upon")
        for o in p.children
        if o.dep_ == "pobj"
    ]
    return [c for c in trig.children if c.dep_ in ("dobj", "dative")] + on


def _clause_subject(verb: Token) -> list[Token]:
    """The subject of the verb, or for a participle without one ("Despite spending…, touting the
    endorsement of Y, X could not…") the subject of the clause it modifies."""
    cur = verb
    for _ in range(4):
        subj = [c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj or (cur.tag_ != "VBG" and cur is not verb):
            return subj
        if cur.dep_ not in ("advcl", "pcomp", "xcomp", "conj") or cur.head.i == cur.i:
            return []
        cur = cur.head
        if cur.dep_ == "prep" and cur.head.i != cur.i:
            cur = cur.head  # "Despite spending…": the preposition's head
    return []


def _patients(trig: Token) -> list[Token]:
    """The plural common nouns a violent trigger befalls: the verb's bare object ("slaughtered
    clubgoers"), the head of "victims of" a violent noun, and for a participle that only counts its
    dead ("turned their guns on the prisoners, killing 15") the people its clause aims at."""

    def plural(t: Token) -> bool:
        return t.tag_ == "NNS" and t.pos_ == "NOUN" and not t.ent_type_ and _people(t)

    if trig.pos_ == "NOUN":
        if trig.dep_ == "pobj" and trig.head.lower_ == "of" and trig.head.head.pos_ == "NOUN":
            head = trig.head.head
            return [head] if head.lemma_.lower() in words("victim_nouns") else []
        return []
    objs = [c for c in trig.children if c.dep_ in ("dobj", "nsubjpass")]
    found = [o for o in objs if plural(o)]
    if not found and all(o.like_num for o in objs) and trig.dep_ in ("advcl", "conj"):
        found = [
            o
            for p in trig.head.children
            if p.dep_ == "prep" and p.lower_ in ("on", "at", "against")
            for o in p.children
            if o.dep_ == "pobj" and plural(o)
        ]
    return found


def _people(noun: Token) -> bool:
    """Whether a plural noun names people, not things ("clubgoers", "prisoners", not "explosives",
    "weapons"): a group word of the lexicon, or a noun of a doer or an adherent by its ending."""
    lemma = noun.lemma_.lower()
    return (
        lemma in lexicon().all_groups
        or noun.lower_ in lexicon().all_groups
        or lemma.endswith(_PEOPLE_ENDINGS)
    )


_PEOPLE_ENDINGS = ("er", "or", "ist", "ian", "ee", "ant", "ite")


def claimed_by(trig: Token, ms: _Mentions) -> Party | None:
    """The doer who owns a violent noun by a claim on it or its object: "the killing of X that was
    claimed by Y", "an attack carried out by Z" (the agent of a claim verb in the noun's phrase)."""
    if trig.pos_ != "NOUN":
        return None
    for t in trig.subtree:
        if t.dep_ in ("relcl", "acl") and t.lemma_.lower() in words("claim_verbs"):
            for a in (c for c in t.children if c.dep_ == "agent"):
                for o in (c for c in a.children if c.dep_ == "pobj"):
                    if (p := _parties(o, ms)) is not None:
                        return p
    return None


def _objects(trig: Token) -> list[Token]:
    """What the trigger acts on: a verb's object (a passive's subject), a noun's "of" object."""
    if trig.pos_ == "VERB":
        return [c for c in trig.children if c.dep_ == "dobj"]
    preps = [p for p in trig.children if p.dep_ == "prep" and p.lower_ in ("of", "into")]
    # "the investigation of whether X's set-up…": the subject of the question is acted on
    asked = [
        s
        for p in preps
        for q in p.children
        if q.dep_ == "pcomp" and any(m.lower_ == "whether" for m in q.children if m.dep_ == "mark")
        for s in q.children
        if s.dep_ in ("nsubj", "nsubjpass")
    ]
    return [o for p in preps if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"] + asked


def _named_owner(tok: Token, ms: _Mentions) -> Party | None:
    """The owner of what a noun names, unless a possessive pronoun owns it ("his campaign's
    decision": whose it is the clause's own reading decides, not a fallback)."""
    if any(c.dep_ == "poss" and c.pos_ == "PRON" for c in tok.children):
        return None
    owner = _owner(tok, ms)
    if owner is None:
        # "X's 'religious liberty' law": the quote mark makes the parser chain the possessives
        inner = next(
            (c for c in tok.children if c.dep_ == "poss" and c.pos_ == "NOUN" and not c.ent_type_), None
        )
        if inner is not None and any(c.dep_ == "poss" and c.ent_type_ for c in inner.children):
            return _owner(inner, ms)
    return owner


def _possessor(tok: Token, ms: _Mentions) -> Party | None:
    """The named possessor of a noun ("X's appearance"), not a name modifying it ("the X debate")."""
    own = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ != "PRON"), None)
    return _parties(own, ms) if own is not None else None


def _clause_subjects(trig: Token) -> list[Token]:
    """The subjects of the trigger's clausal complements opened by "that" ("demanded that X…")."""
    return [
        s
        for c in trig.children
        if c.dep_ in ("ccomp", "acl") and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
        for s in c.children
        if s.dep_ in ("nsubj", "nsubjpass")
    ]


def _participle_agents(obj: Token, verbs: frozenset[str]) -> list[Token]:
    """The objects of "by" on a passive participle that modifies the noun ("the bill passed by X")."""
    return [
        o
        for acl in obj.children
        if acl.dep_ == "acl" and acl.tag_ == "VBN" and acl.lemma_.lower() in verbs
        for a in acl.children
        if a.dep_ == "agent"
        for o in a.children
        if o.dep_ == "pobj"
    ]


def _prep_objects(trig: Token, preps: tuple[str, ...], object_to: bool = False) -> list[Token]:
    """The objects of the prepositions on the trigger; for a preposition without an object ("met
    with and prayed over X"), those on the verbs coordinated with the trigger."""
    if not preps:
        return []
    found = prep_objects(trig, preps)
    # "complained about being ill-treated by X": the doer of the passive gerund
    if "on" in preps:
        # "blamed the crisis on X": the parser hangs the "on" phrase on the object
        found += [o for d in trig.children if d.dep_ == "dobj" for o in prep_objects(d, ("on", "upon"))]
    if "with" in preps:
        # "settled a dispute with X", "discussed the issue with Y": the phrase hangs on the object
        found += [o for d in trig.children if d.dep_ == "dobj" for o in prep_objects(d, ("with",))]
    if "to" in preps and object_to:
        # "conceded the race to X", "sent an appeal to Y": the phrase hangs on the object
        found += [o for d in trig.children if d.dep_ == "dobj" for o in prep_objects(d, ("to",))]
    gerunds = [
        g
        for p in trig.children
        if p.dep_ == "prep" and p.lower_ in preps
        for g in p.children
        if g.dep_ == "pcomp"
    ]
    found += [
        o
        for g in gerunds
        for v in (g, *(c for c in g.children if c.dep_ in ("acomp", "xcomp", "auxpass")))
        for a in v.children
        if a.dep_ == "agent"
        for o in a.children
        if o.dep_ == "pobj"
    ]
    stranded = any(c.dep_ == "prep" and not any(o.dep_ == "pobj" for o in c.children) for c in trig.children)
    if stranded:
        for conj in (c for c in trig.children if c.dep_ == "conj" and c.pos_ == "VERB"):
            found += prep_objects(conj, preps)
    return found


def _embedded_objects(verb: Token) -> list[Token]:
    """The embedded verb's objects, its prepositions' objects ("bomb the hell out of X") too."""
    out = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    places = lexicon().location_preps
    todo = [c for c in verb.children if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ not in places)]
    while todo:
        t = todo.pop(0)
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in places:
                continue  # "to comment on the fighting in X": X is where, not whom
            if c.dep_ == "pobj":
                out.append(c)
            if c.dep_ in ("prep", "pobj"):
                todo.append(c)
    return out


def _antecedent(noun: Token, ms: _Mentions) -> Party | None:
    """The party a relative clause's noun stands for: its entity, or the noun phrase when a
    name modifies it ("the militant offshoot", "the Chicago-based group")."""
    party = _party(noun, ms)
    if party is not None:
        return party
    named = any(
        c.dep_ in ("compound", "nmod", "amod") and c.ent_type_ in ("ORG", "NORP", "GPE", "PERSON")
        for c in noun.children
    )
    return _group_phrase(noun) if named and noun.pos_ == "NOUN" else None


def _acceptable(tok: Token, party: Party, actor: Party | None, own_ok: bool = False) -> bool:
    """Whether the party may be the target: not the actor, no date or number, no place adjective;
    a group of the doer's own ("his campaign") only when ``own_ok`` (an addressee: "its followers")."""
    if actor is not None and (
        party.text == actor.text or (party.start < actor.end and actor.start < party.end)
    ):
        return False
    if party.kind == "group" and party.text.lower().split(" ")[0] in _OWN and not own_ok:
        return False  # "apologized for his campaign's decision": the doer's own side
    if party.label in _NOT_PARTY or tok.ent_type_ in _NOT_PARTY or tok.like_num:
        return False
    if any(ch.isdigit() for ch in party.text) and not any(ch.isalpha() for ch in party.text):
        return False
    return not (tok.dep_ == "amod" or (party.label == "NORP" and tok.tag_ == "JJ"))
