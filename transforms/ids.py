"""Deterministic content-hash ids, so rows keep their ids across reruns."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: object) -> str:
    """Returns ``prefix_`` + the first 16 hex digits of sha256 over the parts (None → empty)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}_{hashlib.sha256(joined.encode('utf-8')).hexdigest()[:16]}"


def sha256_hex(data: bytes | str) -> str:
    """Returns the full sha256 hex digest of bytes (or of a str encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()
