"""The newsfacts benchmark: builds the 1×, 4× (and 16×, ≈13,000 articles, with ``--scales 1,4,16``)
corpora under /tmp from PolNeAR train, runs the pipeline and bare spaCy side by side, and prints the
figures of issues 8 and 18 with the targets (tables and checks in ``benchmarks.report``).

For every scale, in one go:
  1. ``newsfacts run --full-refresh --json`` as a subprocess: wall time, per-stage timings, peak RSS
     and PSS of the whole process tree (parse workers and the Prefect server included) and of each
     of its processes;
  2. bare ``nlp.pipe`` (``benchmarks.bare_spacy``) over the cleaned texts of the release just
     published, same model, components, processes and batch size: the throughput baseline;
  3. a rerun with no change, then a rerun with 1% new articles added: their cost as shares of (1);
then, at 1×, the extract map on a local Dask cluster of 1 and of 2 workers (the scale-out speed-up).

    .venv/bin/python -m benchmarks.run_benchmarks                  # the full benchmark
    .venv/bin/python -m benchmarks.run_benchmarks --sample 100     # a dry run on 100 articles

Nothing is written into the repository: corpora, releases and caches live under ``--work``.
Figures are printed as tables and written as JSON to ``<work>/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.procmem import Measured, run_measured
from benchmarks.report import report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "train.jsonl"
STAGES = ("ingest", "clean", "extract", "resolve", "validate", "publish")


class BenchmarkError(RuntimeError):
    """A measured command failed; the message carries the tail of its output."""


def _newsfacts_cmd() -> list[str]:
    script = Path(sys.executable).parent / "newsfacts"
    return [str(script)] if script.exists() else [sys.executable, "-m", "flows.cli"]


def _env(prefect_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A Prefect home of its own: the ephemeral server's database is not shared with other runs.
    env["PREFECT_HOME"] = str(prefect_home)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A busy machine can take longer than Prefect's default 20 s to start the ephemeral server.
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    env.setdefault("GX_ANALYTICS_ENABLED", "false")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _json_from(stdout: str) -> dict[str, Any]:
    # The summary is the last thing printed; anything before the first "{" line is noise.
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("{"):
            obj = json.loads("\n".join(lines[i:]))
            if isinstance(obj, dict):
                return obj
    raise BenchmarkError("no JSON summary in the output:\n" + stdout[-2000:])


def _check(m: Measured, what: str) -> None:
    if m.returncode != 0:
        raise BenchmarkError(f"{what} exited with {m.returncode}:\n{m.stderr[-3000:]}\n{m.stdout[-1000:]}")


def run_pipeline(
    raw: Path, out: Path, env: dict[str, str], processes: int, batch_size: int, extra: list[str]
) -> dict[str, Any]:
    """Runs ``newsfacts run --json`` once; returns wall time, peak RSS and the run summary's
    timings, counts and rows."""
    cmd = [
        *_newsfacts_cmd(),
        "run",
        "--raw-dir",
        str(raw),
        "--out-dir",
        str(out),
        "--cache-dir",
        str(out.parent / "cache"),
        "--processes",
        str(processes),
        "--batch-size",
        str(batch_size),
        "--json",
        *extra,
    ]
    m = run_measured(cmd, cwd=ROOT, env=env)
    _check(m, " ".join(cmd))
    s = _json_from(m.stdout)
    timings = {k: float(v) for k, v in s["timings"].items()}
    return {
        "cmd": " ".join(cmd[1:]),
        "wall_s": round(m.wall_s, 3),
        "flow_s": round(sum(timings.values()), 3),
        "timings": timings,
        "peak_rss_bytes": m.peak_rss_bytes,
        "peak_pss_bytes": m.peak_pss_bytes,
        "peak_processes": m.peak_processes,
        "processes": m.processes,
        "verdict": s["verdict"],
        "published": s["published"],
        "counts": s["counts"],
        "rows": s["rows"],
    }


def run_bare(
    articles: Path,
    env: dict[str, str],
    processes: int,
    batch_size: int,
    limit: int | None = None,
    batch_chars: int | None = None,
) -> dict[str, Any]:
    """Runs bare ``nlp.pipe`` over the texts of ``articles`` (the first ``limit``; batches also cut
    at ``batch_chars`` characters when given) in a subprocess; returns its figures."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.bare_spacy",
        "--articles",
        str(articles),
        "--processes",
        str(processes),
        "--batch-size",
        str(batch_size),
        *(["--limit", str(limit)] if limit is not None else []),
        *(["--batch-chars", str(batch_chars)] if batch_chars is not None else []),
    ]
    m = run_measured(cmd, cwd=ROOT, env=env)
    _check(m, "bare nlp.pipe")
    res = _json_from(m.stdout)
    res.update(
        wall_s=round(m.wall_s, 3),
        peak_rss_bytes=m.peak_rss_bytes,
        peak_pss_bytes=m.peak_pss_bytes,
        peak_processes=m.peak_processes,
        processes=m.processes,
    )
    return res


def bench_scale(
    base: list[corpus.Article], factor: int, work: Path, env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """Builds the corpus of one scale and measures full run, bare spaCy and both reruns on it."""
    arts = corpus.scaled(base, factor)
    root = work / f"x{factor}"
    shutil.rmtree(root, ignore_errors=True)
    raw, out = root / "raw", root / "out"
    files = corpus.write_raw_dir(arts, raw)
    print(f"[{factor}×] {len(arts)} articles, {corpus.n_chars(arts):,} chars in {files} files", flush=True)
    res: dict[str, Any] = {"scale": factor, "articles": len(arts), "chars": corpus.n_chars(arts)}
    res["full"] = run_pipeline(raw, out, env, args.processes, args.batch_size, ["--full-refresh"])
    print(f"[{factor}×] full run {res['full']['wall_s']:.1f}s", flush=True)
    bare_at = {int(f) for f in args.bare_scales.split(",") if f.strip()} if args.bare_scales else None
    if bare_at is None or factor in bare_at:
        res["bare"] = run_bare(out / "articles.parquet", env, args.processes, args.batch_size)
        print(f"[{factor}×] bare nlp.pipe {res['bare']['pipe_s']:.1f}s", flush=True)
    if factor == 1 and args.batch_sweep:
        res["batch_sweep"] = {}
        for size in (int(b) for b in args.batch_sweep.split(",") if b.strip()):
            r = run_bare(out / "articles.parquet", env, args.processes, size, args.sweep_limit)
            res["batch_sweep"][str(size)] = r
            print(f"[{factor}×] batch size {size}: nlp.pipe {r['pipe_s']:.1f}s", flush=True)
    if factor == 1 and args.chars_sweep:
        res["chars_sweep"] = {}
        for chars in (int(b) for b in args.chars_sweep.split(",") if b.strip()):
            r = run_bare(out / "articles.parquet", env, 1, args.batch_size, args.sweep_limit, chars)
            res["chars_sweep"][str(chars)] = r
            print(f"[{factor}×] batch chars {chars}: nlp.pipe {r['pipe_s']:.1f}s", flush=True)
    res["nochange"] = run_pipeline(raw, out, env, args.processes, args.batch_size, [])
    print(f"[{factor}×] no-change rerun {res['nochange']['wall_s']:.1f}s", flush=True)
    n_new = max(1, math.ceil(len(arts) * args.new_share))
    corpus.write_raw_dir(corpus.new_articles(base, n_new), raw, prefix="new")
    res["incremental"] = run_pipeline(raw, out, env, args.processes, args.batch_size, [])
    res["incremental"]["new_articles"] = n_new
    print(f"[{factor}×] {n_new} new articles: rerun {res['incremental']['wall_s']:.1f}s", flush=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return res


def bench_dask(
    base: list[corpus.Article], workers: list[int], work: Path, env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    """Runs the 1× corpus with the extract map on local Dask clusters of each size in ``workers``."""
    root = work / "dask"
    shutil.rmtree(root, ignore_errors=True)
    raw = root / "raw"
    corpus.write_raw_dir(base, raw)
    runs: dict[str, Any] = {}
    for n in workers:
        out = root / f"w{n}" / "out"
        extra = ["--full-refresh", "--dask-workers", str(n)]
        runs[str(n)] = run_pipeline(raw, out, env, args.processes, args.batch_size, extra)
        print(f"[dask] {n} worker(s): extract {runs[str(n)]['timings']['extract']:.1f}s", flush=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return {"articles": len(base), "runs": runs}


def machine() -> dict[str, Any]:
    """Returns what the figures were taken on: CPU, cores, memory, load average, versions."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    import spacy

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": mem,
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
        "spacy": spacy.__version__,
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# ---- the printed report ----


def main(argv: list[str] | None = None) -> int:
    """Builds the corpora, runs every measurement, prints the report; returns the exit code."""
    p = argparse.ArgumentParser(
        prog="run_benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="PolNeAR-format JSONL (default: train)"
    )
    p.add_argument("--sample", type=int, default=None, help="use only the first N articles (a dry run)")
    p.add_argument("--scales", default="1,4", help="corpus sizes as multiples of the base (default: 1,4)")
    p.add_argument(
        "--bare-scales",
        default=None,
        help="run bare nlp.pipe only at these scales, e.g. 1,4 (default: every scale; the 16× bare "
        "pass alone takes about 20 minutes and the throughput target is at 4×)",
    )
    p.add_argument("--work", type=Path, default=Path("/tmp/newsfacts-bench"), help="scratch directory")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--new-share", type=float, default=0.01, help="share of new articles in the rerun")
    p.add_argument("--dask-workers", default="1,2", help="local Dask cluster sizes at 1× ('' to skip)")
    p.add_argument("--keep", action="store_true", help="keep corpora and releases under --work")
    p.add_argument(
        "--batch-sweep",
        default="",
        metavar="SIZES",
        help="also time bare nlp.pipe at these batch sizes on the 1× texts, e.g. 8,16,32,64,128",
    )
    p.add_argument(
        "--chars-sweep",
        default="",
        metavar="CHARS",
        help="also time bare nlp.pipe in one process with batches cut at these characters, e.g. "
        "20000,50000,100000 (the pipeline's flows.parallel.BATCH_CHARS)",
    )
    p.add_argument("--sweep-limit", type=int, default=300, help="texts per batch-size trial (default: 300)")
    args = p.parse_args(argv)

    work: Path = args.work.resolve()
    if work.is_relative_to(ROOT):
        p.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    env = _env(work / "prefect-home")
    base = corpus.load_articles(args.corpus, args.sample)
    results: dict[str, Any] = {
        "machine": machine(),
        "parameters": {
            "processes": args.processes,
            "batch_size": args.batch_size,
            "sample": args.sample,
            "corpus": str(args.corpus),
            "new_share": args.new_share,
        },
    }
    # Warm-up (not measured): creates the Prefect database and fills the OS file cache.
    warm = work / "warmup"
    shutil.rmtree(warm, ignore_errors=True)
    corpus.write_raw_dir(base[:3], warm / "raw")
    run_pipeline(warm / "raw", warm / "out", env, 1, args.batch_size, ["--full-refresh"])
    shutil.rmtree(warm, ignore_errors=True)

    results["scales"] = [
        bench_scale(base, int(f), work, env, args) for f in args.scales.split(",") if f.strip()
    ]
    workers = [int(n) for n in args.dask_workers.split(",") if n.strip()]
    if workers:
        results["dask"] = bench_dask(base, workers, work, env, args)
    results["loadavg_end"] = os.getloadavg()
    text, checks = report(results)
    results["targets"] = [{"target": c, "met": ok, "figure": fig} for c, ok, fig in checks]
    (work / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print()
    print(text)
    print(f"\nresults: {work / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
