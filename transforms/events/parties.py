"""Finding the parties of an event in the parse: the entity or group a token stands for, its
coordinated conjuncts, the owner of what a noun names, and the place of a location phrase."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from transforms.events.coref import cataphor, quote_speaker, subject_referent
from transforms.events.describe import described_person, personal_noun
from transforms.events.generic import generic_population
from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions, _person_key
from transforms.events.scope import maker
from transforms.names import name_words, title_gender
from transforms.nlp import doc_text

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
PARTY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
PLACE_NOUNS = frozenset({"capital", "city", "town", "village", "region", "country", "province", "state"})
STREET_NOUNS = frozenset({"street", "streets", "square", "road", "roads"})
QUANTITY_WORDS = frozenset(
    {
        "ten",
        "tens",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "dozens",
        "million",
        "millions",
        "scores",
        "number",
        "crowd",
        "group",
        "groups",
    }
)
# Words that stand for part of what follows "of": "some of the sanctions", "a series of talks".

_name_words = name_words  # the lower-case words of a party's text, possessives cut


def _mention_party(m: tuple[int, int, str, str]) -> Party | None:
    if m[3] not in PARTY_LABELS or any(ch in m[2] for ch in '<>="@'):
        return None  # markup the NER took for a name
    text, end = m[2], m[1]
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix) and len(text) > len(suffix):
            # "North Korea's test": the party is North Korea
            text, end = text[: -len(suffix)], end - len(suffix)
            break
    head, _, last = text.rpartition(" ")
    if m[3] == "PERSON" and head and last.replace(",", "").isdigit():
        # "shooting X 16 times": the NER glued the count to the name
        text, end = head.rstrip(), end - len(text) + len(head.rstrip())
    return Party(m[0], end, text, "entity", m[3])


def _group_phrase(tok: Token) -> Party:
    """The group noun with its determiners and modifiers ("the riot police")."""
    left = tok
    for child in tok.lefts:
        if (
            child.lower_ == "dead"
            and child.dep_ == "amod"
            and tok.head.pos_ == "VERB"
            and child.i == tok.head.i + 1
        ):
            continue  # "shot dead 4 miners": "dead" is the verb's ("shoot dead"), not the miners'
        if child.dep_ in ("det", "amod", "compound", "nummod", "quantmod", "nmod", "poss"):
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
    start = left.idx
    end = tok.idx + len(tok.text)
    return Party(start, end, doc_text(tok.doc)[start:end], "group")


_FIRST = frozenset({"i", "me", "my", "we", "us", "our"})
_SINGULAR = frozenset({"i", "me", "my"})


def _party(tok: Token, ms: _Mentions, depth: int = 0, exclude: frozenset[str] = frozenset()) -> Party | None:
    """The named entity or group a token stands for (pronouns: their antecedent, never the person
    whose surname is among the words ``exclude``), or None."""
    lex = lexicon()
    if depth > 3:
        return None
    low = tok.lower_
    if low in _SAYER_PRONOUNS and tok.dep_ in ("nsubj", "nsubjpass") and (sayer := _sayer(tok)) is not None:
        # "Iraq said it would allow…", "the rebels said they will release…": the speaker
        return _party(sayer, ms, depth + 1)
    if (
        tok.pos_ == "PRON"
        and low in _FIRST
        and (said_by := ms.speaker(tok.idx, low not in _SINGULAR)) is not None
    ):
        return said_by  # "“I condemn his views,” …": the quote's named speaker, in any sentence
    if low in _POSSESSIVES and tok.dep_ == "poss" and (subj := _binder(tok, ms)) is not None:
        return _party(subj, ms, depth + 1)  # "X defended his endorsement": X's endorsement
    if low == "their" and tok.dep_ == "poss" and (subj := _plural_binder(tok)) is not None:
        # "the delegates were unanimous in their condemnation of X"
        return _parties(subj, ms) or (_group_phrase(subj) if subj.pos_ == "NOUN" else None)
    if low in ("he", "she") and (subj := _main_subject(tok, ms)) is not None:
        return _party(subj, ms, depth + 1)  # "X conceded the point even as he defended Y": X
    if low in lex.person_pronouns and tok.pos_ == "PRON":
        m = ms.antecedent(tok, 600, exclude)
        # people named before it in its own sentence decide ("X arrived, where he met Y"; two of
        # them and no title to choose: no guess); else, for a subject, the person in focus by the
        # quote attribution's resolver (it weighs gender and salience), a person after it whose
        # clause it opens ("While he refused…, X said"), else the one person named nearby
        sent_start = tok.sent.start_char
        if not any(c[0][0] >= sent_start for c in ms._candidates(tok, 600, "PERSON", exclude=exclude)):
            p = cataphor(tok, ms) or subject_referent(tok, ms, exclude)
            if p is not None:
                return p
        return Party(m[0], m[1], m[2], "entity", m[3]) if m is not None else None
    if tok.pos_ == "PRON" and tok.dep_ in ("nsubj", "nsubjpass"):
        if (spk := quote_speaker(tok)) is not None:
            return _party(spk, ms, depth + 1)  # "“I enjoyed the meeting,” he said": the speaker
        if low == "they":
            return subject_referent(tok, ms, exclude)
    if (tok.tag_ in ("WP", "WDT") or low in lex.relative_pronouns) and tok.head.dep_ in ("relcl", "acl"):
        noun = _person_noun(tok.head.head, ms) if low in ("who", "whom") else tok.head.head
        made = maker(noun) if tok.dep_ == "nsubj" else None
        return _party(made if made is not None else _predicated(noun), ms, depth + 1)
    m = ms.at(tok.idx)
    for child in tok.children if low in lex.groups["roles"] else ():
        # "the U.S. Vice President, Joe Biden": the person, not the title the NER took for a name
        if child.dep_ == "appos" and (pm := ms.at(child.idx)) is not None and pm[3] == "PERSON":
            return _mention_party(pm)
    if m is not None and _dateline(doc_text(tok.doc), m):
        return None  # "PARIS, July 29 (AP) — Fans complained…": the dateline is no party
    if m is None and (person := described_person(tok, ms)) is not None:
        return person  # "the Vermont senator": the senator named before, not the state
    if m is not None:
        if tok.dep_ != "poss" and (_possessor(tok.doc, m) or _possessive_phrase(tok)):
            return None  # "the Commission's threshold": the party owns the object, it is not it
        return _mention_party(m)
    if (
        tok.tag_ in ("NNP", "NNPS")
        and tok.dep_ != "compound"
        and tok.ent_type_ not in ("DATE", "TIME")
        and (tok.dep_ == "poss" or not _possessive_phrase(tok))
    ):
        # a proper name the NER missed: the name phrase itself (it links by text later, not offset)
        left = min(
            [tok, *(c for c in tok.lefts if c.dep_ == "compound" and c.tag_ in ("NNP", "NNPS"))],
            key=lambda t: t.i,
        )
        start, end = left.idx, tok.idx + len(tok.text)
        return Party(start, end, doc_text(tok.doc)[start:end], "entity", None)
    for child in tok.children:
        # "his Latvian counterpart Anna Berzina", "the capital Riga"
        if child.dep_ in ("appos", "compound") and child.i > tok.i:
            m = ms.at(child.idx)
            if m is not None:
                return _mention_party(m)
    if _one_of(tok) and (whole := _predicated(tok)) is not tok:
        return _party(whole, ms, depth + 1)  # "X was one of several firms sued by Y": X
    if (named := _stray_appos(tok, ms)) is not None:
        return named  # "a governor who has not backed X, Jane Roe of Utah,": Jane Roe
    if low in lex.all_groups or tok.lemma_.lower() in lex.all_groups:
        for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
            # "leaders of the coalition", "members of the Association": the body they belong to
            for obj in (o for o in prep.children if o.dep_ == "pobj"):
                pm = ms.at(obj.idx)
                if pm is not None and pm[3] in ("ORG", "NORP", "GPE"):
                    return _mention_party(pm)
                if low in QUANTITY_WORDS and (part := _party(obj, ms, depth + 1)) is not None:
                    return part  # "a group of senators": the senators
        return _group_phrase(tok)
    if tok.pos_ == "NOUN" and (tok.dep_ in ("nsubj", "nsubjpass") or tok.head.dep_ == "agent"):
        # "Russian aircraft", "Syrian warplanes": the nation or body named on the noun acts
        # (people are not the nation: "an Ohio professor", "Republican strategists" are themselves)
        for child in tok.lefts:
            pm = ms.at(child.idx) if child.dep_ in ("amod", "compound", "nmod") else None
            if pm is not None and pm[3] in ("NORP", "GPE", "ORG"):
                return _group_phrase(tok) if personal_noun(tok) else _mention_party(pm)
    if low in QUANTITY_WORDS or low in _PART_WORDS or tok.like_num:
        # "tens of thousands of protesters": the group is the object of "of"
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _quantified(tok, _party(obj, ms, depth + 1))
    return None


def _person_noun(noun: Token, ms: _Mentions) -> Token:
    """The person a "who" clause speaks of when the parser hangs it on an institution in a phrase
    of the person's title ("X, a secretary during the Y administration who endorsed Z"): up the
    prepositions to the first noun that is no organisation or place; else the noun itself."""
    roles = lexicon().groups["roles"]
    cur = noun
    for _ in range(3):
        m = ms.at(cur.idx)
        person = m[3] == "PERSON" if m is not None else cur.lower_ in roles or cur.pos_ == "PROPN"
        if person or cur.dep_ != "pobj" or cur.head.head.pos_ not in ("NOUN", "PROPN"):
            break
        cur = cur.head.head
    return cur if _is_person(cur, ms) or cur.lower_ in roles else noun


def _one_of(noun: Token) -> bool:
    """Whether the noun is the "of" object of a predicate "one" ("X was one of the firms…")."""
    one = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    return one is not None and one.lower_ == "one" and one.dep_ == "attr" and one.head.lemma_ == "be"


def _is_person(tok: Token, ms: _Mentions) -> bool:
    m = ms.at(tok.idx)
    return m is not None and m[3] == "PERSON"


def _stray_appos(tok: Token, ms: _Mentions) -> Party | None:
    """The name in apposition to a description that the parser hung on a name inside the
    description's relative clause: a person's name is no apposition to another person's name
    ("another governor who has not backed X, Jane Roe of Utah, said…"). Returns it, or None."""
    if tok.tag_ != "NN" or ms.at(tok.idx) is not None:
        return None
    for rel in (c for c in tok.children if c.dep_ == "relcl"):
        for t in rel.subtree:
            if t.dep_ != "appos" or t.i <= t.head.i or not _is_person(t, ms) or not _is_person(t.head, ms):
                continue
            own, other = ms.at(t.idx), ms.at(t.head.idx)
            comma = t.doc[t.left_edge.i - 1].text == ","
            if (
                own is not None
                and other is not None
                and comma
                and _person_key(own[2]) != _person_key(other[2])
            ):
                return _mention_party(own)
    return None


_POSSESSIVES = {"his": "m", "her": "f"}
# What a possessed noun may be in its clause on the way up to the verb whose subject binds it.
_BOUND_DEPS = frozenset({"dobj", "pobj", "prep", "conj", "compound", "attr", "dative"})


def _binder(pron: Token, ms: _Mentions) -> Token | None:
    """The subject a his/her refers to in its own clause: "X defended his endorsement", "During
    his visit, X said…" (a person's possessive in the verb's object or phrase is most often the
    subject's own). None when the subject is not one person of that gender (a place, a plural, a
    pronoun of the other gender, a name of known other gender) or another person is named between
    them and the subject's gender is unknown: then the antecedent rule decides."""
    cur = pron.head
    for _ in range(5):
        if cur.pos_ in ("VERB", "AUX"):
            break
        if cur.dep_ not in _BOUND_DEPS or cur.head.i == cur.i:
            return None
        cur = cur.head
    else:
        return None
    subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.tag_ in ("NNS", "NNPS") or any(subj.conjuncts):
        return None
    want = _POSSESSIVES[pron.lower_]
    for obj in (
        c for c in cur.children if c.dep_ in ("dobj", "dative") and not c.i <= pron.i <= c.right_edge.i
    ):
        # "praised X for his service": the object may be the owner too; the antecedent rule decides
        om = ms.at(obj.idx)
        if obj.lower_ in ("him", "her") or (om is not None and om[3] == "PERSON"):
            sex = ms.genders.get(_person_key(om[2])) if om is not None else None
            if sex is None or sex == want:
                return None
    if subj.pos_ == "PRON":
        return subj if subj.lower_ == ("he" if want == "m" else "she") else None
    m = ms.at(subj.idx)
    if m is None or m[3] not in ("PERSON", "ORG"):
        return None
    key = _person_key(m[2])
    sex = title_gender(ms.titles.get(m[0], ""), "pronouns") or ms.genders.get(key)
    if sex is not None:
        return subj if sex == want else None
    lo, hi = sorted((m[1], pron.idx))
    others = [r for r in ms.rows if r[3] == "PERSON" and lo <= r[0] < hi and _person_key(r[2]) != key]
    return None if others else subj


def _plural_binder(pron: Token) -> Token | None:
    """The plural subject a "their" refers to in its own clause ("the delegates were unanimous in
    their condemnation of X"): a plural noun or a coordination, no pronoun; else None."""
    cur = pron.head
    for _ in range(5):
        if cur.pos_ in ("VERB", "AUX"):
            break
        if cur.dep_ not in (*_BOUND_DEPS, "acomp") or cur.head.i == cur.i:
            return None
        cur = cur.head
    else:
        return None
    subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or subj.pos_ == "PRON" or not (subj.tag_ in ("NNS", "NNPS") or any(subj.conjuncts)):
        return None
    return subj


def _main_subject(pron: Token, ms: _Mentions) -> Token | None:
    """The person a he/she subject of an adverbial clause stands for: the subject of the clause it
    modifies, when that is one person of the same or unknown gender ("X acknowledged the error even
    as he defended Y", "X, an ally of Z, said … after she met W"); else None."""
    verb = pron.head
    if (
        pron.dep_ not in ("nsubj", "nsubjpass")
        or verb.dep_ != "advcl"
        or verb.head.pos_ not in ("VERB", "AUX")
    ):
        return None
    subj = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    m = ms.at(subj.idx) if subj is not None else None
    if subj is None or m is None or m[3] != "PERSON" or any(subj.conjuncts):
        return None
    sex = title_gender(ms.titles.get(m[0], ""), "pronouns") or ms.genders.get(_person_key(m[2]))
    return subj if sex is None or sex == _POSSESSIVES["his" if pron.lower_ == "he" else "her"] else None


def _dateline(text: str, m: tuple[int, int, str, str]) -> bool:
    """Whether the mention is a dateline: a place in capitals opening a line, then a comma or a
    dash ("PARIS, July 29 (AP) —", "INDIANAPOLIS - ")."""
    name = m[2]
    after = text[m[1] : m[1] + 3]
    return (
        len(name) > 2
        and name.isupper()
        and (m[0] == 0 or text[m[0] - 1] == "\n")
        and (after[:1] == "," or after[:2] in (" -", " —", " –"))
    )


def _quantified(tok: Token, group: Party | None) -> Party | None:
    """A population counted ("dozens of women", "hundreds of voters"): the whole phrase is the
    party, specific people, not the population the bare noun would name."""
    if group is None or tok.idx >= group.start or not generic_population(group.text, group.label, group.kind):
        return group
    start = tok.left_edge.idx
    return Party(start, group.end, doc_text(tok.doc)[start : group.end], "group")


_SAYER_PRONOUNS = frozenset({"it", "they", "he", "she"})
# Words that stand for some of the party after "of": "some of his rivals", "many of the senators".
_PART_WORDS = frozenset(
    {"some", "many", "most", "all", "several", "each", "both", "few", "one", "two", "three"}
)


def _predicated(noun: Token) -> Token:
    """The party a predicate noun describes: "X is a xenophobe who has pledged…" — the relative
    clause speaks of X, the subject of the copula; other nouns stand for themselves."""
    cur = noun
    while cur.dep_ == "conj" and cur.head.i != cur.i and cur.head.pos_ in ("NOUN", "PROPN"):
        cur = cur.head  # "a liar, xenophobe and bully who…"
    if _one_of(cur):
        cur = cur.head.head  # "X was one of several firms sued by Y": X
    kind_noun = (
        cur.pos_ == "NOUN"
        or cur.ent_type_ == "NORP"
        or (cur.pos_ == "PROPN" and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in cur.children))
    )
    if cur.dep_ == "appos" and kind_noun and cur.head.pos_ == "PROPN":
        # "Acme Relief, an organization that endorsed X": the name, not its kind; "Jane Doe, a
        # Tennessee Republican who met X": the person, not the party she belongs to
        return cur.head
    if cur.dep_ == "attr" and cur.pos_ in ("NOUN", "NUM") and cur.head.lemma_ == "be":
        subj = next((c for c in cur.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.pos_ != "PRON":
            return subj
    return noun


def _sayer(pronoun: Token) -> Token | None:
    """The subject of the speech verb whose clause the pronoun is the subject of, when the
    pronoun can stand for it (it/they for a non-person, he/she for a person), else None."""
    clause = pronoun.head
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in lexicon().modality["reported_verbs"]:
        return None
    subj = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.pos_ == "PRON":
        return None
    person = subj.ent_type_ == "PERSON" or subj.lower_ in lexicon().groups["roles"]
    if (pronoun.lower_ in ("he", "she")) != person:
        return None
    return subj


def _parties(tok: Token | None, ms: _Mentions, exclude: frozenset[str] = frozenset()) -> Party | None:
    """The party of a token together with its coordinated conjuncts ("Britain and Canada")."""
    if tok is None:
        return None
    first = _party(tok, ms, 0, exclude)
    if first is None:
        return None
    found = [first]
    if first.kind != "entity" or tok.pos_ != "PRON":
        for conj in tok.conjuncts:
            if conj.i > tok.i:
                p = _party(conj, ms)
                if p is not None:
                    found.append(p)
    if len(found) == 1:
        return first
    start, end = min(p.start for p in found), max(p.end for p in found)
    kind = "entity" if any(p.kind == "entity" for p in found) else "group"
    parts = tuple((p.start, p.end) for p in found)
    return Party(start, end, doc_text(tok.doc)[start:end], kind, found[0].label, parts)


def _possessor(doc: Doc, m: tuple[int, int, str, str]) -> bool:
    """Whether the mention is followed by a possessive marker ("X's", "X’")."""
    after = doc_text(doc)[m[1] : m[1] + 3]
    if m[2].endswith(("'s", "’s", "'", "’")):
        return True
    return after[:2] in ("'s", "’s") or (after[:1] in ("'", "’") and not after[1:2].isalpha())


def _possessive_phrase(tok: Token) -> bool:
    """Whether the token's phrase ends in a possessive marker ("the Commission on Debates’ rule")."""
    nxt = tok.right_edge.i + 1
    return nxt < len(tok.doc) and (tok.doc[nxt].tag_ == "POS" or tok.doc[nxt].text in ("’", "'"))


def _owner(tok: Token, ms: _Mentions) -> Party | None:
    """The party that owns what a noun names: "North Korea's test", "the N. Korea test", "the
    policies of X", "a request from X"; None when there is none."""
    for c in tok.children:
        if c.dep_ == "poss" and c.ent_type_ not in ("DATE", "TIME"):
            return _parties(c, ms)
        if c.dep_ == "compound" and c.ent_type_ in ("GPE", "NORP", "LOC") and personal_noun(tok):
            # "the Manhattan mogul", "an Ohio professor": a person from the place, not the place's
            return described_person(tok, ms) or _group_phrase(tok)
        if c.dep_ == "compound" and c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return _party(c, ms)
        if c.dep_ == "prep" and c.lower_ in ("of", "from", "by"):
            for o in c.children:
                if o.dep_ == "pobj" and o.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                    return _parties(o, ms)
                # "suggestions by the front-runners, X and Y": the names in apposition (or read as conjuncts)
                named = next(
                    (
                        a
                        for a in o.children
                        if a.dep_ in ("appos", "conj") and a.ent_type_ in ("PERSON", "ORG")
                    ),
                    None,
                )
                if o.dep_ == "pobj" and named is not None:
                    return _parties(named, ms)
    return None


def _place(tok: Token, ms: _Mentions) -> Party | None:
    """The place a location phrase's object names: a GPE/LOC/FAC mention or "the capital X"."""
    m = ms.at(tok.idx)
    if m is not None and m[3] in PLACE_LABELS:
        return Party(m[0], m[1], m[2], "entity", m[3])
    if tok.lemma_.lower() in PLACE_NOUNS or tok.lower_ in STREET_NOUNS:
        for child in tok.children:
            if child.dep_ in ("appos", "compound") or (child.dep_ == "prep" and child.lower_ == "of"):
                target = (
                    child
                    if child.dep_ != "prep"
                    else next((c for c in child.children if c.dep_ == "pobj"), None)
                )
                if target is None:
                    continue
                m = ms.at(target.idx)
                if m is not None and m[3] in (*PLACE_LABELS, "PERSON", "ORG", "WORK_OF_ART"):
                    # the small model often mislabels a capital; the phrase shape says it is a place
                    return Party(m[0], m[1], m[2], "entity", "GPE")
    return None


def _location_of(
    tokens: Sequence[Token | None], ms: _Mentions, exclude: Sequence[Party | None]
) -> Party | None:
    """The first place found in a location phrase ("in X", "to the streets of X") of the tokens."""
    lex = lexicon()
    for tok in tokens:
        if tok is None:
            continue
        for child in tok.children:
            if child.dep_ != "prep" or child.lower_ not in (*lex.location_preps, "to"):
                continue
            for obj in child.children:
                if obj.dep_ != "pobj":
                    continue
                if child.lower_ == "to" and obj.lower_ not in STREET_NOUNS:
                    continue
                p = _place(obj, ms)
                if p is not None and not any(x is not None and _overlap(p, x) for x in exclude):
                    return p
    return None


def _overlap(a: Party, b: Party) -> bool:
    return a.start < b.end and b.start < a.end
