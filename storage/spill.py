"""The parse queue's spill files: chunks of articles the clean stage hands to the parse wait in a
folder as JSON files (not in the parent's memory) until a worker reads them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from transforms.extract import ArticleInput


def new_queue(under: Path | None) -> Path:
    """Returns a new, empty spill folder under ``under`` (the system's temporary folder when None)."""
    if under is not None:
        under.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="parse-queue-", dir=under))


def remove_queue(folder: Path) -> None:
    """Removes a spill folder and whatever chunks still wait in it."""
    shutil.rmtree(folder, ignore_errors=True)


def spill_chunk(chunk: Sequence[ArticleInput], folder: Path) -> tuple[str, list[ArticleInput]]:
    """Writes ``chunk`` to a new file in ``folder``; returns its path and the chunk without its
    texts (ids, dates and related headlines: enough for the cache keys)."""
    fd, path = tempfile.mkstemp(suffix=".json", dir=folder)
    rows = [
        {
            "id": a.article_id,
            "text": a.text,
            "day": a.published_at.isoformat() if a.published_at is not None else None,
            "related": list(a.related),
        }
        for a in chunk
    ]
    # JSON, not pickle: no code path of the pipeline loads a pickle (see tests/test_security.py).
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(rows, f)
    return path, [dataclasses.replace(a, text="") for a in chunk]


def take_spilled(path: str) -> list[ArticleInput]:
    """Returns the chunk :func:`spill_chunk` wrote to ``path`` and removes the file."""
    file = Path(path)
    chunk = [
        ArticleInput(
            r["id"], r["text"], dt.date.fromisoformat(r["day"]) if r["day"] else None, tuple(r["related"])
        )
        for r in json.loads(file.read_text(encoding="utf-8"))
    ]
    file.unlink(missing_ok=True)
    return chunk
