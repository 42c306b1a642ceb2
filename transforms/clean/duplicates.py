"""Near-duplicate articles: MinHash LSH over word 5-shingles (near-linear in the number of texts)."""

from __future__ import annotations

import re
from collections.abc import Sequence


def _shingles(text: str, k: int = 5) -> set[bytes]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < k:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def mark_near_duplicates(
    ids: Sequence[str], texts: Sequence[str], threshold: float = 0.8, num_perm: int = 128
) -> tuple[list[str | None], list[float | None]]:
    """Returns, per text, the id of the earlier text it near-duplicates (else None) and the
    estimated Jaccard similarity of their word 5-shingles. "Earlier" is the order given, so the
    caller passes a stable order. MinHash LSH keeps this near-linear in the number of texts."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: dict[str, MinHash] = {}
    dup_of: list[str | None] = []
    scores: list[float | None] = []
    for art_id, text in zip(ids, texts, strict=True):
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch(list(_shingles(text)))
        best: tuple[float, str] | None = None
        for other in lsh.query(mh):
            sim = mh.jaccard(hashes[other])
            if sim >= threshold and (best is None or (sim, other) > best):
                best = (sim, other)
        dup_of.append(best[1] if best else None)
        scores.append(round(best[0], 4) if best else None)
        if art_id not in hashes:
            hashes[art_id] = mh
            lsh.insert(art_id, mh)
    return dup_of, scores
