"""The whole run against hostile inputs and signals (issue 14): one `newsfacts run` over the
generated hostile corpus exits 0 and publishes every good article with its quotes; SIGINT, SIGTERM
and SIGKILL of a run in the middle of its extraction leave no process and no half-release."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import psutil
import pytest
from spacy.tokens import Doc

from storage import raw as raw_io
from storage.releases import clear_stale_staging, current_release
from tests.bad_inputs import (
    CRASH_MARKER,
    GOOD_HARBOUR,
    GOOD_MUSEUM,
    GOOD_SCHOOLS,
    GOOD_STORM,
    GOOD_WITH_QUOTES,
    Corpus,
    add_crash_article,
    build_corpus,
    vanish_on_open,
)
from tests.conftest import ROOT, read_out_table
from tests.test_bad_inputs import check_outcomes
from transforms import extract as extract_mod

MIN_HOSTILE = 40
MAX_LISTED = 20
STOP_WITHIN_S = 10.0

pytestmark = pytest.mark.slow


def _crash_on_marker(real: Any) -> Any:
    def extract_doc(doc: Doc, article: extract_mod.ArticleInput) -> Any:
        if CRASH_MARKER in doc.text:
            raise RuntimeError("injected failure for the test")
        return real(doc, article)

    return extract_doc


@pytest.fixture(scope="module")
def hostile_run(
    harness: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Corpus, Path, dict[str, Any], float]]:
    """Runs `newsfacts run` (in this process, one parse process so the injected crash applies)
    over the hostile corpus; yields (corpus, out dir, printed summary, seconds)."""
    from flows import cli
    from flows.params import ROOTS_ENV

    base = tmp_path_factory.mktemp("hostile_run")
    corpus = build_corpus(base / "raw", base / "outside", big_file=False)
    add_crash_article(corpus)
    out = base / "out"
    mp = pytest.MonkeyPatch()
    mp.setenv(ROOTS_ENV, os.environ.get(ROOTS_ENV, ""))  # the CLI adds its dirs: restored after
    mp.setattr(raw_io, "open", vanish_on_open(corpus), raising=False)
    mp.setattr(extract_mod, "extract_doc", _crash_on_marker(extract_mod.extract_doc))
    argv = ["run", "--raw-dir", str(corpus.raw_dir), "--out-dir", str(out)]
    argv += ["--cache-dir", str(base / "cache"), "--processes", "1", "--json"]
    t0 = time.perf_counter()
    import contextlib
    import io

    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            code = cli.main(argv)
    finally:
        mp.undo()
    seconds = time.perf_counter() - t0
    print(f"\nhostile corpus run: {seconds:.1f} s")
    assert code == 0, buf.getvalue()[-2000:]
    yield corpus, out, json.loads(buf.getvalue()), seconds


def test_hostile_corpus_has_enough_inputs(hostile_run: tuple[Corpus, Path, dict[str, Any], float]) -> None:
    corpus = hostile_run[0]
    hostile = [e for es in corpus.expect.values() for e in es if e.kind != "good"]
    assert len(hostile) >= MIN_HOSTILE, len(hostile)


def test_hostile_run_publishes_good_and_quarantines_bad(
    hostile_run: tuple[Corpus, Path, dict[str, Any], float],
) -> None:
    corpus, out, summary, _ = hostile_run
    rel = current_release(out)
    assert rel is not None and summary["published"]
    articles = read_out_table(rel, "articles")
    quarantine = read_out_table(rel, "quarantine")
    assert check_outcomes(corpus, articles, quarantine) == []
    crash = quarantine.filter(pl.col("source_path") == "r3/crash.txt").row(0, named=True)
    assert crash["reason"] == "crashed_in_extract" and "injected failure" in crash["detail"]
    # every good article is published with its quotes
    quotes = read_out_table(rel, "quotes")
    for path in GOOD_WITH_QUOTES:
        ids = articles.filter(pl.col("source_path") == path)["article_id"].to_list()
        assert len(ids) == 1, path
        assert quotes.filter(pl.col("article_id") == ids[0]).height >= 1, path


def test_summary_lists_a_few_quarantined_inputs_and_points_to_the_table(
    hostile_run: tuple[Corpus, Path, dict[str, Any], float],
) -> None:
    from flows.cli import format_summary

    summary = hostile_run[2]
    assert summary["quarantined_total"] > MAX_LISTED
    assert len(summary["quarantined"]) == MAX_LISTED
    assert summary["quarantine_table"].endswith("quarantine.parquet")
    text = format_summary(summary)
    assert f"quarantined: {summary['quarantined_total']} (the first {MAX_LISTED}" in text
    assert summary["quarantine_table"] in text


# ---- signals ----


def _big_corpus(raw: Path, n: int = 160) -> None:
    """Writes ``n`` distinct articles (the handmade ones, their numbers and names varied)."""
    raw.mkdir(parents=True)
    texts = (GOOD_HARBOUR, GOOD_SCHOOLS, GOOD_STORM, GOOD_MUSEUM)
    for i in range(n):
        body = "\n\n".join(t.replace(" the ", f" the {i}th ", 3) for t in texts)
        (raw / f"a{i:04d}.txt").write_text(f"Report number {i}\n\n{body}", encoding="utf-8")


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def _alive(procs: list[psutil.Process]) -> list[str]:
    left = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                left.append(f"{p.pid} {' '.join(p.cmdline())[:100]}")
        except psutil.NoSuchProcess:
            continue
    return left


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a script's background job starts


@pytest.mark.parametrize(
    ("signum", "started_ignoring"),
    [
        (signal.SIGINT, False),
        (signal.SIGTERM, False),
        (signal.SIGKILL, False),
        (signal.SIGINT, True),
    ],
    ids=["SIGINT", "SIGTERM", "SIGKILL", "SIGINT-of-a-background-job"],
)
def test_signal_mid_extract_leaves_no_process_and_no_half_release(
    signum: signal.Signals,
    started_ignoring: bool,
    hostile_run: tuple[Corpus, Path, dict[str, Any], float],
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    shutil.copytree(hostile_run[1], out, symlinks=True)
    before = current_release(out)
    assert before is not None
    raw = tmp_path / "raw"
    _big_corpus(raw)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PYTHONPATH"] = str(ROOT)
    log = tmp_path / "run.log"
    cmd = [sys.executable, "-m", "flows.cli", "run", "--raw-dir", str(raw), "--out-dir", str(out)]
    cmd += ["--cache-dir", str(tmp_path / "cache"), "--processes", "2"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd,
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
            preexec_fn=_ignore_sigint if started_ignoring else None,
        )
    try:
        deadline = time.monotonic() + 300
        while "extract: parsed" not in log.read_text(errors="replace"):
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the run never reached the extract map"
            time.sleep(0.5)
        tree = _tree(proc.pid)
        assert len(tree) >= 3, "expected the temporary server and the parse workers"
        t0 = time.monotonic()
        proc.send_signal(signum)
        left = _alive(tree)
        while left and time.monotonic() - t0 < STOP_WITHIN_S:
            time.sleep(0.2)
            proc.poll()  # reap the CLI
            left = _alive(tree)
        took = time.monotonic() - t0
        print(f"\n{signum.name}: every process of the run gone after {took:.1f} s")
        assert not left, f"still running {took:.1f} s after {signum.name}: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if signum != signal.SIGKILL:
        assert proc.returncode == 128 + signum, log.read_text(errors="replace")[-3000:]
    # `current` still names the complete release it named before; the next run clears the rest
    after = current_release(out)
    assert after == before
    manifest = json.loads((after / "manifest.json").read_text())
    assert all((after / name).exists() for name in manifest["files"])
    clear_stale_staging(out)
    assert not list((out / "releases").glob(".staging-*"))
