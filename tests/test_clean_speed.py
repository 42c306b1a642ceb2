"""The clean step's fast paths give exactly what the plain computations give."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

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


@pytest.mark.parametrize("num_perm", [16, 64, 128, 256])
def test_signature_equals_datasketch_for_other_sizes(num_perm: int) -> None:
    from datasketch import MinHash

    text = " ".join(f"word{i % 97} other{i % 13}" for i in range(600))  # many shingles, repeats
    mh = MinHash(num_perm=num_perm, seed=1, scheme="affine32")
    mh.update_batch(list(duplicates._shingles(text)))
    assert duplicates.signature(text, num_perm) == [int(v) for v in mh.hashvalues]


@pytest.mark.parametrize("threshold,num_perm", [(0.8, 128), (0.5, 128), (0.9, 64), (0.8, 16)])
def test_lsh_bands_are_datasketchs(threshold: float, num_perm: int) -> None:
    from datasketch import MinHashLSH

    want = [(int(s), int(e)) for s, e in MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges]
    assert duplicates.lsh_bands(threshold, num_perm) == want


def test_signatures_and_marking_do_not_import_datasketch() -> None:
    # importing datasketch imports SciPy: seconds a small rerun's clean stage would wait for
    code = (
        "import sys\n"
        "from transforms.clean import duplicates as d\n"
        "s = [d.signature('a b c d e f g h'), d.signature('a b c d e f g x')]\n"
        "d.mark_near_duplicates_from_signatures(['x', 'y'], s)\n"
        "print('datasketch' in sys.modules, 'scipy' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.split() == ["False", "False"]
