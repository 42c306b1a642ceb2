"""Reruns against a running Prefect server, the way scheduled runs and UI reruns work: with nothing
new, and with 1% new articles.

``newsfacts run`` without ``PREFECT_API_URL`` starts Prefect's temporary server and stops it again:
a fixed 5-8 s that a no-change rerun pays in full. Operators run a server (``prefect server start``
plus ``newsfacts serve``), so this measures the same reruns with one started beforehand, on the
corpora a kept ``run_benchmarks --keep`` left under ``--work``, and prints them as shares of the
full runs recorded in ``<work>/results.json``, with the CPU seconds of every process. Each 1%-new
rerun adds articles no earlier run has seen (a shuffle of its own), so the corpus grows by 1% per
repeat. Before the timed runs, one no-change rerun settles the work folder (not counted): after a
code change since the kept full run, the first rerun resolves, validates and publishes everything
again (the code is part of every stage key), which is no rerun "with nothing new". When that
rerun's tables equal the current release's, nothing is published and the release keeps the old
code's validation keys, so every later rerun validates every partition again: measure folders
kept by the code measured (``run_benchmarks --keep`` first). The median of
the walls is compared with the full run's wall; the in-flow stage timings (median per stage) and
whether resolve ran incrementally are printed beside. Nothing is asserted; the targets (issue 18:
≤ 2% with nothing new, ≤ 5% with 1% new) are printed beside the figures.

    .venv/bin/python -m benchmarks.server_reruns --work /tmp/newsfacts-bench
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.report import TARGET_NEW, TARGET_NOCHANGE, cpu_s
from benchmarks.run_benchmarks import ROOT, STAGES, _env, run_pipeline

# Seeds of the new articles of the server reruns: none of run_benchmarks' corpora uses them.
SERVER_SEED = 20_011


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(env: dict[str, str], timeout: float = 180.0) -> tuple[subprocess.Popen[bytes], str]:
    """Starts ``prefect server start`` on a free port; returns the process and its API URL once
    its health check answers."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "prefect"),
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={**env, "PREFECT_SERVER_API_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=2) as r:
                if r.status == 200:
                    return proc, api
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the Prefect server did not start")


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def rerun_scale(
    scale: dict[str, Any],
    work: Path,
    env: dict[str, str],
    params: dict[str, Any],
    repeat: int,
    first: int = 0,
) -> dict[str, Any]:
    """Times ``repeat`` no-change reruns and ``repeat`` reruns with 1% new articles of one kept
    scale (after one untimed settling rerun); returns the walls, CPU seconds, stage timings and
    medians."""
    base_dir = work / f"x{scale['scale']}"
    raw, out = base_dir / "raw", base_dir / "out"
    base = corpus.load_articles(Path(params["corpus"]), params.get("sample"))
    n_new = max(1, math.ceil(scale["articles"] * params.get("new_share", 0.01)))
    res: dict[str, Any] = {"scale": scale["scale"], "full_s": scale["full"]["wall_s"], "new_articles": n_new}
    settle = run_pipeline(raw, out, env, params["processes"], params["batch_size"], [])
    res["settle"] = {"wall_s": settle["wall_s"], "timings": settle["timings"]}
    for kind in ("nochange", "new"):
        walls, cpus, parsed, stages, incremental, counts = [], [], [], [], [], []
        for k in range(first, first + repeat):
            if kind == "new":
                fresh = corpus.shuffled_copy(base, seed=SERVER_SEED + 100 * scale["scale"] + k, tag=f"srv{k}")
                corpus.write_raw_dir(fresh[:n_new], raw, prefix=f"srv{scale['scale']}-{k}")
            r = run_pipeline(raw, out, env, params["processes"], params["batch_size"], [])
            walls.append(r["wall_s"])
            cpus.append(cpu_s(r))
            parsed.append(r["counts"]["extract"]["parsed"])
            stages.append(r["timings"])
            counts.append(r["counts"])
            incremental.append(bool(r["counts"]["resolve"].get("incremental")))
            if kind == "nochange" and r["counts"]["extract"]["parsed"]:
                print(f"WARNING {scale['scale']}×: the no-change rerun parsed articles (code changed?)")
        res[kind] = {
            "walls_s": walls,
            "cpu_s": cpus,
            "parsed": parsed,
            "median_s": _median(walls),
            "stages_s": {st: _median([t.get(st, 0.0) for t in stages]) for st in STAGES},
            "in_flow_s": _median([sum(t.values()) for t in stages]),
            "incremental_resolve": incremental,
            "counts": counts,
        }
    return res


def main(argv: list[str] | None = None) -> int:
    """Measures no-change and 1%-new reruns per kept scale with a running server; prints them;
    returns 0."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", required=True, help="the --work directory of a kept run_benchmarks run")
    ap.add_argument(
        "--repeat", type=int, default=3, help="reruns per scale and kind (the median is reported)"
    )
    ap.add_argument(
        "--scales", default="", help="comma-separated scales to rerun (default: every kept scale)"
    )
    ap.add_argument(
        "--first",
        type=int,
        default=0,
        help="number of the first 1%%-new batch (a folder measured before already holds batches 0..first-1)",
    )
    args = ap.parse_args(argv)
    wanted = {int(x) for x in args.scales.split(",") if x.strip()}
    work = Path(args.work)
    results = json.loads((work / "results.json").read_text())
    params = results["parameters"]
    env = _env(work / "prefect-home-server")
    proc, api = start_server(env)
    env["PREFECT_API_URL"] = api
    out: list[dict[str, Any]] = []
    try:
        for scale in results["scales"]:
            if wanted and scale["scale"] not in wanted:
                continue
            r = rerun_scale(scale, work, env, params, args.repeat, args.first)
            out.append(r)
            full = r["full_s"]
            print(f"{scale['scale']}×: settling rerun (not counted) {r['settle']['wall_s']:.1f}s")
            for kind, target, what in (
                ("nochange", TARGET_NOCHANGE, "no-change rerun"),
                ("new", TARGET_NEW, f"rerun with {r['new_articles']} new articles"),
            ):
                k = r[kind]
                share = k["median_s"] / full
                print(
                    f"{scale['scale']}×: {what} with a running server {k['median_s']:.1f}s "
                    f"(runs {', '.join(f'{w:.1f}' for w in k['walls_s'])}; CPU s "
                    f"{', '.join(f'{c:.1f}' for c in k['cpu_s'])}; parsed {k['parsed']}) = "
                    f"{100 * share:.1f}% of the full run ({full:.1f}s, temporary server); "
                    f"target ≤ {100 * target:.0f}%: {'met' if share <= target else 'NOT met'}"
                )
                stages = ", ".join(f"{st} {v:.1f}" for st, v in k["stages_s"].items() if v)
                print(
                    f"    in-flow {k['in_flow_s']:.1f}s (median per stage: {stages}); "
                    f"resolve incremental: {k['incremental_resolve']}"
                )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    (work / "server_reruns.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
