"""Benchmark corpora built from a PolNeAR-format JSONL file, written as JSONL raw dirs under /tmp.

The 1× corpus is the file's articles (one record per article id). A larger corpus adds articles made
by dealing the paragraphs of the 1× articles out again in a shuffled order: every synthetic article
keeps the paragraph count of an original, its first paragraph (the headline) comes from the pool of
first paragraphs and its body from the pool of body paragraphs, and each paragraph is used once per
extra copy. No two articles share more than a paragraph or two by chance, so none is an exact or
near duplicate (whole-article MinHash similarity stays far below the clean stage's threshold).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NEW_SEED = 10_007  # the shuffles that make "new" articles for the incremental rerun


@dataclass(frozen=True)
class Article:
    """One raw article as the ingest stage reads it from a JSONL record."""

    id: str
    text: str
    title: str | None
    publisher: str | None
    published_at: str | None

    def record(self) -> dict[str, Any]:
        """Returns the JSONL record (fields id, text, title, publisher, published_at)."""
        return {
            "id": self.id,
            "text": self.text,
            "title": self.title,
            "publisher": self.publisher,
            "published_at": self.published_at,
        }


def load_articles(path: Path, limit: int | None = None) -> list[Article]:
    """Returns the articles of a PolNeAR-format JSONL file, one per id (the first record wins, the
    corpus repeats an article per annotator), in file order, at most ``limit`` of them."""
    seen: set[str] = set()
    out: list[Article] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            out.append(Article(r["id"], r["text"], r.get("title"), r.get("publisher"), r.get("date")))
            if limit is not None and len(out) >= limit:
                break
    return out


def _paragraphs(text: str) -> list[str]:
    return [p for p in (q.strip() for q in text.split("\n\n")) if p]


def shuffled_copy(base: list[Article], seed: int, tag: str) -> list[Article]:
    """Returns ``len(base)`` synthetic articles: the base's paragraphs dealt out in an order shuffled
    by ``seed``, with each article's metadata taken from the source of its first paragraph."""
    rng = random.Random(seed)
    split = [_paragraphs(a.text) for a in base]
    heads = [(i, ps[0]) for i, ps in enumerate(split) if ps]
    bodies = [p for ps in split for p in ps[1:]]
    rng.shuffle(heads)
    rng.shuffle(bodies)
    out: list[Article] = []
    pos = 0
    for k, (ps, (src, head)) in enumerate(zip(split, heads, strict=False)):
        body = bodies[pos : pos + max(0, len(ps) - 1)]
        pos += len(body)
        meta = base[src]
        title = head.rstrip(".") if len(head) < 300 else meta.title
        out.append(
            Article(f"{tag}-{k:06d}", "\n\n".join([head, *body]), title, meta.publisher, meta.published_at)
        )
    return out


def scaled(base: list[Article], factor: int) -> list[Article]:
    """Returns the base articles followed by ``factor - 1`` shuffled copies of them."""
    out = list(base)
    for c in range(1, factor):
        out.extend(shuffled_copy(base, seed=c, tag=f"mix{c}"))
    return out


def new_articles(base: list[Article], n: int) -> list[Article]:
    """Returns ``n`` synthetic articles that are in no corpus built by :func:`scaled` (a shuffle with
    a seed of its own), for the incremental rerun."""
    fresh = shuffled_copy(base, seed=NEW_SEED, tag="new")
    while len(fresh) < n:  # only when n exceeds the base (a tiny sample)
        fresh.extend(shuffled_copy(base, seed=NEW_SEED + len(fresh), tag=f"new{len(fresh)}"))
    return fresh[:n]


def write_jsonl(articles: list[Article], path: Path) -> None:
    """Writes the articles as one JSONL file (one record per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for a in articles:
            fh.write(json.dumps(a.record(), ensure_ascii=False) + "\n")


def write_raw_dir(articles: list[Article], raw_dir: Path, per_file: int = 500, prefix: str = "part") -> int:
    """Writes the articles into ``raw_dir`` as JSONL shards of ``per_file`` records (a shard stays
    well under the ingest stage's file-size limit); returns the number of files written."""
    n = 0
    for start in range(0, len(articles), per_file):
        write_jsonl(articles[start : start + per_file], raw_dir / f"{prefix}-{n:04d}.jsonl")
        n += 1
    return n


def n_chars(articles: list[Article]) -> int:
    """Returns the total length of the articles' texts in characters."""
    return sum(len(a.text) for a in articles)
