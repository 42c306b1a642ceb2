"""Parties as character spans, and the article's entity mentions indexed by offset (with the
he/she antecedent rule)."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Token

from transforms.names import given_names, person_key, title_gender


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
    genders: dict[str, str] = field(default_factory=dict)  # surname key → "m"/"f" where one is known
    coref: object | None = None  # the pronoun resolver's article context, built when first needed
    speakers: list[tuple[int, int, Party]] = field(default_factory=list)  # quote start, end, speaker

    @classmethod
    def build(cls, mentions: Iterable[dict[str, object]]) -> _Mentions:
        ms = list(mentions)
        rows = sorted((int(str(m["start"])), int(str(m["end"])), str(m["text"]), str(m["label"])) for m in ms)
        titles = {int(str(m["start"])): str(m["title"]).lower().rstrip(".") for m in ms if m.get("title")}
        rows = _persons(rows, titles)
        return cls(rows, [r[0] for r in rows], titles, _genders(rows, titles))

    def at(self, char: int) -> tuple[int, int, str, str] | None:
        """The mention covering the character offset, if any."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and self.rows[i][0] <= char < self.rows[i][1]:
            return self.rows[i]
        return None

    def speaker(self, char: int, plural: bool = False) -> Party | None:
        """The named speaker of the quote covering the offset ("I" in it is the speaker; "we" only
        a speaking body's), or None."""
        for start, end, party in self.speakers:
            if start <= char < end:
                return party if not plural or party.label == "ORG" else None
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
            if found is not None and not _person_like(found[2]):
                return None  # "the Social Security Administration … she": no person
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
            sex = title_gender(self.titles.get(row[0], ""), "pronouns")
            known = sex is not None  # a title beside the name: strong enough to choose by
            sex = sex or self.genders.get(_person_key(row[2]))  # else the article's evidence excludes
            if sex is not None and (sex == "f") != fem:
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


# Labels the small model gives a person's name by mistake ("Bernie Sanders" as a title or an org).
_MISLABELS = frozenset({"ORG", "WORK_OF_ART", "EVENT", "LAW", "FAC", "PRODUCT"})


def _persons(
    rows: list[tuple[int, int, str, str]], titles: dict[int, str]
) -> list[tuple[int, int, str, str]]:
    """Returns the rows with the persons the NER mislabelled relabelled PERSON: a name of two or
    three capitalised words with a personal title before it, or whose surname is a person's of the
    article; a title (or event) label also when it starts with a common given name. An
    organisation stays one unless a title or the article's persons say otherwise."""
    persons = {_person_key(r[2]) for r in rows if r[3] == "PERSON"}
    male, female = given_names()
    out = []
    for row in rows:
        start, end, text, label = row
        words = text.split()
        if label in _MISLABELS and 2 <= len(words) <= 3 and all(_name_word(w) for w in words):
            first = words[0].lower()
            if (
                title_gender(titles.get(start, ""), "pronouns") is not None
                or _person_key(text) in persons
                or (label != "ORG" and (first in male or first in female))
            ):
                row = (start, end, text, "PERSON")
        out.append(row)
    return out


def _person_like(text: str) -> bool:
    """Whether an organisation's name may be a person's the NER mislabelled: one name word
    ("Christie"), or two or three opening with a common given name ("Bernie Sanders")."""
    words = text.split()
    if len(words) == 1:
        return _name_word(words[0])
    male, female = given_names()
    return len(words) <= 3 and all(_name_word(w) for w in words) and words[0].lower() in male | female


def _name_word(word: str) -> bool:
    """Whether a word can be part of a person's name ("Anna", "O'Neil", "J.", "Berg-Holt")."""
    core = word.replace(".", "").replace("-", "").replace("'", "").replace("’", "")
    return bool(core) and core.isalpha() and word[0].isupper()


def _genders(rows: list[tuple[int, int, str, str]], titles: dict[int, str]) -> dict[str, str]:
    """Returns the gender of each person of the article, by surname, that a title ("Mrs. Doe") or a
    common given name ("Jane Doe") anywhere in the article tells; a surname two genders share
    (a couple, siblings) is left out. "She" then never resolves to a man named by surname alone."""
    male, female = given_names()
    seen: dict[str, set[str]] = {}
    for start, _, text, label in rows:
        if label != "PERSON":
            continue
        sex = title_gender(titles.get(start, ""), "pronouns")
        words = text.split()
        if sex is None and len(words) > 1:
            first = words[0].lower().strip(".,")
            sex = "m" if first in male else "f" if first in female else None
        if sex is not None:
            seen.setdefault(_person_key(text), set()).add(sex)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def _unnamed_subject_before(pronoun: Token) -> bool:
    """Whether the pronoun's sentence has, before it, a proper-noun subject outside any entity."""
    for tok in pronoun.sent:
        if tok.i >= pronoun.i:
            return False
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ == "PROPN" and not tok.ent_type_:
            return True
    return False


def _person_key(name: str) -> str:
    """The surname a person is referred to by ("Mr. Clarke" and "Ray Clarke" are one person)."""
    return person_key(name, folded=False)  # compared with parties' unfolded name_words
