"""Events: who did what to whom, where and when, coded in PLOVER categories with CAMEO codes.

Two pure stages, as everywhere in newsfacts:

- :func:`events_from_doc` reads one parsed article and returns event mentions (rows of
  ``schema.X_EVENT_MENTIONS``). Triggers are verbs and event nouns of the ``event_verbs`` lexicon;
  parties come from the dependency parse (subject/object, passive agent, prepositional targets,
  coordinated actors, nominal events such as "the meeting between X and Y" or "sanctions on X"),
  the place from an "in/at" phrase, the date from a date phrase attached to the trigger
  (:mod:`transforms.dates`), the modality from negation, modal, planning and reporting cues.
- :func:`resolve_events` links the parties to canonical entities and merges the mentions of one
  event reported by several articles; :func:`link_quotes_to_events` ties quotes to the meeting,
  talks or interview they were said at.

Precision comes before recall: an event is coded only when the lexicon knows the trigger and at
least one party is a named entity or a recognisable group (or, for protests, a place is named).
Weak events are left out: a verb whose doer is not named (imperatives, unresolved or generic
subjects), a meeting, cooperation or agreement with one party only or with a non-party object
("met his wife", "meet the bar"), and inside a quote an event whose party is the speaker ("we").
A he/she pronoun resolves only when one person (by surname, title or the pronoun's own sentence)
can be meant; guessing between two people gave wrong parties more often than right ones.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import polars as pl
from spacy.tokens import Doc, Span, Token

from transforms import schema
from transforms.dates import resolve_date
from transforms.ids import stable_id
from transforms.lexicons import load
from transforms.nlp import doc_text
from transforms.resolve import link_spans

VERSION = "2"

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
QUANTIFIERS = frozenset(
    {
        "some",
        "all",
        "one",
        "more",
        "most",
        "many",
        "several",
        "part",
        "series",
        "round",
        "rounds",
        "any",
        "each",
        "days",
        "weeks",
        "months",
        "years",
        "hours",
    }
)
_FEMALE_TITLES = frozenset({"ms", "mrs", "miss", "madam", "madame", "lady", "dame", "queen", "princess"})
_MALE_TITLES = frozenset({"mr", "sir", "lord", "king", "prince"})
_QUOTE_MARKS = re.compile(r"''|[\"“”]|\n\s*\n")
# Modality ranks: a merged event takes the strongest factual modality of its mentions.
_FACT_RANK = {"asserted": 0, "reported": 1, "planned": 2}


# ----------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the category and CAMEO code a trigger codes for, and its options."""

    event_type: str
    cameo: str
    preps: tuple[str, ...] | None = None
    of_role: str | None = None
    passive: bool = True
    needs_dobj: bool = False
    no_dobj: bool = False
    actor_group: str | None = None
    needs_target: bool = False
    poss: str = "actor"
    theme_obj: bool = False
    no_clause: bool = False
    target_labels: frozenset[str] | None = None


@dataclass(frozen=True)
class Lexicon:
    """The ``event_verbs`` lexicon, parsed once."""

    verbs: dict[str, Entry]
    nouns: dict[str, Entry]
    target_preps: frozenset[str]
    noun_target_preps: frozenset[str]
    location_preps: frozenset[str]
    symmetric: frozenset[str]
    location_suffices: frozenset[str]
    of_role: dict[str, str]
    support_verbs: frozenset[str]
    reception: frozenset[str]
    adverbial_preps: frozenset[str]
    groups: dict[str, frozenset[str]]
    all_groups: frozenset[str]
    person_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    modality: dict[str, frozenset[str]] = field(default_factory=dict)
    speech_settings: frozenset[str] = frozenset()
    speaker_pronouns: frozenset[str] = frozenset()
    object_control: frozenset[str] = frozenset()
    recipient_verbs: frozenset[str] = frozenset()
    owner_target: frozenset[str] = frozenset()
    two_party: frozenset[str] = frozenset()


def _entry(raw: dict[str, Any]) -> Entry:
    preps = raw.get("preps")
    return Entry(
        event_type=str(raw["type"]),
        cameo=str(raw["cameo"]),
        preps=tuple(preps) if preps is not None else None,
        of_role=raw.get("of"),
        passive=bool(raw.get("passive", True)),
        needs_dobj=bool(raw.get("needs_dobj", False)),
        no_dobj=bool(raw.get("no_dobj", False)),
        actor_group=raw.get("actor_group"),
        needs_target=bool(raw.get("needs_target", False)),
        poss=str(raw.get("poss", "actor")),
        theme_obj=raw.get("obj") == "theme",
        no_clause=bool(raw.get("no_clause", False)),
        target_labels=frozenset(raw["target_labels"]) if "target_labels" in raw else None,
    )


@cache
def lexicon() -> Lexicon:
    """Returns the parsed ``event_verbs`` lexicon (cached per process)."""
    lex = load("event_verbs")
    d = lex["defaults"]
    groups = {k: frozenset(v) for k, v in lex["groups"].items()}
    for table in ("verbs", "nouns"):
        for key, raw in lex[table].items():
            if raw["type"] not in schema.PLOVER_TYPES:
                raise ValueError(f"event_verbs.{table}.{key}: unknown PLOVER type {raw['type']!r}")
    return Lexicon(
        verbs={k: _entry(v) for k, v in lex["verbs"].items()},
        nouns={k: _entry(v) for k, v in lex["nouns"].items()},
        target_preps=frozenset(d["target_preps"]),
        noun_target_preps=frozenset(d["noun_target_preps"]),
        location_preps=frozenset(d["location_preps"]),
        symmetric=frozenset(d["symmetric"]),
        location_suffices=frozenset(d["location_suffices"]),
        of_role=dict(d["of_role"]),
        support_verbs=frozenset(lex["support_verbs"]["verbs"]),
        reception=frozenset(lex["support_verbs"]["reception"]),
        adverbial_preps=frozenset(lex["support_verbs"]["adverbial_preps"]),
        groups=groups,
        all_groups=frozenset().union(*groups.values()),
        person_pronouns=frozenset(lex["pronouns"]["person"]),
        relative_pronouns=frozenset(lex["pronouns"]["relative"]),
        modality={k: frozenset(v) for k, v in lex["modality"].items()},
        speech_settings=frozenset(lex["speech_settings"]["nouns"]),
        speaker_pronouns=frozenset(lex["pronouns"]["speaker"]),
        object_control=frozenset(lex["roles"]["object_control"]),
        recipient_verbs=frozenset(lex["roles"]["recipient_verbs"]),
        owner_target=frozenset(lex["roles"]["owner_target"]),
        two_party=frozenset(lex["roles"]["two_party"]),
    )


def is_symmetric(event_type: str) -> bool:
    """Returns whether the category's parties are interchangeable (CONSULT, COOPERATE, AGREE)."""
    return event_type in lexicon().symmetric


# ----------------------------------------------------------------------------- parties


@dataclass(frozen=True)
class Party:
    """A party or place as a character span; ``kind`` is entity, group or phrase."""

    start: int
    end: int
    text: str
    kind: str
    label: str | None = None
    parts: tuple[tuple[int, int], ...] = ()  # the conjuncts of a coordinated party


@dataclass
class _Mentions:
    """The article's entity mentions, searchable by character offset."""

    rows: list[tuple[int, int, str, str]]  # start, end, text, label (sorted by start)
    starts: list[int]
    titles: dict[int, str]  # start → title ("mr", "president") where the mention has one

    @classmethod
    def build(cls, mentions: Iterable[dict[str, object]]) -> _Mentions:
        ms = list(mentions)
        rows = sorted((int(str(m["start"])), int(str(m["end"])), str(m["text"]), str(m["label"])) for m in ms)
        titles = {int(str(m["start"])): str(m["title"]).lower().rstrip(".") for m in ms if m.get("title")}
        return cls(rows, [r[0] for r in rows], titles)

    def at(self, char: int) -> tuple[int, int, str, str] | None:
        """The mention covering the character offset, if any."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.rows[i][0] <= char < self.rows[i][1]:
            return self.rows[i]
        return None

    def antecedent(
        self, pronoun: Token, window: int, exclude: frozenset[str] = frozenset()
    ) -> tuple[int, int, str, str] | None:
        """The person a he/she pronoun refers to, or None when that is not clear.

        Candidates are the PERSON mentions ending before it (within ``window`` characters) of a
        compatible title (Mr for he, Ms/Mrs for she) where one is known; the subject of the
        pronoun's own clause is never the object ("X blasted him"). The pronoun resolves only when
        the candidates name one person, or when the titles leave one: without a coreference model,
        guessing between two people gave wrong parties more often than right ones."""
        # the small model often tags a person ORG: a lone ORG subject is the fallback
        if _unnamed_subject_before(pronoun):
            return None  # "Ham explained why he…": the NER missed the name the pronoun points at
        found = self._antecedent(pronoun, window, "PERSON", exclude=exclude)
        if found is None and not self._candidates(pronoun, window, "PERSON", exclude=exclude):
            found = self._antecedent(pronoun, window, "ORG", True, exclude)
        return found

    def _candidates(
        self,
        pronoun: Token,
        window: int,
        label: str,
        subject_only: bool = False,
        exclude: frozenset[str] = frozenset(),
    ) -> list[tuple[tuple[int, int, str, str], bool]]:
        """(mention, gender known from the title) pairs, nearest first."""
        char = pronoun.idx
        fem = pronoun.lower_ in ("she", "her", "hers")
        doc = pronoun.doc
        i = bisect.bisect_left(self.starts, char) - 1
        out: list[tuple[tuple[int, int, str, str], bool]] = []
        while i >= 0 and self.rows[i][1] > char - window:
            row = self.rows[i]
            i -= 1
            if row[3] != label or row[1] > char or _person_key(row[2]) in exclude:
                continue
            title = self.titles.get(row[0], "")
            known = title in _FEMALE_TITLES or title in _MALE_TITLES
            if known and (title in _FEMALE_TITLES) != fem:
                continue
            span = doc.char_span(row[0], row[1], alignment_mode="expand")
            is_subject = span is not None and span.root.dep_ in ("nsubj", "nsubjpass")
            if span is not None and is_subject and span.root.head == pronoun.head:
                continue  # "X blasted him": him is not X
            if subject_only and not is_subject:
                continue
            out.append((row, known))
        return out

    def _antecedent(
        self,
        pronoun: Token,
        window: int,
        label: str,
        subject_only: bool = False,
        exclude: frozenset[str] = frozenset(),
    ) -> tuple[int, int, str, str] | None:
        cands = self._candidates(pronoun, window, label, subject_only, exclude)
        sent_start = pronoun.sent.start_char
        in_sentence = [c for c in cands if c[0][0] >= sent_start]
        if in_sentence:
            # the pronoun's own sentence comes first ("X used the ad against Y, accusing her")
            cands = in_sentence
        if len({_person_key(r[2]) for r, _ in cands}) == 1:
            return cands[0][0]
        titled = [r for r, known in cands if known]
        if titled and len({_person_key(r[2]) for r in titled}) == 1:
            return titled[0]
        return None


def _unnamed_subject_before(pronoun: Token) -> bool:
    """Whether the pronoun's sentence has, before it, a proper-noun subject outside any entity."""
    for tok in pronoun.sent:
        if tok.i >= pronoun.i:
            return False
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and not tok.ent_type_:
            return True
    return False


def _name_words(text: str) -> frozenset[str]:
    """The lower-case words of a party's text, possessives cut ("Clinton’s campaign" → clinton, campaign)."""
    return frozenset(re.sub(r"[’']s\b", "", text).lower().split())


def _person_key(name: str) -> str:
    """The surname a person is referred to by ("Mr. Clarke" and "Ray Clarke" are one person)."""
    words = re.sub(r"[’']s$", "", name.strip()).split()
    return words[-1].lower() if words else ""


def _mention_party(m: tuple[int, int, str, str]) -> Party | None:
    if m[3] not in PARTY_LABELS or any(ch in m[2] for ch in '<>="@'):
        return None  # markup the NER took for a name
    text, end = m[2], m[1]
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix) and len(text) > len(suffix):
            # "North Korea's test": the party is North Korea
            text, end = text[: -len(suffix)], end - len(suffix)
            break
    return Party(m[0], end, text, "entity", m[3])


def _group_phrase(tok: Token) -> Party:
    """The group noun with its determiners and modifiers ("the riot police")."""
    left = tok
    for child in tok.lefts:
        if child.dep_ in ("det", "amod", "compound", "nummod", "quantmod", "nmod", "poss"):
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
    start = left.idx
    end = tok.idx + len(tok.text)
    return Party(start, end, doc_text(tok.doc)[start:end], "group")


def _party(tok: Token, ms: _Mentions, depth: int = 0, exclude: frozenset[str] = frozenset()) -> Party | None:
    """The named entity or group a token stands for (pronouns: their antecedent, never the person
    whose surname is among the words ``exclude``), or None."""
    lex = lexicon()
    if depth > 3:
        return None
    low = tok.lower_
    if low in lex.person_pronouns and tok.pos_ == "PRON":
        m = ms.antecedent(tok, 600, exclude)
        return Party(m[0], m[1], m[2], "entity", m[3]) if m else None
    if (tok.tag_ in ("WP", "WDT") or low in lex.relative_pronouns) and tok.head.dep_ in ("relcl", "acl"):
        return _party(tok.head.head, ms, depth + 1)
    m = ms.at(tok.idx)
    for child in tok.children if low in lex.groups["roles"] else ():
        # "the U.S. Vice President, Joe Biden": the person, not the title the NER took for a name
        if child.dep_ == "appos" and (pm := ms.at(child.idx)) is not None and pm[3] == "PERSON":
            return _mention_party(pm)
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
    if low in lex.all_groups or tok.lemma_.lower() in lex.all_groups:
        return _group_phrase(tok)
    if low in QUANTITY_WORDS or tok.like_num:
        # "tens of thousands of protesters": the group is the object of "of"
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _party(obj, ms, depth + 1)
    return None


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
        if c.dep_ == "compound" and c.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
            return _party(c, ms)
        if c.dep_ == "prep" and c.lower_ in ("of", "from", "by"):
            for o in c.children:
                if o.dep_ == "pobj" and o.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                    return _parties(o, ms)
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


# ----------------------------------------------------------------------------- syntax helpers


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass", "csubjpass") for c in verb.children)


def _agent(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "agent":
            for o in c.children:
                if o.dep_ == "pobj":
                    return o
    return None


def _subject(verb: Token, depth: int = 0) -> Token | None:
    """The token that does what ``verb`` says: its subject, the agent of a passive, or inherited."""
    if depth > 4:
        return None
    if _is_passive(verb):
        return _agent(verb)
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c
    head = verb.head
    if verb.dep_ == "xcomp" and _is_passive(head) and _agent(head) is None:
        # raising: "X is set to hold talks", "X is expected to sign" — X does the holding
        for c in head.children:
            if c.dep_ == "nsubjpass":
                return c
    if verb.dep_ == "xcomp" and head.lemma_.lower() in lexicon().object_control:
        # object control: "prompted NATO to order…", "urged X to resume talks"
        for c in head.children:
            if c.dep_ in ("dobj", "dative"):
                return c
            if c.dep_ == "prep" and c.lower_ == "on":  # "called on X to…"
                return next((o for o in c.children if o.dep_ == "pobj"), None)
    if verb.dep_ in ("xcomp", "conj") and head.pos_ in ("VERB", "AUX") and head is not verb:
        # "X became the first to slap…", "X met Y and signed…": the subject is the head's
        return _subject(head, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        # "X said after meeting with Y": who meets is who speaks
        return _subject(head.head, depth + 1)
    if (
        verb.dep_ == "advcl"
        and verb.tag_ in ("VBG", "VBN")
        and not any(c.dep_ == "mark" for c in verb.children)
        and head.pos_ in ("VERB", "AUX")
    ):
        # a participle clause: "X used the ad, accusing her of…"
        return _subject(head, depth + 1)
    if verb.dep_ in ("relcl", "acl") and head is not verb:
        noun = head
        if noun.dep_ == "attr":  # "X became the first nations to slap sanctions"
            for c in noun.head.children:
                if c.dep_ == "nsubj":
                    return c
        if verb.dep_ == "acl" and noun.pos_ == "NOUN" and noun.lower_ not in lexicon().all_groups:
            # "X's tweets accusing Y", "X had a vote condemning Y": the author of the thing
            return _author(noun, depth)
        return noun
    return None


def _author(noun: Token, depth: int) -> Token | None:
    """Who made what a noun names: its possessor, else the subject of the verb it is the object of
    ("X unleashed a series of tweets…")."""
    for c in noun.children:
        if c.dep_ == "poss":
            return c
    cur = noun
    for _ in range(3):
        if cur.dep_ == "pobj" and cur.head.dep_ == "prep" and cur.head.lower_ == "of":
            cur = cur.head.head
            continue
        break
    if cur.dep_ == "dobj" and cur.head.pos_ in ("VERB", "AUX"):
        return _subject(cur.head, depth + 1)
    return None


def _passive_subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "nsubjpass":
            return c
    if verb.dep_ in ("relcl", "acl"):
        return verb.head
    return None


def _prep_objects(tok: Token, preps: Iterable[str]) -> list[Token]:
    wanted = set(preps)
    out: list[Token] = []
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in wanted:
            out.extend(o for o in c.children if o.dep_ == "pobj")
    return out


def _verb_ancestor(tok: Token) -> Token | None:
    cur = tok
    for _ in range(8):
        if cur.head is cur:
            return cur if cur.pos_ in ("VERB", "AUX") else None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


# ----------------------------------------------------------------------------- modality


def _quote_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) spans inside quotation marks. A curly quote's direction is trusted (“ opens,
    ” closes) so one stray mark does not flip the rest of the article; a quote still open at a
    paragraph break ends there (a quote running over paragraphs reopens with a new mark)."""
    out: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _QUOTE_MARKS.finditer(text):
        mark, i = m.group(), m.start()
        if mark.startswith("\n"):
            if open_at is not None:
                out.append((open_at, i))
            open_at = None
        elif mark == "“" or (mark in ('"', "''") and open_at is None):
            open_at = i + len(mark)
        elif open_at is not None:  # ” or a closing "
            out.append((open_at, i))
            open_at = None
    if open_at is not None:
        out.append((open_at, len(text)))
    return out


def _modality(
    trigger: Token,
    anchor: Token | None,
    in_quote: bool,
    nominal_free: bool,
    governed: bool = True,
    detached: bool = False,
) -> str:
    """Returns negated, hypothetical, planned, reported or asserted for a trigger.

    ``anchor`` is the verb that carries the event (the trigger itself, or the support verb of a
    nominal trigger); ``nominal_free`` says the trigger is a noun governed by a non-support verb,
    whose own meaning ("called for sanctions") then sets the modality. ``governed`` is false when
    the anchor's own meaning says nothing of the event: a nominal trigger that is the anchor's
    subject ("the meeting failed to…") or that a presupposing phrase hangs on the clause
    ("given the criticism of X, …"); then only the anchor's auxiliaries, or nothing, count.
    ``detached`` says the same of a noun under another noun or the object of an unrelated verb.
    """
    lex = lexicon()
    mod = lex.modality
    chain: list[Token] = [trigger]
    cur = anchor or trigger
    if anchor is not None and anchor is not trigger:
        pos = _np_position(trigger)
        # "given the criticism…" (given is a prep, or the parser's verb)
        presupposed = pos.dep_ in ("pobj", "dobj") and pos.head.lower_ in mod["presupposing_preps"]
        if presupposed or detached:
            cur = trigger
        else:
            chain.append(anchor)
    # climb the open-clause chain: "failed to impose", "is set to hold", "are preparing to adopt"
    steps = 0
    while (
        (cur is not trigger or trigger.pos_ == "VERB")
        and cur.dep_ in ("xcomp", "ccomp", "advcl", "acl", "conj", "pcomp", "prep", "pobj", "dobj", "relcl")
        and (steps < 6)
    ):
        if cur.dep_ == "pcomp" and cur.head.lower_ not in (
            "from",
            "of",
            "on",
            "in",
            "into",
            "about",
            "against",
        ):
            break  # "apologized for accusing X": a reason, not what the verb governs
        if cur.pos_ == "NOUN" and cur is not trigger:
            break  # "news that X would sue Y": the noun, not the clause around it, frames the event
        if cur.dep_ in ("acl", "ccomp", "relcl") and cur.head.pos_ == "NOUN":
            cur = cur.head  # "no chance that X will withdraw", "no plans to meet"
            chain.append(cur)
            break
        infinitive = cur.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        if (
            infinitive  # "allow families to sue", parsed as a clause of its own
            or cur.dep_ in ("xcomp", "pcomp", "prep", "pobj", "dobj")
            or (cur.dep_ == "acl" and cur.tag_ == "VB")
        ):
            cur = cur.head
            chain.append(cur)
            steps += 1
            continue
        break
    negated = planned = hypothetical = reported = False
    neg_at, hyp_at = len(chain), -1  # innermost negation, outermost hypothetical verb or noun
    for level, tok in enumerate(chain):
        lemma = tok.lemma_.lower()
        if (
            tok is anchor
            and not governed
            and lemma not in mod["occurrence_verbs"]
            # "X's backing was not the case" speaks of the event's truth
            and not any(
                c.dep_ in ("attr", "acomp") and c.lemma_.lower() in mod["truth_predicates"]
                for c in tok.children
            )
        ):
            continue  # "X's endorsement will raise questions": the future is the questions'
        if any(c.dep_ == "neg" or (c.dep_ in ("det", "nummod") and c.lower_ == "no") for c in tok.children):
            negated, neg_at = True, min(neg_at, level)
        if tok is not trigger and tok.pos_ == "NOUN":
            # "her refusal to condemn X", "calls to sanction Y"
            if lemma in mod["negation_nouns"]:
                negated, neg_at = True, min(neg_at, level)
            elif lemma in mod["hypothetical_nouns"]:
                hypothetical, hyp_at = True, level
            elif lemma in mod["planned_nouns"]:
                planned = True
        if tok is anchor and not governed:
            pass
        elif tok is not trigger and tok.pos_ in ("VERB", "ADJ", "AUX"):
            if lemma in mod["negation_verbs"]:
                negated, neg_at = True, min(neg_at, level)
            elif lemma in mod["planned_verbs"] and tok is not anchor:
                planned = True
            elif lemma in mod["hypothetical_verbs"] and (tok is not anchor or nominal_free):
                hypothetical, hyp_at = True, level
        auxes = [c.lower_ for c in tok.children if c.dep_ == "aux"]
        if any(a in mod["planned_aux"] for a in auxes):
            planned = True
        if any(a in mod["hypothetical_aux"] for a in auxes):
            hypothetical = True
        if any(c.dep_ == "amod" and c.lower_ in mod["planned_adjectives"] for c in tok.children):
            planned = True
        if any(c.dep_ == "mark" and c.lower_ in mod["hypothetical_marks"] for c in tok.children):
            hypothetical = True
    # reported speech: the clause hangs under a speech verb ("X said Y had met Z"); a clause
    # coordinated with one ("X said…, and Y accused Z") is the writer's own
    top = chain[-1] if chain[-1].pos_ in ("VERB", "AUX") else (anchor or chain[-1])
    for _ in range(6):
        if top.dep_ in ("ccomp", "parataxis", "conj") and top.head is not top:
            coordinated = top.dep_ == "conj"
            top = top.head
            if not coordinated and top.lemma_.lower() in mod["reported_verbs"]:
                reported = True
                break
        elif top.dep_ in ("acl", "ccomp") and top.head.lemma_.lower() in mod["reported_nouns"]:
            reported = True  # "criticism that X was urging Y", "claims that X bombed Y"
            break
        else:
            break
    if (
        hypothetical
        and reported
        and any(a.lower_ == "would" for t in chain for a in t.children if a.dep_ == "aux")
    ):
        # "said he would meet X": future in the past, a plan rather than a condition
        hypothetical, planned = False, True
    if in_quote:
        reported = True
    if negated and hyp_at > neg_at:
        return "hypothetical"  # "urged X to avoid condemning Y": the wish is outermost
    if negated:
        return "negated"
    if hypothetical:
        return "hypothetical"
    if planned:
        return "planned"
    if reported:
        return "reported"
    return "asserted"


# ----------------------------------------------------------------------------- dates


_DATE_PATH_DEPS = frozenset({"pobj", "prep", "npadvmod", "poss", "compound", "appos", "nmod", "tmod", "case"})


def _date_ent(sent: Span, heads: Sequence[Token | None]) -> Span | None:
    """The DATE entity of the sentence attached (through prepositions) to one of the heads."""
    want = {t.i for t in heads if t is not None}
    best: Span | None = None
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        cur = ent.root
        for _ in range(4):
            if cur.dep_ not in _DATE_PATH_DEPS or cur.head is cur:
                break
            cur = cur.head
            if cur.i in want:
                # prefer an explicit day ("September 14th") over a weekday beside it
                if best is None or (
                    not any(ch.isdigit() for ch in best.text) and any(ch.isdigit() for ch in ent.text)
                ):
                    best = ent
                break
    return best


# ----------------------------------------------------------------------------- triggers


@dataclass
class _Found:
    trigger: Token
    entry: Entry
    actor: Party | None
    target: Party | None
    location: Party | None
    anchor: Token | None
    date_heads: list[Token | None]
    nominal_free: bool
    governed: bool = True
    passive: bool = False
    detached: bool = False


def _verb_key(verb: Token, verbs: dict[str, Entry]) -> tuple[str, Entry] | None:
    lemma = verb.lemma_.lower()
    keys: list[str] = []
    prts = [c.lower_ for c in verb.children if c.dep_ == "prt"]
    for c in verb.children:
        if c.dep_ == "prt":
            keys.append(f"{lemma} {c.lower_}")
        if c.dep_ == "prep":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            keys.extend(f"{lemma} {c.lower_} {o.lemma_.lower()}" for o in objs)
            keys.extend(f"{lemma} {c.lower_} {o.lower_}" for o in objs)
            if c.i > verb.i and any(o.ent_type_ not in ("DATE", "TIME") for o in objs):
                # "called X on Friday", "On Twitter, X called Y…" are no "call on"
                keys.append(f"{lemma} {c.lower_}")
    keys.sort(key=lambda k: -k.count(" "))
    for k in [*keys, lemma]:
        if prts and not any(f" {p}" in f" {k} " for p in prts):
            continue  # a particle changes the verb: "back down" is no backing
        if k in verbs:
            return k, verbs[k]
    return None


def _verbal(verb: Token, ms: _Mentions) -> _Found | None:
    lex = lexicon()
    hit = _verb_key(verb, lex.verbs)
    if hit is None:
        return None
    key, entry = hit
    has_dobj = any(c.dep_ == "dobj" for c in verb.children)
    passive = _is_passive(verb)
    if passive and not entry.passive:
        return None
    if entry.needs_dobj and not (has_dobj or passive):
        return None
    if entry.no_dobj and has_dobj:
        return None
    if entry.no_clause and any(c.dep_ == "ccomp" for c in verb.children):
        return None
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() == "be":
        return None  # "X is to blame": X is blamed, not blaming
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        # "people accused of fraud": a passive participle, its noun is the target
        passive = True
        if not entry.passive:
            return None
    actor = _parties(_agent(verb) if passive else _subject(verb), ms)
    # an object pronoun is not its own clause's subject ("X accused her": her is not X)
    exclude = _name_words(actor.text) if actor is not None else frozenset()
    target_toks: list[Token] = []
    parts = key.split(" ")
    prep_key = len(parts) == 2 and parts[1] in lex.target_preps | {"with", "on", "at"}
    if not entry.theme_obj and not prep_key:
        if passive:
            ps = _passive_subject(verb)
            if ps is not None:
                target_toks.append(ps)
        target_toks += [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    preps = entry.preps or ((parts[1],) if prep_key else tuple(lex.target_preps))
    target_toks += _prep_objects(verb, preps)
    target = None
    for t in target_toks:
        target = _parties(t, ms, exclude)
        if target is None and entry.event_type in lex.owner_target and t.pos_ == "NOUN":
            target = _owner(t, ms)
        if target is not None:
            break
    if entry.actor_group is not None and not _group_ok(actor, entry.actor_group):
        return None
    if target is None and has_dobj and entry.event_type in lex.two_party:
        return None  # "meet the bar", "met his wife": the object is no political party
    # "met with X in Rome": the place phrase often hangs on a party
    location = _location_of([verb, _subject(verb), *target_toks[:1]], ms, [actor, target])
    return _Found(verb, entry, actor, target, location, verb, [verb], False, passive=passive)


def _group_ok(actor: Party | None, group: str) -> bool:
    """Whether the actor is a group of the wanted kind, or a people (NORP) acting together."""
    if actor is None:
        return False
    if actor.kind == "entity":
        return actor.label == "NORP"
    words = set(actor.text.lower().split())
    return bool(words & lexicon().groups.get(group, frozenset()))


def _noun_entry(noun: Token) -> Entry | None:
    nouns = lexicon().nouns
    return nouns.get(noun.lower_) or nouns.get(noun.lemma_.lower())


def _np_position(noun: Token) -> Token:
    """The token whose place in the clause a noun takes: "some of the sanctions" → "some"."""
    cur = noun
    for _ in range(2):
        prep = cur.head
        if (
            cur.dep_ == "pobj"
            and prep.dep_ == "prep"
            and prep.lower_ == "of"
            and (prep.head.lower_ in QUANTIFIERS or prep.head.like_num)
        ):
            cur = prep.head
            continue
        break
    return cur


def _nominal(noun: Token, ms: _Mentions) -> _Found | None:
    lex = lexicon()
    entry = _noun_entry(noun)
    if entry is None or noun.dep_ == "compound":
        return None
    actor: Party | None = None
    target: Party | None = None
    anchor: Token | None = None
    nominal_free = False
    pos = _np_position(noun)
    g = pos.head
    verb_targets: list[Token] = []
    loc_tokens: list[Token | None] = [noun]
    has_poss = any(c.dep_ == "poss" for c in noun.children)
    support = False
    free_object = False
    detached = False
    if (
        pos.dep_ in ("dobj", "nsubjpass")
        and g.pos_ in ("VERB", "AUX")
        and g.lemma_.lower() in lex.support_verbs
    ):
        # "slap sanctions on X", "hold talks with Y", "gave Z a loan", "sanctions were imposed on X"
        anchor = g
        support = True
        actor = _parties(_subject(g), ms)
        verb_targets = [c for c in g.children if c.dep_ == "dative"]
        verb_targets += _prep_objects(g, entry.preps or lex.noun_target_preps)
        loc_tokens.append(g)
    elif (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ == "with"
        and g.head.pos_ == "VERB"
        and g.head.lemma_.lower() in lex.support_verbs
    ):
        # "provide X with assistance"
        anchor = g.head
        actor = _parties(_subject(g.head), ms)
        verb_targets = [c for c in g.head.children if c.dep_ == "dobj"]
        loc_tokens.append(g.head)
    elif (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ == "with"
        and g.head.lemma_.lower() in lex.reception
    ):
        # "protests were met with a crackdown": the passive subject is the target
        anchor = g.head
        verb_targets = [c for c in anchor.children if c.dep_ in ("nsubjpass", "nsubj")]
    elif pos.dep_ == "dobj" and g.lemma_.lower() in lex.reception:
        anchor = g
        subj = _subject(g)
        verb_targets = [subj] if subj is not None else []
    elif (
        pos.dep_ == "pobj"
        and g.dep_ == "prep"
        and g.lower_ in lex.adverbial_preps
        and g.head.pos_ in ("VERB", "AUX")
        and entry.event_type in lex.symmetric
        and not has_poss
    ):
        # "said in Riga after talks with X": the speaker took part in the talks
        anchor = g.head
        actor = _parties(_subject(g.head), ms)
        loc_tokens.append(g.head)
        nominal_free = False
    else:
        anchor = _verb_ancestor(pos)
        nominal_free = anchor is not None and pos.dep_ in ("dobj", "pobj")
        mod = lex.modality
        if (
            pos.dep_ in ("dobj", "nsubjpass")
            and g.pos_ in ("VERB", "AUX")
            and not any(
                g.lemma_.lower() in mod[k] for k in ("negation_verbs", "planned_verbs", "hypothetical_verbs")
            )
        ):
            # "tore up the treaty", "sanctions were lifted": the verb says what became of the event
            free_object = True
        # an event named under another noun ("a request for comment on X's criticism") or the object
        # of a verb that is not about it ("refused to disavow X's endorsement") has its own modality
        modal = ("negation_verbs", "planned_verbs", "hypothetical_verbs")
        detached = free_object or (
            pos.dep_ == "pobj"
            and g.dep_ == "prep"
            and (
                g.head.pos_ not in ("VERB", "AUX") or not any(g.head.lemma_.lower() in mod[k] for k in modal)
            )
        )
    # the noun's own dependents
    own_actor: Party | None = None
    own_target: Party | None = None
    own_place: Party | None = None
    of_role = entry.of_role or lex.of_role.get(entry.event_type)
    if has_poss and of_role == "actor":
        of_role = "target"  # "his endorsement of Trump": the possessor gives, "of" receives
    from_actor = False
    # "his endorsements from 88 generals": with a named giver, the possessor receives
    poss_role = entry.poss
    if poss_role == "actor" and any(c.dep_ == "prep" and c.lower_ == "from" for c in noun.children):
        poss_role = "target"
    for c in noun.children:
        if c.dep_ == "poss" and c.ent_type_ not in ("DATE", "TIME"):
            if poss_role == "actor":
                own_actor = own_actor or _parties(c, ms)
            elif poss_role == "target":
                own_target = own_target or _parties(c, ms)
        elif c.dep_ in ("compound", "amod", "nmod") and c.ent_type_ in PARTY_LABELS:
            p = _party(c, ms)
            if (
                p is not None
                and (entry.event_type in lex.symmetric or entry.event_type in lex.location_suffices)
                and p.label in PLACE_LABELS
            ):
                own_place = own_place or p  # "the Sochi meeting", "the Tulsa protest" is where, not who
            elif p is not None and (c.dep_ == "compound" or p.label in ("NORP", "GPE")):
                own_actor = own_actor or p
        elif c.dep_ == "prep":
            objs = [o for o in c.children if o.dep_ == "pobj"]
            if not objs:
                continue
            o = objs[0]
            prep = c.lower_
            if prep == "between":
                # "the meeting between X and Y": the first is the actor, the conjunct the target
                first = _party(o, ms)
                second = next((p for p in (_party(x, ms) for x in o.conjuncts) if p is not None), None)
                own_actor = own_actor or first
                own_target = own_target or second
            elif prep in ("by", "from"):
                p = _parties(o, ms)
                if p is not None and own_actor is not None and has_poss and entry.poss == "actor":
                    # "his endorsements from 88 generals": the possessor receives
                    own_target, own_actor = own_actor, p
                else:
                    own_actor = own_actor or p
                from_actor = from_actor or p is not None
            elif prep == "of" and of_role in ("actor", "target"):
                p = _parties(o, ms)
                if p is None and of_role == "target" and entry.event_type in lex.owner_target:
                    p = _owner(o, ms)  # "condemnation of North Korea's test"
                if of_role == "actor":
                    own_actor = own_actor or p
                    from_actor = from_actor or p is not None
                else:
                    own_target = own_target or p
            elif prep in (entry.preps or lex.noun_target_preps):
                p = _parties(o, ms)
                if p is None and entry.event_type in lex.owner_target and prep == "of":
                    p = _owner(o, ms)
                own_target = own_target or p
    if free_object and own_actor is None and own_target is None:
        return None
    if support and from_actor and g.lemma_.lower() in lex.recipient_verbs and own_actor is not None:
        # "X had the backing of Y": Y backs X
        own_target, actor = actor, None
    # "assistance from Democrats": the named giver, not the clause's subject
    actor = (own_actor or actor) if from_actor else (actor or own_actor)
    if own_target is not None:
        target = own_target
    else:
        for t in verb_targets:
            target = _parties(t, ms)
            if target is not None:
                break
    if actor is not None and target is not None and _overlap(actor, target):
        target = None
    location = _location_of(loc_tokens, ms, [actor, target]) or own_place
    governed = support or pos.dep_ != "nsubj"
    return _Found(
        noun,
        entry,
        actor,
        target,
        location,
        anchor,
        [noun, anchor],
        nominal_free,
        governed,
        detached=detached,
    )


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


# ----------------------------------------------------------------------------- resolve


def _norm_phrase(text: str | None) -> str:
    if not text:
        return ""
    words = re.sub(r"[^\w\s-]", " ", text.lower()).split()
    return " ".join(w for w in words if w not in ("the", "a", "an", "its", "their", "his", "her"))


def _span_entities(x: pl.DataFrame, prefix: str, entity_mentions: pl.DataFrame) -> pl.DataFrame:
    """``{prefix}_ids``: the entities of every linked mention inside the span (coordinated parties)."""
    s, e = f"{prefix}_start", f"{prefix}_end"
    spans = x.select("__evrow", "article_id", s, e).drop_nulls([s, e])
    em = entity_mentions.select(
        "article_id",
        pl.col("entity_id").alias("__eid"),
        pl.col("start").alias("__ms"),
        pl.col("end").alias("__me"),
    ).drop_nulls("__eid")
    ids = (
        spans.join(em, on="article_id", how="inner")
        .filter((pl.col("__ms") < pl.col(e)) & (pl.col("__me") > pl.col(s)))
        .sort(["__evrow", "__ms"])
        .group_by("__evrow", maintain_order=True)
        .agg(pl.col("__eid").unique(maintain_order=True).alias(f"{prefix}_ids"))
    )
    return x.join(ids, on="__evrow", how="left")


@dataclass
class _M:
    """One event mention during resolution."""

    row: dict[str, Any]
    actor_ids: tuple[str, ...]
    target_ids: tuple[str, ...]
    place: str  # place key: country code, entity id or phrase; "" when unknown
    place_id: str | None
    cls: str  # fact, negated or hypothetical: only mentions of one class merge

    @property
    def article(self) -> str:
        return str(self.row["article_id"])

    def side(self, which: str) -> tuple[str, ...]:
        ids = self.actor_ids if which == "actor" else self.target_ids
        if ids:
            return ids
        phrase = _norm_phrase(self.row[f"{which}_text"])
        return (f"~{phrase}",) if phrase else ()

    def party_key(self) -> tuple[tuple[str, ...], ...]:
        if is_symmetric(str(self.row["event_type"])):
            return (tuple(sorted(set(self.side("actor")) | set(self.side("target")))),)
        return (self.side("actor"), self.side("target"))


def _cluster_dates(ms: list[_M], tolerance: int) -> list[list[_M]]:
    """Splits mentions into runs of dates no more than ``tolerance`` days apart; undated ones join
    the largest run (ties: the earliest), or form their own when no mention is dated."""
    dated = sorted(
        (m for m in ms if m.row["event_date"] is not None), key=lambda m: (m.row["event_date"], _sort_key(m))
    )
    undated = [m for m in ms if m.row["event_date"] is None]
    runs: list[list[_M]] = []
    for m in dated:
        if runs and (m.row["event_date"] - runs[-1][-1].row["event_date"]).days <= tolerance:
            runs[-1].append(m)
        else:
            runs.append([m])
    if not runs:
        return [undated] if undated else []
    if undated:
        biggest = max(range(len(runs)), key=lambda i: (len(runs[i]), -i))
        runs[biggest].extend(undated)
    return runs


def _cluster_places(ms: list[_M]) -> list[list[_M]]:
    """Splits mentions by incompatible places; mentions without a place join the largest group."""
    by: dict[str, list[_M]] = defaultdict(list)
    for m in ms:
        by[m.place].append(m)
    unplaced = by.pop("", [])
    if not by:
        return [unplaced]
    keys = sorted(by, key=lambda k: (-len(by[k]), k))
    by[keys[0]].extend(unplaced)
    return [by[k] for k in sorted(by)]


def _sort_key(m: _M) -> tuple[str, int, str]:
    return (m.article, int(m.row["trigger_start"]), str(m.row["event_type"]))


def _attach_partial(groups: dict[tuple[Any, ...], list[_M]]) -> dict[tuple[Any, ...], list[_M]]:
    """Moves a mention that names only part of the parties ("the meeting with X") into the one group
    of the same article whose parties include its own; it stays alone when that is ambiguous."""
    by_article: dict[tuple[str, str, str], set[tuple[Any, ...]]] = defaultdict(set)
    for key, ms in groups.items():
        for m in ms:
            by_article[(m.article, key[0], key[1])].add(key)
    moved: dict[tuple[Any, ...], list[_M]] = defaultdict(list)
    for key in sorted(groups, key=repr):
        ms = groups[key]
        etype, cls = key[0], key[1]
        parties = key[2:]
        keep: list[_M] = []
        for m in ms:
            target = None
            if is_symmetric(etype):
                mine = set(parties[0])
                cands = {
                    k
                    for k in by_article[(m.article, etype, cls)]
                    if k != key and mine and mine < set(k[2]) and len(k[2]) >= 2
                }
            else:
                a, t = parties
                cands = {
                    k
                    for k in by_article[(m.article, etype, cls)]
                    if k != key
                    and ((not t and a and k[2] == a and k[3]) or (not a and t and k[3] == t and k[2]))
                }
            if len(cands) == 1:
                target = cands.pop()
            if target is None:
                keep.append(m)
            else:
                moved[target].append(m)
        if keep:
            moved[key].extend(keep)
    return dict(moved)


def resolve_events(
    x_events: pl.DataFrame,
    entity_mentions: pl.DataFrame,
    entities: pl.DataFrame,
    date_tolerance_days: int = 1,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns ``(events, event_mentions)`` conformed to ``schema.EVENTS`` and ``schema.EVENT_MENTIONS``.

    Parties and places are linked to entities by offset (:func:`transforms.resolve.link_spans`);
    a linked party is named by its canonical entity name, a coordinated one ("Britain and Canada")
    by the names joined, an unnamed group by its phrase. Mentions merge into one event when they
    share the category, the parties (in either order for symmetric categories; a mention naming
    only some of the parties joins the event of the same article that names them all), dates at
    most ``date_tolerance_days`` apart (an undated mention joins the best-attested date) and a
    compatible place (same entity or same country). ``event_id`` hashes type, parties, date and
    place, so it is deterministic, independent of row order and stable across reruns.

    Negated events are kept, as their own events with modality ``negated``, never merged with or
    published as asserted ones; hypothetical mentions likewise stay apart. A merged factual event
    takes the strongest modality of its mentions (asserted > reported > planned), so a planned
    meeting reported later as held merges into one asserted event. Cost: grouping by keys and
    sorting, O(n log n) in mentions.
    """
    if x_events.height == 0:
        return schema.empty(schema.EVENTS), schema.empty(schema.EVENT_MENTIONS)
    x = schema.conform(x_events, schema.X_EVENT_MENTIONS).with_row_index("__evrow")
    for prefix in ("actor", "target", "location"):
        x = link_spans(x, prefix, entity_mentions)
        x = _span_entities(x, prefix, entity_mentions)
    ent_cols = [c for c in ("entity_id", "name", "type", "country_code") if c in entities.columns]
    ents = {r["entity_id"]: r for r in entities.select(ent_cols).to_dicts()}

    mentions: list[_M] = []
    for row in x.sort("__evrow").to_dicts():
        place_id = row["location_entity_id"]
        place = ""
        if place_id is not None and ents.get(place_id, {}).get("type") in PLACE_LABELS:
            place = ents[place_id].get("country_code") or place_id
        else:
            place_id = None
            if row["location_text"]:
                place = "~" + _norm_phrase(row["location_text"])
        modality = row["modality"]
        cls = modality if modality in ("negated", "hypothetical") else "fact"
        mentions.append(
            _M(row, tuple(row["actor_ids"] or ()), tuple(row["target_ids"] or ()), place, place_id, cls)
        )

    groups: dict[tuple[Any, ...], list[_M]] = defaultdict(list)
    for m in mentions:
        groups[(m.row["event_type"], m.cls, *m.party_key())].append(m)
    groups = _attach_partial(groups)

    event_rows: list[dict[str, object]] = []
    mention_rows: list[dict[str, object]] = []
    for key in sorted(groups, key=repr):
        for run in _cluster_dates(groups[key], date_tolerance_days):
            for cluster in _cluster_places(run):
                ev, ems = _event(key, sorted(cluster, key=_sort_key), ents)
                event_rows.append(ev)
                mention_rows.extend(ems)
    events = schema.conform(pl.DataFrame(event_rows, schema=_event_schema()), schema.EVENTS)
    ev_mentions = schema.conform(
        pl.DataFrame(mention_rows, schema=schema.EVENT_MENTIONS.polars_schema), schema.EVENT_MENTIONS
    )
    return events, ev_mentions


def _event_schema() -> dict[str, pl.DataType]:
    return schema.EVENTS.polars_schema


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v is not None and v != "")
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[0][0]


def _side_name(ms: list[_M], which: str, ents: dict[str, dict[str, Any]]) -> tuple[str | None, str | None]:
    """The canonical name(s) and first entity id of one side, from the mentions that name it."""
    ids_seen = [m.actor_ids if which == "actor" else m.target_ids for m in ms]
    ids = _most_common(i for i in ids_seen if i)
    if ids:
        names = [str(ents.get(i, {}).get("name") or i) for i in ids]
        return " and ".join(names), ids[0]
    return _most_common(m.row[f"{which}_text"] for m in ms), None


def _symmetric_sides(
    ms: list[_M], ents: dict[str, dict[str, Any]]
) -> tuple[str | None, str | None, str | None, str | None]:
    """Actor and target of a symmetric event: the party named most often as actor comes first."""
    as_actor: Counter[str] = Counter()
    seen: dict[str, str] = {}  # party key → display name
    order: list[str] = []
    for m in ms:
        for which, ids in (("actor", m.actor_ids), ("target", m.target_ids)):
            keys = list(ids) or (
                [f"~{_norm_phrase(m.row[f'{which}_text'])}"] if m.row[f"{which}_text"] else []
            )
            for k in keys:
                if k not in seen:
                    seen[k] = (
                        str(ents.get(k, {}).get("name") or k)
                        if not k.startswith("~")
                        else str(m.row[f"{which}_text"])
                    )
                    order.append(k)
                if which == "actor":
                    as_actor[k] += 1
    if not order:
        return None, None, None, None
    ranked = sorted(order, key=lambda k: (-as_actor[k], k))
    first, rest = ranked[0], sorted(ranked[1:])

    def eid(k: str) -> str | None:
        return None if k.startswith("~") else k

    target = " and ".join(seen[k] for k in rest) if rest else None
    return seen[first], eid(first), target, (eid(rest[0]) if rest else None)


def _event(
    key: tuple[Any, ...], ms: list[_M], ents: dict[str, dict[str, Any]]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    etype, cls = str(key[0]), str(key[1])
    if is_symmetric(etype):
        actor, actor_id, target, target_id = _symmetric_sides(ms, ents)
    else:
        actor, actor_id = _side_name(ms, "actor", ents)
        target, target_id = _side_name(ms, "target", ents)
    dates = [m.row["event_date"] for m in ms if m.row["event_date"] is not None]
    event_date = _most_common(dates)
    with_date = [m for m in ms if m.row["event_date"] == event_date] if event_date else []
    date_text = with_date[0].row["date_text"] if with_date else _most_common(m.row["date_text"] for m in ms)
    date_method = with_date[0].row["date_method"] if with_date else "none"
    place_id = _most_common(m.place_id for m in ms)
    location = str(ents[place_id]["name"]) if place_id else _most_common(m.row["location_text"] for m in ms)
    if cls == "fact":
        modality = min((str(m.row["modality"]) for m in ms), key=lambda v: _FACT_RANK.get(v, 9))
    else:
        modality = cls
    place_key = _most_common(m.place for m in ms) or ""
    event_id = stable_id(
        "ev", etype, cls, repr(key[2:]), event_date.isoformat() if event_date else "", place_key
    )
    articles = sorted({m.article for m in ms})
    cameo = _most_common(m.row["cameo_code"] for m in ms)
    event = {
        "event_id": event_id,
        "event_type": etype,
        "cameo_code": cameo,
        "actor": actor,
        "actor_entity_id": actor_id,
        "target": target,
        "target_entity_id": target_id,
        "location": location,
        "location_entity_id": place_id,
        "event_date": event_date,
        "date_text": date_text,
        "date_method": date_method,
        "modality": modality,
        "article_ids": articles,
        "n_articles": len(articles),
        "n_mentions": len(ms),
    }
    rows = [
        {
            "event_id": event_id,
            "article_id": m.article,
            "sentence": m.row.get("sentence") or "",
            "start": m.row["sent_start"],
            "end": m.row["sent_end"],
            "trigger": m.row["trigger"],
            "trigger_start": m.row["trigger_start"],
            "trigger_end": m.row["trigger_end"],
            "actor_text": m.row["actor_text"],
            "target_text": m.row["target_text"],
            "modality": m.row["modality"],
        }
        for m in ms
    ]
    return event, rows


# ----------------------------------------------------------------------------- quotes


def link_quotes_to_events(
    quotes: pl.DataFrame, event_mentions: pl.DataFrame, x_events: pl.DataFrame
) -> pl.DataFrame:
    """Returns ``quotes`` with ``event_id`` filled where the quote was said at an event of its article.

    An event is a setting for speech when its trigger is one of the lexicon's speech-setting nouns
    (meeting, talks, summit, interview, press conference…). A quote links to it when the sentence of
    the event mention holds the quote or the speaker mention the quote rests on, and — where the
    event mention names its parties — the speaker is one of them. The nearest such event wins.
    """
    settings = lexicon().speech_settings
    out_schema = quotes.schema
    if quotes.height == 0 or event_mentions.height == 0:
        return (
            quotes
            if "event_id" in quotes.columns
            else quotes.with_columns(pl.lit(None, pl.String).alias("event_id"))
        )
    xs = x_events.select(
        "article_id", "trigger_start", "actor_start", "actor_end", "target_start", "target_end"
    ).unique(subset=["article_id", "trigger_start"], keep="first")
    em = (
        event_mentions.filter(pl.col("trigger").str.to_lowercase().is_in(list(settings)))
        .join(xs, on=["article_id", "trigger_start"], how="left")
        .to_dicts()
    )
    by_article: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in em:
        by_article[str(r["article_id"])].append(r)
    ids: list[str | None] = []
    for q in quotes.to_dicts():
        best: tuple[int, str] | None = None
        for r in by_article.get(str(q["article_id"]), []):
            s, e = int(r["start"]), int(r["end"])
            sp_s, sp_e = q.get("speaker_start"), q.get("speaker_end")
            holds_quote = s <= int(q["start"]) < e or s < int(q["end"]) <= e
            holds_speaker = sp_s is not None and s <= int(sp_s) < e
            if not (holds_quote or holds_speaker):
                continue
            named = [
                (r[f"{p}_start"], r[f"{p}_end"]) for p in ("actor", "target") if r[f"{p}_start"] is not None
            ]
            if (
                named
                and sp_s is not None
                and sp_e is not None
                and not any(int(a) < int(sp_e) and int(sp_s) < int(b) for a, b in named)
            ):
                continue
            dist = abs(int(r["trigger_start"]) - int(q["start"]))
            if best is None or (dist, str(r["event_id"])) < best:
                best = (dist, str(r["event_id"]))
        ids.append(best[1] if best else None)
    linked = pl.Series("event_id", ids, dtype=pl.String)
    if "event_id" in quotes.columns:
        filled = quotes.with_columns(pl.coalesce(pl.col("event_id"), linked).alias("event_id"))
    else:
        filled = quotes.with_columns(linked)
    return filled.select([*out_schema.keys(), *(["event_id"] if "event_id" not in out_schema else [])])
