"""He/she resolution: the people in view, the best-scored referent, and the chain of resolved he/she
subjects outside quotes that keeps a person in view."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Token

from transforms.quotes.context import _Attr, _Ctx, _key, _Person
from transforms.quotes.lexicon import _lex
from transforms.quotes.persons import _compatible
from transforms.syntax import main_clause as _main_clause
from transforms.syntax import np_span as _np_span
from transforms.syntax import proper_chain as _proper_chain

# Pronoun resolution weighs each sentence of distance as 1; a main-clause subject ("Smith said
# that Jones had lied. He …" is Smith) outranks the subject of a clause inside the sentence.
_PRONOUN_SUBJECT_BONUS = 3.0
_PRONOUN_EMBEDDED_SUBJECT_BONUS = 0.75
_PRONOUN_GENDER_BONUS = 0.25
_PRONOUN_WINDOW = 8  # sentences
# At most this many of the latest people and chain entries compete for a pronoun: a sentence of
# thousands of words must not make every pronoun scan every name before it.
_POOL_LIMIT = 40


def _chain_before(chain: list[_Person], at: int, s_here: int) -> list[_Person]:
    """Returns the latest chain entries before ``at`` within the window (at most _POOL_LIMIT)."""
    hi = bisect_left(chain, at, key=lambda p: p.start)
    out = [p for p in chain[max(hi - _POOL_LIMIT, 0) : hi] if s_here - p.sent <= _PRONOUN_WINDOW]
    return out


def _pronoun_pool(ctx: _Ctx, at: int, s_here: int, last: _Attr | None) -> list[_Person]:
    """Returns the people a he/she at character ``at`` (sentence ``s_here``) may refer to.

    The people named before it in the last eight sentences, the he/she subjects before it that
    were resolved to someone (a chain: "Doe arrived. He said … He added" keeps Doe in view), and
    the previous quote's speaker as a main-clause subject in the sentence of its cue.
    """
    pool = ctx.persons_before(at, s_here, _PRONOUN_WINDOW, _POOL_LIMIT)
    pool += _chain_before(_pronoun_chain(ctx), at, s_here)
    if last is not None and last.person_key and last.start is not None and last.cue_tok is not None:
        s_last = ctx.sent_of_tok[last.cue_tok]
        if s_here - s_last <= _PRONOUN_WINDOW:
            pool.append(
                _Person(
                    last.start,
                    last.end or last.start,
                    last.text or "",
                    last.person_key,
                    s_last,
                    True,
                    None,
                    True,
                )
            )
    return pool


def _best_referent(ctx: _Ctx, pool: list[_Person], s_here: int, gender: str | None) -> _Person | None:
    """Returns the best-scored person of a pronoun's pool (the named mention behind a chain entry).

    Minus one per sentence of distance, a bonus for being a sentence's subject, a small one for a
    gender known to agree; one whose known gender disagrees is out; ties go to the latest mention.
    """
    best: tuple[float, int] | None = None
    chosen: _Person | None = None
    for p in pool:
        comp = _compatible(ctx, p, gender)
        if comp == 0:
            continue
        bonus = _PRONOUN_SUBJECT_BONUS if p.main else _PRONOUN_EMBEDDED_SUBJECT_BONUS if p.subject else 0.0
        score = -(s_here - p.sent) + bonus + _PRONOUN_GENDER_BONUS * (comp == 2)
        if best is None or (score, p.start) > best:
            best, chosen = (score, p.start), p
    if chosen is not None and chosen.ref is not None:
        return chosen.ref
    return chosen


def _pronoun_chain(ctx: _Ctx) -> list[_Person]:
    """Returns the he/she subjects outside quotes, in order, each resolved to a named person.

    Computed once per article, each pronoun from the people and chain entries before it.
    """
    if ctx.chain is not None:
        return ctx.chain
    lex = _lex()
    ctx.chain = []
    for t in ctx.doc:
        low = t.lower_
        if t.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote(t):
            continue
        if low not in lex.pron_male and low not in lex.pron_female:
            continue
        gender = "m" if low in lex.pron_male else "f"
        s_here = ctx.sent_of_tok[t.i]
        pool = ctx.persons_before(t.idx, s_here, _PRONOUN_WINDOW, _POOL_LIMIT)
        pool += _chain_before(ctx.chain, t.idx, s_here)
        ref = _best_referent(ctx, pool, s_here, gender) or _subject_name_before(ctx, t, s_here)
        if ref is not None:
            end = t.idx + len(t.text)
            main = _main_clause(t.head)
            ctx.chain.append(_Person(t.idx, end, ref.text, ref.key, s_here, True, gender, main, ref))
    return ctx.chain


def _resolve_pronoun(ctx: _Ctx, pron: Token, gender: str | None, last: _Attr | None) -> _Person | None:
    """Returns the named person a he/she refers to (see :func:`_pronoun_pool`, :func:`_best_referent`)."""
    s_here = ctx.sent_of_tok[pron.i]
    best = _best_referent(ctx, _pronoun_pool(ctx, pron.idx, s_here, last), s_here, gender)
    return best or _subject_name_before(ctx, pron, s_here)


# How far back a he/she with no person in view looks for a name that is a clause's subject, and
# the entity labels such a name must not carry.
_FALLBACK_SENTS = 2
_FALLBACK_TOKENS = 300
_NOT_PEOPLE = frozenset(
    (
        "GPE",
        "LOC",
        "NORP",
        "FAC",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "CARDINAL",
        "ORDINAL",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "PRODUCT",
        "LANGUAGE",
    )
)


def _subject_name_before(ctx: _Ctx, pron: Token, s_here: int) -> _Person | None:
    """Returns the latest proper name before a he/she that is a clause's subject outside quotes,
    within two sentences, when no person is in view: the only one the pronoun can stand for, even
    when the NER did not see a person ('Burton explained from a podium. "…," he said.'). Places,
    dates and the article's reporters are never it."""
    doc = ctx.doc
    first = ctx.sents[max(s_here - _FALLBACK_SENTS, 0)].start
    for i in range(pron.i - 1, max(first, pron.i - _FALLBACK_TOKENS) - 1, -1):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass") or t.pos_ != "PROPN" or ctx.in_quote(t):
            continue
        if t.ent_type_ in _NOT_PEOPLE:
            continue
        a, b = _proper_chain(t)
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        name = ctx.text[start:end]
        key = _key(name)
        if key in ctx.reporters:
            continue
        return _Person(start, end, name, key, ctx.sent_of_tok[t.i], True, None, _main_clause(t.head))
    return None


_GROUP_SENTS = 2


def resolve_group(ctx: _Ctx, pron: Token) -> tuple[int, int] | None:
    """Returns the character span of the named pair or group a "they" refers to, or None.

    The latest subject outside quotes within two sentences before it that is a pair or a list
    ("Ann Lee and Tom Pratt"), a plural noun phrase ("the researchers") or an organisation;
    a "they" in view, once resolved, is that group.
    """
    doc = ctx.doc
    first = ctx.sents[max(ctx.sent_of_tok[pron.i] - _GROUP_SENTS, 0)].start
    for i in range(pron.i - 1, max(first, pron.i - _FALLBACK_TOKENS) - 1, -1):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote(t) or t.pos_ == "PRON":
            continue
        conj = [c for c in t.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
        plural = t.tag_ in ("NNS", "NNPS")
        if not (conj or plural or t.ent_type_ in ("ORG", "NORP")):
            continue
        a, b = _np_span(t)
        if conj:
            b = max(b, max(c.i for c in conj) + 1)
            b = max(b, _np_span(conj[-1])[1])
        if any(ctx.in_quote(w) for w in doc[a:b]):
            continue
        return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
    return None
