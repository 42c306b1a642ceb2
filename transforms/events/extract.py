"""The per-article step: :func:`events_from_doc` turns one parsed article into event mentions."""

from __future__ import annotations

import bisect
import datetime as dt

from spacy.tokens import Doc

from transforms.dates import resolve_date
from transforms.events.dates import _date_ent
from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.events.modality import _modality, _quote_ranges
from transforms.events.parties import PARTY_LABELS
from transforms.events.triggers import _Found, _nominal, _verbal
from transforms.nlp import doc_text


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


def _coded(found: _Found, in_quote: bool) -> bool:
    """Whether a trigger has enough to be coded: a named or group party, or a place for protests.

    Weak events are left out: a verb whose doer is not named (an imperative, a generic or
    unresolved subject), an interaction with one party only ("the committee held a meeting"),
    a target of the wrong kind, and inside a quote an event whose party is the speaker ("we")."""
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
    if entry.target_labels is not None and (
        found.target is None or found.target.label not in entry.target_labels
    ):
        return False
    if trig.pos_ == "VERB" and found.actor is None and not found.passive:
        return False
    if in_quote and any(
        c.lower_ in lex.speaker_pronouns and c.dep_ in ("nsubj", "nsubjpass", "poss")
        for t in (trig, found.anchor)
        if t is not None
        for c in t.children
    ):
        return False
    if entry.event_type in lex.two_party:
        actor = found.actor
        if actor is None:
            return False
        plural_group = actor.kind == "group" and actor.text.lower().endswith("s")
        if found.target is None and not plural_group:
            return False
    parties = [p for p in (found.actor, found.target) if p is not None]
    if any(p.kind in ("entity", "group") for p in parties):
        return True
    return entry.event_type in lex.location_suffices and found.location is not None


def events_from_doc(
    doc: Doc, article_id: str, mentions: list[dict[str, object]], published_at: dt.date | None
) -> list[dict[str, object]]:
    """Returns the event mentions of one parsed article, as rows of ``schema.X_EVENT_MENTIONS``.

    ``mentions`` are the article's entity mentions (start, end, text, label); party spans point
    at them (a pronoun's span at its antecedent) so the resolve stage links them by offset.
    Dates resolve against ``published_at``; an undated article keeps the words with method none.
    """
    ms = _Mentions.build(mentions)
    quotes = _quote_ranges(doc_text(doc))
    qstarts = [q[0] for q in quotes]
    rows: dict[tuple[int, str], dict[str, object]] = {}
    for tok in doc:
        found: _Found | None = None
        if tok.pos_ == "VERB":
            found = _verbal(tok, ms)
        elif tok.pos_ in ("NOUN", "PROPN") and tok.ent_type_ not in PARTY_LABELS:
            found = _nominal(tok, ms)
        if found is None:
            continue
        qi = bisect.bisect_right(qstarts, tok.idx) - 1
        in_quote = qi >= 0 and quotes[qi][0] <= tok.idx < quotes[qi][1]
        _split_coordinated(found)
        if not _coded(found, in_quote):
            continue
        modality = _modality(tok, found.anchor, in_quote, found.nominal_free, found.governed, found.detached)
        sent = tok.sent
        date_ent = _date_ent(sent, found.date_heads)
        event_date: dt.date | None = None
        date_text: str | None = None
        method = "none"
        if date_ent is not None:
            date_text = date_ent.text
            event_date, method = resolve_date(
                date_text, published_at, "future" if modality == "planned" else "past"
            )
            if event_date is not None and published_at is not None:
                # the date settles what the clause leaves open: talks "last December" were held
                if modality == "planned" and event_date < published_at:
                    modality = "reported" if in_quote else "asserted"
                elif modality == "asserted" and event_date > published_at:
                    modality = "planned"
        key = (tok.idx, found.entry.event_type)
        if key in rows:
            continue
        rows[key] = {
            "article_id": article_id,
            "event_type": found.entry.event_type,
            "cameo_code": found.entry.cameo,
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
        }
    return [rows[k] for k in sorted(rows)]


def _span_cols(prefix: str, p: Party | None) -> dict[str, object]:
    if p is None:
        return {f"{prefix}_text": None, f"{prefix}_start": None, f"{prefix}_end": None}
    return {f"{prefix}_text": p.text, f"{prefix}_start": p.start, f"{prefix}_end": p.end}
