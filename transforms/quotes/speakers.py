"""The attribution a cue and its speaker token give: a resolved pronoun, a named entity, a proper
name, a description resolved to a person named before, or the unnamed phrase itself."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Token

from transforms.nlp import doc_text
from transforms.quotes.context import _Attr, _Ctx, _key, _mention_at
from transforms.quotes.descriptions import _resolve_description, held_role
from transforms.quotes.lexicon import _lex
from transforms.quotes.marks import QuoteSpan
from transforms.quotes.organisations import is_organisation, organisation_person
from transforms.quotes.persons import _add_person
from transforms.quotes.pronouns import _resolve_pronoun, described_subject_before, resolve_group
from transforms.syntax import np_span as _np_span
from transforms.syntax import proper_chain as _proper_chain


def _sent_at(ctx: _Ctx, char: int) -> int:
    """Returns the index of the sentence holding a character offset."""
    span = ctx.doc.char_span(char, char + 1, alignment_mode="expand")
    return ctx.sent_of_tok[span.start] if span is not None and len(span) else 0


def _latest_org(ctx: _Ctx, spk: Token) -> dict[str, Any] | None:
    """Returns the latest organisation (or country, nationality) named outside quotes before an
    "it" within three sentences, or None (a backward scan that stops at the window)."""
    here = ctx.sent_of_tok[spk.i]
    for o in reversed(ctx.mentions_before(spk.idx)):
        s = int(o["start"])
        if here - _sent_at(ctx, s) > 3:
            return None
        if o.get("label") in ("ORG", "GPE", "NORP") and int(o["end"]) <= spk.idx and ctx.quote_of_char[s] < 0:
            if o.get("label") == "NORP" and _plural(ctx, o):
                continue  # "Americans" are "they", never "it"
            return o
    return None


def _plural(ctx: _Ctx, m: dict[str, Any]) -> bool:
    """True when a mention's last word is a plural noun ("Americans", "Democrats")."""
    span = ctx.doc.char_span(int(m["start"]), int(m["end"]), alignment_mode="expand")
    return span is not None and len(span) > 0 and span[-1].tag_ in ("NNPS", "NNS")


def _attribute_cue(ctx: _Ctx, cue: Token, spk: Token, quote: QuoteSpan, last: _Attr | None) -> _Attr:
    """Returns the attribution given the cue verb and the token that names the speaker."""
    lex = _lex()
    doc = ctx.doc
    cue_text = cue.text
    low = spk.lower_
    if cue.lower_ == "according":
        cue_text = "according to"
    # pronouns
    if spk.pos_ == "PRON" or low in lex.pron_male | lex.pron_female | lex.pron_thing | lex.pron_group:
        if low in lex.pron_male or low in lex.pron_female:
            gender = "m" if low in lex.pron_male else "f"
            p = _resolve_pronoun(ctx, spk, gender, last)
            if p is not None:
                return _Attr("pronoun", cue_text, p.text, p.start, p.end, p.key, cue.i)
            d = described_subject_before(ctx, spk, gender)
            if d is not None:  # no name in view: the unnamed person it stands for, as written
                return _Attr("unnamed", cue_text, ctx.text[d[0] : d[1]], d[0], d[1], None, cue.i)
            return _Attr("unresolved", cue_text, spk.text, spk.idx, spk.idx + len(spk.text), None, cue.i)
        if low in lex.pron_group:
            g = resolve_group(ctx, spk)
            if g is not None:
                return _Attr("group", cue_text, ctx.text[g[0] : g[1]], g[0], g[1], None, cue.i)
            return _Attr("unresolved", cue_text, spk.text, spk.idx, spk.idx + len(spk.text), None, cue.i)
        if low in lex.pron_thing:
            # "it said in a statement": the latest organisation named before
            o = _latest_org(ctx, spk)
            if o is not None:
                return _Attr("pronoun", cue_text, str(o["text"]), int(o["start"]), int(o["end"]), None, cue.i)
        return _Attr("unnamed", cue_text, spk.text, spk.idx, spk.idx + len(spk.text), None, cue.i)
    a, b = _np_span(spk)
    np_start, np_end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
    method = "according_to" if cue.lower_ == "according" else "cue_subject"
    # a lower-case head is a common noun whatever the tagger says ("the minister" as PROPN)
    common = spk.pos_ == "NOUN" or (spk.pos_ == "PROPN" and spk.text.islower())
    # "the Liberal MP", "the Premier": a role word after "the" is no name however it is written
    common = common or (
        (low in lex.roles or low in lex.role_class)
        and any(c.dep_ == "det" and c.lower_ == "the" for c in spk.children)
    )
    # the head is (part of) a named entity; a common noun inside a mention of another label is
    # no name ("the rookie defenceman" read as ORG)
    m = _mention_at(ctx, spk.idx, spk.idx + len(spk.text))
    if m is not None and common and m.get("label") != "PERSON":
        m = None
    if m is not None and not common and is_organisation(ctx, m):
        # '"…," Acme said' after its spokesperson spoke: the person, not the company
        op = organisation_person(ctx, cue, m, last)
        if op is not None:
            return _Attr(method, cue_text, op.text, op.start, op.end, op.key, cue.i)
    if m is not None:
        ms, me = int(m["start"]), int(m["end"])
        if m.get("label") == "PERSON":
            _add_person(ctx, ms, me, str(m["text"]), ctx.sent_of_tok[spk.i])
        key = _key(str(m["text"])) if m.get("label") == "PERSON" else None
        return _Attr(method, cue_text, str(m["text"]), ms, me, key, cue.i)
    # a capitalised modal given as a cue's speaker is a name the tagger misread ("Will wrote")
    if (spk.pos_ == "PROPN" and not common) or (spk.tag_ == "MD" and spk.text[:1].isupper()):
        pa, pb = _proper_chain(spk)
        ps, pe = doc[pa].idx, doc[pb - 1].idx + len(doc[pb - 1].text)
        name = doc_text(doc)[ps:pe]
        bare = {"text": name, "start": ps, "end": pe, "label": None}
        if is_organisation(ctx, bare):
            op = organisation_person(ctx, cue, bare, last)
            if op is not None:
                return _Attr(method, cue_text, op.text, op.start, op.end, op.key, cue.i)
        _add_person(ctx, ps, pe, name, ctx.sent_of_tok[spk.i])
        return _Attr(method, cue_text, name, ps, pe, _key(name), cue.i)
    # a common noun: a named person in apposition ("the spokesman, John Smith,")
    for c in spk.children:
        if c.dep_ == "appos":
            m = _mention_at(ctx, c.idx, c.idx + len(c.text))
            if m is not None and m.get("label") == "PERSON":
                return _Attr(
                    method,
                    cue_text,
                    str(m["text"]),
                    int(m["start"]),
                    int(m["end"]),
                    _key(str(m["text"])),
                    cue.i,
                )
    # a common noun in apposition to a named person ("Jane Doe, a local native who writes …")
    if spk.dep_ == "appos" and spk.head.i < spk.i:
        m = _mention_at(ctx, spk.head.idx, spk.head.idx + len(spk.head.text))
        if m is not None and m.get("label") == "PERSON" and ctx.quote_of_char[int(m["start"])] < 0:
            name = str(m["text"])
            return _Attr(method, cue_text, name, int(m["start"]), int(m["end"]), _key(name), cue.i)
    phrase = doc_text(doc)[np_start:np_end]
    dets = [c.lower_ for c in spk.children if c.dep_ in ("det", "poss")]
    definite = any(d in ("the", "this", "that", "his", "her", "its", "their") for d in dets) or any(
        c.dep_ == "poss" and c.pos_ == "PROPN" for c in spk.children
    )
    # only a role noun describes a person named before ("the senator"); "the report" is itself the source
    is_role = (
        spk.lower_ in lex.roles
        or spk.lower_ in lex.role_class
        or spk.lemma_.lower() in lex.roles
        or (common and held_role(ctx, spk))
    )
    if definite and spk.tag_ != "NNS" and is_role:
        p = _resolve_description(ctx, spk, a, b, last, focus=True)
        if p is not None:
            return _Attr("description", cue_text, p.text, p.start, p.end, p.key, cue.i)
    return _Attr("unnamed", cue_text, phrase, np_start, np_end, None, cue.i)
