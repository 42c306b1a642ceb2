"""Not events, decided from the parse: generic and habitual statements, standing states,
statistics and polls, fiction and private life.

A news event happened (or is planned, denied, reported…) at a time; what the parse says of the
clause decides whether a trigger reports one:

- **tense and aspect**: a simple present verb ("X attacks Y", "protesters are arrested every
  week") states a habit or a standing property, except in a headline (no closing punctuation),
  where the present is the news tense;
- **standing states**: a participle that modifies a noun ("the super PAC backing X") describes
  it; an event noun that is the subject of a simple present verb or of "be" ("sanctions are in
  place", "sanctions hurt the economy") is a state, not an occurrence;
- **statistics and polls**: a clause whose subject is a percentage ("51 percent back X");
- **fiction**: a trigger inside a title (a WORK_OF_ART entity);
- **private life**: a party that is a relative or a pet ("met his wife").
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from transforms.events.lexicon import lexicon

_PRESENT = frozenset({"VBZ", "VBP"})
_PRESENT_AUX = frozenset({"is", "are", "am", "'s", "'re", "'m", "do", "does"})
_CLOSING = ('.', '!', '?', '"', "”", "'", "’", ":", ";", ")")


def is_headline(sent: Span) -> bool:
    """Whether the sentence reads as a headline: no closing punctuation."""
    last = sent.text.rstrip()
    return bool(last) and not last.endswith(_CLOSING)


def habitual(verb: Token) -> bool:
    """Whether a verbal trigger is in the simple present (active or passive), outside a headline."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    finite_vb = verb.tag_ == "VB" and any(c.dep_ == "nsubj" for c in verb.children)  # a mis-tagged VBP
    if (verb.tag_ in _PRESENT or finite_vb) and not auxes:
        present = True
    elif verb.tag_ == "VBN" and auxes and all(a.lower_ in _PRESENT_AUX for a in auxes):
        present = any(a.dep_ == "auxpass" for a in auxes)  # "are arrested", not "has arrested"
    else:
        present = False
    return present and not is_headline(verb.sent)


def standing(noun: Token, anchor: Token | None) -> bool:
    """Whether an event noun names a standing state: the subject of a simple present verb or of a
    present "be" ("the sanctions are in place", "sanctions hurt")."""
    if anchor is None or noun.dep_ not in ("nsubj", "attr") or noun.head.i != anchor.i:
        return False
    if anchor.tag_ in _PRESENT and not any(c.dep_ == "aux" for c in anchor.children):
        return not is_headline(noun.sent)
    return False


def modifier_participle(verb: Token) -> bool:
    """Whether a verb is a present participle describing a party ("the super PAC backing X",
    "groups supporting Y"); on a thing said ("a statement condemning X") it is the act itself."""
    if verb.dep_ != "acl" or verb.tag_ != "VBG":
        return False
    head = verb.head
    return bool(head.ent_type_) or head.pos_ == "PROPN" or head.lower_ in lexicon().all_groups


def statistical(anchor: Token | None) -> bool:
    """Whether the clause's subject is a percentage or a share ("51 percent of voters back X")."""
    if anchor is None:
        return False
    for c in anchor.children:
        if c.dep_ in ("nsubj", "nsubjpass") and any(t.ent_type_ == "PERCENT" for t in c.subtree):
            return True
    return False


def fiction(trigger: Token) -> bool:
    """Whether the trigger is part of a title (a book, film or show)."""
    return trigger.ent_type_ == "WORK_OF_ART"


def private(*words: str | None) -> bool:
    """Whether a party's words name a relative, a partner or a pet."""
    kin = lexicon().private
    for w in words:
        if w and any(x in kin for x in w.lower().split()):
            return True
    return False
