"""Modality of an event mention (negated, hypothetical, planned, reported, asserted) from the
cues of its clause, and the quoted stretches of an article."""

from __future__ import annotations

import re
from typing import NamedTuple

from spacy.tokens import Span, Token

from transforms.events.clauses import _np_position, conj_head
from transforms.events.lexicon import lexicon
from transforms.events.modal_frames import evaluated_would, performative, wisher
from transforms.events.scope import habitual_would, wished_or_open, words

_QUOTE_MARKS = re.compile(r"''|[\"“”]|\n\s*\n")


def _quote_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans inside quotation marks. A curly quote's direction is trusted (“ opens,
    ” closes) so one stray mark does not flip the rest of the article; a quote still open at a
    paragraph break ends there (a quote running over paragraphs reopens with a new mark)."""
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _QUOTE_MARKS.finditer(text):
        mark, i = m.group(), m.start()
        if mark.startswith("\n"):
            if open_at is not None:
                out.append((open_at, i))
            open_at = None
        elif mark == "“" or (mark in ('"', "''") and open_at is None):
            open_at = i + len(mark)
        elif open_at is not None:  # ” or a closing "
            out.append((open_at, i))
            open_at = None
    if open_at is not None:
        out.append((open_at, len(text)))
    return out


def _modality(
    trigger: Token,
    anchor: Token | None,
    in_quote: bool,
    nominal_free: bool,
    governed: bool = True,
    detached: bool = False,
) -> str:
    """Returns negated, hypothetical, planned, reported or asserted for a trigger.

    ``anchor`` is the verb that carries the event (the trigger itself, or the support verb of a
    nominal trigger); ``nominal_free`` says the trigger is a noun governed by a non-support verb,
    whose own meaning ("called for sanctions") then sets the modality. ``governed`` is false when
    the anchor's own meaning says nothing of the event: a nominal trigger that is the anchor's
    subject ("the meeting failed to…") or that a presupposing phrase hangs on the clause
    ("given the criticism of X, …"); then only the anchor's auxiliaries, or nothing, count.
    ``detached`` says the same of a noun under another noun or the object of an unrelated verb.
    """
    chain = _chain(trigger, anchor, detached)
    negated, planned, hypothetical, neg_at, hyp_at = _cues(chain, trigger, anchor, nominal_free, governed)
    framed_by = trigger.head.head if trigger.dep_ == "pobj" and trigger.head.lower_ == "of" else None
    if (
        directed(anchor or trigger)
        # (not a noun its subject: "it is unclear whether his criticism had any effect")
        or (
            trigger.dep_ not in ("nsubj", "nsubjpass")
            and any(wished_or_open(t) for t in {*chain, anchor or trigger})
        )
        # "the idea of a meeting", "the threat of sanctions": the noun over it frames it as open
        or (framed_by is not None and framed_by.lemma_.lower() in lexicon().modality["hypothetical_nouns"])
    ):
        # "requested that X be released", "it is crucial that X make concessions": wished, not done
        hypothetical, hyp_at = True, len(chain)
    elif hypothetical and habitual_would(chain):
        hypothetical = False  # "at times X would meet Y": a past habit, the meetings took place
    elif hypothetical and evaluated_would(chain):
        hypothetical = False  # "it is strange that X would denounce Y": it was done
    performed = planned and performative(chain)
    if performed:
        planned = False  # "I have decided to endorse X": the statement is the endorsement
    # an event noun the clause presupposes ("soon after the murder of X, Y claimed…") is the
    # writer's background, not the speaker's claim
    reported = not (_presupposed(trigger, anchor) or (detached and anchor is not trigger)) and _reported(
        chain, anchor
    )
    reported = reported or _hedged_noun(trigger)
    if (
        hypothetical
        and reported
        and any(a.lower_ == "would" for t in chain for a in t.children if a.dep_ == "aux")
        # "said he would have vetoed it": a counterfactual, no plan
        and not any(a.lower_ in ("have", "'ve") for t in chain for a in t.children if a.dep_ == "aux")
        # "did not know whether X would endorse Y" stays open
        and not any(
            m.dep_ == "mark" and m.lower_ in lexicon().modality["hypothetical_marks"]
            for t in chain
            for m in t.children
        )
    ):
        # "said he would meet X": future in the past, a plan rather than a condition
        hypothetical, planned = False, True
    if planned and _predicted(chain, anchor):
        planned, reported = False, True  # "analysts predict X will back Y": their forecast, no plan of X
    if in_quote:
        reported = True
    if performed:
        reported = False  # "“I have decided to endorse X,” Y wrote": written, it is done
    if negated and hyp_at > neg_at:
        return "hypothetical"  # "urged X to avoid condemning Y": the wish is outermost
    if negated and any(
        a.dep_ == "aux" and a.lower_ in lexicon().modality["deontic_aux"]
        for t in chain[:2]
        for a in t.children
    ):
        return "hypothetical"  # "X should not endorse Y": advice, neither done nor refused
    if negated:
        return "negated"
    if hypothetical:
        return "hypothetical"
    if planned:
        return "planned"
    if reported:
        return "reported"
    return "asserted"


def directed(verb: Token) -> bool:
    """Whether the verb's clause is what a directive asks for: a "that" clause under a verb of
    request ("demanded that X resign", "requested that Y be released"), a gerund under a verb's
    "for" of asking ("called for banning X")."""
    if (
        verb.dep_ == "pcomp"
        and verb.head.lower_ == "for"
        and verb.head.head.lemma_.lower() in words("wish_for_verbs")
        # "called X out for backing down": blame for a deed, no wish
        and not any(c.dep_ in ("dobj", "prt") for c in verb.head.head.children)
    ):
        return True
    return (
        verb.dep_ == "ccomp"
        and verb.head.lemma_.lower() in words("directive_verbs")
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)
    )


def _chain(trigger: Token, anchor: Token | None, detached: bool) -> list[Token]:
    """Returns the trigger and the words that govern it, innermost first: the anchor verb (unless
    a presupposing phrase or ``detached`` cuts it off) and the open clauses above ("failed to
    impose", "is set to hold"), up to a noun that frames the event ("no plans to meet")."""
    mod = lexicon().modality
    chain: list[Token] = [trigger]
    cur = anchor or trigger
    if anchor is not None and anchor is not trigger:
        if _presupposed(trigger, anchor) or detached:
            cur = trigger
        else:
            chain.append(anchor)
    framing = _framing_noun(cur)
    if framing is not None:
        chain.append(framing)  # "blamed his hesitancy to condemn X", parsed as "blamed … to condemn"
        return chain
    # climb the open-clause chain: "failed to impose", "is set to hold", "are preparing to adopt"
    steps = 0
    while (
        (cur is not trigger or trigger.pos_ == "VERB")
        and cur.dep_
        in ("xcomp", "ccomp", "advcl", "acl", "conj", "pcomp", "prep", "pobj", "dobj", "relcl", "acomp")
        and (steps < 6)
    ):
        if cur.dep_ == "conj" and conj_head(cur).i != cur.head.i:
            break  # "X said Y was…, and accused Z": coordinated with the speech verb, the writer's own
        if cur.dep_ == "conj" and cur.head.dep_ in ("xcomp", "ccomp") and cur.head.i != cur.i:
            # "calling on X to stop… and call on Y…": the conjunct shares its head's governor; a
            # conjunct with a subject of its own ("X aren't sure…, and Y has been attacking Z")
            # shares the governor only, not the head's negation or modals
            own_clause = any(c.dep_ in ("nsubj", "nsubjpass") for c in cur.children) or _finite_after_base(
                cur
            )
            cur = cur.head
            if not own_clause:
                chain.append(cur)
            steps += 1
            continue
        if (
            cur.dep_ == "conj"
            and cur.head.pos_ in ("VERB", "AUX")
            and _shares_head(cur)
            # "wasn't happy about it and hit X back": the negation is the predicate's, not the deed's
            and not (cur.head.pos_ == "AUX" and any(c.dep_ in ("acomp", "attr") for c in cur.head.children))
        ):
            # "did not criticize X or call for Y": the conjunct shares its head's auxiliaries, not
            # the head's own meaning ("refused to meet X and criticized Y")
            cur = cur.head
            lemma = cur.lemma_.lower()
            if not any(lemma in mod[k] for k in ("negation_verbs", "planned_verbs", "hypothetical_verbs")):
                chain.append(cur)
            steps += 1
            continue
        if cur.dep_ == "pcomp" and cur.head.lower_ not in (
            "from",
            "of",
            "on",
            "in",
            "into",
            "about",
            "against",
        ):
            break  # "apologized for accusing X": a reason, not what the verb governs
        if cur.pos_ == "NOUN" and cur is not trigger:
            break  # "news that X would sue Y": the noun, not the clause around it, frames the event
        if cur.dep_ in ("acl", "ccomp", "relcl") and cur.head.pos_ == "NOUN":
            infinitive = cur.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
            cur = cur.head  # "no chance that X will withdraw", "no plans to meet"
            chain.append(cur)
            asker = wisher(cur) if infinitive else None
            if asker is not None:
                chain.append(asker)  # "called for a prosecutor to investigate X": only wished
            break
        infinitive = cur.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if (
            infinitive  # "allow families to sue", parsed as a clause of its own
            or cur.dep_ in ("xcomp", "pcomp", "prep", "pobj", "dobj", "acomp")  # "is not willing to"
            or (cur.dep_ == "acl" and cur.tag_ == "VB")
            or (cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "for" for c in cur.children))
            # "will press X to boycott Y to protest Z": a purpose shares the plan it serves
            or (
                cur.dep_ == "advcl"
                and cur.tag_ == "VB"
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
                # "went before reporters to denounce X": a verb of motion is no plan of it
                and cur.head.lemma_.lower() not in mod["planned_verbs"]
                # only under a modal or an open infinitive ("will press X to boycott Y to protest Z")
                and (
                    any(c.dep_ == "aux" and c.tag_ == "MD" for c in cur.head.children)
                    or (cur.head.tag_ == "VB" and cur.head.dep_ in ("xcomp", "advcl", "ccomp"))
                )
            )
        ):
            cur = cur.head
            chain.append(cur)
            steps += 1
            continue
        break
    return chain


def _presupposed(trigger: Token, anchor: Token | None) -> bool:
    """Whether a nominal trigger sits in a phrase that presents it as known ("given the criticism
    of X", "after the murder of Y"; given is a prep, or the parser's verb)."""
    if anchor is None or anchor is trigger:
        return False
    pos = _np_position(trigger)
    return pos.dep_ in ("pobj", "dobj") and pos.head.lower_ in lexicon().modality["presupposing_preps"]


def _framing_noun(verb: Token) -> Token | None:
    """The noun of negation, plan or wish right before an infinitive that the parser hung on the
    noun's own verb ("blamed his hesitancy to condemn X", "renewed his vow to ban Y"): it frames
    the infinitive's event, as in "his hesitancy [to condemn X]"; None otherwise."""
    if verb.pos_ != "VERB" or verb.dep_ not in ("xcomp", "advcl", "ccomp") or verb.head.i == verb.i:
        return None
    to = next((c for c in verb.children if c.dep_ == "aux" and c.lower_ == "to"), None)
    if to is None or to.i == 0:
        return None
    noun = verb.doc[to.i - 1]
    mod = lexicon().modality
    kinds = ("negation_nouns", "planned_nouns", "hypothetical_nouns")
    if noun.pos_ != "NOUN" or noun.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj"):
        return None
    # the noun hangs on the infinitive's own head, or below it ("including his vow to ban Y")
    if noun.head.i != verb.head.i and not (noun.dep_ == "pobj" and verb.head in noun.ancestors):
        return None
    return noun if any(noun.lemma_.lower() in mod[k] for k in kinds) else None


def _shares_head(conj: Token) -> bool:
    """Whether a verb conjunct shares its head's auxiliaries and negation: it has no subject or
    auxiliary of its own and is not contrasted ("did not attend but sent a message")."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg") for c in conj.children):
        return False
    if _finite_after_base(conj):
        return False
    between = [c for c in conj.head.children if c.dep_ == "cc" and c.i < conj.i]
    return not any(c.lower_ in ("but", "yet") for c in between)


def _finite_after_base(conj: Token) -> bool:
    """Whether a past-tense conjunct hangs on an infinitive ("refused to meet X and criticized Y"):
    the parser's attachment; the past verb is a clause of its own."""
    return conj.tag_ == "VBD" and conj.head.tag_ == "VB"


class _Cues(NamedTuple):
    """The modality cues found along a chain; ``neg_at`` is the innermost level of a negation,
    ``hyp_at`` the outermost of a hypothetical verb or noun (-1 when none)."""

    negated: bool
    planned: bool
    hypothetical: bool
    neg_at: int
    hyp_at: int


def _cues(
    chain: list[Token], trigger: Token, anchor: Token | None, nominal_free: bool, governed: bool
) -> _Cues:
    """Returns the negation, planning and hypothetical cues of the words of the chain: negators,
    negating/planning/hypothetical verbs and nouns, auxiliaries, adjectives and conditional marks."""
    mod = lexicon().modality
    negated = planned = hypothetical = False
    neg_at, hyp_at = len(chain), -1  # innermost negation, outermost hypothetical verb or noun
    for level, tok in enumerate(chain):
        lemma = tok.lemma_.lower()
        if lemma in mod["stop_verbs"] and trigger.dep_ == "dobj" and trigger.head.i == tok.i:
            break  # "a truce that would halt the bombing of X": the bombing goes on; only its end is open
        if (
            tok is anchor
            and not governed
            and lemma not in mod["occurrence_verbs"]
            # "X's backing was not the case" speaks of the event's truth
            and not any(
                c.dep_ in ("attr", "acomp") and c.lemma_.lower() in mod["truth_predicates"]
                for c in tok.children
            )
        ):
            continue  # "X's endorsement will raise questions": the future is the questions'
        denied = _denied(tok)
        # "had no trouble endorsing X", "did not hesitate to back Y": two negations, it happened
        litotes = denied and tok is not trigger and lemma in mod["difficulty_words"]
        if denied and not litotes:
            negated, neg_at = True, min(neg_at, level)
        if tok is not trigger and tok.pos_ == "NOUN":
            # "her refusal to condemn X", "calls to sanction Y"
            if lemma in mod["negation_nouns"] and not litotes:
                negated, neg_at = True, min(neg_at, level)
            elif lemma in mod["hypothetical_nouns"]:
                hypothetical, hyp_at = True, level
            elif lemma in mod["planned_nouns"]:
                planned = True
        if tok is anchor and not governed:
            pass
        elif tok is not trigger and tok.pos_ in ("VERB", "ADJ", "AUX"):
            if lemma in mod["negation_verbs"]:
                negated, neg_at = True, min(neg_at, level)
            elif lemma in mod["planned_verbs"] and tok is not anchor:
                planned = True
            elif lemma in mod["hypothetical_verbs"] and (tok is not anchor or nominal_free):
                hypothetical, hyp_at = True, level
        auxes = [c.lower_ for c in tok.children if c.dep_ == "aux"]
        if litotes:
            auxes = [a for a in auxes if a != "could"]  # "could not resist attacking X": it was done
        if any(a in mod["planned_aux"] for a in auxes):
            planned = True
        if tok.dep_ == "ROOT" and "to" in auxes and any(c.dep_ == "nsubj" for c in tok.children):
            planned = True  # the headline future: "Minister to call for talks"
        if any(a in mod["hypothetical_aux"] for a in auxes):
            hypothetical = True
        if any(c.dep_ == "amod" and c.lower_ in mod["planned_adjectives"] for c in tok.children):
            planned = True
        if any(c.dep_ == "mark" and c.lower_ in mod["hypothetical_marks"] for c in tok.children):
            hypothetical = True
        if "to" in auxes and any(c.dep_ == "mark" and c.lower_ == "for" for c in tok.children):
            hypothetical, hyp_at = True, max(hyp_at, level)  # "(calls) for X to resign": wished, not done
    return _Cues(negated, planned, hypothetical, neg_at, hyp_at)


def _denied(tok: Token) -> bool:
    """Whether a negator governs the word: "not", "no", "neither…", but not a negation of
    exclusivity ("not only criticized X but…", "didn't just criticize X")."""
    mod = lexicon().modality
    kids = list(tok.children)
    if any(c.dep_ == "advmod" and c.lower_ in mod["exclusive_adverbs"] for c in kids):
        return False
    return any(
        (c.dep_ == "neg" and not _exclusive(c))
        or (c.dep_ in ("det", "nummod") and c.lower_ == "no")
        or (c.dep_ in ("nsubj", "nsubjpass", "preconj", "cc") and c.lower_ in mod["negation_subjects"])
        # "Neither X nor Y is inclined to attack Z"
        or (
            c.dep_ in ("nsubj", "nsubjpass")
            and any(p.dep_ in ("preconj", "det") and p.lower_ == "neither" for p in c.children)
        )
        for c in kids
    )


def _exclusive(neg: Token) -> bool:
    """Whether a negator is the "not" of "not only" / "not just" (the word after it)."""
    nxt = neg.nbor(1) if neg.i + 1 < len(neg.doc) else None
    return nxt is not None and nxt.lower_ in lexicon().modality["exclusive_adverbs"]


def _reported(chain: list[Token], anchor: Token | None) -> bool:
    """Returns whether the chain's clause is reported speech: it hangs under a speech verb ("X said
    Y had met Z") or a reporting noun; a clause coordinated with one ("X said…, and Y accused Z") is
    the writer's own. A hedge makes it a claim too: a passive verb of saying or belief over it
    ("are believed to have killed", "is said to have met") or an adverb of hearsay ("allegedly")."""
    mod = lexicon().modality
    for tok in chain:
        if any(c.dep_ == "advmod" and c.lower_ in mod["hearsay_adverbs"] for c in tok.children):
            return True
        if (
            tok is not chain[0]
            and tok.lemma_.lower() in mod["reported_verbs"]
            and tok.lemma_.lower() not in lexicon().object_control  # "was told to meet X": an order
            and any(c.dep_ == "auxpass" for c in tok.children)
        ):
            return True
    top = chain[-1] if chain[-1].pos_ in ("VERB", "AUX") else (anchor or chain[-1])
    for _ in range(6):
        if top.dep_ in ("ccomp", "parataxis", "conj") and top.head is not top:
            coordinated = top.dep_ == "conj"
            inner = top
            top = conj_head(top) if coordinated else top.head
            if not coordinated and top.lemma_.lower() in mod["reported_verbs"]:
                return not _speaker_description(inner, top)
        elif (
            top.dep_ in ("acl", "ccomp")
            and top.head.lemma_.lower() in mod["reported_nouns"]
            # "issued a statement calling on X": the statement is the act, not a claim about one
            and not (top.dep_ == "acl" and top.tag_ == "VBG")
        ):
            return True  # "criticism that X was urging Y", "claims that X bombed Y"
        else:
            break
    return False


def _hedged_noun(noun: Token) -> bool:
    """Whether a hedge sits on the verb an event noun is the object of, or on a participle the
    parser hung on the noun ("the tale of X allegedly halting attacks"): a claim, not a fact."""
    if noun.pos_ != "NOUN":
        return False
    hosts = [noun.head] if noun.dep_ == "dobj" else []
    hosts += [c for c in noun.children if c.dep_ == "amod" and c.tag_ in ("VBG", "JJ")]
    hedges = lexicon().modality["hearsay_adverbs"]
    return any(c.dep_ == "advmod" and c.lower_ in hedges for h in hosts for c in h.children)


def _speaker_description(clause: Token, verb: Token) -> bool:
    """Whether a clause the parser hangs on a speech verb as what was said describes the speaker
    instead: the quote stands before the inverted verb and the clause's subject is the speaker
    right after it ("“…,” said X, who … endorsed Y": X's endorsement is the writer's fact)."""
    if clause.i < verb.i or any(c.dep_ == "nsubj" for c in verb.children):
        return False
    said_before = any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children)
    subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    return said_before and subj is not None and subj.left_edge.i == verb.i + 1


def endorsed(sent: Span) -> bool:
    """Returns whether the writer adopts what the sentence tells through a factive "as" clause of
    telling ("As X pointed out, “Y has declined to…”", "as the paper reported, Y vetoed…"): a quote
    in it is then asserted, not only the quoted party's claim."""
    factive = lexicon().modality["factive_verbs"]
    return any(
        t.dep_ == "advcl"
        and t.lemma_.lower() in factive
        and any(m.dep_ == "mark" and m.lower_ == "as" for m in t.children)
        for t in sent
    )


def _predicted(chain: list[Token], anchor: Token | None) -> bool:
    """Returns whether the chain's clause is a forecast of someone else's deed: a clause under a
    verb of prediction ("analysts predict X will back Y") whose subject is another party; a
    forecast of one's own deed ("X predicts he will win") stays a plan."""
    top = chain[-1] if chain[-1].pos_ in ("VERB", "AUX") else (anchor or chain[-1])
    if top.dep_ != "ccomp" or top.head.lemma_.lower() not in lexicon().modality["prediction_verbs"]:
        return False
    inner = next((c for c in top.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    outer = next((c for c in top.head.children if c.dep_ == "nsubj"), None)
    if inner is None or outer is None or inner.pos_ == "PRON":
        return False
    return inner.lemma_.lower() != outer.lemma_.lower()
