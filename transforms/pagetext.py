"""Page chrome in web pages rendered as plain text: which lines are not the article.

A scraper that keeps everything leaves a page's menus, consent and subscription blocks, share bars,
related-link lists, comment threads and footers in the text, one line per link. This module finds
the article among them with the shallow text features boilerplate removers use on HTML (jusText;
Kohlschütter et al., "Boilerplate Detection using Shallow Text Features", 2010): each line's length,
stop-word density and sentence end give a context-free class (good, near-good, short, bad); short and
near-good lines take the class of their neighbours; the longest dense run of good prose anchors the
article; its head (headline, dateline, byline, standfirst) is the run of plausible lines just before.

Only a text that looks like a page (many short lines without a sentence end, menus of them, and
some lines of page interface: buttons, notices) is touched: an ordinary article passes unchanged,
its own lists (a programme, a cast, a table) included. Everything here is pure and depends on the one text
only. Rules and vocabularies are data in ``lexicons/pagetext.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from transforms import lexicons

# The page-text remover's version: named beside the cleaning figures in the dataset card.
VERSION = "pagetext-2"

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*\s*$")

OUTSIDE_RULE = "page_outside_article"
LINK_RULE = "page_link_line"
LOW_PROSE_RULE = "page_low_prose"


@dataclass(frozen=True)
class _Params:
    short_words: int
    min_chrome_lines: int
    min_chrome_share: float
    min_menu_run: int
    min_menu_runs: int
    min_vocabulary_lines: int
    length_low: int
    length_high: int
    length_sentence: int
    max_title_case: float
    join_gap_lines: int
    join_gap_after: int
    density_power: float
    earlier_share: float
    stopwords_low: float
    stopwords_high: float
    max_heading_distance: int
    max_heading_lines: int
    max_gap_lines: int
    max_gap_chars: int
    head_window: int
    head_window_title: int
    tail_lines: int
    comments_name: str
    thread_window: int
    thread_max_prose: float
    comment_meta: tuple[re.Pattern[str], ...]
    meta_min: int
    meta_max_words: int
    comment_headers: tuple[re.Pattern[str], ...]
    vocabulary: tuple[tuple[str, int, tuple[re.Pattern[str], ...]], ...]
    stopwords: frozenset[str]


@cache
def params() -> _Params:
    """Returns the compiled rules of ``lexicons/pagetext.toml`` and the English stop words."""
    lex: dict[str, Any] = lexicons.load("pagetext")
    page, cls, anchor, com = lex["page"], lex["classes"], lex["anchor"], lex["comments"]

    def comp(pats: Sequence[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in pats)

    return _Params(
        short_words=int(page["short_words"]),
        min_chrome_lines=int(page["min_chrome_lines"]),
        min_chrome_share=float(page["min_chrome_share"]),
        min_menu_run=int(page["min_menu_run"]),
        min_menu_runs=int(page["min_menu_runs"]),
        min_vocabulary_lines=int(page["min_vocabulary_lines"]),
        length_low=int(cls["length_low"]),
        length_high=int(cls["length_high"]),
        length_sentence=int(cls["length_sentence"]),
        max_title_case=float(cls["max_title_case"]),
        join_gap_lines=int(anchor["join_gap_lines"]),
        join_gap_after=int(anchor["join_gap_after"]),
        density_power=float(anchor["density_power"]),
        earlier_share=float(anchor["earlier_share"]),
        stopwords_low=float(cls["stopwords_low"]),
        stopwords_high=float(cls["stopwords_high"]),
        max_heading_distance=int(cls["max_heading_distance"]),
        max_heading_lines=int(cls["max_heading_lines"]),
        max_gap_lines=int(anchor["max_gap_lines"]),
        max_gap_chars=int(anchor["max_gap_chars"]),
        head_window=int(anchor["head_window"]),
        head_window_title=int(anchor["head_window_title"]),
        tail_lines=int(anchor["tail_lines"]),
        comments_name=com["name"],
        thread_window=int(com["window"]),
        thread_max_prose=float(com["max_prose"]),
        comment_meta=comp(com["meta"]),
        meta_min=int(com["meta_min"]),
        meta_max_words=int(com["meta_max_words"]),
        comment_headers=comp(com["headers"]),
        vocabulary=tuple((v["name"], int(v["max_words"]), comp(v["patterns"])) for v in lex["vocabulary"]),
        stopwords=_stopwords(),
    )


def _stopwords() -> frozenset[str]:
    # jusText's English stop-word list (jusText ships with trafilatura).
    import justext

    return frozenset(w.casefold() for w in justext.get_stoplist("English"))


def _words(line: str) -> list[str]:
    return _WORD.findall(line.casefold())


def _chrome_like(line: str, p: _Params) -> bool:
    """A short line without a sentence end: a link, a label, a menu item."""
    return len(line.split()) <= p.short_words and not _SENTENCE_END.search(line)


def is_page(lines: Sequence[str]) -> bool:
    """Returns whether the lines read as a rendered web page: many chrome-like lines, or menus
    (runs of them), rather than an article's paragraphs, and some lines of page interface (an
    article's own list has short lines too, but no buttons or notices)."""
    p = params()
    flags = [_chrome_like(ln, p) for ln in lines]
    n = len(flags)
    if not n or sum(bool(_vocabulary_rule(ln, p)) for ln in lines) < p.min_vocabulary_lines:
        return False
    chrome = sum(flags)
    runs, run = 0, 0
    for f in [*flags, False]:
        if f:
            run += 1
            continue
        runs += run >= p.min_menu_run
        run = 0
    return chrome >= p.min_chrome_lines and (chrome / n >= p.min_chrome_share or runs >= p.min_menu_runs)


def _vocabulary_rule(line: str, p: _Params) -> str | None:
    n = len(line.split())
    for name, max_words, pats in p.vocabulary:
        if n <= max_words and any(pat.match(line) for pat in pats):
            return name
    return None


def _is_comment_header(line: str, p: _Params) -> bool:
    return len(line.split()) <= 12 and any(pat.match(line) for pat in p.comment_headers)


def _title_case_share(line: str) -> float:
    """Returns the share of a line's words (of letters) that start with a capital letter."""
    words = [w for w in line.split() if w[:1].isalpha()]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _context_free(line: str, p: _Params) -> str:
    """jusText's context-free class of one line: good, neargood, short or bad."""
    words = _words(line)
    if not words:
        return "bad"
    density = sum(w in p.stopwords for w in words) / len(words)
    if len(line) < p.length_low:
        return "short"
    if _title_case_share(line) > p.max_title_case:
        # Mostly Capitalised Words: a headline, a list of links or an advertiser's slogan.
        return "neargood" if density >= p.stopwords_low else "bad"
    if density >= p.stopwords_high:
        # A line is a paragraph here: one ending a sentence is prose even when shorter than jusText's.
        long_enough = len(line) > p.length_high or (
            len(line) >= p.length_sentence and bool(_SENTENCE_END.search(line))
        )
        return "good" if long_enough else "neargood"
    return "neargood" if density >= p.stopwords_low else "bad"


def _neighbour(classes: Sequence[str], i: int, step: int, ignore_neargood: bool) -> str:
    i += step
    while 0 <= i < len(classes):
        c = classes[i]
        if c in ("good", "bad") or (c == "neargood" and not ignore_neargood):
            return c
        i += step
    return "bad"


def _revise(classes: list[str], lines: Sequence[str], headings: Sequence[bool], p: _Params) -> list[str]:
    """jusText's context-sensitive pass: short lines and near-good lines take their neighbours' class;
    a short heading right before good prose is kept (a menu entry is no heading)."""
    out = list(classes)
    for i, c in enumerate(classes):  # headings shortly before good prose count as near-good
        if c == "short" and headings[i] and not _menu_item(lines[i]):
            dist = 0
            for j in range(i + 1, len(classes)):
                if dist > p.max_heading_distance or j - i - 1 > p.max_heading_lines:
                    break
                if classes[j] == "good":
                    out[i] = "neargood"
                    break
                dist += len(lines[j])
    new: dict[int, str] = {}
    for i, c in enumerate(out):
        if c != "short":
            continue
        prev, nxt = _neighbour(out, i, -1, True), _neighbour(out, i, 1, True)
        if prev == nxt:
            new[i] = prev
        elif (prev == "bad" and _neighbour(out, i, -1, False) == "neargood") or (
            nxt == "bad" and _neighbour(out, i, 1, False) == "neargood"
        ):
            new[i] = "good"
        else:
            new[i] = "bad"
    for i, c in new.items():
        out[i] = c
    final = list(out)
    for i, c in enumerate(out):
        if c == "neargood":
            pair = (_neighbour(out, i, -1, True), _neighbour(out, i, 1, True))
            final[i] = "bad" if pair == ("bad", "bad") else "good"
    return final


def _runs(classes: Sequence[str], lines: Sequence[str], p: _Params) -> list[tuple[int, int, int]]:
    """Returns the runs of good lines as (first, last, prose characters), gaps of a few short
    non-good lines bridged."""
    runs: list[tuple[int, int, int]] = []
    start = last = -1
    chars = 0
    for i, c in enumerate(classes):
        if c != "good":
            continue
        if start >= 0:
            gap = range(last + 1, i)
            if len(gap) <= p.max_gap_lines and sum(len(lines[j]) for j in gap) <= p.max_gap_chars:
                last, chars = i, chars + len(lines[i])
                continue
            runs.append((start, last, chars))
        start, last, chars = i, i, len(lines[i])
    if start >= 0:
        runs.append((start, last, chars))
    return runs


def classify(lines: Sequence[tuple[int, str]]) -> list[str | None]:
    """Returns, for each (paragraph, line) of a text, the rule that removes it as page chrome, or None
    for a line of the article. A text that does not read as a web page gets None everywhere."""
    p = params()
    texts = [ln for _, ln in lines]
    n = len(texts)
    if not is_page(texts):
        return [None] * n
    paras = [para for para, _ in lines]
    alone = [
        (i == 0 or paras[i - 1] != paras[i]) and (i == n - 1 or paras[i + 1] != paras[i]) for i in range(n)
    ]
    vocab = [_vocabulary_rule(ln, p) for ln in texts]
    cf = ["bad" if v else _context_free(ln, p) for ln, v in zip(texts, vocab, strict=True)]
    classes = _revise(cf, texts, alone, p)
    for i, v in enumerate(vocab):
        if v:
            classes[i] = "bad"

    # A comment header heads its paragraph (a "Comments" tab after "Article" opens no thread).
    comment_at = [
        i for i, ln in enumerate(texts) if _is_comment_header(ln, p) and (i == 0 or paras[i - 1] != paras[i])
    ]
    runs = _runs(classes, texts, p)
    if not runs:  # no prose to anchor an article on: only the interface vocabulary goes
        return list(vocab)
    start, end, thread = _article_span(runs, comment_at, cf, texts, p)
    head = _head(start, texts, vocab, paras, alone, p)
    # The body's paragraph goes on with its sentences (a line-up, a referee and attendance line below
    # a match report's prose); a headline link has no sentence end.
    while end + 1 < min(n, thread) and paras[end + 1] == paras[end] and not vocab[end + 1]:
        if not _SENTENCE_END.search(texts[end + 1]):
            break
        end += 1
    # The body's last sentences may be short (a closing line, a "no comment"): keep the lone
    # sentence lines right after it.
    for _ in range(p.tail_lines):
        nxt = end + 1
        if nxt >= min(n, thread) or vocab[nxt] or not alone[nxt] or _chrome_like(texts[nxt], p):
            break
        if not _SENTENCE_END.search(texts[nxt]):
            break
        end = nxt

    verdict: list[str | None] = []
    for i, ln in enumerate(texts):
        inside = head <= i <= end
        # The head is kept whole; inside the body a short link line in a paragraph of others goes.
        keep = i < start or classes[i] == "good" or not _chrome_like(ln, p) or alone[i]
        if inside and not vocab[i] and keep:
            verdict.append(None)
        elif vocab[i]:
            verdict.append(vocab[i])
        elif i >= thread:
            verdict.append(p.comments_name)
        elif cf[i] == "bad" and len(ln) >= p.length_low:
            verdict.append(LOW_PROSE_RULE)
        elif _chrome_like(ln, p):
            verdict.append(LINK_RULE)
        else:
            verdict.append(OUTSIDE_RULE)
    return verdict


def _article_span(
    runs: Sequence[tuple[int, int, int]],
    comment_at: Sequence[int],
    cf: Sequence[str],
    texts: Sequence[str],
    p: _Params,
) -> tuple[int, int, int]:
    """Returns the first and last line of the article's body and the first line of its comment thread
    (the line count without one). The body is the run with most prose (unless it lies in a comment
    thread that follows other prose), joined with the runs a short gap away."""

    def weight(k: int) -> float:
        # Prose characters, discounted when the run is sparse (teasers between headline links); a
        # comment thread's comments (after a cluster of their bylines) are no article's prose.
        first, last, chars = runs[k]
        cut = _meta_cluster(texts, first, p)
        if cut <= last:
            last = cut - 1
            chars = sum(len(texts[j]) for j in range(first, cut) if cf[j] == "good")
        if last < first:
            return 0.0
        good = sum(c == "good" for c in cf[first : last + 1])
        return chars * (good / (last - first + 1)) ** p.density_power

    best = max(range(len(runs)), key=weight)
    header = max((c for c in comment_at if c < runs[best][0]), default=None)
    if header is not None:
        earlier = [k for k in range(len(runs)) if runs[k][1] < header]
        if earlier:
            alt = max(earlier, key=weight)
            if weight(alt) >= p.earlier_share * weight(best):
                best = alt
    start, end = runs[best][0], runs[best][1]
    thread = min(_thread_start(start, comment_at, cf, p), _meta_cluster(texts, start, p))
    for k in range(best - 1, -1, -1):
        gap = range(runs[k][1] + 1, start)
        if len(gap) > p.join_gap_lines:
            break
        start = runs[k][0]
    for k in range(best + 1, len(runs)):
        gap = range(end + 1, runs[k][0])
        if len(gap) > p.join_gap_after or runs[k][0] > thread:
            break
        end = runs[k][1]
    return start, min(end, thread - 1), thread


def _thread_start(start: int, comment_at: Sequence[int], classes: Sequence[str], p: _Params) -> int:
    """Returns the line that opens the comment thread after the article's start (else the line count),
    from the lines' context-free classes.
    A comment header followed by dense prose (a "Comments" link in a share bar above the body) opens
    none: a thread interleaves its comments with names, dates and reply buttons."""
    for c in comment_at:
        if c <= start:
            continue
        after = classes[c + 1 : c + 1 + p.thread_window]
        if not after or sum(x in ("good", "neargood") for x in after) / len(after) < p.thread_max_prose:
            return c
    return len(classes)


def _meta_cluster(texts: Sequence[str], start: int, p: _Params) -> int:
    """Returns the first line after ``start`` of a cluster of comment bylines (user, time, votes,
    reply buttons: at least ``meta_min`` of them within ``thread_window`` lines), else the line count."""
    meta = [i for i in range(start + 1, len(texts)) if _is_comment_meta(texts[i], p)]
    for k, i in enumerate(meta):
        if k + p.meta_min - 1 < len(meta) and meta[k + p.meta_min - 1] - i < p.thread_window:
            return i
    return len(texts)


def _is_comment_meta(line: str, p: _Params) -> bool:
    return len(line.split()) <= p.meta_max_words and any(pat.search(line) for pat in p.comment_meta)


def _menu_item(line: str) -> bool:
    """A line of one or two words without a figure: a menu entry, never a headline, byline or date."""
    return len(line.split()) <= 2 and not any(c.isdigit() for c in line)


def _head(
    start: int,
    texts: Sequence[str],
    vocab: Sequence[str | None],
    paras: Sequence[int],
    alone: Sequence[bool],
    p: _Params,
) -> int:
    """Returns the first line of the article's head. The headline is the line before the body that
    repeats the page's title (its first line); without one, the head is what stands just before the
    body, up to a chrome word: its lone lines (dateline, byline, standfirst), the lines of the body's
    own paragraph above its first prose line, and one block of a few lines (headline, byline and date
    rendered without blank lines between them) unless the block reads as a menu."""
    title = set(_words(texts[0])) if texts else set()
    best, best_shared = -1, 0
    for i in range(start - 1, max(0, start - p.head_window_title) - 1, -1):
        words = _words(texts[i])
        shared = sum(w in title for w in words)
        # The fullest repeat of the title wins (a caption may repeat a few of its words).
        if i > 0 and len(words) >= 2 and shared >= 0.8 * len(words) and shared > best_shared:
            best, best_shared = i, shared
    if best >= 0:
        return best
    head = start
    i = start - 1
    blocks = 0
    while i >= 0 and start - i <= p.head_window and not vocab[i]:
        if alone[i]:
            if _menu_item(texts[i]):
                break
            head, i = i, i - 1
            continue
        first = i
        while first > 0 and paras[first - 1] == paras[i]:
            first -= 1
        block = range(first, i + 1)
        # The lines of the body's own paragraph above its prose, or one block before it: a few lines
        # (not a menu's many) without page interface, mostly more than one or two words.
        if (
            blocks
            or start - first > p.head_window
            or any(vocab[k] for k in block)
            or 2 * sum(_menu_item(texts[k]) for k in block) > len(block)
        ):
            break
        blocks += paras[i] != paras[start]
        head, i = first, first - 1
    return head
