"""Near-duplicate articles: MinHash LSH over word 5-shingles (near-linear in the number of texts).

The signature of a text (:func:`signature`) depends on that text alone, so it is computed once per
article and kept with the article's other per-article clean results; the marking itself
(:func:`mark_near_duplicates_from_signatures`) is the small corpus-level step redone on every run.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

NUM_PERM = 128
# The hashing scheme of datasketch's MinHash; signatures are rebuilt under the same one.
_SCHEME = "affine32"


def _shingles(text: str, k: int = 5) -> set[bytes]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < k:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = NUM_PERM) -> list[int]:
    """Returns the MinHash signature (``num_perm`` unsigned 32-bit values) of the text's word
    5-shingles: datasketch's ``MinHash(num_perm, seed=1, scheme="affine32")`` fed the shingles'
    ``sha1_hash32``, computed here with numpy (importing datasketch imports SciPy: about a second
    of a small rerun's clean stage)."""
    a, b = _permutations(num_perm)
    hv = _fmix32(np.asarray(_sha1_32_all(_shingles(text)), dtype=np.uint32).reshape(-1, 1))
    values: list[int] = (hv * a + b).min(axis=0).tolist()  # uint32 arithmetic wraps: mod 2^32
    return values


def _sha1_32_all(shingles: Iterable[bytes]) -> list[int]:
    """Returns datasketch's ``sha1_hash32`` of each shingle (the first 4 bytes of its SHA-1,
    little-endian), read from the joined digests at once rather than one int per call."""
    sha1 = hashlib.sha1
    digests = b"".join([sha1(s).digest() for s in shingles])
    first: list[int] = np.frombuffer(digests, dtype="<u4")[::5].tolist()  # 20-byte digests: 5 words
    return first


# The MurmurHash3 finalizer datasketch applies to each input hash before its affine permutations.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix32(hv: NDArray[np.uint32]) -> NDArray[np.uint32]:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


@functools.cache
def _permutations(num_perm: int) -> NDArray[np.uint32]:
    """Returns the (a, b) rows of the affine permutations of datasketch's MinHash with ``seed=1``
    and :data:`_SCHEME`, drawn as it draws them (odd ``a``); drawn once, not for every text."""
    gen = np.random.RandomState(1)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    perms = np.array([a, b])
    perms.setflags(write=False)  # shared by every signature: never changed in place
    return perms


# (threshold, num_perm) → (bands, rows per band) that datasketch's MinHashLSH picks (its
# ``_optimal_param``, equal weights): known ones need no import of datasketch and SciPy.
_LSH_BANDS: dict[tuple[float, int], tuple[int, int]] = {(0.8, 128): (9, 13)}


def lsh_bands(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    """Returns the (start, end) column ranges of the LSH bands of ``MinHashLSH(threshold, num_perm)``."""
    known = _LSH_BANDS.get((threshold, num_perm))
    if known is None:
        from datasketch import MinHashLSH

        return [(int(s), int(e)) for s, e in MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges]
    bands, rows = known
    return [(i * rows, (i + 1) * rows) for i in range(bands)]


def mark_near_duplicates_from_signatures(
    ids: Sequence[str], signatures: Sequence[Sequence[int]] | NDArray[np.uint32], threshold: float = 0.8
) -> tuple[list[str | None], list[float | None]]:
    """Returns, per article, the id of the earlier article it near-duplicates (else None) and the
    estimated Jaccard similarity of their word 5-shingles, from their :func:`signature`. "Earlier"
    is the order given, so the caller passes a stable order. MinHash LSH keeps this near-linear in
    the number of articles.

    The verdicts are those of datasketch's ``MinHashLSH`` (same bands: an earlier article is a
    candidate when one band of its signature equals this one's; the most similar candidate at or
    over ``threshold`` wins, ties to the larger id), computed on one array of the signatures: an
    index of MinHash objects costs about 5 kB per article."""
    num_perm = len(signatures[0]) if len(signatures) else NUM_PERM
    n = len(ids)
    dup_of: list[str | None] = [None] * n
    scores: list[float | None] = [None] * n
    if n < 2:
        return dup_of, scores
    sigs = np.ascontiguousarray(np.asarray(signatures, dtype=np.uint32).reshape(n, num_perm))
    # An id seen before is not indexed again (as ``MinHashLSH.insert`` of a known key would fail).
    first = np.zeros(n, dtype=bool)
    first[np.unique(np.asarray(ids, dtype=object), return_index=True)[1]] = True
    cands: dict[int, set[int]] = {}
    for start, end in lsh_bands(threshold, num_perm):
        band = np.ascontiguousarray(sigs[:, start:end]).view(np.dtype((np.void, 4 * (end - start)))).ravel()
        _, group, counts = np.unique(band, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(counts[group] > 1)
        members: dict[int, list[int]] = {}
        for i in shared.tolist():  # in the given order: earlier members are listed first
            listed = members.setdefault(int(group[i]), [])
            if listed:
                cands.setdefault(i, set()).update(listed)
            if first[i]:
                listed.append(i)
    for i, others in cands.items():
        best: tuple[float, str] | None = None
        for j in others:
            sim = float(np.count_nonzero(sigs[i] == sigs[j])) / float(num_perm)
            if sim >= threshold and (best is None or (sim, ids[j]) > best):
                best = (sim, ids[j])
        if best is not None:
            dup_of[i], scores[i] = best[1], round(best[0], 4)
    return dup_of, scores


def mark_near_duplicates(
    ids: Sequence[str], texts: Sequence[str], threshold: float = 0.8, num_perm: int = NUM_PERM
) -> tuple[list[str | None], list[float | None]]:
    """Returns, per text, the id of the earlier text it near-duplicates (else None) and the
    estimated Jaccard similarity of their word 5-shingles (see
    :func:`mark_near_duplicates_from_signatures`; the order given is the order of "earlier")."""
    sigs = [signature(t, num_perm) for t in texts]
    return mark_near_duplicates_from_signatures(ids, sigs, threshold)
