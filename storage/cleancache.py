"""The per-article clean cache: the results of cleaning one raw text (``transforms.clean.clean_texts``
rows), kept by the text's content key under the version of the code they come from
(``<cache>/clean/<version>/<batch key>.parquet``, :func:`clean_code_version`).

A run that cleans new texts adds one file of their rows (merged once there are ``MAX_FILES``); a
lookup scans the files of the current version for the keys it needs, so a new or changed raw record
costs the clean of that record alone. A change to the clean code, to any module it imports, to a
lexicon or to a library it calls starts a new folder; ``prune`` keeps the most recently used few.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib.metadata
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from storage.files import drop_unreadable, file_sha256, write_parquet
from storage.stagecache import CODE_PACKAGES
from transforms.clean.stage import CLEANED_TEXT_SCHEMA
from transforms.ids import sha256_hex

log = logging.getLogger(__name__)
# Files of one code version before a write merges them into one (a lookup scans every file).
MAX_FILES = 32
# Rows decoded at a time by a lookup.
READ_BATCH = 1024
CLEAN_PACKAGE = "transforms.clean"
# The libraries whose results the per-article clean keeps: another version may decide otherwise.
CLEAN_LIBRARIES = ("ftfy", "lingua-language-detector", "datasketch")


def _imports(src: bytes, package: str) -> list[str]:
    """Returns the dotted names a module's source imports (relative ones resolved in ``package``)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.append(base)
            names.extend(f"{base}.{a.name}" for a in node.names)
    return names


@functools.lru_cache(maxsize=4)
def clean_code_version(root: Path | None = None) -> str:
    """Returns a hash of what the per-article clean results depend on besides the raw text: the
    source of ``transforms.clean`` and of every project module it imports (transitively), every
    lexicon file and the versions of the libraries it calls. A change elsewhere (resolve, say)
    keeps the stored results. ``root``: the project folder (this checkout's when None)."""
    root = root or Path(__file__).resolve().parent.parent
    todo, seen, parts = [CLEAN_PACKAGE], set(), []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = root / name.replace(".", "/")
        if name == CLEAN_PACKAGE:
            files = sorted(path.glob("*.py"))
        elif path.is_dir():
            files = [path / "__init__.py"]
        else:
            files = [path.with_suffix(".py")]
        for f in files:
            if not f.is_file():
                continue
            src = f.read_bytes()
            parts.append(f"{f.relative_to(root).as_posix()}:{sha256_hex(src)}")
            package = name if f.name == "__init__.py" or name == CLEAN_PACKAGE else name.rpartition(".")[0]
            todo.extend(n for n in _imports(src, package) if n.split(".")[0] in CODE_PACKAGES)
    for toml in sorted((root / "transforms" / "lexicons").glob("*.toml")):
        parts.append(f"{toml.name}:{file_sha256(toml)}")
    for lib in CLEAN_LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            parts.append(f"{lib}=={importlib.metadata.version(lib)}")
    return sha256_hex("\n".join(sorted(parts)))[:16]


def clean_cache_dir(cache_root: Path, code: str | None = None) -> Path:
    """Returns the folder of the per-article clean results of the code version ``code`` (the
    current :func:`clean_code_version` when None)."""
    return cache_root / "clean" / (code or clean_code_version())


def read_cleaned(cache_root: Path, keys: Iterable[str]) -> pl.DataFrame:
    """Returns the cached per-article clean results of the text keys ``keys`` (those the cache
    holds, one row each; ``CLEANED_TEXT_SCHEMA``)."""
    folder = clean_cache_dir(cache_root)
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    want = pl.DataFrame({"text_key": sorted(set(keys))}, schema={"text_key": pl.String()})
    if not files or want.is_empty():
        return pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)
    os.utime(folder)  # recently used: kept by prune()

    def lookup(found: list[Path]) -> pl.DataFrame:
        # A batch of rows at a time, filtered as read: the files hold every text ever cleaned,
        # a whole-file read would decode all of them at once for the few a run needs.
        wanted = want.get_column("text_key")
        parts: list[pl.DataFrame] = []
        for f in found:
            for batch in pq.ParquetFile(f).iter_batches(READ_BATCH, columns=list(CLEANED_TEXT_SCHEMA)):
                part = pl.from_arrow(batch)
                assert isinstance(part, pl.DataFrame)
                part = part.filter(pl.col("text_key").is_in(wanted))
                if part.height:
                    parts.append(part.cast(CLEANED_TEXT_SCHEMA))  # type: ignore[arg-type]
        if not parts:
            return pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)
        rows = pl.concat(parts)
        del parts
        if rows.get_column("text_key").is_duplicated().any():  # kept by two files: the first wins
            rows = rows.unique(subset=["text_key"], keep="first", maintain_order=True)
        return rows

    try:
        return lookup(files)
    except (OSError, pl.exceptions.PolarsError, pa.ArrowException):
        # A damaged or foreign file never stops a run: it is removed and its texts cleaned again.
        files = _readable(files)
        return lookup(files) if files else pl.DataFrame(schema=CLEANED_TEXT_SCHEMA)


def _readable(files: list[Path]) -> list[Path]:
    """Returns the files of ``files`` that read as clean results; removes (and logs) the others."""
    good, bad = drop_unreadable(files, list(CLEANED_TEXT_SCHEMA))
    for f in bad:
        log.warning("clean cache: unreadable file %s removed; its texts are cleaned again", f)
    return good


def write_cleaned(cache_root: Path, rows: pl.DataFrame) -> str:
    """Stores per-article clean results (``CLEANED_TEXT_SCHEMA`` rows) in one file named by the
    hash of their keys; returns that name ('' when there is nothing to store). ``write_parquet``
    renames a temporary file into place: a crash never leaves a half file that a lookup reads."""
    if rows.is_empty():
        return ""
    folder = clean_cache_dir(cache_root)
    name = sha256_hex("\n".join(sorted(rows["text_key"].to_list())))[:16]
    write_parquet(rows.select(list(CLEANED_TEXT_SCHEMA)), folder / f"{name}.parquet")
    files = sorted(folder.glob("*.parquet"))
    if len(files) > MAX_FILES:
        # One run adds one file: merged now and then, so a lookup reads a few files, not thousands.
        try:
            merged = (
                pl.scan_parquet(files).unique(subset=["text_key"], keep="first").sort("text_key").collect()
            )
        except (OSError, pl.exceptions.PolarsError):
            files = _readable(files)
            merged = (
                pl.scan_parquet(files).unique(subset=["text_key"], keep="first").sort("text_key").collect()
            )
        keep = sha256_hex("\n".join(merged["text_key"].to_list()))[:16]
        write_parquet(merged, folder / f"{keep}.parquet")
        for f in files:
            if f.stem != keep:
                f.unlink(missing_ok=True)
    return name


def prune(cache_root: Path, keep: int = 2) -> list[str]:
    """Removes the clean results of all but the ``keep`` most recently used code versions;
    returns the versions removed."""
    base = cache_root / "clean"
    if not base.is_dir():
        return []
    found = sorted((p for p in base.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    old = found[keep:]
    for p in old:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in old]
