"""Mentions whose setting in the sentence says they report no event of their own, decided from the
parse with the words of ``lexicons/event_scope.toml``:

- a refusal's complement ("refused to sign the deal"): the refusal (REJECT) is the event, the
  cooperation it refuses is no negated event beside it;
- a pledge of conflict ("promised to reject bad deals"): the pledge is no offer to cooperate
  (AGREE), the planned conflict in its complement is the event;
- a relative clause that describes a group by its loyalty ("delegates who backed X") or a thing by
  what parties could do about it ("issues both parties can agree on");
- an open other side ("meeting with any group that would have him"): a habit;
- a clause quoted as a title ("X should be deported, a headline reads");
- an event noun that a compound makes a thing of another kind ("a press release");
- help given to one's own side ("lent his campaign $1 million").
"""

from __future__ import annotations

from functools import cache
from typing import Any

from spacy.tokens import Token

from transforms.events.lexicon import lexicon
from transforms.lexicons import load

_OWN = frozenset({"his", "her", "its", "their", "our", "my", "your"})


@cache
def _lex() -> dict[str, Any]:
    return load("event_scope")


@cache
def words(key: str) -> frozenset[str]:
    """The words of the ``[words]`` list ``key``."""
    return frozenset(str(w) for w in _lex()["words"][key])


def open_other_side(target_text: str | None) -> bool:
    """Whether the target is an open, indefinite side ("any and every group"): a habit."""
    if not target_text:
        return False
    first = target_text.split(" ", 1)[0].lower()
    return first in frozenset(_lex()["open_determiners"])


def thing_compound(noun: Token) -> bool:
    """Whether a compound modifier makes the event noun a thing of another kind ("press release")."""
    mods = _lex()["thing_compounds"].get(noun.lower_)
    return bool(mods) and any(c.dep_ == "compound" and c.lower_ in mods for c in noun.children)


def refused(trig: Token, event_type: str) -> bool:
    """Whether the trigger is the cooperation a refusal verb's complement does: "refused to meet X",
    "declined to sign the agreement" (the noun an infinitive under the refusal acts on). A refused
    conflict or yielding stays a denied event ("declined to criticize X", "refused to resign")."""
    if event_type not in words("refused_types"):
        return False  # "refused to make concessions", "refused to resign": a denied yielding
    from transforms.events.triggers import _verb_key

    cur = trig
    for _ in range(3):
        if cur.dep_ == "xcomp" and cur.head.lemma_.lower() in words("refusal_verbs"):
            return True
        if cur.dep_ not in ("xcomp", "dobj") or cur.head.i == cur.i:
            return False
        cur = cur.head
        hit = _verb_key(cur, lexicon().verbs)
        if hit is not None and hit[1].event_type in words("conflict_types"):
            return False  # "refuses to disavow X's endorsement": the endorsement was given
    return False


def conflict_pledge(trig: Token, event_type: str) -> bool:
    """Whether an AGREE pledge verb's complement is an act of conflict ("promised to reject X",
    "vowed to ban Y"): the pledge offers no cooperation."""
    from transforms.events.triggers import _verb_key  # the verb lexicon's own key rules

    if event_type != "AGREE" or trig.lemma_.lower() not in words("pledge_verbs"):
        return False
    from transforms.events.triggers import _noun_entry

    verbs, conflict = lexicon().verbs, words("conflict_types")
    for comp in (c for c in trig.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")):
        for verb in (comp, *comp.conjuncts):
            hit = _verb_key(verb, verbs)
            if hit is not None and hit[1].event_type in conflict:
                return True
            # "promised to impose sanctions on X": the event is the support verb's object
            for obj in (c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"):
                entry = _noun_entry(obj)
                if entry is not None and entry.event_type in conflict:
                    return True
    return False


def pledged_conflict(trig: Token, event_type: str) -> Token | None:
    """The pledge verb whose complement is this conflictual trigger ("vowed to ban X"), or None."""
    if event_type not in words("conflict_types"):
        return None
    verb = trig.head if trig.dep_ == "xcomp" else None
    if verb is None and trig.dep_ == "conj" and trig.head.dep_ == "xcomp":
        verb = trig.head.head  # "vowed to fight X and ban Y"
    from transforms.events.triggers import _conflictual_complement, _verb_key

    if verb is None or verb.lemma_.lower() not in words("pledge_verbs"):
        return None
    # a pledge verb of the lexicon is itself coded: a threat when its infinitive is violent
    coded = _verb_key(verb, lexicon().verbs) is not None
    if coded and (_conflictual_complement(verb) or not conflict_pledge(verb, "AGREE")):
        return None
    return verb


def describing_clause(trig: Token, event_type: str) -> bool:
    """Whether a relative clause describes its noun rather than reporting an act: a group by its
    loyalty ("delegates who backed X": a plural common noun, a stance verb) or a thing by what
    parties could do ("issues that both parties can agree on")."""
    if trig.pos_ != "VERB" or trig.dep_ != "relcl":
        return False
    noun = trig.head
    if noun.ent_type_ or noun.pos_ != "NOUN":
        return False
    subj_rel = any(c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WP", "WDT") for c in trig.children)
    # "X and Y, fund managers who are backing Z": named people, no group described
    named = noun.dep_ == "appos" or any(c.dep_ == "appos" for c in noun.children)
    stance = event_type in words("loyalty_types") and trig.lemma_.lower() in words("loyalty_verbs")
    if stance and noun.tag_ == "NNS" and subj_rel and not named:
        return not any(c.ent_type_ in ("DATE", "TIME") for c in trig.subtree)  # a time makes it an act
    capable = any(c.dep_ == "aux" and c.lower_ in words("capability_modals") for c in trig.children)
    return capable and not subj_rel and noun.lower_ not in lexicon().all_groups


def title_clause(trig: Token) -> bool:
    """Whether the trigger's clause is what a title says: the complement of a verb whose subject is
    a headline, a caption, a slogan ("X should be deported, a headline reads")."""
    titles = words("title_nouns")

    def says(verb: Token) -> bool:
        return any(c.dep_ == "nsubj" and c.lower_ in titles for c in verb.children)

    cur = trig
    for _ in range(6):
        # "X should be deported, a headline reads": the parser may hang "reads" on the clause
        if any(c.dep_ in ("conj", "parataxis") and c.i > trig.i and says(c) for c in cur.children):
            return True
        if cur.head.i == cur.i:
            return False
        if cur.dep_ in ("ccomp", "parataxis") and says(cur.head):
            return True
        cur = cur.head
    return False


def own_side(event_type: str, target_text: str | None) -> bool:
    """Whether aid goes to the doer's own side ("lent his campaign $1 million"): no aid between
    parties, the actor is the target."""
    if event_type != "AID" or not target_text:
        return False
    toks = target_text.lower().split()
    return len(toks) >= 2 and toks[0] in _OWN and toks[-1] in words("own_side_nouns")


def maker(noun: Token) -> Token | None:
    """The maker of a thing that carries words, when a relative clause on it speaks: "X launched
    an ad that attacked Y" (the ad's attack is X's). Returns X's token, or None."""
    if noun.lower_ not in words("product_nouns"):
        return None
    cur = noun
    while cur.dep_ == "conj" and cur.head.i != cur.i:
        cur = cur.head
    if cur.dep_ != "dobj":
        return None
    return next((c for c in cur.head.children if c.dep_ == "nsubj" and c.pos_ != "PRON"), None)


def generic_ability(trig: Token) -> bool:
    """Whether a verb states what a kind of party can do: a bare plural subject and a modal of
    capability ("campaigns cannot investigate every donation"), no act of anyone."""
    if trig.pos_ != "VERB" or not any(
        c.dep_ == "aux" and c.lower_ in (*words("capability_modals"), "ca") for c in trig.children
    ):
        return False
    subj = next((c for c in trig.children if c.dep_ == "nsubj"), None)
    return (
        subj is not None
        and subj.tag_ == "NNS"
        and not subj.ent_type_
        and not any(c.dep_ in ("det", "poss", "nummod", "compound") for c in subj.children)
    )


def helping(trig: Token, event_type: str, target_text: str | None) -> bool:
    """Whether a verb of helping helps a thing, no party: an object and no recipient ("a split on
    the court aids challenges to the law")."""
    return (
        event_type == "AID"
        and trig.pos_ == "VERB"
        and target_text is None
        and trig.lemma_.lower() in words("help_verbs")
        and any(c.dep_ == "dobj" for c in trig.children)
    )


def pattern_noun(noun: Token) -> bool:
    """Whether an event noun owned by its doer is the object of a verb of degree ("tone down his
    attacks on X", "stepped up their criticism"): a run of acts, no one event."""
    head = noun.head
    dated = any(t.ent_type_ in ("DATE", "TIME") for c in head.children if c is not noun for t in c.subtree)
    return (
        noun.pos_ == "NOUN"
        and noun.dep_ == "dobj"
        and head.lemma_.lower() in words("degree_verbs")
        and any(c.dep_ == "poss" for c in noun.children)
        and not dated  # "escalated her criticism on Tuesday": one act, on a day
    )


def material_support(noun: Token) -> bool:
    """Whether an event noun of support is material ("financial backing", "military support"): AID."""
    return noun.pos_ == "NOUN" and any(
        c.dep_ in ("amod", "compound") and c.lower_ in words("material_modifiers") for c in noun.children
    )


def wished_or_open(verb: Token) -> bool:
    """Whether a "that" clause is wished or left open by an adjective over it: of need ("see it as
    crucial that X make concessions") or of doubt ("it is unclear that…", "it is not clear that…")."""
    if verb.dep_ != "ccomp" or not any(
        c.dep_ == "mark" and c.lower_ in ("that", "whether") for c in verb.children
    ):
        return False
    head = verb.head
    adjs = [c for c in head.children if c.dep_ in ("acomp", "oprd", "attr") and c.pos_ == "ADJ"]
    adjs += [a for p in head.children if p.dep_ == "prep" for a in p.children if a.pos_ == "ADJ"]
    negated = any(c.dep_ == "neg" for c in head.children)
    return any(
        a.lower_ in words("need_adjectives")
        or a.lower_ in words("doubt_adjectives")
        or (negated and a.lower_ in words("certainty_adjectives"))
        for a in adjs
    )


def habitual_would(chain: list[Token]) -> bool:
    """Whether a "would" of the chain tells a past habit: a frequency adverb or "at times" on its
    verb ("at times X would meet Y", "X would often call Y")."""
    for t in chain[:3]:
        if not any(c.dep_ == "aux" and c.lower_ == "would" for c in t.children):
            continue
        for c in t.children:
            if c.dep_ == "advmod" and c.lower_ in words("frequency_adverbs"):
                return True
            if c.dep_ == "prep" and c.lower_ == "at" and any(o.lower_ == "times" for o in c.children):
                return True
    return False


def nonspecific(
    target_text: str | None, target_start: int, modality: str, event_type: str, trig: Token
) -> bool:
    """Whether the target is an indefinite the event does not single out: under a negation or a
    condition ("has not endorsed a candidate") or what a request asks for, the object of its "for"
    ("called for a special prosecutor"): no party."""
    asked_for = event_type == "REQUEST" and any(
        o.dep_ == "pobj" and o.left_edge.idx == target_start
        for p in trig.children
        if p.dep_ == "prep" and p.lower_ == "for"
        for o in p.children
    )
    if not target_text or not (modality in ("negated", "hypothetical") or asked_for):
        return False
    words_ = target_text.split()
    return len(words_) > 1 and words_[0].lower() in ("a", "an", "any") and words_[-1][:1].islower()
