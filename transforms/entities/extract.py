"""The per-article step: the entity mentions of one parsed article.

:func:`mentions_from_doc` returns the model's spans, trimmed (leading "the", possessives, titles
moved to ``title``) and repaired where the small model slips cheaply and obviously (a title
swallowed into a name, a photo credit glued on, an organisation split before its place name).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from transforms import schema
from transforms.entities.geo import _PLACE_TYPES
from transforms.entities.keys import _is_acronym, initials
from transforms.entities.rules import _rules, _title_key
from transforms.nlp import doc_text

KEEP_LABELS: frozenset[str] = frozenset(schema.ENTITY_TYPES)
# Labels an honorific ("Ms", "Mr") turns into PERSON: not titles of works or events ("Miss Universe").
_HONORIFIC_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_POSSESSIVES = frozenset({"'s", "’s", "‘s", "'", "’", "‘"})
_MAX_TITLE_TOKENS = 5
_INDEFINITE = frozenset({"a", "an"})
_FRAGMENT_MAX = 3  # letters of a capitals fragment ("LA", "NEW")


def _title_at(doc: Doc, start: int, end: int) -> str | None:
    """Returns the title key spelled by tokens [start, end) if they form a known title."""
    if start < 0 or start >= end:
        return None
    last = doc[end - 1]
    key = _title_key(doc_text(doc)[doc[start].idx : last.idx + len(last.text)])
    rules = _rules()
    if key not in rules.honorifics and key not in rules.positions:
        return None  # the common case, told from the text alone before any token is read
    if any(t.is_space or "\n" in t.text or (t.is_punct and t.text != "-") for t in doc[start:end]):
        return None
    return key


def _name_like(doc: Doc, start: int, end: int) -> bool:
    """True when tokens [start, end) look like a short proper name (1-4 capitalised words)."""
    particles = _rules().particles
    words = [t for t in doc[start:end] if not t.is_punct]
    return 0 < len(words) <= 4 and all(t.text[:1].isupper() or t.lower_ in particles for t in words)


def _joined_ents(doc: Doc) -> list[tuple[int, int, str]]:
    """Returns the model's kept entity spans as (start token, end token, label).

    One slip is repaired: an organisation split before "in/of <place>" is joined again when an
    acronym in brackets right after spells the whole name.
    """
    rules = _rules()
    ents = [e for e in doc.ents if e.label_ in KEEP_LABELS]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(ents):
        a = ents[i]
        if a.label_ == "ORG" and i + 1 < len(ents):
            b = ents[i + 1]
            gap = doc[a.end : b.start]
            if (
                b.label_ in _PLACE_TYPES
                and len(gap) == 1
                and gap[0].lower_ in rules.connectors
                and b.end + 1 < len(doc)
                and doc[b.end].text == "("
                and _is_acronym(doc[b.end + 1].text)
                and initials(doc[a.start : b.end].text) == doc[b.end + 1].text.replace(".", "")
            ):
                out.append((a.start, b.end, "ORG"))
                i += 2
                continue
        out.append((a.start, a.end, a.label_))
        i += 1
    return out


def _first_segment(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Returns the first piece of [s, e) holding letters, cutting at line breaks and credit slashes."""
    breaks = _rules().span_breaks
    seg_start = s
    for i in range(s, e + 1):
        at_break = i == e or "\n" in doc[i].text or doc[i].text in breaks
        if at_break:
            if any(ch.isalpha() for t in doc[seg_start:i] for ch in t.text):
                return seg_start, i
            seg_start = i + 1
    return s, s


def _capitals_fragment(doc: Doc, s: int, e: int) -> bool:
    """True for a short word in capitals cut out of a run of capitals ("LA" of a dateline "LA
    CROSSE, Wis."): a piece of a longer name, no name by itself."""
    word = doc[s].text
    if e - s != 1 or not (word.isalpha() and word.isupper() and len(word) <= _FRAGMENT_MAX):
        return False
    nxt = doc[e] if e < len(doc) else None
    return (
        nxt is not None
        and nxt.is_alpha
        and nxt.text.isupper()
        and len(nxt.text) >= 2
        and "\n" not in doc[s].whitespace_
    )


def _placed(doc: Doc, s: int, e: int) -> bool:
    """True when a place word stands right before the name or starts it ("Mount X", "Lake X") or
    right after it ("the X volcano"): the name is a place's."""
    rules = _rules()
    before = [doc[s]] + ([doc[s - 1]] if s > 0 else [])
    if any(t.text[:1].isupper() and t.lower_.rstrip(".") in rules.place_before for t in before):
        return True
    return e < len(doc) and doc[e].lower_ in rules.place_after


def _trim(doc: Doc, s: int, e: int, label: str) -> tuple[int, int, str, str | None] | None:
    """Returns the repaired span (start token, end token, label, title) or None to drop it."""
    rules = _rules()
    s, e = _first_segment(doc, s, e)

    def strip() -> tuple[int, int]:
        a, b = s, e
        while a < b and (doc[a].is_punct or doc[a].is_space or doc[a].lower_ == "the"):
            a += 1
        while b > a and (doc[b - 1].is_punct or doc[b - 1].is_space or doc[b - 1].text in _POSSESSIVES):
            b -= 1
        return a, b

    s, e = strip()
    if s >= e:
        return None
    title: str | None = None
    title_start = title_end = -1
    # A title inside the span ("Mr Smith", "President Okafor" as PERSON).
    for k in range(min(_MAX_TITLE_TOKENS, e - s - 1), 0, -1):
        key = _title_at(doc, s, s + k)
        if key is None or not _name_like(doc, s + k, e):
            continue
        if label == "PERSON" or (key in rules.honorifics and label in _HONORIFIC_LABELS):
            title, title_start, title_end = key, s, s + k
            s += k
            if key in rules.honorifics:
                label = "PERSON"
            break
    # A title right before the span ("President" + "Jane Okafor").
    if title is None:
        for k in range(min(_MAX_TITLE_TOKENS, s), 0, -1):
            key = _title_at(doc, s - k, s)
            if key is None or not _name_like(doc, s, e):
                continue
            if label == "PERSON" or (key in rules.honorifics and label in _HONORIFIC_LABELS):
                title, title_start, title_end = key, s - k, s
                if key in rules.honorifics:
                    label = "PERSON"
                break
    if label == "PERSON":
        # A headline run-on "Doe Slams Jane Roe", or a possessive inside ("Doe’s agenda"): keep the
        # name before it.
        for i in range(s + 1, e - 1):
            tok = doc[i]
            if (tok.lower_ in rules.headline_verbs and tok.text[:1].isupper()) or tok.text in _POSSESSIVES:
                e = i
                s, e = strip()
                break
    if label == "PERSON" and e - s >= 2:
        last = doc[e - 1]
        bare = last.text.replace(".", "")
        agency = (
            bare.isalpha() and bare.isupper() and 2 <= len(bare) <= 4 and bare.lower() not in rules.suffixes
        )
        if (agency and not doc[s].text.isupper()) or last.lower_ in rules.headline_verbs:
            e -= 1
            s, e = strip()
    if s >= e or _capitals_fragment(doc, s, e):
        return None
    if label == "PERSON" and title is None and _placed(doc, s, e):
        label = "LOC"
    text = doc_text(doc)[doc[s].idx : doc[e - 1].idx + len(doc[e - 1].text)]
    if not any(ch.isupper() for ch in text) or len(text) > 120:
        return None
    written_title = None
    # "a President X" is someone who might hold the office, not evidence of who holds it.
    indefinite = title_start > 0 and doc[title_start - 1].lower_ in _INDEFINITE
    if title is not None and label == "PERSON" and not indefinite:
        span = doc[title_start:title_end]
        written_title = " ".join(span.text.lower().split())
    return s, e, label, written_title


def mentions_from_doc(doc: Doc, article_id: str) -> list[dict[str, object]]:
    """Returns the ``x_entity_mentions`` rows of one parsed article, in text order.

    Keeps the labels of :data:`KEEP_LABELS`; each row's ``text`` equals ``doc_text(doc)[start:end]``.
    A title or honorific before the name goes to ``title`` (lower case, as written), not into the
    span; a name under an honorific is a PERSON whatever the model said.
    """
    rows: dict[tuple[int, int], dict[str, object]] = {}
    for s0, e0, label0 in _joined_ents(doc):
        trimmed = _trim(doc, s0, e0, label0)
        if trimmed is None:
            continue
        s, e, label, title = trimmed
        start = doc[s].idx
        end = doc[e - 1].idx + len(doc[e - 1].text)
        text = doc_text(doc)[start:end]
        # A possessive the tokenizer left inside the last token ("Putin’s" glued).
        m = re.search(r"['’‘]s?$", text)
        if m and m.start() > 0 and (text.endswith(("'s", "’s", "‘s")) or text[m.start() - 1] in "sS"):
            end -= len(m.group(0))
            text = doc_text(doc)[start:end]
        if not text.strip() or (start, end) in rows:
            continue
        rows[(start, end)] = {
            "article_id": article_id,
            "start": start,
            "end": end,
            "text": text,
            "label": label,
            "title": title,
        }
    return [rows[k] for k in sorted(rows)]
