"""Definite descriptions as parties: "the Vermont senator", "the Democratic nominee" stand for the
person named before in that role (the quote attribution's description resolver decides), never
for the place or party adjective that modifies the role noun."""

from __future__ import annotations

from spacy.tokens import Token

from transforms.events.coref import _context
from transforms.events.lexicon import lexicon
from transforms.events.mentions import Party, _Mentions
from transforms.quotes.context import _Ctx
from transforms.quotes.descriptions import _resolve_description, _role_words
from transforms.quotes.lexicon import _lex

_DEFINITE = frozenset({"the", "this", "that"})
_MODIFIERS = frozenset({"det", "amod", "compound", "nmod"})


def role_noun(tok: Token) -> bool:
    """Whether the token is a singular noun of a person's role ("senator", "nominee", "governor")."""
    lex = _lex()
    low = tok.lower_
    return tok.tag_ in ("NN", "NNP") and (low in lex.roles or low in lex.role_class)


def described_person(tok: Token, ms: _Mentions) -> Party | None:
    """Returns the person a definite description headed by ``tok`` refers to, as a party at the
    mention that named the person in that role, or None (no role noun, not definite, or no one
    named before in that role: then the description phrase itself is the party)."""
    if not role_noun(tok) or ms.at(tok.idx) is not None:
        return None
    mods = [c for c in tok.lefts if c.dep_ in _MODIFIERS]
    if not any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in mods):
        return None
    a = min(c.left_edge.i for c in mods)
    ctx = _context(tok, ms)
    person = _resolve_description(ctx, tok, a, tok.i + 1, None)
    if person is None or not _named_as(ctx, person.key, tok.lower_):
        return None
    m = ms.at(person.start)
    label = m[3] if m is not None and m[0] == person.start else "PERSON"
    if label not in ("PERSON", "ORG"):
        return None  # a place or a people the description's words matched: no person
    return Party(person.start, person.end, person.text, "entity", "PERSON")


def _named_as(ctx: _Ctx, key: str, word: str) -> bool:
    """Whether a mention of the person (by ``key``) was introduced with the role word itself: a
    synonym is not enough for an event's party ("the president" is no party leader)."""
    return any(
        word in rw or "^" + word in rw for p in ctx.persons if p.key == key for rw in [_role_words(ctx, p)]
    )


def personal_noun(noun: Token) -> bool:
    """Whether a common noun names a person or people: a role or group word of the lexicon, a
    noun of a person by its ending ("strategist", "historian"), or who is asked to act ("urged the
    mogul to…": the object of an object-control verb with an infinitive)."""
    lex = lexicon()
    low, lemma = noun.lower_, noun.lemma_.lower()
    if noun.pos_ != "NOUN":
        return False
    # "-ist", "-ian" name people ("strategist", "historian"); "-er", "-or" name things as often
    # ("bulldozer", "tanker", "destroyer", "border"): those count only when the lexicon lists them
    if low in lex.all_groups or lemma in lex.all_groups or lemma.endswith(("ist", "ian")):
        return True
    head = noun.head
    return (
        noun.dep_ in ("dobj", "dative")
        and head.lemma_.lower() in lex.object_control
        and any(c.dep_ == "xcomp" for c in head.children)
    )
