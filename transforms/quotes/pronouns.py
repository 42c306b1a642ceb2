"""He/she resolution: the people in view (with the speakers the NER missed), the best-scored
referent (salience: a sentence's subject or opening name, a name that acts; gender), and the chain
of resolved he/she subjects outside quotes that keeps a person in view."""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Token

from transforms.quotes.context import _Attr, _Ctx, _key, _Person
from transforms.quotes.lexicon import _lex
from transforms.quotes.scan import token_indices
from transforms.syntax import main_clause as _main_clause
from transforms.syntax import np_span as _np_span
from transforms.syntax import proper_chain as _proper_chain

# Pronoun resolution weighs each sentence of distance as 1; a main-clause subject ("Smith said
# that Jones had lied. He …" is Smith) or a sentence's opening name outranks the subject of a
# clause inside the sentence.
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
    pool += _chain_before(_unlabelled_people(ctx), at, s_here)
    key = _speaker_key(ctx, last)
    if last is not None and key and last.start is not None and last.cue_tok is not None:
        s_last = ctx.sent_of_tok[last.cue_tok]
        if s_here - s_last <= _PRONOUN_WINDOW:
            prev = _Person(
                last.start,
                last.end or last.start,
                last.text or "",
                key,
                s_last,
                True,
                None,
                True,
            )
            pool.append(prev)
    return pool


def _speaker_key(ctx: _Ctx, last: _Attr | None) -> str | None:
    """Returns the person key of the previous quote's speaker: its own, or that of a lone surname
    the NER took for an organisation ("…," Tiegen said, with "Tiegen" an ORG): a cue's subject
    of one capitalised word (not an acronym) is a person here."""
    if last is None or last.person_key:
        return last.person_key if last is not None else None
    if last.method != "cue_subject" or last.start is None or last.end is None or not last.text:
        return None
    word = last.text
    if " " in word or not word[:1].isupper() or word.isupper():
        return None
    labels = {m.get("label") for m in ctx.mentions_in(last.start, last.end)}
    return _key(word) if labels == {"ORG"} else None


# Words that may come before a sentence's opening name ("And Doe, for all his doubts, agreed").
_OPENERS = ("CCONJ", "ADV", "PUNCT", "SPACE", "INTJ")


def _opens_sentence(ctx: _Ctx, p: _Person) -> bool:
    """True when a name opens its sentence (or a line of it: the parser runs a paragraph after a
    single line break into the sentence before) ahead of its verb, whatever the parse made of it:
    "And Doe, for all the progress he made, seems to agree" or "Doe, when asked, walked away" is
    about Doe even when the parser hangs the name on something else. A possessive ("Doe's plan")
    or a modifier of another noun ("Doe aides") is not the topic."""
    span = ctx.doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    return _opens(ctx, span.start, span.end, p.sent)


def _opens(ctx: _Ctx, a: int, b: int, s: int) -> bool:
    """True when the tokens [a, b) open sentence ``s`` or a line of it (see :func:`_opens_sentence`)."""
    sent = ctx.sents[s]
    doc = ctx.doc
    if a < sent.start:
        return False
    last = doc[b - 1]
    if last.dep_ in ("poss", "compound", "pobj", "dobj") or (b < len(doc) and doc[b].tag_ == "POS"):
        return False
    start = sent.start
    for i in range(a - 1, sent.start - 1, -1):
        if "\n" in doc[i].text or "\n" in doc[i].whitespace_:
            start = i + 1
            break
    # the verb comes after the name: the sentence's root, or for a line the subject's own verb
    # (a parse that makes the name itself the root, "Doe (R-Ohio), the chairman, said …", keeps it)
    verb = sent.root if start == sent.start else last.head
    if verb.i < a or (verb.i < b and verb.dep_ != "ROOT"):
        return False
    # a word the NER took for a name ("Conceding that …", "Nationally, …") is no one, a pair or a
    # list ("Doe and Roe") no one person, a name standing alone (a photo credit) about nothing
    if any(t.pos_ in ("VERB", "AUX", "ADV") for t in doc[a:b]) or any(
        c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN") for c in last.children
    ):
        return False
    end = next((t.i for t in doc[b : sent.end] if "\n" in t.text), sent.end)
    if not any(t.pos_ in ("VERB", "AUX") for t in doc[b:end]):
        return False
    # only openers, and titles or given names hanging on the name, come before it
    return all(t.pos_ in _OPENERS or (t.pos_ == "PROPN" and a <= t.head.i < b) for t in doc[start:a])


def _acts(ctx: _Ctx, p: _Person) -> bool:
    """True when a name the parse did not make a subject does the acting all the same: the
    antecedent of a "who" clause ("Doe, who said …") or the agent of a passive ("backed by Doe")."""
    span = ctx.doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    head = span.root
    if head.dep_ == "pobj" and head.head.dep_ == "agent":
        return True
    return any(
        c.dep_ == "relcl" and any(w.lower_ == "who" and w.dep_ in ("nsubj", "nsubjpass") for w in c.children)
        for c in head.children
    )


def _bonus(ctx: _Ctx, p: _Person) -> float:
    """Returns a person's salience bonus: that of what a sentence is about (its main-clause
    subject or its opening name, see :func:`_opens_sentence`), a smaller one for the subject of
    a clause inside it (or a name that acts, see :func:`_acts`), else nothing."""
    if p.main:
        return _PRONOUN_SUBJECT_BONUS
    if p.ref is not None:  # a he/she outside quotes: its own place in the sentence decides
        return _PRONOUN_EMBEDDED_SUBJECT_BONUS if p.subject else 0.0
    hit = ctx.salience.get(p.start)
    if hit is None:
        if _opens_sentence(ctx, p):
            hit = _PRONOUN_SUBJECT_BONUS
        elif p.subject or _acts(ctx, p):
            hit = _PRONOUN_EMBEDDED_SUBJECT_BONUS
        else:
            hit = 0.0
        ctx.salience[p.start] = hit
    return hit


# Votes of pronouns and role words alone give a surname a gender only by this margin: one "her"
# after "Doe endorsed her rival" must not shut Doe out of every later "he".
_VOTE_MARGIN = 2


def _compatible(ctx: _Ctx, p: _Person, gender: str | None) -> int:
    """2 when the person's gender is known and agrees with a he/she, 1 when unknown, 0 when it
    disagrees. Known from the mention itself (title, given name), else from the first mention of
    the surname that showed one, else from the votes when they lead by :data:`_VOTE_MARGIN`."""
    if gender is None:
        return 1
    g = p.gender
    if g is None and len(ctx.kin.get(p.key, ())) > 1 and len(p.text.split()) > 1:
        return 1  # one of a family ("Ivanka Doe" after "Donald Doe"): the surname's gender is not hers
    g = g or ctx.first_gender.get(p.key)
    if g is None:
        votes = ctx.genders.get(p.key, {})
        m, f = votes.get("m", 0), votes.get("f", 0)
        g = "m" if m - f >= _VOTE_MARGIN else "f" if f - m >= _VOTE_MARGIN else None
    if g is None:
        return 1
    return 2 if g == gender else 0


def _best_referent(ctx: _Ctx, pool: list[_Person], s_here: int, gender: str | None) -> _Person | None:
    """Returns the best-scored person of a pronoun's pool (the named mention behind a chain entry).

    Minus one per sentence of distance, a bonus for being what a sentence is about (see
    :func:`_bonus`) and a smaller one for the subject of a clause inside it, a small one for a
    gender known to agree; one whose known gender disagrees is out; ties go to the latest mention.
    """
    best: tuple[float, int] | None = None
    chosen: _Person | None = None
    for p in pool:
        comp = _compatible(ctx, p, gender)
        if comp == 0:
            continue
        bonus = _bonus(ctx, p)
        score = -(s_here - p.sent) + bonus + _PRONOUN_GENDER_BONUS * (comp == 2)
        if best is None or (score, p.start) > best:
            best, chosen = (score, p.start), p
    if chosen is not None and chosen.ref is not None:
        return chosen.ref
    return chosen


_SUBJECTS = ("nsubj", "nsubjpass")


def _pronoun_chain(ctx: _Ctx) -> list[_Person]:
    """Returns the he/she subjects outside quotes, in order, each resolved to a named person.

    Computed once per article, each pronoun from the people and chain entries before it.
    """
    if ctx.chain is not None:
        return ctx.chain
    lex = _lex()
    ctx.chain = []
    doc = ctx.doc
    for i in token_indices(doc, deps=_SUBJECTS, lowers=lex.pron_male | lex.pron_female):
        t = doc[i]
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
            main = _main_clause(t.head) or _opens(ctx, t.i, t.i + 1, s_here)
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


def _unlabelled_people(ctx: _Ctx) -> list[_Person]:
    """Returns, in order, the people the NER missed that the syntax shows (computed once per
    article): the subject of a speech verb whose surname alone the NER tagged as an organisation
    ("Reyes says that …", "Ana Reyes, the chair, announced"). Names already among the people
    and reporters are not; a whole name tagged as one organisation stays one."""
    if ctx.unlabelled is not None:
        return ctx.unlabelled
    verbs = _lex().verbs
    doc = ctx.doc
    out: list[_Person] = []
    for i in token_indices(doc, deps=("nsubj",), pos=("PROPN", "NOUN")):
        t = doc[i]
        if (
            t.dep_ != "nsubj"
            or t.pos_ not in ("PROPN", "NOUN")
            or not t.text[:1].isupper()
            or t.text.isupper()
            or ctx.in_quote(t)
            or t.head.lemma_.lower() not in verbs
        ):
            continue
        ments = ctx.mentions_in(t.idx, t.idx + len(t.text))
        if not ments or any(m.get("label") != "ORG" or str(m.get("text")) != t.text for m in ments):
            continue
        a, b = _proper_chain(t)
        start, end = doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
        key = _key(t.text)
        if ctx.persons_between(start, end) or key in ctx.reporters:
            continue
        name = ctx.text[start:end]
        out.append(_Person(start, end, name, key, ctx.sent_of_tok[t.i], True, None, _main_clause(t.head)))
    ctx.unlabelled = out
    return out


_GROUP_SENTS = 2


def _reported(t: Token) -> bool:
    """True when a subject is that of a clause a group pronoun reports ("they said that prices
    rose"): what the group spoke about, never the group."""
    verb = t.head
    if verb.dep_ not in ("ccomp", "xcomp") or verb.head.i == verb.i:
        return False
    group = _lex().pron_group
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in group for c in verb.head.children)


def resolve_group(ctx: _Ctx, pron: Token, plural_nouns: bool = False) -> tuple[int, int] | None:
    """Returns the character span of the named pair or group a "they" refers to, or None.

    The latest subject outside quotes within two sentences before it that is a pair or a list of
    names ("Ann Lee and Tom Pratt") or an organisation; a plural noun phrase ("the senators") or
    a pair of common nouns too when ``plural_nouns`` (an event's doer may be such a group; as a
    speaker it lowered the attribution on PolNeAR train); a "they" in view, once resolved, is
    that group.
    """
    doc = ctx.doc
    first = ctx.sents[max(ctx.sent_of_tok[pron.i] - _GROUP_SENTS, 0)].start
    for i in range(pron.i - 1, max(first, pron.i - _FALLBACK_TOKENS) - 1, -1):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote(t) or t.pos_ == "PRON" or _reported(t):
            continue
        # named people joined by "and", or an organisation: a plural noun between ("Customers
        # lined up") is no group in focus and the search goes on past it
        if plural_nouns:
            conj = [c for c in t.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
            group = bool(conj) or t.tag_ in ("NNS", "NNPS")
        else:
            conj = (
                [c for c in t.children if c.dep_ == "conj" and c.pos_ == "PROPN"] if t.pos_ == "PROPN" else []
            )
            group = bool(conj)
        if not (group or t.ent_type_ in ("ORG", "NORP")):
            continue
        a, b = _np_span(t)
        if conj:
            b = max(b, max(c.i for c in conj) + 1)
            b = max(b, _np_span(conj[-1])[1])
        if any(ctx.in_quote(w) for w in doc[a:b]):
            continue
        return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
    return None


def described_subject_before(ctx: _Ctx, pron: Token, gender: str) -> tuple[int, int] | None:
    """Returns the character span of the unnamed person a he/she with no named person in view
    stands for: the latest subject within two sentences before it, outside quotes, that is a
    singular noun phrase headed by a person noun of the lexicon ('A reporter for the agency
    called it chaos. "…," he said.'), or None."""
    doc = ctx.doc
    lex = _lex()
    other = lex.role_female if gender == "m" else lex.role_male
    first = ctx.sents[max(ctx.sent_of_tok[pron.i] - _FALLBACK_SENTS, 0)].start
    for i in range(pron.i - 1, max(first, pron.i - _FALLBACK_TOKENS) - 1, -1):
        t = doc[i]
        if t.dep_ not in ("nsubj", "nsubjpass") or ctx.in_quote(t) or t.pos_ == "PRON":
            continue
        if t.pos_ != "NOUN" or t.tag_ != "NN" or t.lower_ not in lex.roles or t.lower_ in other:
            return None  # the latest subject is someone or something else
        a, b = _np_span(t)
        if any(ctx.in_quote(w) for w in doc[a:b]):
            return None
        return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)
    return None
