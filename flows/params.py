"""Validation of the flow's parameters, which may arrive from the Prefect UI or an API call.

``validate_params`` is pure (it reads the environment and resolves paths, it writes nothing) and the
flow calls it first: a bad value stops the run with a ``ValueError`` that names the parameter, the
value and the allowed range, before any file is touched.

Paths must stay inside the configured data roots: ``NEWSFACTS_DATA_ROOTS`` (folders separated by
``os.pathsep``), by default the project's ``data/`` folder and the system temp folder. Symlinks are
resolved first, so a link cannot lead out. ``allow_outside_roots=True`` lifts the rule explicitly.

``raw_dir`` and ``out_dir`` may also be fsspec URLs (s3://, gs://, memory://, …); such a URL must
start with one of the prefixes in ``NEWSFACTS_DATA_URLS`` (separated by spaces; none by default), and
may not contain ``..`` segments, credentials, queries or fragments. ``file://`` URLs are local paths.
The cache is always a local folder.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOTS_ENV = "NEWSFACTS_DATA_ROOTS"
URLS_ENV = "NEWSFACTS_DATA_URLS"
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"

# A spaCy model is loaded by package name only: a path would let a caller load arbitrary files.
_MODEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*$")

# A Dask scheduler address: scheme, host, port; nothing else (no paths, no credentials).
_DASK_ADDRESS = re.compile(r"^(?:tcp|tls)://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$")

# Inclusive bounds (low, high) of the numeric parameters. They keep one run's memory and time sane
# on one machine: each process loads the model, the lock wait is at most a day.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "batch_size": (1, 1024),
    "chunk_size": (1, 10_000),
    "max_article_chars": (100, 1_000_000),
    "keep_releases": (1, 100),
}
FLOAT_BOUNDS: dict[str, tuple[float, float]] = {
    "max_file_mb": (0.001, 1024.0),
    "max_row_loss": (0.0, 1.0),
    "lock_wait_seconds": (0.0, 86_400.0),
}


@dataclass(frozen=True)
class RunParams:
    """The validated parameters: absolute, symlink-resolved paths (or checked URLs) and numbers."""

    raw_dir: str
    out_dir: str
    cache_dir: str | None
    full_refresh: bool
    model: str
    batch_size: int
    n_process: int
    chunk_size: int
    dask_address: str | None
    dask_workers: int
    english_only: bool
    max_file_mb: float
    max_article_chars: int
    keep_releases: int
    max_row_loss: float
    lock_wait_seconds: float


def data_roots(env: str | None = None) -> tuple[Path, ...]:
    """Returns the resolved folders every path parameter must stay inside: those of
    ``NEWSFACTS_DATA_ROOTS`` (or ``env`` when given), else the project's data/ and the temp dir."""
    spec = os.environ.get(ROOTS_ENV) if env is None else env
    if spec and spec.strip():
        roots = [Path(p).expanduser() for p in spec.split(os.pathsep) if p.strip()]
        for r in roots:
            if not r.is_absolute():
                raise ValueError(f"{ROOTS_ENV}: data root {str(r)!r} is not an absolute path")
    else:
        roots = [PROJECT_DATA, Path(tempfile.gettempdir())]
    return tuple(r.resolve() for r in roots)


def data_urls(env: str | None = None) -> tuple[str, ...]:
    """Returns the URL prefixes a remote ``raw_dir``/``out_dir`` must start with, from
    ``NEWSFACTS_DATA_URLS`` (or ``env`` when given); none by default."""
    spec = os.environ.get(URLS_ENV, "") if env is None else env
    return tuple(u.rstrip("/") + "/" for u in spec.split() if u.strip())


_URL = re.compile(r"^(?P<scheme>[a-z][a-z0-9+]*)://(?P<rest>[^?#@\s]*)$")


def _url(name: str, value: str, prefixes: Sequence[str], allow_outside: bool) -> str:
    m = _URL.match(value)
    if m is None:
        raise ValueError(f"{name}={value!r} is not a plain URL (no credentials, query or fragment)")
    if any(seg in ("..", ".") for seg in m["rest"].split("/")):
        raise ValueError(f"{name}={value!r} has '.' or '..' segments")
    url = value.rstrip("/")
    if not allow_outside and not any((url + "/").startswith(p) for p in prefixes):
        shown = ", ".join(prefixes) or "none configured"
        raise ValueError(
            f"{name}={value!r} is not under an allowed URL prefix ({shown}); set {URLS_ENV} "
            "or pass allow_outside_roots=True to allow it"
        )
    try:
        import fsspec

        fsspec.get_filesystem_class(m["scheme"])
    except (ImportError, ValueError) as err:
        raise ValueError(f"{name}={value!r}: no fsspec filesystem for {m['scheme']!r} ({err})") from None
    return url


def _location(name: str, value: object, roots: Sequence[Path], prefixes: Sequence[str], allow: bool) -> str:
    """Returns a checked local path (as a string) or remote URL."""
    from transforms.io import is_url, local_path

    if isinstance(value, str) and is_url(value):
        return _url(name, value, prefixes, allow)
    if isinstance(value, str) and "://" in value:  # a file:// URL
        value = str(local_path(value))
    return str(_path(name, value, roots, allow))


def _contains(a: str, b: str) -> bool:
    """Returns True when location ``a`` is ``b`` or inside it (paths or URLs)."""
    return a == b or a.startswith(b.rstrip("/") + "/")


def max_processes() -> int:
    """Returns the largest allowed ``n_process`` (and ``dask_workers``): the machine's CPU count,
    at least 2 so the flow's default always passes (each process loads the model, so more
    processes than cores only costs memory)."""
    return max(2, os.cpu_count() or 1)


def _path(name: str, value: object, roots: Sequence[Path], allow_outside: bool) -> Path:
    if not isinstance(value, str | os.PathLike):
        raise ValueError(f"{name} must be a path string, got {type(value).__name__}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{name} must be a non-empty path")
    if "\x00" in text:
        raise ValueError(f"{name} contains a NUL character")
    # resolve(strict=False) follows every symlink that exists, so ``..`` and links cannot escape.
    path = Path(text).expanduser().resolve()
    if not allow_outside and not any(path == r or path.is_relative_to(r) for r in roots):
        shown = ", ".join(str(r) for r in roots)
        raise ValueError(
            f"{name}={text!r} resolves to {path}, outside the data roots ({shown}); set {ROOTS_ENV} "
            "or pass allow_outside_roots=True to allow it"
        )
    return path


def _int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name}={value} is out of range [{low}, {high}]")
    return value


def _float(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    f = float(value)
    if math.isnan(f) or not low <= f <= high:
        raise ValueError(f"{name}={value} is out of range [{low}, {high}]")
    return f


def _bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {type(value).__name__} {value!r}")
    return value


def validate_params(
    *,
    raw_dir: str,
    out_dir: str,
    cache_dir: str | None,
    full_refresh: bool,
    model: str,
    batch_size: int,
    n_process: int,
    chunk_size: int,
    english_only: bool,
    max_file_mb: float,
    max_article_chars: int,
    keep_releases: int,
    max_row_loss: float,
    lock_wait_seconds: float,
    dask_address: str | None = None,
    dask_workers: int = 0,
    allow_outside_roots: bool = False,
    roots: Sequence[Path] | None = None,
    url_prefixes: Sequence[str] | None = None,
) -> RunParams:
    """Returns the flow's parameters checked and normalised, or raises ``ValueError`` naming the
    first bad one. ``roots`` overrides :func:`data_roots` (for tests)."""
    allow = _bool("allow_outside_roots", allow_outside_roots)
    found_roots = tuple(roots) if roots is not None else data_roots()
    prefixes = data_urls() if url_prefixes is None else tuple(url_prefixes)
    raw = _location("raw_dir", raw_dir, found_roots, prefixes, allow)
    if "://" not in raw and not Path(raw).is_dir():
        raise ValueError(f"raw_dir={raw_dir!r} is not an existing directory ({raw})")
    out = _location("out_dir", out_dir, found_roots, prefixes, allow)
    if cache_dir is not None and isinstance(cache_dir, str) and "://" in cache_dir:
        raise ValueError(f"cache_dir={cache_dir!r} must be a local folder, not a URL")
    cache = None if cache_dir is None else str(_path("cache_dir", cache_dir, found_roots, allow))
    # The run must never read its own output as input, nor write into its input.
    for name, p in (("out_dir", out), ("cache_dir", cache)):
        if p is not None and (_contains(p, raw) or _contains(raw, p)):
            raise ValueError(f"{name} ({p}) and raw_dir ({raw}) must not contain one another")
    if not isinstance(model, str) or not _MODEL_NAME.match(model):
        raise ValueError(
            f"model={model!r} is not a spaCy model package name (letters, digits, '_', '-', '.'; no paths)"
        )
    if dask_address is not None and (
        not isinstance(dask_address, str) or not _DASK_ADDRESS.match(dask_address)
    ):
        raise ValueError(f"dask_address={dask_address!r} is not a scheduler address like tcp://host:8786")
    return RunParams(
        raw_dir=raw,
        out_dir=out,
        cache_dir=cache,
        full_refresh=_bool("full_refresh", full_refresh),
        model=model,
        batch_size=_int("batch_size", batch_size, *INT_BOUNDS["batch_size"]),
        n_process=_int("n_process", n_process, 1, max_processes()),
        chunk_size=_int("chunk_size", chunk_size, *INT_BOUNDS["chunk_size"]),
        dask_address=dask_address,
        dask_workers=_int("dask_workers", dask_workers, 0, max_processes()),
        english_only=_bool("english_only", english_only),
        max_file_mb=_float("max_file_mb", max_file_mb, *FLOAT_BOUNDS["max_file_mb"]),
        max_article_chars=_int("max_article_chars", max_article_chars, *INT_BOUNDS["max_article_chars"]),
        keep_releases=_int("keep_releases", keep_releases, *INT_BOUNDS["keep_releases"]),
        max_row_loss=_float("max_row_loss", max_row_loss, *FLOAT_BOUNDS["max_row_loss"]),
        lock_wait_seconds=_float("lock_wait_seconds", lock_wait_seconds, *FLOAT_BOUNDS["lock_wait_seconds"]),
    )
