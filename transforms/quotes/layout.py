"""Speakers given by the layout around a quote: one introduced before a colon, a verb framing the
quote like a cue, a signature after a dash, and the previous speaker going on."""

from __future__ import annotations

import re

from spacy.tokens import Token

from transforms.nlp import doc_text
from transforms.quotes.context import _Attr, _Ctx, _key, _mention_at
from transforms.quotes.cues import CUE_WINDOW, _find_speaker_token, _is_cue, _subject_of
from transforms.quotes.frames import stranded_subject
from transforms.quotes.lexicon import _lex
from transforms.quotes.marks import QuoteSpan
from transforms.quotes.speakers import _attribute_cue
from transforms.syntax import proper_chain as _proper_chain

_DASHES = "―—–-"


def labelled_speaker(ctx: _Ctx, q: QuoteSpan) -> _Attr | None:
    """Returns the speaker a label before a quote's colon names, which outranks any cue of the line:
    a headline 'Doe on the budget: "…"' or a round-up item 'Polls moved - Jane Doe: "…"'; else None."""
    before = ctx.text[: q.open_at].rstrip()
    if not before.endswith(":"):
        return None
    return _headline_label(ctx, len(before) - 1, q) or _dash_label(ctx, len(before) - 1)


# Words of the noun phrase in a '"…," the editorial read' frame, and its first words.
_FRAME_WORDS = 7
_FRAME_DETS = ("the", "a", "an", "this", "that", "its", "their", "his", "her", "one")


def _cue_form(word: str) -> bool:
    """True when a word is a cue verb of the lexicon as written, bare or with -s ("read", "states")."""
    verbs = _lex().verbs
    return word in verbs or (word.endswith("s") and (word[:-1] in verbs or word[:-2] in verbs))


def framed_by_noun_cue(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the speaker of a '"…," the editorial read.' / '"…," the Saudis state in …' frame whose
    cue the tagger took for a noun ("read", "state"), or None: a quote closed on a comma, question or
    exclamation mark, then a noun phrase opening with a determiner or a name, then a word that is
    a cue verb of the lexicon, then the sentence's end or its adverbials."""
    inner = ctx.text[q.start : q.end].rstrip()
    if not (inner[-1:] in ",?!" or ctx.text[q.close_at + 1 : q.close_at + 3].startswith(",")):
        return None
    tail = ctx.doc.char_span(q.close_at + 1, min(q.close_at + 120, len(ctx.text)), alignment_mode="expand")
    if tail is None:
        return None
    words = [t for t in tail if t.idx > q.close_at and not ctx.in_quote(t)]
    while words and words[0].is_punct:
        words = words[1:]
    if not words or not (words[0].lower_ in _FRAME_DETS or words[0].pos_ == "PROPN"):
        return None
    for k in range(1, min(len(words), _FRAME_WORDS + 1)):
        w = words[k]
        if (w.is_punct and w.text != "-") or w.pos_ in ("VERB", "AUX") or "\n" in w.text:
            return None
        if w.pos_ != "NOUN" or not _cue_form(w.lower_) or words[k - 1].lower_ in _FRAME_DETS:
            continue
        nxt = words[k + 1] if k + 1 < len(words) else None
        if nxt is not None and not (nxt.is_punct or nxt.pos_ in ("ADP", "ADV")):
            return None
        name = next((t for t in words[:k] if t.pos_ == "PROPN" and _mention_at(ctx, t.idx, t.idx + 1)), None)
        if name is not None:
            return _attribute_cue(ctx, w, name, q, last)
        s, e = words[0].idx, words[k - 1].idx + len(words[k - 1].text)
        return _Attr("unnamed", w.text, ctx.text[s:e], s, e, None, w.i)
    return None


def _colon_speaker(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the speaker introduced before a colon ('Smith said:' / 'Smith:') for a quote after it."""
    doc = ctx.doc
    before = ctx.text[: q.open_at].rstrip()
    if not before.endswith(":"):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None:
        return None
    prev = doc[colon.start - 1] if colon.start > 0 else None
    owner = _owner_of_source(ctx, prev)
    if owner is not None:
        return _name_at_colon(ctx, owner)
    sent = ctx.sents[ctx.sent_of_tok[colon.start]]
    lead = doc[max(sent.start, colon.start - CUE_WINDOW) : colon.start]  # bounded, as cue windows are
    for t in reversed(lead):
        if ctx.in_quote(t):
            continue
        if _is_cue(t):
            spk = _find_speaker_token(ctx, t, None) or stranded_subject(ctx, t)
            if spk is not None:
                at = _attribute_cue(ctx, t, spk, q, last)
                if at.method in ("cue_subject", "according_to"):
                    at.method = "colon"
                return at
    # "… — Jane Doe:" / "More from Doe:": a person's name right before the colon introduces the quote
    prev = doc[colon.start - 1] if colon.start > 0 else None
    if (
        prev is not None
        and prev.pos_ == "PROPN"
        and not ctx.in_quote(prev)
        and (prev.ent_type_ == "PERSON" or ctx.gender(_key(prev.text)) is not None)
        and not (prev.dep_ == "pobj" and prev.head.lower_ not in ("of", "from", "by"))  # "on Twitter:"
    ):
        return _name_at_colon(ctx, prev)
    # "The chairman, Ravi Menon, had a blunt message:" — the subject of the sentence speaks
    # (a head with a subject counts as a verb: "Here’s Doe in 1992:" tags the curly "’s" as a mark)
    verbs = [sent.root] + [
        t for t in reversed(lead) if t.pos_ in ("VERB", "AUX") or any(c.dep_ == "nsubj" for c in t.children)
    ]
    for root in verbs:
        if ctx.in_quote(root) or root.i >= colon.start:
            continue
        subj = _subject_of(ctx, root, None)
        if subj is None:
            continue
        at = _attribute_cue(ctx, root, subj, q, last)
        if at.method not in ("none", "unresolved"):
            at.method = "colon" if at.method in ("cue_subject", "according_to") else at.method
            at.cue = None
            return at
        break
    if prev is not None and prev.pos_ == "PROPN":
        return _name_at_colon(ctx, prev)
    return _line_label(ctx, len(before) - 1)


# Words of a headline's label before its colon ('Doe on the budget: "…"'), and of a name after a dash.
_LABEL_WORDS = 12
_DASH_NAME_WORDS = 4


def _headline_label(ctx: _Ctx, colon_at: int, q: QuoteSpan) -> _Attr | None:
    """Returns the colon attribution of a headline 'Doe on the budget: "…"' / 'Doe slams critics:
    "…"': the article's first line, a short label and the quote ending the line; the speaker is the
    first proper name of the label before an "on" (a mention where one is), or None."""
    text = ctx.text
    if text.rfind("\n", 0, colon_at) >= 0 or text[q.close_at + 1 :].split("\n", 1)[0].strip(" .!?;\u00a0"):
        return None
    words = text[:colon_at].split()
    if not 1 <= len(words) <= _LABEL_WORDS or any(w[-1:] in ".!?," for w in words[:-1]):
        return None
    cut = next((k for k, w in enumerate(words) if w.lower() == "on" and k > 0), len(words))
    label_end = len(" ".join(words[:cut]))
    span = ctx.doc.char_span(0, label_end, alignment_mode="expand")
    if span is None or any(t.pos_ == "VERB" and _is_cue(t) for t in span):
        return None  # a sentence with its own cue ("Doe said:"), not a headline's label
    if cut < len(words) and cut <= _DASH_NAME_WORDS and all(w[:1].isupper() for w in words[:cut]):
        # "Doe on …": the words before "on" are the name, whatever the tagger made of them
        m = _mention_at(ctx, 0, label_end)
        s, e = (int(m["start"]), int(m["end"])) if m is not None else (0, label_end)
        return _Attr("colon", None, text[s:e], s, e, _key(text[s:e]), span.start)
    first = next((t for t in span if t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG", "NORP")), None)
    if first is None:
        return None
    return _name_at_colon(ctx, first)


def _dash_label(ctx: _Ctx, colon_at: int) -> _Attr | None:
    """Returns the colon attribution of a round-up item 'Polls tightened - Jane Doe: "…"': a short
    proper name between a dash and the colon speaks, or None."""
    line_start = ctx.text.rfind("\n", 0, colon_at) + 1
    head = ctx.text[line_start:colon_at]
    m = re.search(r"\s[" + _DASHES + r"]\s+([^" + _DASHES + r"]+)$", head)
    if m is None:
        return None
    name = m.group(1).strip()
    words = name.split()
    if not 1 <= len(words) <= _DASH_NAME_WORDS or not all(w[:1].isupper() for w in words):
        return None
    start = line_start + m.start(1)
    span = ctx.doc.char_span(start, start + len(name), alignment_mode="expand")
    if span is None or not any(t.pos_ == "PROPN" for t in span):
        return None
    return _name_at_colon(ctx, span[-1])


def _owner_of_source(ctx: _Ctx, prev: Token | None) -> Token | None:
    """Returns the name owning the text a colon opens ('From Jane Doe's Facebook post:' / 'In Doe's
    letter:'), the word before the colon being that text, or None."""
    if prev is None or prev.pos_ != "NOUN" or prev.dep_ != "pobj" or prev.head.lower_ not in ("from", "in"):
        return None
    if prev.i - prev.head.i > _DASH_NAME_WORDS + 2 or ctx.in_quote(prev):
        return None
    return next((c for c in prev.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)


def _line_label(ctx: _Ctx, colon_at: int) -> _Attr | None:
    """Returns the colon attribution for a line opening with a person's name and a colon ('Doe:
    "…"', as headlines and transcripts do), the name being one the article gives a person, or None."""
    line_start = ctx.text.rfind("\n", 0, colon_at) + 1
    label = ctx.text[line_start:colon_at].strip()
    label = re.sub(r"\s*\([^()]*\)$", "", label)  # a transcript's party tag: "Rep. Jane Doe (D-Ohio):"
    words = label.split()
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
        return None
    key = _key(label)
    if not any(p.key == key for p in ctx.persons):
        return None
    start = line_start + ctx.text[line_start:colon_at].index(label)
    tok = ctx.doc.char_span(start, start + len(label), alignment_mode="expand")
    return _Attr("colon", None, label, start, start + len(label), key, tok.start if tok is not None else None)


def _name_at_colon(ctx: _Ctx, prev: Token) -> _Attr:
    """Returns the colon attribution to the proper name ending at ``prev`` (its mention where one is)."""
    doc = ctx.doc
    pa, pb = _proper_chain(prev)
    ps, pe = doc[pa].idx, doc[pb - 1].idx + len(doc[pb - 1].text)
    m = _mention_at(ctx, ps, pe)
    if m is not None:
        ps, pe = int(m["start"]), int(m["end"])
    name = doc_text(doc)[ps:pe]
    return _Attr("colon", None, name, ps, pe, _key(name), prev.i)


def _adjacent_speaker(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the subject of a verb the lexicon lacks that frames a quote like a cue.

    '"…," Smith fumed' / '"…?" cracked the host': a quote closed on a comma, question or
    exclamation mark and followed in its sentence by a finite verb (within three words) whose
    subject sits outside the marks. 'Smith cracked, "…"': a full quote opened right after a
    comma whose clause has a finite verb with a subject. Such a frame is attribution whatever
    the verb.
    """
    doc = ctx.doc
    inner = ctx.text[q.start : q.end].rstrip()
    after = ctx.text[q.close_at + 1 : q.close_at + 3]
    para = ctx.para_of_char[q.start]
    if inner[-1:] in ",?!" or after.startswith(","):
        tail = doc.char_span(q.close_at, min(q.close_at + 80, len(ctx.text)), alignment_mode="expand")
        if tail is not None:
            # up to the first verb: a subject of a few words may stand before it ('"…," the
            # party's vice-presidential nominee riffed')
            words = [t for t in tail if not t.is_punct and not ctx.in_quote(t)][:_FRAME_WORDS]
            for t in words:
                if ctx.para_of_char[t.idx] != para:
                    break
                verb = t if t.pos_ == "VERB" else t.head if t.dep_ in ("nsubj",) else None
                if verb is None or verb.tag_ not in ("VBD", "VBZ", "VBP") or ctx.in_quote(verb):
                    if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound"):
                        break
                    continue
                subj = _subject_of(ctx, verb, q.end)
                if subj is not None and subj.idx > q.close_at:
                    return _attribute_cue(ctx, verb, subj, q, last)
    before = ctx.text[: q.open_at].rstrip()
    if before.endswith(",") and "\n" not in ctx.text[len(before) : q.open_at]:
        comma = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
        if comma is None:
            return None
        sent = ctx.sents[ctx.sent_of_tok[comma.start]]
        for t in reversed(doc[max(sent.start, comma.start - CUE_WINDOW) : comma.start]):
            if ctx.in_quote(t) or ctx.para_of_char[t.idx] != para:
                break
            if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP"):
                subj = _subject_of(ctx, t, None)
                if subj is None and t.dep_ == "conj":
                    # 'Doe thanked them and then boomed, "…"': the subject of the verbs it joins
                    subj = _find_speaker_token(ctx, t, None)
                if subj is not None and subj.i < t.i:
                    return _attribute_cue(ctx, t, subj, q, last)
                break
    return _cue_sentence_before(ctx, q, last)


def _cue_sentence_before(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the speaker of a sentence that announces the quote right after it without words of
    its own ('Jane Doe agreed. "…"' / 'Doe said in a statement. "…"'), or None: the sentence
    before the opening mark, in the same paragraph, is ruled by a cue verb with no clause or
    object of its own and holds no quote."""
    doc = ctx.doc
    before = ctx.text[: q.open_at].rstrip()
    if not before.endswith(".") or "\n" in ctx.text[len(before) : q.open_at]:
        return None
    end = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if end is None:
        return None
    sent = ctx.sents[ctx.sent_of_tok[end.start]]
    root = sent.root
    if (
        not _is_cue(root)
        or ctx.para_of_char[sent.start_char] != ctx.para_of_char[q.start]
        or any(ctx.in_quote(t) for t in sent)
        or any(c.dep_ in ("ccomp", "xcomp", "dobj", "attr", "oprd") for c in root.children)
    ):
        return None
    spk = _find_speaker_token(ctx, root, None) or stranded_subject(ctx, root)
    return _attribute_cue(ctx, root, spk, q, last) if spk is not None else None


def _signature(ctx: _Ctx, q: QuoteSpan) -> _Attr | None:
    """Returns the speaker named after a dash that closes a quote ('"…" — Jane Doe, 42')."""
    text = ctx.text
    line_end = text.find("\n", q.close_at)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[q.close_at + 1 : line_end]
    m = re.match(r"[\s\u00a0]*[" + _DASHES + r"]+[\s\u00a0]*", rest)
    if m:
        start = q.close_at + 1 + m.end()
    else:
        # a pull quote alone in its paragraph, signed on the next line: '"…"' / '- Jane Doe, Ohio.'
        line_start = text.rfind("\n", 0, q.open_at) + 1
        if rest.strip(" .,\u00a0") or text[line_start : q.open_at].strip():
            return None
        nxt = re.match(r"\n+([" + _DASHES + r"]+)[\s\u00a0]*([^\n]*)", text[line_end:])
        if not nxt or len(nxt.group(2).split()) > 12:
            return None
        start = line_end + nxt.start(2)
        line_end = line_end + nxt.end(2)
    span = ctx.doc.char_span(start, line_end, alignment_mode="expand")
    if span is None or len(span) == 0 or span[0].pos_ != "PROPN":
        return None
    a = span.start
    b = a
    while b < span.end and span.doc[b].pos_ in ("PROPN",) and b - a < 6:
        b += 1
    s, e = span.doc[a].idx, span.doc[b - 1].idx + len(span.doc[b - 1].text)
    mention = _mention_at(ctx, s, e)
    if mention is not None:
        s, e = int(mention["start"]), int(mention["end"])
    s = max(s, start)  # a dash the tokenizer left on the name ("-Jane")
    name = text[s:e]
    return _Attr("signature", None, name, s, e, _key(name), a)


# A beat of narration between two quotes of one speaker: at most this many paragraphs and words.
_BEAT_PARAS = 2
_BEAT_WORDS = 6


def _beat_between(ctx: _Ctx, prev: QuoteSpan, q: QuoteSpan) -> bool:
    """True when only a short beat of narration stands between two quotes ('She pauses.',
    'Pause.'): whole paragraphs of a few words, no one named in them (a person would take the floor).
    The rest of the previous quote's paragraph (its cue) does not count."""
    start = ctx.text.find("\n", prev.end, q.open_at)
    if start < 0:
        return False
    words = re.findall(r"[^\W\d_][\w'’-]*", ctx.text[start : q.open_at])
    if len(words) > _BEAT_WORDS or any(start <= p.start < q.open_at for p in ctx.persons):
        return False
    return not any(start <= int(m["start"]) < q.open_at for m in ctx.mentions)


def _continues(ctx: _Ctx, q: QuoteSpan, last: _Attr | None, last_q: QuoteSpan | None) -> _Attr | None:
    """Returns the previous speaker for a quote with no cue of its own, when it goes on speaking.

    The previous quote must be in the same paragraph or the one before (or earlier, when every
    paragraph in between is itself a quote of that speaker's run), or a short beat of narration
    naming no one may stand between them ('She pauses.', see :func:`_beat_between`).
    """
    if last is None or last_q is None or last.method == "none":
        return None
    gap = ctx.para_of_char[q.start] - ctx.para_of_char[last_q.start]
    if gap > 1 and not (gap <= _BEAT_PARAS + 1 and _beat_between(ctx, last_q, q)):
        return None
    return _Attr("continuation", None, last.text, last.start, last.end, last.person_key, last.cue_tok)


def lead_in_speaker(ctx: _Ctx, q: QuoteSpan, last: _Attr | None) -> _Attr | None:
    """Returns the speaker a paragraph ending on a statement gives the quote paragraph right after
    it, or None: 'The league issued a statement on Sunday.' then '"On behalf of…"'.

    The quote opens its paragraph; the previous paragraph's last sentence holds no quotation and
    ends on a full stop; its cue verb, or a verb taking a statement noun as object, has a subject
    naming someone. Published as ``colon``: the sentence introduces the quote as a colon would.
    """
    doc = ctx.doc
    line = ctx.text.rfind("\n", 0, q.open_at)
    if line < 0 or ctx.text[line : q.open_at].strip():
        return None
    end = len(ctx.text[:line].rstrip())
    if end == 0 or ctx.text[end - 1] != "." or ctx.para_of_char[q.start] - ctx.para_of_char[end - 1] != 1:
        return None
    span = doc.char_span(end - 1, end, alignment_mode="expand")
    if span is None:
        return None
    sent = ctx.sents[ctx.sent_of_tok[span.start]]
    if any(ctx.in_quote(t) or t.text in '"“”' for t in sent):
        return None
    nouns = _lex().statement_nouns
    for t in sent:
        stated = t.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "dobj" and c.lemma_.lower() in nouns for c in t.children
        )
        if not (stated or _is_cue(t)):
            continue
        subj = _subject_of(ctx, t, None)
        if subj is None:
            continue
        at = _attribute_cue(ctx, t, subj, q, last)
        if at.method in ("cue_subject", "pronoun", "description"):
            if at.method == "cue_subject":
                at.method = "colon"
            at.cue = None
            return at
    return None
