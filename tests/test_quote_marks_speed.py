"""The quotation-mark scan's fast paths find exactly what the plain character scan finds."""

from __future__ import annotations

import random

import pytest

from transforms.quotes import marks


def _plain_double_marks(line: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(line):
        two = line[i : i + 2]
        if two in ("''", "``"):
            out.append((i, 2, "either" if two == "''" else "open"))
            i += 2
            continue
        c = line[i]
        if c in marks._OPEN_GLYPHS:
            out.append((i, 1, "open"))
        elif c in marks._CLOSE_GLYPHS:
            out.append((i, 1, "close"))
        elif c == '"':
            out.append((i, 1, "either"))
        i += 1
    return out


@pytest.mark.parametrize(
    "line",
    [
        "“We won,” she said.",
        "He said ''we won'' and ``left''.",
        "'''Three''' marks, „low-high“ and «guillemets» and ‟odd” ones",
        'A "straight" quote and a stray ” mark',
        "No marks at all",
        "",
    ],
)
def test_double_marks_match_the_plain_scan(line: str) -> None:
    assert [(m.pos, m.width, m.glyph) for m in marks._double_marks(line)] == _plain_double_marks(line)


def test_double_marks_match_the_plain_scan_on_random_lines() -> None:
    rnd = random.Random(3)
    alphabet = [*"ab .,:(—“”„«»‟‘’'`\"", "''", "``"]
    for _ in range(3000):
        line = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25)))
        assert [(m.pos, m.width, m.glyph) for m in marks._double_marks(line)] == _plain_double_marks(line)


def test_single_quotes_still_found_and_apostrophes_skipped() -> None:
    line = "The sign read ‘Closed for good.’ Workers' rights don't change."
    pieces = marks._single_pieces(line, [])
    assert [line[s:e] for _, s, e, _ in pieces] == ["Closed for good."]
    # apostrophes only, no mark where a quote could open: nothing, without the scans
    assert marks._single_pieces("Workers' rights don't change, O'Brien's too.", []) == []
    # an opening mark inside a double-quoted part stays blocked
    assert marks._single_pieces("“He said ‘no.’ ” she added", [(0, 17)]) == []
