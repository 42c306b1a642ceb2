"""The date phrase of an event: the DATE entity attached to its trigger or anchor verb."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

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
