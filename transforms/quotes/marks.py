"""Quotation marks: curly, straight, ``''`` and guillemets, paired into :class:`QuoteSpan`.

Apostrophes inside words are left alone, a quote may run over several paragraphs (its pieces share
a chain), an opening mark may serve as the closing one, and single quotes nested in a
double-quoted quote stay inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

_OPEN_GLYPHS = "“„«‟"
_CLOSE_GLYPHS = "”»"
_SINGLE_OPEN = "‘'‚"
_SINGLE_CLOSE = "’'"
_TRAILING_PUNCT = ",.;:!?)]—–-…"


@dataclass(frozen=True)
class QuoteSpan:
    """A stretch of text between quotation marks.

    ``start``/``end`` are the words inside the marks (whitespace trimmed); ``open_at`` is the
    offset of the opening mark; ``chain`` numbers the pieces of one quote that runs over several
    paragraphs (pieces of one chain share it; ``None`` for a one-paragraph quote); ``single``
    marks quotes in single marks; ``closed`` is False when the paragraph ended first.
    """

    start: int
    end: int
    open_at: int
    close_at: int
    chain: int | None = None
    single: bool = False
    closed: bool = True


@dataclass
class _Mark:
    pos: int
    width: int
    glyph: str  # "open", "close" or "either"


# The double marks, leftmost first: ``''`` and ````` (two characters) before a single glyph, as a
# left-to-right scan would take them (an opening glyph before a closing one).
_DOUBLE_MARK = re.compile(
    "(''|``)|([" + re.escape(_OPEN_GLYPHS) + "])|([" + re.escape(_CLOSE_GLYPHS) + '])|(")'
)


def _double_marks(line: str) -> list[_Mark]:
    """Returns the double quotation marks of a line (``''`` and ````` count as one mark)."""
    marks: list[_Mark] = []
    for m in _DOUBLE_MARK.finditer(line):
        two, opening, closing = m.group(1, 2, 3)
        if two is not None:
            marks.append(_Mark(m.start(), 2, "either" if two == "''" else "open"))
        else:
            marks.append(_Mark(m.start(), 1, "open" if opening else "close" if closing else "either"))
    return marks


def _opens_here(line: str, m: _Mark) -> bool:
    """True when the context of a mark looks like an opening (space before, word after)."""
    before = line[m.pos - 1] if m.pos > 0 else " "
    after = line[m.pos + m.width] if m.pos + m.width < len(line) else " "
    return (before.isspace() or before in "([—–-:/") and not after.isspace()


def _closes_here(line: str, m: _Mark) -> bool:
    """True when the context of a mark looks like a closing (word or punctuation before, space after)."""
    before = line[m.pos - 1] if m.pos > 0 else " "
    after = line[m.pos + m.width] if m.pos + m.width < len(line) else " "
    return not before.isspace() and (after.isspace() or after in _TRAILING_PUNCT or after in "'’\"”")


def _pair_double(line: str) -> tuple[list[tuple[int, int, int, int]], bool, bool]:
    """Pairs the double marks of one line.

    Returns (pieces, opened_at_start, left_open): pieces are (open_at, inner_start, inner_end,
    close_at) with offsets into the line; ``left_open`` is True when the last quote was not
    closed before the line ended (it goes on in the next paragraph, or ends with the line).
    """
    marks = _double_marks(line)
    # close_after[k]: a closing glyph follows mark k (a suffix scan, not one per mark)
    close_after = [False] * (len(marks) + 1)
    for k in range(len(marks) - 1, -1, -1):
        close_after[k] = close_after[k + 1] or (k + 1 < len(marks) and marks[k + 1].glyph == "close")
    pieces: list[tuple[int, int, int, int]] = []
    inside: _Mark | None = None
    first_open = False
    skip = -1
    for k, m in enumerate(marks):
        if k == skip:
            continue  # the closing mark of a nested quote
        if inside is None:
            stray = m.glyph == "close" or (m.glyph == "either" and _closes_here(line, m))
            if stray and not _opens_here(line, m):
                # a closing mark with no opening one: a quote opened by a single mark ('He
                # said, ‘We won.”') when one stands before it, else a stray mark
                o = _single_opener_before(line, m.pos, pieces[-1][3] + 1 if pieces else 0)
                if o is not None:
                    pieces.append((o, o + 1, m.pos, m.pos))
                    continue
                if m.glyph == "close":
                    continue
            if m.glyph == "either" and m.width == 1 and m.pos > 0 and line[m.pos - 1].isdigit():
                continue  # inches: 5'10"
            inside = m
            if not pieces and not line[: m.pos].strip():
                first_open = True
            continue
        # “… he calls “hell” than …”: a quote nested in the same glyphs (open, close, close)
        # stays inside the outer one
        if (
            m.glyph == "open"
            and inside.glyph == "open"
            and _opens_here(line, m)
            and k + 2 < len(marks)
            and marks[k + 1].glyph == "close"
            and marks[k + 2].glyph == "close"
        ):
            skip = k + 1
            continue
        # Inside a quote any mark closes it (an opening glyph used as the closing one, as in
        # '…people, “added the opponent'), except an opening glyph that plainly opens the next
        # quote while a real closing glyph still follows: then the previous one was left open.
        reopen = (
            m.glyph == "open"
            and _opens_here(line, m)
            and not _closes_here(line, m)
            and close_after[k]
            and (line[inside.pos : m.pos].rstrip()[-1:] in ".!?")
        )
        # close_at is the mark's last character: a two-character mark ('') is wholly inside
        pieces.append((inside.pos, inside.pos + inside.width, m.pos, m.pos + m.width - 1))
        inside = m if reopen else None
    if inside is not None:
        # a double mark closed by a single one ('He said, "We won.' Then …')
        j = _single_closer_after(line, inside.pos + inside.width)
        if j is not None:
            pieces.append((inside.pos, inside.pos + inside.width, j, j))
            inside = None
    left_open = inside is not None
    if inside is not None:
        pieces.append((inside.pos, inside.pos + inside.width, len(line), len(line)))
    return pieces, first_open, left_open


_STRAY_REACH = 2000  # characters a stray mark looks back or ahead for its partner


def _single_opener_before(line: str, pos: int, floor: int) -> int | None:
    """Returns the offset of a single opening mark that starts a quote a double closing mark at
    ``pos`` ends, or None: the nearest mark at a word start before it (after ``floor``) with no
    single closing mark between them (else the single marks pair among themselves)."""
    if pos == 0 or line[pos - 1].isspace():
        return None
    for o in range(pos - 2, max(floor, pos - _STRAY_REACH) - 1, -1):
        if line[o] in _SINGLE_OPEN and _is_single_open(line, o):
            return o
        if line[o] in _SINGLE_CLOSE and o + 1 < len(line) and not line[o + 1].isalpha():
            return None  # a single quote closed before the mark: not its opener
    return None


def _is_single_open(line: str, o: int) -> bool:
    """True when a single mark at ``o`` starts a word (space or bracket before, a letter after)."""
    before = line[o - 1] if o > 0 else " "
    after = line[o + 1] if o + 1 < len(line) else " "
    return (before.isspace() or before in "([—–:") and after.isalpha()


def _single_closer_after(line: str, start: int) -> int | None:
    """Returns the offset of a single closing mark that ends a quote a double mark opened at
    ``start`` and left open, or None: one right after a sentence's end or a comma and before a
    space or the line's end, with no single opening mark before it (that would be a nested quote)."""
    for j in range(start, min(len(line), start + _STRAY_REACH)):
        c = line[j]
        if c in _SINGLE_OPEN and _is_single_open(line, j):
            return None
        if (
            c in _SINGLE_CLOSE
            and j > start
            and line[j - 1] in ".,!?"
            and (j + 1 == len(line) or line[j + 1].isspace())
        ):
            return j
    return None


_SINGLE_OPEN_MARK = re.compile("[" + re.escape(_SINGLE_OPEN) + "]")


def _could_open(line: str, i: int) -> bool:
    """Whether the single mark at ``i`` stands where :func:`_single_pieces` lets a quote open (space
    or bracket before, a letter after); what else it requires is checked there."""
    before = line[i - 1] if i > 0 else " "
    after = line[i + 1] if i + 1 < len(line) else " "
    return (before.isspace() or before in "([—–:") and after.isalpha()


def _single_pieces(line: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Quotes in single marks outside the double-quoted parts of a line (British style, headlines).

    An opening mark must start a word (space or bracket before, a letter after) and a closing
    mark must end one (not a letter on both sides, as in "don't"); of several closing
    candidates the first one followed by punctuation or the line end wins (so a plural
    possessive like "workers' rights" inside the quote does not end it). A quote never runs into
    a double-quoted part. The closing candidates are indexed once per line, so a line full of
    unmatched marks costs a bisect per mark, not a scan to the line's end.
    """
    n = len(line)
    if not any(_could_open(line, m.start()) for m in _SINGLE_OPEN_MARK.finditer(line)):
        return []  # no quote can open on this line (most lines): skip the per-character scans
    blocked = bytearray(n + 1)
    for a, b in taken:
        blocked[max(a, 0) : min(b, n)] = b"\x01" * max(min(b, n) - max(a, 0), 0)
    next_block = [n] * (n + 2)  # the first blocked offset at or after i
    for i in range(n - 1, -1, -1):
        next_block[i] = i if blocked[i] else next_block[i + 1]
    cands: list[int] = []
    preferred: list[int] = []
    for j in range(2, n):
        if line[j] not in _SINGLE_CLOSE:
            continue
        prev_c, next_c = line[j - 1], line[j + 1] if j + 1 < n else " "
        if prev_c.isspace() or (prev_c.isalpha() and next_c.isalpha()):
            continue
        if next_c.isspace() or next_c in _TRAILING_PUNCT or j + 1 == n:
            cands.append(j)
            if j + 1 == n or line[j + 1] in _TRAILING_PUNCT or line[j - 1] in ",.!?":
                preferred.append(j)
    out: list[tuple[int, int, int, int]] = []
    i = 0
    while i < n:
        c = line[i]
        if (
            c in _SINGLE_OPEN
            and not blocked[i]
            and line[i : i + 2] != "''"
            and (i == 0 or line[i - 1 : i + 1] != "''")
        ):
            before = line[i - 1] if i > 0 else " "
            after = line[i + 1] if i + 1 < n else " "
            if (before.isspace() or before in "([—–:") and after.isalpha():
                limit = next_block[min(i + 2, n)]
                lo, hi = bisect_left(cands, i + 2), bisect_left(cands, limit)
                if lo < hi:
                    k = bisect_left(preferred, i + 2)
                    best = preferred[k] if k < len(preferred) and preferred[k] < limit else cands[lo]
                    out.append((i, i + 1, best, best))
                    i = best + 1
                    continue
        i += 1
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Returns (a, b) narrowed so the span has no whitespace at either end."""
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Returns the quoted stretches of ``text`` in order (the words inside the marks).

    Lines are paragraphs. A paragraph that opens a quote without closing it goes on in the
    next paragraph when that one opens with a quotation mark (the news convention); the
    pieces then share a ``chain`` number. Quotes without any letter inside are skipped.
    """
    spans: list[QuoteSpan] = []
    offset = 0
    chain_id = 0
    open_chain: int | None = None  # the chain the previous paragraph left open
    for line in text.split("\n"):
        if not line.strip():
            offset += len(line) + 1
            continue
        pieces, first_open, left_open = _pair_double(line)
        taken = [(p[0], p[3] + 1) for p in pieces]
        singles = _single_pieces(line, taken)
        chain_here = open_chain if (open_chain is not None and first_open) else None
        found: list[QuoteSpan] = []
        for idx, (o, s, e, c) in enumerate(pieces):
            is_last = idx == len(pieces) - 1
            a, b = _trim(text, offset + s, offset + e)
            chain: int | None = None
            if idx == 0 and chain_here is not None:
                chain = chain_here
            if is_last and left_open and chain is None:
                chain_id += 1
                chain = chain_id
            found.append(QuoteSpan(a, b, offset + o, offset + c, chain, False, not (is_last and left_open)))
        for o, s, e, c in singles:
            a, b = _trim(text, offset + s, offset + e)
            found.append(QuoteSpan(a, b, offset + o, offset + c, None, True, True))
        open_chain = found[-1].chain if (left_open and pieces and found) else None
        if left_open and pieces:
            last = [q for q in found if not q.single][-1]
            open_chain = last.chain
        spans.extend(q for q in found if any(ch.isalpha() for ch in text[q.start : q.end]))
        offset += len(line) + 1
    spans.sort(key=lambda q: q.start)
    return _drop_lonely_chains(spans)


def _drop_lonely_chains(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Clears the chain number of a piece whose chain has no other piece (a quote left open)."""
    counts: dict[int, int] = {}
    for q in spans:
        if q.chain is not None:
            counts[q.chain] = counts.get(q.chain, 0) + 1
    return [
        QuoteSpan(q.start, q.end, q.open_at, q.close_at, None, q.single, q.closed)
        if q.chain is not None and counts[q.chain] < 2
        else q
        for q in spans
    ]
