"""Cleaning against PolNeAR's gold: does cleaning lose attributed text, and how much of what the
annotators marked as not-article-text (``discard_spans``) does it remove?

    .venv/bin/python benchmarks/cleaning_polnear.py ../shared/corpora/polnear/dev.jsonl

Prints the number of attribution content spans whose text no longer appears in the cleaned article
(target 0), the share of discard spans removed, and the removals per rule.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from transforms.clean import clean_text, fix_unicode


def _norm(text: str) -> str:
    return " ".join(fix_unicode(text).split())


def measure(path: Path) -> dict[str, object]:
    """Returns the cleaning figures for one PolNeAR JSONL file (each article once)."""
    seen: set[str] = set()
    rules: Counter[str] = Counter()
    spans = lost = discards = discards_removed = 0
    lost_examples: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        cleaned = clean_text(rec["text"])
        rules.update(cleaned.rules)
        kept = _norm(cleaned.text)
        # Content spans are judged per annotator record; discard spans once per article.
        for attribution in rec["attributions"]:
            for start, end in (attribution.get("content") or {}).get("spans", []):
                spans += 1
                if _norm(rec["text"][start:end]) not in kept:
                    lost += 1
                    lost_examples.append(f"{rec['id']}: {rec['text'][start:end][:80]!r}")
        if rec["id"] in seen:
            continue
        seen.add(rec["id"])
        for discard in rec.get("discard_spans", []):
            for start, end in discard["spans"]:
                discards += 1
                discards_removed += _norm(rec["text"][start:end]) not in kept
    return {
        "articles": len(seen),
        "content_spans": spans,
        "content_spans_losing_text": lost,
        "lost_examples": lost_examples[:10],
        "discard_spans": discards,
        "discard_spans_removed": discards_removed,
        "discard_share_removed": round(discards_removed / discards, 3) if discards else None,
        "removals_per_rule": dict(rules.most_common()),
    }


def main() -> None:
    """Prints the figures of each file given."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("files", nargs="+", type=Path)
    for f in ap.parse_args().files:
        print(f"== {f}")
        print(json.dumps(measure(f), indent=2))


if __name__ == "__main__":
    main()
