"""The clean step's fast paths give exactly what the plain computations give."""

from __future__ import annotations

import re
import unicodedata

import pytest

from transforms.clean import boilerplate, duplicates


def _fold_plain(line: str) -> str:
    s = unicodedata.normalize("NFKD", line.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\W+", " ", s).strip()


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Jane Doe / Agency",
        "  A caption, printed TWICE!  ",
        "Café crème à la française — Élysée",
        "Straße ﬁnal ½ ＡＢＣ",  # casefold and NFKD turn these into ASCII
        "Ångström, Zürich, São Paulo",
        "",
        "Москва, 2024",
    ],
)
def test_fold_fast_path_is_the_plain_fold(line: str) -> None:
    assert boilerplate._fold(line) == _fold_plain(line)


@pytest.mark.parametrize(
    "text",
    [
        "The council met on Tuesday to discuss the budget for next year and the new road.",
        "Too short",
        "",
        "Le conseil s’est réuni mardi pour discuter du budget de l’année prochaine, à Zürich.",
    ],
)
def test_signature_equals_datasketch_own(text: str) -> None:
    from datasketch import MinHash

    mh = MinHash(num_perm=duplicates.NUM_PERM, seed=1, scheme="affine32")
    mh.update_batch(list(duplicates._shingles(text)))
    assert duplicates.signature(text) == [int(v) for v in mh.hashvalues]
    assert duplicates.signature(text) == duplicates.signature(text)  # shared permutations untouched
