"""Stage outputs kept by a content key, so a rerun (or a retried flow run) skips the stages whose
inputs have not changed.

A stage's key hashes its name, the code that computes it, its parameters and the bytes of its input
files. Its outputs are copied to ``<cache>/stages/<stage>/<key>/`` with the stage's small result as
``result.json`` (written last: a key counts only once every output is there). Everything is Parquet
or JSON; nothing is pickled. Reading a stage back copies the files into the run's work directory.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from storage.files import file_sha256, read_json, write_json
from transforms.ids import sha256_hex

RESULT = "result.json"
# The packages whose source and rule files make up the code fingerprint.
CODE_PACKAGES = ("flows", "transforms", "expectations", "storage")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Returns a hash of the pipeline's source and rule files: editing any of them changes every
    stage key, so stale outputs are never reused."""
    root = Path(__file__).resolve().parent.parent
    parts: list[str] = []
    for pkg in CODE_PACKAGES:
        for p in sorted((root / pkg).rglob("*")):
            if p.suffix in (".py", ".toml") and p.is_file() and "__pycache__" not in p.parts:
                parts.append(p.relative_to(root).as_posix() + ":" + file_sha256(p))
    return sha256_hex("\n".join(parts))[:16]


def stage_key(stage: str, inputs: Iterable[Path], params: Mapping[str, object]) -> str:
    """Returns the content key of a stage: its name, the code fingerprint, its parameters (as
    sorted JSON) and the sha256 of every input file (an absent file counts as absent)."""
    parts = [stage, code_fingerprint(), json.dumps(params, sort_keys=True, default=str)]
    for p in inputs:
        parts.append(f"{p.name}:{file_sha256(p) if p.exists() else '-'}")
    return sha256_hex("\x1f".join(parts))[:24]


def _dir(cache_root: Path, stage: str, key: str) -> Path:
    return cache_root / "stages" / stage / key


def restore(cache_root: Path, stage: str, key: str, dest: Path) -> dict[str, Any] | None:
    """Copies a stage's cached outputs into ``dest`` and returns its result, or returns None when
    the key is not (completely) cached."""
    src = _dir(cache_root, stage, key)
    result = read_json(src / RESULT)
    if result is None:
        return None
    dest.mkdir(parents=True, exist_ok=True)
    for item in src.iterdir():
        if item.name == RESULT:
            continue
        if item.is_dir():
            shutil.copytree(item, dest / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, dest / item.name)
    os.utime(src)  # recently used: kept by prune()
    return result


def store(
    cache_root: Path, stage: str, key: str, src: Path, names: Sequence[str] | None, result: Mapping[str, Any]
) -> None:
    """Saves the outputs ``names`` of ``src`` (every entry when None) and the result under the key.

    Built in a temporary directory renamed into place, so a crash never leaves a half entry."""
    final = _dir(cache_root, stage, key)
    tmp = final.with_name(f".tmp-{key}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    entries = [src / n for n in names] if names is not None else sorted(src.iterdir())
    for item in entries:
        if item.is_dir():
            shutil.copytree(item, tmp / item.name)
        elif item.exists():
            shutil.copy2(item, tmp / item.name)
    write_json(dict(result), tmp / RESULT)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def prune(cache_root: Path, stage: str, keep: int = 3) -> list[str]:
    """Removes all but the ``keep`` most recently used entries of a stage; returns their keys."""
    base = cache_root / "stages" / stage
    if not base.exists():
        return []
    found = sorted(
        (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    old = found[keep:]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in old]


RAW_LISTING = "raw_listing.json"  # what the last completed run read: its raw files' listing


def raw_listing(raw: Path, extractor: str) -> str:
    """Returns a hash of the names, sizes and modification times of the files under ``raw`` (no
    file is read) and the ``extractor`` version (model and extraction code): it changes when a
    file is added, removed, rewritten or touched, or when every article would be parsed again."""
    parts = [extractor]
    for p in [raw] if raw.is_file() else sorted(raw.rglob("*")):
        try:
            st = p.stat()
        except OSError:  # removed while listed: the listing differs either way
            parts.append(f"{p}\x1f-")
            continue
        if stat.S_ISREG(st.st_mode):
            parts.append(
                f"{p.relative_to(raw).as_posix() if p != raw else p.name}\x1f{st.st_size}\x1f{st.st_mtime_ns}"
            )
    # file names that are not UTF-8 (surrogate escapes) are hashed as their bytes
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def keep_raw_listing(cache_root: Path, raw: Path, listing: str) -> None:
    """Records ``listing`` (:func:`raw_listing`, taken before the run read ``raw``) as the last
    completed run's."""
    write_json({"raw": str(raw), "listing": listing}, cache_root / RAW_LISTING)


def raw_may_have_changed(cache_root: Path, raw: Path, extractor: str) -> bool:
    """Returns False only when ``raw``'s files and the extractor version are listed exactly as
    before the last completed run: then nothing is likely to need a parse. A hint for starting
    parse workers early, never a cache key (the stages hash what they read)."""
    kept = read_json(cache_root / RAW_LISTING)
    if kept is None or kept.get("raw") != str(raw):
        return True
    return kept.get("listing") != raw_listing(raw, extractor)
