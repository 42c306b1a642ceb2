"""Cue verbs and their speakers: the cues that may introduce a quote, and the token naming the
speaker of a cue (its subject, an inverted subject, a name next to it, the object of "according to")."""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Span, Token

from transforms.nlp import doc_text
from transforms.quotes.context import _Ctx, _key, _mention_at
from transforms.quotes.lexicon import _lex
from transforms.quotes.marks import QuoteSpan
from transforms.quotes.scan import token_indices
from transforms.syntax import proper_chain as _proper_chain


def _is_cue(tok: Token) -> bool:
    """True when a token is a cue verb of the lexicon (with its particle where one is needed)."""
    pos = tok.pos_
    if pos not in ("VERB", "AUX") and not (pos == "NOUN" and tok.tag_ in ("VBD", "VBZ", "VBG")):
        return False
    lex = _lex()
    lemma = tok.lemma_.lower()
    if lemma in lex.verbs:
        return True
    wants = lex.particles.get(lemma, frozenset())
    return any(c.lower_ in wants for c in tok.children if c.dep_ in ("prt", "prep", "dobj", "advmod"))


def _according_to(tok: Token) -> Token | None:
    """Returns the object of "according to" when tok is "according", else None."""
    if tok.lower_ != "according":
        return None
    for c in tok.children:
        if c.lower_ == "to":
            for o in c.children:
                if o.dep_ == "pobj":
                    return o
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    if nxt is not None and nxt.lower_ == "to":
        for o in nxt.children:
            if o.dep_ == "pobj":
                return o
    return None


def _subject_of(ctx: _Ctx, tok: Token, quote_end: int | None) -> Token | None:
    """Returns the subject of a cue verb: nsubj, or the noun after an inverted cue ('added the opponent').

    Of several subjects (the parser sometimes makes a word of the quote one) the nearest one
    outside quotation marks wins; punctuation never speaks.
    """
    subjects = [
        c
        for c in tok.children
        if c.dep_ == "nsubj"
        and c.tag_ not in ("WP", "WDT", "EX")
        and not c.is_punct
        and c.pos_ != "PUNCT"
        and not ctx.in_quote(c)
    ]
    if subjects:
        return min(subjects, key=lambda c: abs(c.i - tok.i))
    # inverted only right after the quote ('"…," added the opponent'); in '"…," Doe, 58, told
    # Reuters' the object is the listener
    if (
        quote_end is not None
        and quote_end <= tok.idx
        and tok.tag_ != "VBG"
        and not any(ch.isalnum() for ch in ctx.text[quote_end : tok.idx])
    ):
        for c in tok.children:
            if (
                c.i > tok.i
                and c.dep_ in ("dobj", "attr", "npadvmod", "oprd", "nsubj")
                and c.pos_ in ("NOUN", "PROPN", "PRON")
                and c.ent_type_ not in _NOT_SPEAKERS
                and not ctx.in_quote(c)
            ):
                return c
    return None


# Entity types that never speak: "said this week", "said, half joking".
_NOT_SPEAKERS = ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL")


def _find_speaker_token(ctx: _Ctx, cue: Token, quote_end: int | None) -> Token | None:
    """Returns the token naming the speaker of a cue verb, following participles up the tree.

    "…, adding that X" and "describing ties as …" have no subject of their own: the nearest
    cue verb above them that has one speaks; failing that, the subject of the verb they hang on
    ("Ivanov downplayed the talks, saying …"). "X quoted Y as saying" gives Y.
    """
    lex = _lex()
    subj = _subject_of(ctx, cue, quote_end)
    if subj is not None:
        return subj
    # "Doe was asked by the host Ann Roe, '…'": the agent of a cue addressed to a person (not 'a
    # biography written by …', 'the measure was called by the party')
    addressed = any(c.dep_ == "nsubjpass" and c.pos_ in ("PROPN", "PRON") for c in cue.children)
    for c in cue.children if addressed and cue.lemma_.lower() not in lex.naming else ():
        if c.dep_ == "agent":
            obj = next((o for o in c.children if o.dep_ == "pobj"), None)
            if obj is not None and not ctx.in_quote(obj):
                return obj
    head = cue.head
    if head.lemma_.lower() in lex.object_speaker:
        for c in head.children:
            if c.dep_ in ("dobj", "nsubjpass"):
                return c
    prev = cue.doc[cue.i - 1] if cue.i > 0 else None
    if (
        cue.tag_ == "VBG"
        and prev is not None
        and prev.pos_ == "PROPN"
        and not ctx.in_quote(prev)
        and (prev.ent_type_ == "PERSON" or ctx.gender(_key(prev.text)) is not None)
        and not (prev.dep_ == "pobj" and prev.head.lower_ != "of")  # "a post on Twitter reading …"
    ):
        return prev  # a name right before a gerund is its subject: "footage of Jane Doe saying …"
    if (
        cue.dep_ == "relcl"
        and head.i != cue.i
        and head.pos_ in ("NOUN", "PROPN", "PRON")
        and not (head.dep_ == "dobj" and _is_cue(head.head))  # "Doe added a caption that reads …"
    ):
        return head  # "Smith, who said …" / "a headline that said …"
    if cue.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl", "ccomp", "relcl") and head.i != cue.i:
        node = head
        for _ in range(_MAX_CLIMB):
            if _is_cue(node) and not ctx.in_quote(node):
                s = _subject_of(ctx, node, quote_end)
                if s is not None:
                    return s
            if node.head.i == node.i:
                break
            node = node.head
        if cue.dep_ == "relcl":
            return head  # "Smith, who said …"
        if _acl_speaker(cue):
            return head  # "Jane Doe, the nominee, tweeted Sunday": the parse hung the verb on the name
        # "Doe appeared on TV and endorsed Roe, saying …": a verb coordinated with the one that
        # has the subject shares it
        node = head.head if head.pos_ == "ADP" else head  # "ended by saying …"
        s = None
        for _ in range(_MAX_CLIMB):
            s = _subject_of(ctx, node, quote_end)
            if s is not None or node.dep_ != "conj" or node.head.i == node.i:
                break
            node = node.head
        if s is None and not _is_cue(node):
            # "Doe was prompted to say …" / "a reporter can be heard asking …": the passive subject
            s = next((c for c in node.children if c.dep_ == "nsubjpass" and not ctx.in_quote(c)), None)
        if s is None or s.pos_ == "NOUN":
            # '…, when protesters interrupted her, shouting "…"': the clause right before the
            # participle's comma, which the parse often skips for the main verb ("The incident came")
            return _clause_subject_before(ctx, cue) or s
        return s
    return _clause_subject_before(ctx, cue)


def _clause_subject_before(ctx: _Ctx, cue: Token) -> Token | None:
    """Returns, for a participle cue after a comma ('…, writing "…"'), the subject of the nearest
    verb before that comma in its sentence and outside quotes, or None. A finite cue after "and"
    ('Doe backs "pay raises," opposes "freezes" and recalled …') shares the subject of the verbs
    before it, quoted words between them skipped."""
    doc = ctx.doc
    if cue.i == 0:
        return None
    coordinated = doc[cue.i - 1].lower_ in ("and", "but") and cue.tag_ in ("VBD", "VBZ", "VBP")
    # 'after Doe, asked about it, had said "…"': the parse made the aside the verb of the subject
    # and the cue a verb of its own after the comma
    k = cue.i - 1
    while k > 0 and doc[k].dep_ == "aux" and doc[k].head.i == cue.i:
        k -= 1
    aside = k < cue.i - 1 and doc[k].text == "," and cue.tag_ in ("VBN", "VBD")
    if not coordinated and not aside and (cue.tag_ != "VBG" or doc[cue.i - 1].text != ","):
        return None
    start = ctx.sents[ctx.sent_of_tok[cue.i]].start
    for t in reversed(doc[max(start, cue.i - _MAX_CLIMB) : k if aside else cue.i - 1]):
        if ctx.in_quote(t):
            if coordinated:
                continue
            return None
        if t.pos_ in ("VERB", "AUX"):
            s = _subject_of(ctx, t, None)
            if s is not None and s.i < t.i:
                return s
            if t.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.tag_ in ("WP", "WDT") for c in t.children):
                return t.head  # "… an academic who worked the crowd, praising …"
    return None


def _acl_speaker(cue: Token) -> bool:
    """True when a finite-looking cue verb the parse hung on a noun before it as a modifier has that
    noun as its speaker ('Jane Doe, a former aide, tweeted Sunday'); a verb with an agent ('the
    statement posted by …') or a gerund ('a post reading …') is no such frame."""
    head = cue.head
    return (
        cue.dep_ == "acl"
        and cue.lemma_.lower() not in _lex().naming
        and cue.tag_ in ("VBD", "VBN")
        and head.i < cue.i
        and head.pos_ in ("NOUN", "PROPN")
        and not any(c.dep_ == "agent" for c in cue.children)
        and cue.doc[cue.i - 1].text == ","
    )


def _name_before_cue(ctx: _Ctx, cue: Token, q: QuoteSpan) -> Token | None:
    """Returns the proper noun right before a cue that follows a quote ('"…," Police Chief Ann Roe
    said') when the parse gave the cue no subject; the words between the closing mark and the
    cue must be a name phrase (nouns, adjectives, determiners, commas)."""
    doc = ctx.doc
    if cue.i == 0 or cue.idx <= q.close_at:
        return None
    prev = doc[cue.i - 1]
    # a capitalised modal between a quote and its cue is a name the tagger misread ('"…," Will wrote')
    misread = prev.tag_ == "MD" and prev.text[:1].isupper() and not prev.text.isupper()
    if (prev.pos_ != "PROPN" and not misread) or ctx.in_quote(prev) or prev.idx <= q.close_at:
        return None
    if misread and ctx.text[q.close_at + 1 : prev.idx].strip(" ,\u00a0"):
        return None
    between = [t for t in doc[prev.i - 8 if prev.i >= 8 else 0 : prev.i] if t.idx > q.close_at]
    if ctx.para_of_char[prev.idx] != ctx.para_of_char[q.start] or len(between) > 7:
        return None
    if any(
        t.pos_ not in ("PROPN", "NOUN", "ADJ", "DET", "PUNCT", "VERB") or t.text in ".!?" for t in between
    ):
        return None
    return prev


def _is_person_name(ctx: _Ctx, tok: Token) -> bool:
    """True when a proper noun outside quotes names a person (NER, a PERSON mention, or a known gender)."""
    if ctx.in_quote(tok):
        return False
    if tok.pos_ != "PROPN":
        # a surname the tagger took for another word ("said Skelly" as an adverb): capitalised
        # inside a sentence and the surname of a person named before
        return (
            tok.text[:1].isupper()
            and not tok.is_sent_start
            and tok.pos_ in ("ADV", "ADJ", "NOUN", "VERB")
            and any(p.key == _key(tok.text) and p.start < tok.idx for p in ctx.persons)
        )
    if tok.ent_type_ == "PERSON" or ctx.gender(_key(tok.text)) is not None:
        return True
    m = _mention_at(ctx, tok.idx, tok.idx + len(tok.text))
    return m is not None and m.get("label") == "PERSON"


def _given_then_surname(ctx: _Ctx, tok: Token) -> bool:
    """True for a capitalised common given name outside quotes followed by a proper noun."""
    lex = _lex()
    low = tok.lower_
    if not tok.text[:1].isupper() or ctx.in_quote(tok) or low not in lex.given_male | lex.given_female:
        return False
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper() and not ctx.in_quote(nxt)


def _name_next_to_cue(ctx: _Ctx, cue: Token, q: QuoteSpan) -> Token | None:
    """Returns the person named next to a cue that follows a quote when the parse gave the cue no
    subject (it often hangs the name on a word of the quote).

    '"…," said Ann Roe, an economist' / '"…," tweeted aide Ann Roe': a person's name within the
    few words after a cue that directly follows the closing mark. '"…," Ann Roe, a former aide,
    said': a person's name right after the closing mark, the cue later in the same sentence.
    """
    doc = ctx.doc
    if cue.idx <= q.close_at or ctx.para_of_char[cue.idx] != ctx.para_of_char[q.start]:
        return None
    gap = ctx.text[q.close_at + 1 : cue.idx]
    if not gap.strip(" ,\u00a0") and cue.tag_ != "VBG":  # names after a participle are its objects
        for t in doc[cue.i + 1 : cue.i + 7]:
            if t.text in ".!?" or ctx.in_quote(t) or "\n" in t.text:
                break
            if _is_person_name(ctx, t):
                return t
            if _given_then_surname(ctx, t):
                # a common given name and the proper nouns after it ("said … Elijah Doe")
                while t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "PROPN" and doc[t.i + 1].idx < q.end + 200:
                    t = doc[t.i + 1]
                return t
        return None
    after = doc.char_span(q.close_at + 1, cue.idx, alignment_mode="expand")
    # a quoted word inside the name phrase ('Jane Doe, wearing "Vote Doe" pins, said') is no stop
    if after is None or len(after) > 30 or any(t.text in ".!?" and not ctx.in_quote(t) for t in after):
        return None
    first = next((t for t in after if not t.is_punct and not t.is_space), None)
    if first is None or ctx.in_quote(first):
        return None
    if first.pos_ == "PROPN" and not _is_person_name(ctx, first):
        # the name's first word may be a given name the NER left out: look at the chain's last word
        _, b = _proper_chain(first)
        first = doc[b - 1] if b > first.i else first
    if _is_person_name(ctx, first):
        return first
    if first.pos_ == "PROPN" and first.ent_type_ not in _NOT_SPEAKERS:
        # a name the NER did not take for a person, right before the cue or its comma
        b = _proper_chain(first)[1]
        if b < len(doc) and (doc[b].text == "," or doc[b].i == cue.i):
            return doc[b - 1]
    # a role before the name: '"…," Ohio delegate Jane Doe, 52, said'
    for t in doc[first.i + 1 : min(first.i + 6, after.end)]:
        if t.text in ",;:(" or ctx.in_quote(t):
            break
        if _is_person_name(ctx, t):
            return doc[_proper_chain(t)[1] - 1]
    return None


# Tokens either side of a quote in which a cue may stand, and the steps up the tree a participle
# follows to the cue verb that has a subject: bounds that keep attribution near-linear.
CUE_WINDOW = 80
_MAX_CLIMB = 40


def _cue_index(ctx: _Ctx) -> list[int]:
    """Returns the token indices of the cue verbs (and "according") outside quotes, in order,
    computed once per article."""
    if ctx.cue_toks is None:
        doc = ctx.doc
        # only a verb, an auxiliary, a noun (a mistagged verb) or "according" can be a cue
        ctx.cue_toks = [
            i
            for i in token_indices(doc, pos=("VERB", "AUX", "NOUN"), or_lowers=("according",))
            if not ctx.in_quote(t := doc[i]) and (_is_cue(t) or _according_to(t) is not None)
        ]
    return ctx.cue_toks


def _cue_candidates(ctx: _Ctx, q: QuoteSpan, qspan: Span) -> list[Token]:
    """Returns the cue tokens that may introduce a quote, best first.

    First the cue verbs the quote hangs on in the parse (its ancestors, or cue verbs attached
    to the quote's root), then any other cue in the quote's sentence or in a short sentence
    right after it ('"…." he said.'), nearest first; cues inside quotes never count.
    """
    doc = ctx.doc
    out: list[Token] = []
    inside = {t.i for t in qspan}
    roots = [t for t in qspan if t.head.i not in inside or t.head.i == t.i]
    for r in roots:
        node = r
        steps = 0
        while node.head.i != node.i and steps < 12:
            node = node.head
            steps += 1
            if ctx.para_of_char[node.idx] != ctx.para_of_char[q.start]:
                break  # the parser joined two paragraphs
            if node.i in inside or ctx.in_quote(node):
                continue
            if (_is_cue(node) or _according_to(node) is not None) and node not in out:
                out.append(node)
        for c in r.children:
            if ctx.para_of_char[c.idx] != ctx.para_of_char[q.start]:
                continue
            if c.i not in inside and not ctx.in_quote(c) and _is_cue(c) and c not in out:
                out.append(c)
    # the window: the sentences the quote touches, plus a short tail sentence after it
    first_s = ctx.sent_of_tok[qspan.start]
    last_s = ctx.sent_of_tok[qspan.end - 1]
    sents = ctx.sents
    lo, hi = sents[first_s].start, sents[last_s].end
    if last_s + 1 < len(sents):
        nxt = sents[last_s + 1]
        gap = doc_text(doc)[q.close_at : nxt.start_char]
        opens_with_cue = any(_is_cue(t) for t in nxt[:4] if not ctx.in_quote(t))
        if (
            (len(nxt) <= 25 or opens_with_cue)
            and "\n" not in gap
            and ctx.para_of_char[nxt.start_char] == ctx.para_of_char[q.start]
        ):
            hi = nxt.end
    para = ctx.para_of_char[q.start]
    # bounded: a sentence of thousands of words gives each quote only the cues near it
    lo, hi = max(lo, qspan.start - CUE_WINDOW), min(hi, qspan.end + CUE_WINDOW)
    cues = _cue_index(ctx)
    window = [
        doc[i]
        for i in cues[bisect_left(cues, lo) : bisect_left(cues, hi)]
        if ctx.para_of_char[doc[i].idx] == para and doc[i] not in out
    ]
    window.sort(key=lambda t: min(abs(t.idx - q.start), abs(t.idx - q.end)))
    # a cue after a quote that closed its sentence and right before the next quote's opening mark
    # ('"…." Roe said: "…"') introduces that next quote, not this one
    if _closes_sentence(ctx, q):
        out = [t for t in out if not (t.idx > q.close_at and _leads_next_quote(ctx, q, t))]
        window = [t for t in window if not (t.idx > q.close_at and _leads_next_quote(ctx, q, t))]
    # a cue right before the opening mark ('… Doe saying, "…"') introduces the quote, whatever
    # verb the parser hung the quote on
    lead = [
        t
        for t in window + out
        if t.i + 1 < len(doc)
        and 0 <= q.open_at - (t.idx + len(t.text)) <= 2
        and not doc_text(doc)[t.idx + len(t.text) : q.open_at].strip(" ,:")
    ]
    if lead and out:
        return lead[:1] + [t for t in out + window if t not in lead[:1]]
    tail = _tail_cue(ctx, q, sorted(out + window, key=lambda t: t.i))
    if tail is not None:
        return [tail] + [t for t in out + window if t != tail]
    return out + window


# Words a name phrase between a closing mark and its cue may have ('"…," Jane Doe, 58, said').
_TAIL_WORDS = 8


def _tail_cue(ctx: _Ctx, q: QuoteSpan, window: list[Token]) -> Token | None:
    """Returns the cue of a '"…," Doe said' / '"…?" asked Doe' frame, or None: a quote closed on a
    comma, question or exclamation mark and followed in its paragraph by a cue with at most a
    short phrase without verbs between. That frame attributes the quote whatever verb the parser
    hung it on ('"…," Doe said, after Roe said …')."""
    inner = ctx.text[q.start : q.end].rstrip()
    after = ctx.text[q.close_at + 1 : q.close_at + 3]
    if not (inner[-1:] in ",?!" or after.startswith(",")):
        return None
    doc = ctx.doc
    # 'Doe told Roe she is "very worried," the office said': the quote goes on the clause of a
    # cue before it (no punctuation between), which the report after it only relays
    opening = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
    qsent = ctx.sent_of_tok[opening.start] if opening is not None and len(opening) else -1
    before = [t for t in window if t.idx < q.open_at and ctx.sent_of_tok[t.i] == qsent]
    if before and not re.search(r"[,;:()\u2014\u2013.!?]|\s-\s", ctx.text[before[-1].idx : q.open_at]):
        return None
    for t in window:
        if t.idx <= q.close_at:
            continue
        if t.tag_ not in ("VBD", "VBZ", "VBP"):
            return None  # '"…," promising …': a participle goes with the clause before the quote
        between = [
            w for w in doc[t.i - _TAIL_WORDS - 1 if t.i > _TAIL_WORDS else 0 : t.i] if w.idx > q.close_at
        ]
        if len([w for w in between if not w.is_punct]) > _TAIL_WORDS or t.lower_ == "according":
            return None
        if ctx.text[q.close_at + 1 : t.idx].count("\n") or any(
            w.pos_ in ("VERB", "AUX") or w.text in ".!?;" for w in between
        ):
            return None
        if between and doc[between[0].i - 1].idx > q.close_at:
            return None
        first = next((w for w in between if not w.is_punct), None)
        if first is not None and first.tag_ in ("IN", "WRB"):
            return None  # '"…," after Roe said …' opens a clause of its own
        if first is not None and inner[-1:] in "?!" and first.text[:1].isupper() and first.pos_ != "PROPN":
            return None  # '"…!" She replied': a new sentence, not the quote's frame
        return None if _leads_next_quote(ctx, q, t) else t
    return None


def _closes_sentence(ctx: _Ctx, q: QuoteSpan) -> bool:
    """True when a quote ends on a full stop (inside or right after its closing mark)."""
    inner = ctx.text[q.start : q.end].rstrip()
    return inner[-1:] == "." or ctx.text[q.close_at + 1 : q.close_at + 2] == "."


def _leads_next_quote(ctx: _Ctx, q: QuoteSpan, cue: Token) -> bool:
    """True when a cue introduces the quote after ``q`` ('"…?" Doe then wrote back, "…"' / 'Roe
    said: "…"'): that quote opens a few characters after the cue, with a comma or colon between."""
    nxt = next((o for o in ctx.quotes if o.open_at > q.close_at), None)
    if nxt is None:
        return False
    gap = ctx.text[cue.idx + len(cue.text) : nxt.open_at]
    return len(gap) <= _LEAD_GAP and gap.rstrip()[-1:] in (",", ":") and not any(c in gap for c in ".!?\n")


# Characters between a cue and the opening mark of the quote it introduces ('wrote back, "').
_LEAD_GAP = 16
