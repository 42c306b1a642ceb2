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


def default_cache(out_location: str, raw_location: str = "") -> Path:
    """Returns the default cache folder: ``<out>/../cache`` for a local out dir (``<out>-cache``
    beside the out dir when that would be inside the raw dir); for a URL, a folder of the user's
    cache (``$XDG_CACHE_HOME/newsfacts/<hash of the URL>``)."""
    if not is_url(out_location):
        out = local_path(out_location)
        cache = out.parent / "cache"
        raw = local_path(raw_location) if raw_location and not is_url(raw_location) else None
        if raw is not None and (_inside(cache, raw) or _inside(raw, cache)):
            cache = out.parent / f"{out.name}-cache"
        return cache
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "newsfacts" / sha256_hex(out_location.rstrip("/"))[:12]


def _inside(path: Path, folder: Path) -> bool:
    """Returns True when ``path`` is ``folder`` or under it (both made absolute, links resolved)."""
    return path.expanduser().resolve().is_relative_to(folder.expanduser().resolve())


def check_separate(out: str, cache: str, raw: str) -> None:
    """Raises ValueError, naming the fix, when one run's folders overlap: a cache (which holds the
    work folders) inside the raw dir or the out dir, or the out dir inside the raw dir (the run
    would ingest its own cache, tables or Data Docs), or the raw dir inside the out dir or cache."""
    folders = {"--out-dir": out, "--raw-dir": raw}
    local = {k: local_path(v) for k, v in folders.items() if v and not is_url(v)}
    cache_path = Path(cache)
    for flag, folder in local.items():
        if _inside(cache_path, folder):
            raise ValueError(
                f"the cache {cache_path} is inside the {flag} folder {folder}: the run would "
                f"{'ingest' if flag == '--raw-dir' else 'publish'} its own work files. Give "
                f"--cache-dir a folder outside it (e.g. {folder.parent / 'cache'}) or move {flag}."
            )
    raw_p, out_p = local.get("--raw-dir"), local.get("--out-dir")
    if raw_p is not None and out_p is not None and (_inside(out_p, raw_p) or _inside(raw_p, out_p)):
        raise ValueError(
            f"the out dir {out_p} and the raw dir {raw_p} overlap: the run would ingest its own "
            "releases and Data Docs. Give --out-dir and --raw-dir two separate folders "
            f"(e.g. {raw_p.parent / 'out'} beside {raw_p})."
        )
    if raw_p is not None and _inside(raw_p, cache_path):
        raise ValueError(
            f"the raw dir {raw_p} is inside the cache {cache_path}: the run would ingest its own "
            "work files. Give --cache-dir a folder that does not hold the raw dir."
        )


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
        ``cache`` (default: :func:`default_cache`) and reading ``raw``; raises ValueError when
        they overlap (see :func:`check_separate`)."""
        cache_path = Path(cache) if cache else default_cache(out, raw)
        check_separate(out, str(cache_path), raw)
        return cls(
            out=out,
            cache=str(cache_path),
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
