"""The per-article step: :func:`events_from_doc` turns one parsed article into event mentions."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt

from spacy.tokens import Doc, Span, Token

from transforms.dates import Prefer, classify, resolve_date
from transforms.events.coref import pronoun_subject
from transforms.events.counts import clause_counts, counts_at, crowd_of
from transforms.events.dates import _date_ent
from transforms.events.generic import (
    background_appraisal,
    denial,
    figurative,
    generic_population,
    habitual_noun,
    naming,
    press_talk,
    question,
    sourcing,
    statistical,
    title_case,
)
from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.modality import _modality, _quote_ranges, endorsed
from transforms.events.nominal import _nominal
from transforms.events.parties import PARTY_LABELS
from transforms.events.quoted import quote_speakers, quoted_appraisals
from transforms.events.refusal import refusal
from transforms.events.scope import (
    conflict_pledge,
    describing_clause,
    generic_ability,
    helping,
    material_support,
    nonspecific,
    open_other_side,
    own_side,
    pattern_noun,
    pledged_conflict,
    refused,
    thing_compound,
    title_clause,
)
from transforms.events.targets import claimed_by, fallback_target
from transforms.events.triggers import _Found, _noun_entry, _verb_key, _verbal
from transforms.nlp import doc_text
from transforms.quotes.scan import token_indices
from transforms.schema import EVENT_COUNTS


def _split_coordinated(found: _Found) -> None:
    """For two-party categories, "X and Y met" names both parties: X acts, Y is the other side."""
    actor = found.actor
    if found.entry.event_type not in lexicon().two_party or found.target is not None or actor is None:
        return
    if len(actor.parts) < 2:
        return
    text = doc_text(found.trigger.doc)
    (s1, e1), (s2, _) = actor.parts[0], actor.parts[1]
    end = actor.parts[-1][1]
    found.actor = Party(s1, e1, text[s1:e1], actor.kind, actor.label)
    found.target = Party(s2, end, text[s2:end], actor.kind)


def _coded(found: _Found, in_quote: bool, counted: bool = False, other_side: bool = True) -> bool:
    """Whether a trigger has enough to be coded: a named or group party, or a place for protests.

    Weak events are left out: a verb whose doer is not named (an imperative, a generic
    subject; an unresolved he/she/they stays, actor unknown), an interaction with one party
    only ("the committee held a meeting"), a target of the wrong kind, and inside a quote an
    event whose party is a speaker no cue names ("we")."""
    lex = lexicon()
    entry = found.entry
    trig = found.trigger
    if found.actor is not None and found.target is not None and found.actor.text == found.target.text:
        found.target = None  # "X met with her", her resolved to X
    for p in (found.actor, found.target):
        if p is not None and p.start <= trig.idx < p.end:
            return False  # a headline the NER read as one name ("FDIC Accused Of …")
    if entry.needs_target and found.target is None:
        return False
    actor = found.actor
    if (
        actor is not None
        and entry.event_type in ("SUPPORT", "ACCUSE", "REJECT", "REQUEST")
        and generic_population(actor.text, actor.label, actor.kind)
        and not (found.actor_tok is not None and found.actor_tok.pos_ == "PRON")
    ):
        return False  # "black voters were backing X": opinion; "they" did it at a time: an act
    if entry.target_labels is not None and (
        found.target is None or found.target.label not in entry.target_labels
    ):
        return False
    if (
        trig.pos_ == "VERB"
        and found.actor is None
        and not found.passive
        and not _caused(found)
        and not pronoun_subject(found.actor_tok, trig)
    ):
        return False  # an unresolved he/she/they still did it: the event stands, actor unknown
    if (
        in_quote
        and found.actor is None
        and any(
            c.lower_ in lex.speaker_pronouns and c.dep_ in ("nsubj", "nsubjpass", "poss")
            for t in (trig, found.anchor)
            if t is not None
            for c in t.children
        )
    ):
        return False
    if entry.event_type in lex.two_party and other_side:
        actor = found.actor
        if actor is None:
            return False
        plural_group = actor.kind == "group" and actor.text.lower().endswith("s")
        if found.target is None and not plural_group:
            return False
    parties = [p for p in (found.actor, found.target) if p is not None]
    if any(p.kind in ("entity", "group") for p in parties) or pronoun_subject(found.actor_tok, trig):
        return True
    if entry.event_type not in lex.location_suffices:
        return False
    # violence and protest are events where they happened, also when no party is named
    return found.location is not None or (entry.event_type in lex.casualty_types and counted)


def _one_sided(found: _Found) -> bool:
    """Whether a two-party event names its doer only: an entity or group actor, no target."""
    actor = found.actor
    return (
        found.entry.event_type in lexicon().two_party
        and found.target is None
        and actor is not None
        and actor.kind in ("entity", "group")
    )


def _not_event(found: _Found) -> bool:
    """Whether the parse says the trigger reports no event: a noun said to recur ("frequent
    clashes"), a participle that names ("a film called X"). ("X has the backing of Y" stays an
    event: the support is given, and goes on.)"""
    trig = found.trigger
    if question(trig) or figurative(trig, found.entry.event_type) or denial(trig, found.entry.event_type):
        return True  # "asked whether X would endorse Y", "killed the bill", "denied the reports"
    if press_talk(found.entry.event_type, found.target.text if found.target is not None else None):
        return True  # "met with reporters"
    if sourcing(trig, found.entry.event_type) or background_appraisal(trig, found.entry.event_type):
        return True  # "officials who spoke with the paper said", "a leader who was widely criticized"
    etype, target = found.entry.event_type, found.target.text if found.target is not None else None
    if (
        refused(trig, etype)
        or conflict_pledge(trig, etype)
        or describing_clause(trig, etype)
        or title_clause(trig)
        or open_other_side(target)
        or own_side(etype, target)
        or generic_ability(trig)
        or helping(trig, etype, target)
        or pattern_noun(trig)
    ):
        return True  # "refused to sign the deal": the refusal is the event (see scope)
    if trig.pos_ == "VERB":
        return naming(trig)
    return habitual_noun(trig) or thing_compound(trig)


def _caused(found: _Found) -> bool:
    """Whether a violent verb's subject is a thing or an event ("a roadside bomb killed…", "the
    attack wounded…"): the event stands with its doer unnamed."""
    subj = found.actor_tok
    if subj is not None and subj.tag_ in ("WDT", "WP") and found.trigger.dep_ == "relcl":
        subj = found.trigger.head  # "the assault that killed five officers"
    return (
        found.entry.event_type in lexicon().casualty_types
        and subj is not None
        and subj.pos_ == "NOUN"
        and subj.lower_ not in lexicon().all_groups
    )


def events_from_doc(
    doc: Doc,
    article_id: str,
    mentions: list[dict[str, object]],
    published_at: dt.date | None,
    quote_rows: list[dict[str, object]] | None = None,
) -> list[dict[str, object]]:
    """Returns the event mentions of one parsed article, as rows of ``schema.X_EVENT_MENTIONS``.

    ``mentions`` are the article's entity mentions (start, end, text, label); party spans point
    at them (a pronoun's span at its antecedent) so the resolve stage links them by offset.
    A date the sentence names resolves with or without ``published_at``; a relative one only
    against it (else ``date_method`` is ``unanchored``). A planned cooperative event is also an
    AGREE of its actor, a planned conflictual one a THREATEN (statements of intent, CAMEO 03/13).
    ``quote_rows`` (rows of ``schema.X_QUOTES``) give the speaker of quoted appraisals (:mod:`quoted`).
    """
    ms = _Mentions.build(mentions)
    ms.speakers = quote_speakers(quote_rows, ms) if quote_rows else []
    quotes = _quote_ranges(doc_text(doc))
    qstarts = [q[0] for q in quotes]
    rows: dict[tuple[int, str], dict[str, object]] = {}
    absorbed: dict[int, str | None] = {}  # event nouns a verb of the same category reports
    founds: list[_Found] = []
    counting: dict[int, list[tuple[Token, str]]] = {}  # sentence start → verbs that count their patient
    for i in token_indices(doc, pos=("VERB", "NOUN", "PROPN")):  # the words a trigger can be
        tok = doc[i]
        found: _Found | None = None
        if tok.pos_ == "VERB":
            found = _verbal(tok, ms)
        elif tok.pos_ in ("NOUN", "PROPN") and tok.ent_type_ not in PARTY_LABELS:
            found = _nominal(tok, ms)
        if found is None or statistical(found.anchor) or title_case(tok.sent) or _not_event(found):
            continue
        founds.append(found)
        if found.entry.count is not None and tok.pos_ == "VERB":
            counting.setdefault(tok.sent.start, []).append((tok, found.entry.count))
    quoted_ids: set[int] = set()
    if quote_rows:
        new = _new_appraisals(founds, quoted_appraisals(doc, quote_rows, ms))
        founds += new
        quoted_ids = {f.trigger.i for f in new}
    counts_by_sent = {start: clause_counts(verbs) for start, verbs in counting.items()}
    noun_actors = {f.trigger.i: f.actor for f in founds if f.trigger.pos_ != "VERB" and f.actor is not None}
    for found in founds:
        tok = found.trigger
        sent = tok.sent
        counts = _counts_for(found, counts_at(tok, counts_by_sent.get(sent.start, {})))
        qi = bisect.bisect_right(qstarts, tok.idx) - 1
        in_quote = qi >= 0 and quotes[qi][0] <= tok.idx < quotes[qi][1]
        _split_coordinated(found)
        if found.entry.event_type == "SUPPORT" and material_support(tok):
            found.entry = dataclasses.replace(
                found.entry, event_type="AID", cameo="070"
            )  # "financial backing"
        if found.target is None:
            # the trigger's own arguments name none; the sentence may ("blocked X's law")
            found.target = fallback_target(tok, found.entry.event_type, found.actor, ms)
        if found.actor is None and found.entry.event_type == "ASSAULT":
            found.actor = claimed_by(tok, ms)  # "the killing of X that was claimed by Y"
        # "X said it would cooperate": no other side named, yet X's statement of intent (AGREE)
        intent_only = False
        if not _coded(found, in_quote, bool(counts)):
            if not (_one_sided(found) and _coded(found, in_quote, bool(counts), other_side=False)):
                continue
            intent_only = True
        quoted = in_quote and not endorsed(sent)  # "As X pointed out, “…”": the writer's own
        modality = _modality(tok, found.anchor, quoted, found.nominal_free, found.governed, found.detached)
        if tok.i in quoted_ids:
            modality = "reported"  # "Y should be ashamed": the appraisal is made, the deontic is its own
        date_ent = _date_ent(sent, found.date_heads, shared=modality not in ("planned", "hypothetical"))
        event_date, date_text, method = _dated(
            date_ent, published_at, "future" if modality == "planned" else "past"
        )
        if event_date is not None and published_at is not None and not _month_of(event_date, published_at):
            # the date settles what the clause leaves open: talks "last December" were held
            if modality == "planned" and event_date < published_at:
                modality = "reported" if in_quote else "asserted"
            elif modality == "asserted" and event_date > published_at:
                modality = "planned"
        if found.target is not None and nonspecific(
            found.target.text, found.target.start, modality, found.entry.event_type, tok
        ):
            found.target = None  # "has not endorsed a candidate", "called for a special prosecutor"
        if modality not in ("asserted", "reported"):
            counts = {}  # "plans to deport 11 million": a plan, a denial or a guess counts nobody
        mode = found.entry.mode
        cause = _cause_noun(found)
        if cause is not None:
            absorbed[cause.idx] = cause_mode = _noun_mode(cause)
            mode = mode or cause_mode
            if found.actor is None:
                found.actor = noun_actors.get(cause.i)  # "an attack by rebels killed five": the rebels
        row: dict[str, object] = {
            "article_id": article_id,
            "event_type": found.entry.event_type,
            "cameo_code": found.entry.cameo,
            "mode": mode,
            "trigger": tok.text,
            "trigger_start": tok.idx,
            "trigger_end": tok.idx + len(tok.text),
            "sent_start": sent.start_char,
            "sent_end": sent.end_char,
            "sentence": sent.text,
            **_span_cols("actor", found.actor),
            **_span_cols("target", found.target),
            **_span_cols("location", found.location),
            "event_date": event_date,
            "date_text": date_text,
            "date_method": method,
            "modality": modality,
            **_count_cols(counts),
        }
        if not intent_only:
            rows.setdefault((tok.idx, found.entry.event_type), row)
        if refusal(found, modality):  # "X will not back Y": X rejects Y
            refused_row = {"event_type": "REJECT", "cameo_code": "120", "mode": None}
            modal = {"modality": "reported" if quoted else "asserted"}
            rows.setdefault((tok.idx, "REJECT"), {**row, **refused_row, **modal})
        intent = _intent(found, modality, quoted, published_at)
        if intent is not None:
            rows.setdefault((tok.idx, intent[0]), {**row, **intent[1]})
    # "a bombing killed five", "killed in an attack": one event, reported by the verb
    return [rows[k] for k in sorted(rows) if k[0] not in absorbed or k[1] != "ASSAULT"]


def _new_appraisals(founds: list[_Found], quoted: list[_Found]) -> list[_Found]:
    """The quoted appraisals no trigger of the sentence already codes (same category and target)."""
    seen = {
        (f.trigger.sent.start, f.entry.event_type, f.target.text if f.target is not None else None)
        for f in founds
    }
    out = []
    for f in quoted:
        key = (f.trigger.sent.start, f.entry.event_type, f.target.text if f.target is not None else None)
        if key not in seen and not statistical(f.anchor) and not _not_event(f):
            seen.add(key)
            out.append(f)
    return out


def _stated_by_actor(found: _Found) -> bool:
    """Whether the plan is the actor's own statement: its clause hangs under a speech verb whose
    subject is the actor ("X said it will provide aid", "X announced it would withdraw")."""
    return _statement_verb(found) is not None


def _statement_verb(found: _Found) -> Token | None:
    """The speech verb by which the actor states the plan (see :func:`_stated_by_actor`), or None."""
    mod = lexicon().modality
    actor = found.actor
    cur = found.anchor if found.anchor is not None else found.trigger
    for _ in range(4):
        if cur.dep_ in ("ccomp", "xcomp", "conj", "advcl") and cur.head.i != cur.i:
            head = cur.head
            if cur.dep_ == "ccomp" and head.lemma_.lower() in mod["reported_verbs"]:
                subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
                own = (
                    actor is not None
                    and subj is not None
                    and subj.left_edge.idx <= actor.start < subj.right_edge.idx + len(subj.right_edge.text)
                )
                return head if own else None
            cur = head
        else:
            return None
    return None


def _own_modal(found: _Found) -> bool:
    """Whether the event's own verb carries the modal ("X may halt aid if…"), not a verb above it."""
    verb = found.anchor if found.anchor is not None else found.trigger
    hyp = lexicon().modality["hypothetical_aux"]
    return verb.dep_ not in ("xcomp", "ccomp") and any(
        c.dep_ == "aux" and c.lower_ in hyp and c.lower_ in ("would", "may") for c in verb.children
    )


def _cause_noun(found: _Found) -> Token | None:
    """The violent event noun a violent verb reports again: its subject ("a roadside bombing
    killed…") or an "in"/"during" phrase on it ("were killed in an attack")."""
    trig = found.trigger
    if found.entry.event_type != "ASSAULT" or trig.pos_ != "VERB":
        return None
    if trig.dep_ == "relcl" and trig.head.pos_ == "NOUN" and _noun_type(trig.head) == "ASSAULT":
        return trig.head  # "the assault that killed five officers"
    cands = [c for c in trig.children if c.dep_ in ("nsubj", "agent", "prep")]
    for c in cands:
        for t in [c, *(o for o in c.children if o.dep_ == "pobj")]:
            if t.dep_ == "prep" or (c.dep_ == "prep" and c.lower_ not in ("in", "during", "by")):
                continue
            if t.pos_ == "NOUN" and _noun_type(t) == "ASSAULT":
                return t
    return None


def _noun_type(noun: Token) -> str | None:
    entry = _noun_entry(noun)
    return entry.event_type if entry is not None else None


def _noun_mode(noun: Token) -> str | None:
    entry = _noun_entry(noun)
    return entry.mode if entry is not None else None


def _counts_for(found: _Found, stated: dict[str, tuple[int, str]]) -> dict[str, tuple[int, str]]:
    """The counts a mention carries: its clause's casualty and arrest counts (``stated``) for violence,
    coercion and protest (and any entry that counts its patient: diplomats expelled), and a protest's
    crowd size from its actor phrase."""
    lex = lexicon()
    etype = found.entry.event_type
    if etype not in lex.casualty_types and found.entry.count is None:
        return {}
    out = dict(stated)
    if etype == "PROTEST":
        person = found.actor is not None and found.actor.label == "PERSON" and len(found.actor.parts) < 2
        crowd = crowd_of(found.actor_tok, person)
        if crowd is not None:
            out["crowd_size"] = crowd
    return out


def _count_cols(counts: dict[str, tuple[int, str]]) -> dict[str, object]:
    cols: dict[str, object] = {c: counts[c][0] if c in counts else None for c in EVENT_COUNTS}
    words = list(dict.fromkeys(v[1] for v in counts.values()))
    cols["count_text"] = "; ".join(words) if words else None
    return cols


def _month_of(day: dt.date, published_at: dt.date) -> bool:
    """Whether ``day`` is the first of the publication's month: a month-level date ("this month",
    "in March") that holds the publication day and so settles neither past nor future."""
    return day.day == 1 and (day.year, day.month) == (published_at.year, published_at.month)


def _dated(
    ent: Span | None, published_at: dt.date | None, prefer: Prefer
) -> tuple[dt.date | None, str | None, str]:
    """Returns ``(event_date, date_text, date_method)`` for a date phrase (None: no phrase)."""
    if ent is None:
        return None, None, "none"
    day, method = resolve_date(ent.text, published_at, prefer)
    if day is None and published_at is None and classify(ent.text) != "reject":
        method = "unanchored"  # "last Tuesday" in an undated article
    return day, ent.text, method


def _intent(
    found: _Found, modality: str, in_quote: bool, published_at: dt.date | None = None
) -> tuple[str, dict[str, object]] | None:
    """A statement of intent the mention also is: a planned cooperative event of a named actor is
    an AGREE ("X will provide aid to Y"), a planned conflictual one a THREATEN ("X will impose
    sanctions on Y"), coded as stated (asserted, or reported when quoted or under a speech verb),
    on the day of the statement ("X announced Sunday she will resign")."""
    lex = lexicon()
    if found.actor is None or found.actor.kind not in ("entity", "group"):
        return None
    trig = found.trigger
    etype = found.entry.event_type
    pledge = pledged_conflict(found.anchor or trig, etype)
    if (
        trig.dep_ == "xcomp"
        and (hit := _verb_key(trig.head, lex.verbs)) is not None
        and hit[1].event_complement
        and not (pledge is not None and etype in lex.intent_threaten)
    ):
        return None  # "pledged to meet X": the pledge is already the statement of intent
    said = _statement_verb(found) or pledge  # "vowed to ban X": the vow states a threat
    if modality != "negated" and said is None:
        return None  # a schedule ("X will hold a meeting") is no statement of intent
    if modality == "negated" and etype in ("AGREE", "CONCEDE"):
        kind, cameo, mode = "REJECT", "120", None  # "did not accept", "failed to reach agreement"
    elif not (modality == "planned" or (modality == "hypothetical" and _own_modal(found))):
        return None
    elif etype in lex.intent_agree:
        kind, cameo, mode = "AGREE", "030", None
    elif etype in lex.intent_threaten:
        kind, cameo = "THREATEN", "130"
        mode = "violence" if etype in ("ASSAULT", "MOBILIZE") else None
    else:
        return None
    statement_date = _date_ent(said.sent, [said], shared=False) if said is not None else None
    return kind, {
        "event_type": kind,
        "cameo_code": cameo,
        "mode": mode,
        "modality": "reported" if in_quote else "asserted",
        **dict(
            zip(
                ("event_date", "date_text", "date_method"),
                _dated(statement_date, published_at, "past"),
                strict=True,
            )
        ),
        **_count_cols({}),
    }


def _span_cols(prefix: str, p: Party | None) -> dict[str, object]:
    if p is None:
        return {f"{prefix}_text": None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {f"{prefix}_text": p.text, f"{prefix}_start": p.start, f"{prefix}_end": p.end}
