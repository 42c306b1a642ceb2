"""The per-article step: :func:`quotes_from_doc` finds the quotes of one parsed article, keeps the
ones that are speech, tells full from partial, and finds who said each."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span

from transforms import schema
from transforms.nlp import doc_text
from transforms.quotes.context import _Attr, _Ctx
from transforms.quotes.cues import (
    _according_to,
    _cue_candidates,
    _find_speaker_token,
    _name_before_cue,
    _name_next_to_cue,
)
from transforms.quotes.descriptions import age_description
from transforms.quotes.frames import relayed_by, stranded_subject
from transforms.quotes.kinds import _is_speech, _kind
from transforms.quotes.layout import (
    _adjacent_speaker,
    _colon_speaker,
    _continues,
    _signature,
    framed_by_noun_cue,
    labelled_speaker,
    lead_in_speaker,
)
from transforms.quotes.marks import QuoteSpan, find_quote_spans
from transforms.quotes.persons import _build_persons
from transforms.quotes.pronouns import _pronoun_chain
from transforms.quotes.speakers import _attribute_cue

# A line end not followed by another one (see :func:`_index`).
_PARA_END = re.compile(r"\n(?!\n)")


def _quote_tokens(doc: Doc, q: QuoteSpan) -> Span | None:
    return doc.char_span(q.start, q.end, alignment_mode="expand")


def _index(
    doc: Doc, quotes: Sequence[QuoteSpan], sents: list[Span]
) -> tuple[list[int], list[int], list[int]]:
    """Returns per-character quote index, per-token sentence index and per-character paragraph index."""
    text = doc_text(doc)
    n = len(text)
    # Filled a run at a time (slice assignments), not a character at a time.
    qoc = [-1] * (n + 1)
    for k, q in enumerate(quotes):
        a = q.open_at
        b = min(max(q.close_at + 1, q.end), n)
        if 0 <= a < b:
            qoc[a:b] = [k] * (b - a)
        else:
            for i in range(a, b):
                qoc[i] = k
    sent_of_tok = [0] * len(doc)
    for si, s in enumerate(sents):
        if s.end > s.start:
            sent_of_tok[s.start : s.end] = [si] * (s.end - s.start)
    # A paragraph ends after a line end that no other line end follows: its characters, that
    # line end included, have the paragraph's number.
    para = [0] * (n + 1)
    p = prev = 0
    for m in _PARA_END.finditer(text):
        end = m.end()
        para[prev:end] = [p] * (end - prev)
        p, prev = p + 1, end
    para[prev:n] = [p] * (n - prev)
    para[n] = p
    return qoc, sent_of_tok, para


@dataclass(frozen=True)
class DocIndex:
    """What the speaker rules read of a parsed article besides its mentions: the text, the quote
    spans, the sentences and the indexes of :func:`_index` (``qoc`` None until first needed)."""

    text: str
    spans: list[QuoteSpan]
    sents: list[Span]
    qoc: list[int]
    sent_of_tok: list[int]
    para: list[int]


# The index of the last article asked for: the quote attribution and the events' pronoun resolver
# read one Doc in turn, and each built the same index (one entry, replaced in one assignment, so a
# thread that finds another Doc there builds its own).
_LAST: tuple[Doc, list[QuoteSpan], DocIndex | None] | None = None


def quote_spans(doc: Doc) -> list[QuoteSpan]:
    """Returns the article's quote spans (:func:`find_quote_spans` of its text), found once per Doc.
    The list and its spans are shared: callers must not change them."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is doc:
        return last[1]
    spans = find_quote_spans(doc_text(doc))
    _LAST = (doc, spans, None)
    return spans


def doc_index(doc: Doc) -> DocIndex:
    """Returns the article's :class:`DocIndex`, built once per Doc (shared: callers must not
    change its lists)."""
    global _LAST
    spans = quote_spans(doc)
    last = _LAST
    if last is not None and last[0] is doc and last[2] is not None:
        return last[2]
    sents = list(doc.sents)
    qoc, sent_of_tok, para = _index(doc, spans, sents)
    index = DocIndex(doc_text(doc), spans, sents, qoc, sent_of_tok, para)
    _LAST = (doc, spans, index)
    return index


def _mentions_from_ents(doc: Doc) -> list[dict[str, Any]]:
    """Returns mention rows built from doc.ents (used when the caller gives none)."""
    rows: list[dict[str, Any]] = []
    for e in doc.ents:
        if e.label_ in schema.ENTITY_TYPES:
            rows.append(
                {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "title": None}
            )
    return rows


def quotes_from_doc(doc: Doc, article_id: str, mentions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Returns the rows of ``schema.X_QUOTES`` for one parsed article.

    ``mentions`` are the article's entity mention rows (``schema.X_ENTITY_MENTIONS``); the speaker
    offsets point at the mention the attribution rests on (the antecedent for pronouns and
    descriptions), or at the phrase itself for an unnamed speaker.
    """
    if not quote_spans(doc):
        return []
    ix = doc_index(doc)
    text, spans = ix.text, ix.spans
    ments: list[dict[str, Any]] = [dict(m) for m in mentions] if mentions else _mentions_from_ents(doc)
    ctx = _Ctx(doc, text, spans, ix.qoc, [], ments, ix.sent_of_tok, ix.para, ix.sents)
    _build_persons(ctx)
    _pronoun_chain(ctx)

    found: list[tuple[QuoteSpan, str, _Attr]] = []
    last: _Attr | None = None
    last_q: QuoteSpan | None = None
    chains_seen: set[int] = set()
    for q in spans:
        continued = q.chain is not None and q.chain in chains_seen
        if q.chain is not None:
            chains_seen.add(q.chain)
        qspan = _quote_tokens(doc, q)
        if qspan is None or len(qspan) == 0:
            continue
        kind = _kind(ctx, q, qspan, continued)
        attr = _own_speaker(ctx, q, qspan, kind, last)
        if not _is_speech(text[q.start : q.end], kind, _cued(attr, kind, text[q.start : q.end])):
            continue  # a scare quote, or a name or title in quotation marks
        if attr is None:
            attr = _continues(ctx, q, last, last_q)
        if attr is None and kind == "full":
            attr = lead_in_speaker(ctx, q, last)
        if attr is None:
            attr = _Attr("none", None, None, None, None)
        found.append((q, kind, attr))
        if attr.method not in _NO_SPEAKER:
            last, last_q = attr, q
    return _rows(article_id, text, found)


# A partial quote this short is speech only when a cue introduces it ('called the plan "reckless"'
# or 'Her verdict: "brilliant"' are scare quotes, 'said it was "very sad"' is speech).
_SCARE_WORDS = 2


def _cued(attr: _Attr | None, kind: str, quote: str) -> bool:
    """True when a quote has a speaker of its own that makes it speech (see _SCARE_WORDS)."""
    if attr is None:
        return False
    return attr.cue is not None or kind == "full" or len(quote.split()) > _SCARE_WORDS


def _own_speaker(ctx: _Ctx, q: QuoteSpan, qspan: Span, kind: str, last: _Attr | None) -> _Attr | None:
    """Returns the attribution a quote's own setting gives, or None: a cue and its speaker, else a
    signature, a speaker before a colon, or (for a full quote) a verb framing it like a cue."""
    attr = labelled_speaker(ctx, q) or framed_by_noun_cue(ctx, q, last) or _cue_speaker(ctx, q, qspan, last)
    if attr is None:
        attr = _signature(ctx, q)
    if attr is None:
        attr = _colon_speaker(ctx, q, last)
    if attr is None and kind == "full":
        attr = _adjacent_speaker(ctx, q, last)
    return attr


# No person found: the next quote does not continue such a speaker ("he" with no one before it).
_NO_SPEAKER = ("none", "unresolved")
# The cue candidates tried per quote, best first (bounded for very long sentences).
_MAX_CUES = 12


def _cue_speaker(ctx: _Ctx, q: QuoteSpan, qspan: Span, last: _Attr | None) -> _Attr | None:
    """Returns the attribution of the first cue candidate that has a speaker outside the quote, or None."""
    for cue in _cue_candidates(ctx, q, qspan)[:_MAX_CUES]:
        age = age_description(ctx, cue)
        if age is not None:
            p, s, e = age
            if p is None:
                return _Attr("unnamed", cue.text, ctx.text[s:e], s, e, None, cue.i)
            return _Attr("description", cue.text, p.text, p.start, p.end, p.key, cue.i)
        obj = _according_to(cue)
        if obj is not None:
            return _attribute_cue(ctx, cue, obj, q, last)
        spk = (
            _find_speaker_token(ctx, cue, q.end)
            or _name_before_cue(ctx, cue, q)
            or _name_next_to_cue(ctx, cue, q)
            or stranded_subject(ctx, cue)
        )
        if spk is None or (q.start <= spk.idx < q.end):
            continue
        relay = relayed_by(ctx, cue)
        if relay is not None:
            cue, spk = relay
        return _attribute_cue(ctx, cue, spk, q, last)
    return None


def _names_someone(text: str, at: _Attr) -> bool:
    """Returns False when ``at`` has a speaker span that is empty, inverted or holds no letter or
    digit; True otherwise (also when it has no span)."""
    if at.start is None:
        return True
    return at.end is not None and at.end > at.start and any(c.isalnum() for c in text[at.start : at.end])


def _rows(article_id: str, text: str, found: list[tuple[QuoteSpan, str, _Attr]]) -> list[dict[str, object]]:
    """Returns the x_quotes rows of the quotes found, in order.

    The pieces of a quote running over several paragraphs share one speaker: a piece without one
    takes the first speaker found in its chain, as a continuation.
    """
    # A speaker span that holds no word (a cue's object made only of punctuation) names nobody:
    # the quote is kept without a speaker rather than with offsets that point at nothing.
    found = [
        (q, kind, at if _names_someone(text, at) else _Attr("none", None, None, None, None))
        for q, kind, at in found
    ]
    by_chain: dict[int, _Attr] = {}
    for q, _, at in found:
        if q.chain is not None and at.method not in _NO_SPEAKER and q.chain not in by_chain:
            by_chain[q.chain] = at
    rows: list[dict[str, object]] = []
    for q, kind, at in found:
        if at.method in _NO_SPEAKER and q.chain is not None and q.chain in by_chain:
            src = by_chain[q.chain]
            at = _Attr("continuation", None, src.text, src.start, src.end, src.person_key)
        rows.append(
            {
                "article_id": article_id,
                "start": q.start,
                "end": q.end,
                "text": text[q.start : q.end],
                "kind": kind,
                "cue": at.cue,
                "speaker_text": at.text,
                "speaker_start": at.start,
                "speaker_end": at.end,
                "speaker_method": at.method,
            }
        )
    return rows
