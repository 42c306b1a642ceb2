"""The near-duplicate marking over one signature array gives datasketch ``MinHashLSH``'s verdicts."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from transforms.clean.duplicates import mark_near_duplicates_from_signatures, signature


def _reference(
    ids: list[str], sigs: np.ndarray, threshold: float
) -> tuple[list[str | None], list[float | None]]:
    """The marking as datasketch's index does it: query each signature, then insert it."""
    lsh = MinHashLSH(threshold=threshold, num_perm=sigs.shape[1])
    seen: dict[str, MinHash] = {}
    dup_of: list[str | None] = []
    scores: list[float | None] = []
    for art_id, sig in zip(ids, sigs, strict=True):
        mh = MinHash(num_perm=sigs.shape[1], seed=1, hashvalues=sig, scheme="affine32")
        best: tuple[float, str] | None = None
        for other in lsh.query(mh):
            sim = mh.jaccard(seen[other])
            if sim >= threshold and (best is None or (sim, other) > best):
                best = (sim, other)
        dup_of.append(best[1] if best else None)
        scores.append(round(best[0], 4) if best else None)
        if art_id not in seen:
            seen[art_id] = mh
            lsh.insert(art_id, mh)
    return dup_of, scores


def test_same_verdicts_as_datasketch_on_planted_copies() -> None:
    rng = np.random.default_rng(7)
    for threshold in (0.5, 0.8):
        for _ in range(10):
            n = int(rng.integers(2, 120))
            sigs = rng.integers(0, 40, size=(n, 128), dtype=np.uint32)
            for i in range(1, n):
                if rng.random() < 0.5:  # a partial copy of an earlier signature
                    j = int(rng.integers(0, i))
                    sigs[i] = np.where(rng.random(128) < rng.uniform(0.5, 1.0), sigs[j], sigs[i])
            ids = [f"a{int(x)}" for x in rng.integers(0, n, size=n)]  # some ids repeat
            assert mark_near_duplicates_from_signatures(ids, sigs, threshold) == _reference(
                ids, sigs, threshold
            )


def test_texts_that_share_most_shingles_are_marked() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    texts = [words, words + " extra tail words here", " ".join(f"v{i}" for i in range(200))]
    sigs = np.array([signature(t) for t in texts], dtype=np.uint32)
    dup_of, scores = mark_near_duplicates_from_signatures(["x", "y", "z"], sigs)
    assert dup_of == [None, "x", None]
    assert scores[1] is not None and scores[1] >= 0.8
    assert mark_near_duplicates_from_signatures([], np.zeros((0, 128), dtype=np.uint32)) == ([], [])
    assert mark_near_duplicates_from_signatures(["x"], sigs[:1]) == ([None], [None])
