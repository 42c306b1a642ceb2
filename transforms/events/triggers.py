"""Trigger detection: a verb or event noun the lexicon knows, with the parties, place and anchor
verb the parse gives it (verbal triggers here; event nouns in ``nominal``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Token

from transforms.events.clauses import (
    QUANTIFIERS,
    _agent,
    _is_passive,
    _passive_subject,
    _prep_objects,
    _subject,
)
from transforms.events.counts import counted_noun, up_to_object
from transforms.events.generic import (
    aggregate,
    fiction,
    frequentative,
    habitual,
    idiom,
    modifier_participle,
    threat_object,
)
from transforms.events.lexicon import Entry, lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.parties import (
    PARTY_LABELS,
    PLACE_LABELS,
    QUANTITY_WORDS,
    _group_phrase,
    _location_of,
    _name_words,
    _owner,
    _parties,
)
from transforms.events.performative import performative


@dataclass
class _Found:
    trigger: Token
    entry: Entry
    actor: Party | None
    target: Party | None
    location: Party | None
    anchor: Token | None
    date_heads: list[Token | None]
    nominal_free: bool
    governed: bool = True
    passive: bool = False
    detached: bool = False
    actor_tok: Token | None = None  # the token the actor was read from (its number is a crowd size)


def _verb_key(verb: Token, verbs: dict[str, Entry]) -> tuple[str, Entry] | None:
    """The longest lexicon key the verb and its particle, object or preposition make, or None."""
    return next(iter(_verb_keys(verb, verbs)), None)


# The first words of a verb table's keys, by the table's id (the table is kept with them, so
# the id stays its own): see :func:`_verb_keys`.
_FIRST_WORDS: dict[int, tuple[dict[str, Entry], int, frozenset[str]]] = {}


def _first_words(verbs: dict[str, Entry]) -> frozenset[str]:
    """Returns the first word of every key of ``verbs`` (computed once per table)."""
    hit = _FIRST_WORDS.get(id(verbs))
    if hit is None or hit[0] is not verbs or hit[1] != len(verbs):
        hit = _FIRST_WORDS[id(verbs)] = (verbs, len(verbs), frozenset(k.split(" ", 1)[0] for k in verbs))
    return hit[2]


def _verb_keys(verb: Token, verbs: dict[str, Entry]) -> list[tuple[str, Entry]]:
    """Every lexicon key the verb fits, longest first ("withdraw from", then "withdraw")."""
    lemma = verb.lemma_.lower()
    # Every key built below is the lemma, or the lemma, a space and more: its first word is the
    # lemma's. Most verbs begin no key at all, and their children need not be read (a fifth of
    # the event extractor's time went to building keys of verbs no entry has).
    if lemma.split(" ", 1)[0] not in _first_words(verbs):
        return []
    keys: list[str] = []
    up_to = up_to_object(verb) is not None  # "kidnapped up to 16 people": "up" is no particle
    prts = [c.lower_ for c in verb.children if c.dep_ == "prt" and not (up_to and c.lower_ == "up")]
    for c in verb.children:
        if c.dep_ == "prt" and c.lower_ in prts:
            keys.append(f"{lemma} {c.lower_}")
        if c.dep_ in ("dobj", "acomp", "oprd", "advmod") and c.i > verb.i:
            keys.append(f"{lemma} {c.lower_}")  # "open fire", "shot dead"
        adj = next((a for a in c.lefts if a.i == verb.i + 1), None) if c.dep_ == "dobj" else None
        if adj is not None and adj.dep_ == "amod":
            keys.append(f"{lemma} {adj.lower_}")  # "shot dead 4 miners", parsed as dead miners
        if c.dep_ == "prep":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            keys.extend(f"{lemma} {c.lower_} {o.lemma_.lower()}" for o in objs)
            keys.extend(f"{lemma} {c.lower_} {o.lower_}" for o in objs)
            if c.i > verb.i and any(o.ent_type_ not in ("DATE", "TIME") for o in objs):
                # "called X on Friday", "On Twitter, X called Y…" are no "call on"
                keys.append(f"{lemma} {c.lower_}")
                keys.extend(f"{lemma} {p} {c.lower_}" for p in prts)  # "sat down with X"
    if _for_clauses(verb):
        keys.append(f"{lemma} for")  # "called for X to resign", parsed as a clause, not a phrase
    keys.sort(key=lambda k: -k.count(" "))
    out: list[tuple[str, Entry]] = []
    for k in dict.fromkeys([*keys, lemma]):
        if prts and not any(f" {p}" in f" {k} " for p in prts):
            continue  # a particle changes the verb: "back down" is no backing
        if k in verbs:
            out.append((k, verbs[k]))
    return out


def _for_clauses(verb: Token) -> list[Token]:
    """The infinitive clauses the verb takes with "for" ("called for X to resign"): the small
    model parses them as an adverbial clause with "for" as its mark."""
    return [
        x
        for x in verb.children
        if x.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "for" for c in x.children)
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in x.children)
    ]


def _fits(verb: Token, entry: Entry, has_dobj: bool, passive: bool) -> bool:
    """Whether the verb's complements are those the entry asks for: a complement of a listed kind,
    an object of a noun class, a person or group as the patient, a required preposition."""
    lex = lexicon()
    kids = list(verb.children)
    if entry.complement is not None:
        kinds = {c.dep_ for c in kids} - {"prep"}  # only the entry's prepositions count
        if "ccomp" in kinds and any(
            c.dep_ == "ccomp" and c.tag_ == "VB" and any(a.lower_ == "to" for a in c.children) for c in kids
        ):
            kinds.add("xcomp")  # "asked X to leave", parsed as a clause of its own
        preps = set(entry.preps or ())
        if any(c.dep_ == "prep" and c.lower_ in preps for c in kids):
            kinds.add("prep")
        if not kinds & entry.complement:
            return False
    obj = next((c for c in kids if c.dep_ == ("nsubjpass" if passive else "dobj")), None)
    if obj is None and not passive:
        obj = _clause_object(verb) or up_to_object(verb)
    if obj is not None:
        obj = counted_noun(_content_noun(obj))  # "700 kg of medicine", "holding hundreds of migrants"
    if entry.dobj_nouns is not None:
        cls = lex.noun_classes[entry.dobj_nouns]
        named = entry.named_object and obj is not None and obj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
        if obj is None or (not _in_class(obj, cls) and not named):
            return False
    if entry.patient is not None:
        cls = lex.noun_classes[entry.patient]
        if obj is None or not any(
            o.ent_type_ in ("PERSON", "NORP")
            or (passive and o.pos_ == "PRON" and o.lower_ in lex.person_pronouns)  # "he was released"
            or o.like_num
            or any(c.dep_ == "nummod" for c in o.children)
            or _in_class(o, cls)
            or o.lower_ in lex.all_groups
            for o in (obj, *_name_conjuncts(obj))
        ):
            return False
    if entry.needs_prep is not None and not _prep_objects(verb, entry.needs_prep):
        return False
    if entry.event_complement and entry.body_labels is None and not _event_complement(verb, entry):
        return False
    if entry.own_clause and not any(c.dep_ in ("dobj", "dative", "xcomp") for c in kids):
        # "X warned it would retaliate" is a threat; "X warned that prices would rise" a forecast
        clauses = [c for c in kids if c.dep_ == "ccomp"]
        subj = next((s for c in clauses for s in c.children if s.dep_ == "nsubj"), None)
        own = subj is not None and subj.pos_ == "PRON" and subj.lower_ not in _NOT_OWN
        if (clauses and not own) or (subj is not None and subj.lower_ == "it" and not _sayer_like(verb)):
            return False
    if entry.own_clause and entry.event_type == "THREATEN" and not threat_object(verb, entry.preps or ()):
        return False
    return not any(c.dep_ in ("dobj", "nsubj", "nsubjpass") and c.lemma_.lower() in lex.private for c in kids)


def _clause_object(verb: Token) -> Token | None:
    """The object of "allowed X to take part" when the small model parses X as the subject of the
    infinitive clause; None otherwise."""
    for c in verb.children:
        if (
            c.dep_ == "ccomp"
            and c.tag_ == "VB"
            and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        ):
            return next((s for s in c.children if s.dep_ == "nsubj"), None)
    return None


def _content_noun(obj: Token) -> Token:
    """The noun a measure, part or body stands for ("700 kg of medicine", "scores of refugees",
    "part of the program", "a mission of observers"): the object of its "of" phrase; else the object."""
    low = obj.lower_
    measure = (
        low in QUANTIFIERS
        or low in QUANTITY_WORDS
        or low in lexicon().collective_nouns
        or any(c.dep_ == "nummod" for c in obj.children)
    )
    if not measure or obj.ent_type_ in PARTY_LABELS:
        return obj
    of = next((c for c in obj.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    inner = next((o for o in of.children if o.dep_ == "pobj"), None) if of is not None else None
    return inner if inner is not None else obj


def _in_class(noun: Token, cls: frozenset[str]) -> bool:
    """Whether the noun, or the event noun compounded with a frame noun ("mediation efforts"), is
    of the class."""
    words = [noun, *_name_conjuncts(noun), *_frame_compounds(noun)]
    return any(w.lemma_.lower() in cls or w.lower_ in cls for w in words)


def _name_conjuncts(noun: Token) -> list[Token]:
    """The conjuncts of a name ("Sierra Leonean and Liberian refugees" split after the name); a
    common noun keeps its own class, its conjuncts are often misparsed clauses."""
    return list(noun.conjuncts) if noun.pos_ == "PROPN" else []


def _frame_compounds(noun: Token) -> list[Token]:
    """The nouns compounded with a frame noun that names an undertaking ("a mediation mission", "aid
    efforts"): the undertaking is the compound's event."""
    if noun.lemma_.lower() not in lexicon().frame_nouns:
        return []
    return [c for c in noun.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]


def _conflictual_complement(verb: Token) -> bool:
    """Whether the infinitive a verb of commitment governs is a conflictual event ("vowed to ban")."""
    lex = lexicon()
    for c in verb.children:
        hit = _fitting_key(c) if c.dep_ == "xcomp" else None
        if hit is not None and hit.event_type in lex.intent_threaten:
            return True
    return False


# Pronouns that speak of no one in particular: "X warned that nobody can win without Y" is a forecast.
_NOT_OWN = frozenset(
    {
        "there",
        "nobody",
        "no one",
        "anyone",
        "anybody",
        "everyone",
        "everybody",
        "someone",
        "somebody",
        "none",
        "nothing",
        "one",
    }
)


def _sayer_like(verb: Token) -> bool:
    """Whether the verb's subject is a body that speaks of itself as "it" (a country, an
    organisation), so "X warned it would…" is X's own deed."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subj is not None and subj.ent_type_ in ("GPE", "ORG", "NORP")


# Speech acts: refusing or promising one is the act negated or planned, not a REJECT or AGREE.
_WORDS_ONLY = frozenset({"ACCUSE", "SUPPORT"})


def _event_complement(verb: Token, entry: Entry) -> bool:
    """Whether what the verb commits to or refuses is itself an event: an infinitive whose verb the
    lexicon knows ("refused to meet", "agreed to withdraw"), an event noun or a sum of money as the
    object or the prepositional object ("offered aid", "agreed to a ceasefire", "pledged $5 million")."""
    lex = lexicon()
    for c in verb.children:
        hit = _verb_key(c, lex.verbs) if c.dep_ in ("xcomp", "ccomp") else None
        if hit is not None and hit[1].event_type in _WORDS_ONLY:
            continue  # "declined to criticize X" is a criticism not made, no rejection of anything
        if c.dep_ in ("xcomp", "ccomp") and (
            _fitting_key(c) is not None
            or any(g.dep_ == "dobj" and _noun_entry(_content_noun(g)) is not None for g in c.children)
            or any(_noun_entry(o) is not None for o in _prep_objects(c, ("to", "on", "in")))
        ):
            return True
        objs = [c] if c.dep_ == "dobj" else []
        if c.dep_ == "prep" and c.lower_ in (entry.preps or ()):
            objs = [o for o in c.children if o.dep_ == "pobj"]
        if any(
            _noun_entry(o) is not None or o.ent_type_ == "MONEY" or _in_class(o, lex.offerable) for o in objs
        ):
            return True  # "offered aid", "pledged $5 million", "offered its troops to X"
    return False


def _fitting_key(verb: Token) -> Entry | None:
    """The first lexicon entry of the verb that fits its complements ("refused to admit refugees",
    not "refused to admit any fault"), or None."""
    passive = _is_passive(verb)
    has_dobj = any(c.dep_ == "dobj" for c in verb.children)
    return next((e for _, e in _verb_keys(verb, lexicon().verbs) if _fits(verb, e, has_dobj, passive)), None)


def _violent(trigger: Token, actor: Party | None, target: Party | None) -> bool:
    """Whether a physical entry ("attack", "clash", "fight") reports violence: a place is
    attacked, a party is armed or civilian ("troops", "militants", "villagers"), or the sentence
    speaks of weapons or casualties and no named person is the target (that is a verbal attack)."""
    lex = lexicon()
    if (
        target is not None
        and target.label in PLACE_LABELS
        and not (actor is not None and actor.label == "PERSON")
    ):
        return True  # a place attacked; a person "capturing" states is an election
    for p in (actor, target):
        if p is not None and p.kind == "group" and set(p.text.lower().split()) & lex.violence:
            return True
    if target is not None and target.label == "PERSON":
        return False
    if any(
        o.ent_type_ in ("GPE", "LOC", "FAC")
        for c in trigger.children
        if c.dep_ == "prep" and c.lower_ in ("in", "on", "around", "near", "across")
        for o in c.children
        if o.dep_ == "pobj"
    ):
        return True  # "blockades in the West Bank", "the attacks in Paris"
    if actor is not None and actor.label == "PERSON" and target is None:
        return False
    return any(t.lemma_.lower() in lex.violence for t in trigger.sent if t.i != trigger.i)


def _violent_cause(verb: Token) -> bool:
    """Whether a prepositional phrase of the verb names violence ("died of torture", "died as a
    result of an attack", "died in a bombing"), not an illness or an accident."""
    cues = lexicon().violence
    frontier = [c for c in verb.children if c.dep_ == "prep"]
    for _ in range(3):
        nxt: list[Token] = []
        for prep in frontier:
            for o in prep.children:
                if o.dep_ == "pobj":
                    if o.lemma_.lower() in cues or o.lower_ in cues:
                        return True
                    nxt += [c for c in o.children if c.dep_ == "prep"]
        frontier = nxt
    return False


def _verbal(verb: Token, ms: _Mentions) -> _Found | None:
    """Returns the event a lexicon verb reports, with its parties, or None when the verb is no
    trigger here (its complements do not fit, it states a habit or describes a noun…)."""
    hits = _verb_keys(verb, lexicon().verbs)
    from transforms.events.statements import speech_act  # it builds on this module

    if not hits:
        return speech_act(verb, ms, False)
    for key, entry in hits:
        # a longer key that does not fit leaves the verb's other readings ("withdraw troops from")
        found = _verbal_entry(verb, ms, key, entry, 0)
        if found is not None:
            return found
    return speech_act(verb, ms, True)  # "declined to provide a list": no entry fits, the refusal stands


def _verbal_entry(verb: Token, ms: _Mentions, key: str, entry: Entry, depth: int) -> _Found | None:
    lex = lexicon()
    passive = _is_passive(verb)
    clause_obj = None if passive else _clause_object(verb)
    has_dobj = any(c.dep_ == "dobj" for c in verb.children) or clause_obj is not None
    if (
        (habitual(verb) and not performative(verb, entry.event_type))
        or fiction(verb)
        or aggregate(verb, entry.event_type)
    ):
        return None
    if frequentative(verb) or idiom(verb):
        return None
    if modifier_participle(verb) and entry.event_type not in lex.casualty_types:
        return None  # "the PAC backing X" describes it; "a gunman killing five" is what happened
    if not _fits(verb, entry, has_dobj, passive):
        return None
    if entry.event_type == "AGREE" and entry.event_complement and _conflictual_complement(verb):
        entry = replace(entry, event_type="THREATEN", cameo="130")  # "pledged to ban X" is a threat
    if passive and not entry.passive:
        return None
    if entry.needs_dobj and not (has_dobj or passive):
        return None
    if entry.no_dobj and has_dobj:
        return None
    if entry.no_clause and any(c.dep_ == "ccomp" for c in verb.children):
        return None
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() == "be":
        return None  # "X is to blame": X is blamed, not blaming
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not any(c.dep_ == "nsubj" for c in verb.children):
        # "people accused of fraud": a passive participle, its noun is the target
        passive = True
        if not entry.passive:
            return None
    actor = _parties(_agent(verb) if passive else _subject(verb), ms)
    if entry.body_labels is not None and not _event_complement(verb, entry):
        # "the two states agreed to set up a center": a body's commitment to any undertaking
        # or "X and Y agreed to divide the states": parties agreeing with each other
        body = (
            actor is not None
            and actor.kind == "entity"
            and (actor.label in entry.body_labels or len(actor.parts) > 1)
        )
        preps = entry.preps or ()
        if not body or not any(
            c.dep_ == "xcomp" or (c.dep_ == "prep" and c.lower_ in preps) for c in verb.children
        ):
            return None
    if actor is None and _attempted(verb) and entry.event_type in lex.casualty_types:
        passive = True  # "an attempt to assassinate X": the doer is unnamed, as in a passive
    if entry.subject_target:
        # "a prisoner died of torture": the subject undergoes the event, its doer is unnamed
        subj = _subject(verb)
        victim = _parties(subj, ms) if subj is not None else None
        if victim is None and subj is not None and subj.pos_ == "NOUN":
            victim = _group_phrase(subj)
        if victim is None or not _violent_cause(verb):
            return None
        return _Found(verb, entry, None, victim, None, verb, [verb], False, passive=True, actor_tok=None)
    # an object pronoun is not its own clause's subject ("X accused her": her is not X)
    exclude = _name_words(actor.text) if actor is not None else frozenset()
    target_toks: list[Token] = []
    parts = key.split(" ")
    # a key that ends in the verb's preposition ("go after", "sit down with"): its object is the target
    prep_key = len(parts) > 1 and any(c.dep_ == "prep" and c.lower_ == parts[-1] for c in verb.children)
    if not entry.theme_obj and not prep_key:
        if passive:
            ps = _passive_subject(verb)
            if ps is not None:
                target_toks.append(_content_noun(ps))  # "one third of the guerrillas were disarmed"
        target_toks += [c for c in verb.children if c.dep_ in ("dobj", "dative")]
        target_toks += [clause_obj] if clause_obj is not None else []
        target_toks += [o for o in [up_to_object(verb)] if o is not None]
    preps = entry.preps or ((parts[-1],) if prep_key else tuple(lex.target_preps))
    target_toks += _prep_objects(verb, preps)
    if parts[-1] == "for":
        # "called for X to resign": X is asked
        target_toks += [c for x in _for_clauses(verb) for c in x.children if c.dep_ in ("nsubj", "nsubjpass")]
    if entry.theme_obj:
        # "gave X a grant": the dative receives what is given
        target_toks += _recipients(verb)
        # "cancelled a visit to X", "accepted demands from X": the party hangs on what is moved
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            target_toks += _prep_objects(obj, (*preps, "from"))
    target = None
    for t in target_toks:
        target = _parties(t, ms, exclude)
        if target is None and entry.event_type in lex.owner_target and t.pos_ == "NOUN":
            target = _owner(t, ms)
        if target is not None:
            break
    if target is None and entry.event_type not in lex.fallback.get("no_embedded", ()):
        # "refused to meet X", "threatened to bomb Y": the other side is the embedded event's
        deps = ("xcomp", "ccomp") if entry.event_complement else ("xcomp",)
        for x in (c for c in verb.children if c.dep_ in deps):
            for t in [c for c in x.children if c.dep_ in ("dobj", "dative")] + _prep_objects(
                x, lex.target_preps
            ):
                target = target or _parties(t, ms, exclude)
    if target is None and entry.event_type in lex.casualty_types and target_toks:
        # "three servicemen were killed", "killed 46 civilians": the counted victims are the target
        t = target_toks[0]
        if t.pos_ == "NOUN" and any(c.dep_ == "nummod" for c in t.children):
            target = _group_phrase(t)
    if (entry.actor_group is not None and not _group_ok(actor, entry.actor_group)) or (
        entry.physical and not _violent(verb, actor, target)
    ):
        if entry.alt is None or depth > 0:
            return None
        return _verbal_entry(verb, ms, entry.alt, lex.verbs[entry.alt], depth + 1)
    if target is None and has_dobj and entry.event_type in lex.two_party:
        return None  # "meet the bar", "met his wife": the object is no political party
    # "met with X in Rome": the place phrase often hangs on a party
    location = _location_of([verb, _subject(verb), *target_toks[:1]], ms, [actor, target])
    actor_tok = _agent(verb) if passive else _subject(verb)
    return _Found(
        verb, entry, actor, target, location, verb, [verb], False, passive=passive, actor_tok=actor_tok
    )


def _recipients(verb: Token) -> list[Token]:
    """The verb's datives: "gave X a grant", and "gave a grant to X" when "to" is parsed as one."""
    out: list[Token] = []
    for c in verb.children:
        if c.dep_ == "dative":
            out += [o for o in c.children if o.dep_ == "pobj"] if c.pos_ == "ADP" else [c]
    return out


def _attempted(verb: Token) -> bool:
    """Whether the verb is the infinitive of an attempt or plot noun ("an attempt to kill X")."""
    head = verb.head
    return (
        verb.dep_ == "acl"
        and verb.tag_ == "VB"
        and head.pos_ == "NOUN"
        and head.lemma_.lower() in lexicon().attempt_nouns
        and not any(c.dep_ == "poss" for c in head.children)
    )


def _group_ok(actor: Party | None, group: str) -> bool:
    """Whether the actor is a group of the wanted kind, or a people (NORP) acting together."""
    if actor is None:
        return False
    if actor.kind == "entity":
        return actor.label == "NORP"
    words = set(actor.text.lower().split())
    return bool(words & lexicon().groups.get(group, frozenset()))


def _noun_entry(noun: Token) -> Entry | None:
    """The lexicon entry of an event noun; a two-word name first ("hunger strike", "car bomb")."""
    nouns = lexicon().nouns
    for c in _frame_compounds(noun):
        e = nouns.get(c.lower_) or nouns.get(c.lemma_.lower())
        if e is not None:
            return e  # "a mediation effort", "the aid mission"
    for c in noun.lefts:
        if c.dep_ in ("compound", "amod") and c.i == noun.i - 1:
            e = nouns.get(f"{c.lower_} {noun.lower_}") or nouns.get(f"{c.lower_} {noun.lemma_.lower()}")
            if e is not None:
                return e
    return nouns.get(noun.lower_) or nouns.get(noun.lemma_.lower())
