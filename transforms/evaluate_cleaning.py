"""Cleaning against human-marked main text: token precision, recall and F1 of each page.

Counted as main-content-extraction evaluations count them (and as the pagetext corpus's
``score_cleaning.py`` does): both texts lowercased and split into ``\\w+`` tokens; true positives are
the multiset overlap of the two bags; scores per page, macro-averaged over pages (overall and per
source), with pooled (micro) figures per source beside them. Pure: texts in, figures out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    """Returns the lowercased ``\\w+`` tokens of a text."""
    return _TOKEN.findall((text or "").lower())


def score_pair(cleaned: str | None, gold: str | None) -> dict[str, float]:
    """Returns precision, recall, f1 and the counts (tp, n_cleaned, n_gold) of one cleaned text."""
    c, g = Counter(tokens(cleaned)), Counter(tokens(gold))
    n_c, n_g = sum(c.values()), sum(g.values())
    tp = sum((c & g).values())
    p = tp / n_c if n_c else 0.0
    r = tp / n_g if n_g else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "n_cleaned": n_c, "n_gold": n_g}


def _summary(scores: list[dict[str, float]]) -> dict[str, float]:
    n = len(scores)
    macro = {k: round(sum(s[k] for s in scores) / n, 4) if n else 0.0 for k in ("precision", "recall", "f1")}
    tp = sum(s["tp"] for s in scores)
    n_c, n_g = sum(s["n_cleaned"] for s in scores), sum(s["n_gold"] for s in scores)
    p, r = (tp / n_c if n_c else 0.0), (tp / n_g if n_g else 0.0)
    micro_f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"pages": n, **macro, "micro_f1": round(micro_f1, 4)}


def evaluate_pages(pages: Iterable[Mapping[str, Any]], clean: Callable[[str], str]) -> dict[str, Any]:
    """Returns the figures of ``clean`` on pages with ``id``, ``text`` and ``gold`` (and optionally
    ``source_dataset``): macro averages overall (``overall``), per source (``sources``) and the
    scores of each page (``per_page``)."""
    per_page: list[dict[str, Any]] = []
    by_source: dict[str, list[dict[str, float]]] = {}
    for page in pages:
        s = score_pair(clean(str(page["text"])), str(page["gold"]))
        source = str(page.get("source_dataset") or "all")
        by_source.setdefault(source, []).append(s)
        per_page.append({"id": page["id"], "source": source, **{k: round(v, 4) for k, v in s.items()}})
    every = [s for scores in by_source.values() for s in scores]
    return {
        "overall": _summary(every),
        "sources": {src: _summary(scores) for src, scores in sorted(by_source.items())},
        "per_page": per_page,
    }


def format_report(figures: Mapping[str, Any]) -> str:
    """Returns the figures as the short text ``newsfacts evaluate cleaning`` prints."""
    o = figures["overall"]
    lines = [
        f"cleaning: token F1 {o['f1']:.4f}  precision {o['precision']:.4f}  recall {o['recall']:.4f}"
        f"  ({o['pages']} pages, macro average)"
    ]
    for src, s in figures["sources"].items():
        lines.append(
            f"  {src}: F1 {s['f1']:.4f}  P {s['precision']:.4f}  R {s['recall']:.4f}"
            f"  micro F1 {s['micro_f1']:.4f}  ({s['pages']} pages)"
        )
    return "\n".join(lines)
