"""The newsfacts benchmark: builds the 1× and 4× corpora under /tmp from PolNeAR train, runs the
pipeline and bare spaCy side by side, and prints the figures of issue 8 with the targets.

For every scale (1×, 4×), in one go:
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

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "train.jsonl"
STAGES = ("ingest", "clean", "extract", "resolve", "validate", "publish")
GB = 1024**3

# The targets of issue 8 (2 cores).
TARGET_RATIO = 0.8  # whole-run throughput / bare nlp.pipe throughput
TARGET_RSS = 1.5 * GB
TARGET_RSS_GROWTH = 1.1  # "flat": 4× peak within 10% of 1×
TARGET_NOCHANGE = 0.05
TARGET_GROWTH_4X = 4.4
TARGET_DASK_SPEEDUP = 1.8


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


def _gb(b: float) -> str:
    return f"{b / GB:.2f} GB"


def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    fmt = " | ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*head), "-+-".join("-" * w for w in widths)]
    lines += [fmt.format(*r) for r in rows]
    return "\n".join(lines)


def _nlogn(n: float) -> float:
    return n * math.log(max(n, 2.0))


def report(results: dict[str, Any]) -> tuple[str, list[tuple[str, bool, str]]]:
    """Returns the printed tables and the target checks (name, passed, figure)."""
    out: list[str] = []
    checks: list[tuple[str, bool, str]] = []
    m = results["machine"]
    out.append(
        f"machine: {m['cpu']}, {m['cores']} cores, {_gb(m['memory_bytes'] or 0)}; load average at start "
        f"{', '.join(f'{x:.2f}' for x in m['loadavg'])}, at end "
        f"{', '.join(f'{x:.2f}' for x in results.get('loadavg_end', []))}"
    )
    p = results["parameters"]
    out.append(f"parameters: processes={p['processes']} batch_size={p['batch_size']} sample={p['sample']}")
    scales = results["scales"]

    out.append("\nThroughput (articles/s; ratio = whole run ÷ bare nlp.pipe, same texts and processes)")
    rows = []
    for s in scales:
        f, b = s["full"], s["bare"]
        run_tp = s["articles"] / f["wall_s"]
        bare_tp = b["articles"] / b["pipe_s"]
        ratio = b["pipe_s"] / f["wall_s"]
        rows.append(
            [
                f"{s['scale']}×",
                str(s["articles"]),
                f"{f['wall_s']:.1f}",
                f"{run_tp:.2f}",
                f"{b['pipe_s']:.1f}",
                f"{bare_tp:.2f}",
                f"{ratio:.2f}",
                f"{b['pipe_s'] / f['timings']['extract']:.2f}",
            ]
        )
        checks.append(
            (f"{s['scale']}× whole run ≥ {TARGET_RATIO} of bare spaCy", ratio >= TARGET_RATIO, f"{ratio:.2f}")
        )
    out.append(
        _table(
            ["scale", "articles", "run s", "run art/s", "bare s", "bare art/s", "ratio", "extract ratio"],
            rows,
        )
    )
    out.append("  run s: wall of the CLI process (startup, Prefect server, all six stages);")
    out.append("  bare s: nlp.pipe alone (model load excluded); extract ratio: bare ÷ the extract stage")

    out.append("\nTime per stage (share of the run's wall time; 'other' = startup, server, flow overhead)")
    rows = []
    for s in scales:
        f = s["full"]
        other = f["wall_s"] - f["flow_s"]
        rows.append(
            [
                f"{s['scale']}×",
                *[
                    f"{f['timings'].get(k, 0.0):.1f}s {100 * f['timings'].get(k, 0.0) / f['wall_s']:.0f}%"
                    for k in STAGES
                ],
                f"{other:.1f}s {100 * other / f['wall_s']:.0f}%",
            ]
        )
    out.append(_table(["scale", *STAGES, "other"], rows))

    out.append(
        "\nPeak memory of the process tree (RSS counts shared pages once per process; PSS shares them)"
    )
    rows = []
    for s in scales:
        f, b = s["full"], s["bare"]
        rows.append(
            [
                f"{s['scale']}×",
                _gb(f["peak_rss_bytes"]),
                _gb(f.get("peak_pss_bytes", 0)),
                str(f["peak_processes"]),
                _gb(b["peak_rss_bytes"]),
                _gb(b.get("peak_pss_bytes", 0)),
                str(b["peak_processes"]),
            ]
        )
        checks.append(
            (
                f"{s['scale']}× peak RSS ≤ {_gb(TARGET_RSS)}",
                f["peak_rss_bytes"] <= TARGET_RSS,
                _gb(f["peak_rss_bytes"]),
            )
        )
    out.append(
        _table(
            ["scale", "run RSS", "run PSS", "processes", "bare RSS", "bare PSS", "processes"],
            rows,
        )
    )
    for s in scales:
        procs = s["full"].get("processes") or []
        if procs:
            out.append(f"  {s['scale']}× full run, each process's own peak:")
            out.append(
                _table(
                    ["  process", "pid", "peak RSS", "peak PSS", "CPU s", "alive s"],
                    [
                        [
                            f"  {p['label']}",
                            str(p["pid"]),
                            _gb(p["peak_rss_bytes"]),
                            _gb(p["peak_pss_bytes"]),
                            f"{p.get('cpu_s', 0.0):.1f}",
                            f"{p['first_s']:.1f}-{p['last_s']:.1f}",
                        ]
                        for p in procs
                        if p["label"] != "other" or p["peak_rss_bytes"] > 50 * 1024**2
                    ],
                )
            )

    out.append("\nReruns (share of the full run's wall time; in-flow = sum of the stage timings)")
    rows = []
    for s in scales:
        f, nc, inc = s["full"], s["nochange"], s["incremental"]
        rows.append(
            [
                f"{s['scale']}×",
                f"{f['wall_s']:.1f}s",
                f"{nc['wall_s']:.1f}s {100 * nc['wall_s'] / f['wall_s']:.1f}%",
                f"{nc['flow_s']:.1f}s {100 * nc['flow_s'] / f['flow_s']:.1f}%",
                f"{inc['new_articles']}",
                f"{inc['wall_s']:.1f}s {100 * inc['wall_s'] / f['wall_s']:.1f}%",
                f"{inc['flow_s']:.1f}s {100 * inc['flow_s'] / f['flow_s']:.1f}%",
                str(inc["counts"]["extract"]["parsed"]),
            ]
        )
        if nc["counts"]["extract"]["parsed"]:
            out.append(
                f"  WARNING {s['scale']}×: the no-change rerun parsed {nc['counts']['extract']['parsed']} "
                "articles (extractor version changed during the benchmark? code edited meanwhile)"
            )
        versions = {r["counts"]["extract"]["extractor_version"] for r in (f, nc, inc)}
        if len(versions) > 1:
            out.append(f"  WARNING {s['scale']}×: extractor version changed between runs: {sorted(versions)}")
        share = nc["wall_s"] / f["wall_s"]
        checks.append(
            (f"{s['scale']}× no-change rerun ≤ 5% of full", share <= TARGET_NOCHANGE, f"{100 * share:.1f}%")
        )
    out.append(
        _table(
            ["scale", "full", "no-change", "no-change in-flow", "new", "1%-new", "1%-new in-flow", "parsed"],
            rows,
        )
    )

    by = {s["scale"]: s for s in scales}
    if 1 in by and 4 in by:
        one, four = by[1], by[4]
        n1 = one["full"]["rows"].get("entity_mentions", one["articles"])
        n4 = four["full"]["rows"].get("entity_mentions", four["articles"])
        bound = _nlogn(n4) / _nlogn(n1)
        out.append(
            f"\nCost growth 1× → 4× (articles ×{four['articles'] / one['articles']:.2f}, entity mentions ×{n4 / max(n1, 1):.2f})"
        )
        rows = []
        for key in ("wall", *STAGES, "peak RSS"):
            if key == "wall":
                a, b = one["full"]["wall_s"], four["full"]["wall_s"]
                rows.append([key, f"{a:.1f}s", f"{b:.1f}s", f"{b / a:.2f}"])
            elif key == "peak RSS":
                a, b = one["full"]["peak_rss_bytes"], four["full"]["peak_rss_bytes"]
                rows.append([key, _gb(a), _gb(b), f"{b / a:.2f}"])
            else:
                a, b = one["full"]["timings"][key], four["full"]["timings"][key]
                rows.append([key, f"{a:.1f}s", f"{b:.1f}s", f"{b / a:.2f}" if a > 0 else "-"])
        out.append(_table(["", "1×", "4×", "ratio"], rows))
        out.append(f"  n log n bound for resolve (n = entity mentions): ×{bound:.2f}")
        g = four["full"]["wall_s"] / one["full"]["wall_s"]
        checks.append((f"4× corpus ≤ {TARGET_GROWTH_4X}× the time", g <= TARGET_GROWTH_4X, f"{g:.2f}×"))
        rg = four["full"]["peak_rss_bytes"] / one["full"]["peak_rss_bytes"]
        checks.append(
            (f"peak RSS flat 1× → 4× (≤ {TARGET_RSS_GROWTH}×)", rg <= TARGET_RSS_GROWTH, f"{rg:.2f}×")
        )
        r1, r4 = one["full"]["timings"]["resolve"], four["full"]["timings"]["resolve"]
        checks.append(
            ("resolve grows no faster than n log n", r4 / r1 <= bound, f"{r4 / r1:.2f}× vs {bound:.2f}×")
        )

    sweep = next((s["batch_sweep"] for s in scales if s.get("batch_sweep")), None)
    if sweep:
        out.append("\nBatch size (bare nlp.pipe on the first 1× texts, same processes)")
        rows = [
            [size, str(r["articles"]), f"{r['pipe_s']:.1f}", f"{r['tokens'] / r['pipe_s']:.0f}"]
            for size, r in sweep.items()
        ]
        out.append(_table(["batch size", "articles", "pipe s", "tokens/s"], rows))

    chars = next((s["chars_sweep"] for s in scales if s.get("chars_sweep")), None)
    if chars:
        out.append(
            "\nBatch characters (bare nlp.pipe in ONE process, longest first, as the pipeline's workers)"
        )
        rows = [
            [
                size,
                str(r["articles"]),
                f"{r['pipe_s']:.1f}",
                f"{r['pipe_cpu_s']:.1f}",
                f"{r['tokens'] / r['pipe_cpu_s']:.0f}",
                _gb(r["peak_rss_bytes"]),
            ]
            for size, r in chars.items()
        ]
        out.append(_table(["batch chars", "articles", "pipe s", "CPU s", "tokens/CPU s", "peak RSS"], rows))

    dask = results.get("dask")
    if dask and dask["runs"]:
        out.append(f"\nDask local cluster ({dask['articles']} articles, --full-refresh)")
        rows = []
        for n, r in dask["runs"].items():
            rows.append(
                [n, f"{r['wall_s']:.1f}s", f"{r['timings']['extract']:.1f}s", _gb(r["peak_rss_bytes"])]
            )
        out.append(_table(["workers", "run wall", "extract", "peak RSS"], rows))
        if "1" in dask["runs"] and "2" in dask["runs"]:
            one_w, two_w = dask["runs"]["1"], dask["runs"]["2"]
            speed = one_w["timings"]["extract"] / two_w["timings"]["extract"]
            out.append(
                f"  speed-up of the extract map, 1 → 2 workers: {speed:.2f}× "
                f"(whole run {one_w['wall_s'] / two_w['wall_s']:.2f}×)"
            )
            checks.append(
                (
                    f"Dask 2 workers ≥ {TARGET_DASK_SPEEDUP}× 1 worker",
                    speed >= TARGET_DASK_SPEEDUP,
                    f"{speed:.2f}×",
                )
            )

    out.append("\nTargets")
    out.append(
        _table(["target", "met", "figure"], [[c, "yes" if ok else "NO", fig] for c, ok, fig in checks])
    )
    return "\n".join(out), checks


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
