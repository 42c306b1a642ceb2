"""Where a run reads and writes: local folders or fsspec URLs, resolved once at the start of a run.

A location is a plain path, a ``file://`` URL (both local folders) or a remote fsspec URL
(s3://, gs://, memory://, …). The cache is always a local folder: it holds the extraction and stage
caches, the local copy of a remote store's current release and each run's work folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from transforms.ids import sha256_hex


def is_url(location: str) -> bool:
    """Returns True for a remote fsspec URL (s3://, gs://, memory://, …); ``file://`` URLs and plain
    paths are local folders."""
    scheme, sep, _ = location.partition("://")
    return bool(sep) and scheme.isidentifier() and scheme.lower() not in ("file", "local")


def local_path(location: str) -> Path:
    """Returns the local path of a plain path or a ``file://`` URL."""
    scheme, sep, rest = location.partition("://")
    if sep and scheme.lower() in ("file", "local"):
        return Path(rest)
    return Path(location)


def url_fs(url: str) -> tuple[Any, str]:
    """Returns the fsspec filesystem of a URL and the root path inside it (no trailing slash)."""
    # fsspec is untyped: its filesystems are Any here.
    from fsspec.core import url_to_fs

    fs, root = url_to_fs(url)
    return fs, str(root).rstrip("/")


def default_cache(out_location: str) -> Path:
    """Returns the default cache folder: ``<out>/../cache`` for a local out dir; for a URL, a
    folder of the user's cache (``$XDG_CACHE_HOME/newsfacts/<hash of the URL>``)."""
    if not is_url(out_location):
        return local_path(out_location).parent / "cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsfacts" / sha256_hex(out_location.rstrip("/"))[:12]


@dataclass(frozen=True)
class Locations:
    """Every place one run reads or writes, resolved once; small and picklable (strings only), so
    tasks receive it as a parameter."""

    out: str  # where releases are published: a local folder or a URL
    cache: str  # the local cache folder
    raw: str = ""  # the raw inputs: a local folder or a URL
    work: str = ""  # this run's work folder under the cache (set by for_run)
    out_is_url: bool = False
    raw_is_url: bool = False

    @classmethod
    def resolve(cls, out: str, cache: str | None = None, raw: str = "") -> Locations:
        """Returns the locations of a run publishing to ``out`` (a path or URL) with the cache
        ``cache`` (default: :func:`default_cache`) and reading ``raw``."""
        return cls(
            out=out,
            cache=str(Path(cache) if cache else default_cache(out)),
            raw=raw,
            out_is_url=is_url(out),
            raw_is_url=bool(raw) and is_url(raw),
        )

    def for_run(self, run_id: str) -> Locations:
        """Returns these locations with the work folder of run ``run_id``."""
        return replace(self, work=str(Path(self.cache) / "work" / run_id))

    @property
    def cache_root(self) -> Path:
        """Returns the local cache folder."""
        return Path(self.cache)

    @property
    def work_dir(self) -> Path:
        """Returns this run's work folder (set by :meth:`for_run`)."""
        if not self.work:
            raise ValueError("no work folder: call for_run() first")
        return Path(self.work)

    def work_file(self, name: str) -> Path:
        """Returns the path of the intermediate table ``name`` in the run's work folder."""
        return self.work_dir / f"{name}.parquet"
