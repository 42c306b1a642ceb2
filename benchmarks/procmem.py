"""Running a command while sampling the memory of its whole process tree.

Two figures per sample, over the process and all its descendants (spawned parse workers, the
Prefect server subprocess, Dask workers):

* summed **RSS**: counts every shared page (the Python interpreter, numpy, the spaCy model's
  libraries, pages a spawned child shares with its parent) once per process, so it errs high;
* summed **PSS** (``/proc/PID/smaps_rollup``): each shared page is split among the processes that
  map it, so the sum is what the tree really costs the machine — the honest figure for a tree.

The peaks are the largest sums seen at one sample; each process's own peaks are kept as well,
labelled by what the process is (``main``, ``prefect-server``, ``spawn-worker``, ...), with the
CPU seconds it had used at its last sample (on a shared machine, steadier than wall time). psutil is
used for the tree when installed, else ``/proc``; PSS is read from ``/proc`` (Linux only; 0 elsewhere).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class ProcPeak:
    """One process of the tree: what it is and the largest RSS and PSS it reached."""

    pid: int
    label: str
    cmdline: str
    peak_rss_bytes: int = 0
    peak_pss_bytes: int = 0
    first_s: float = 0.0
    last_s: float = 0.0
    cpu_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Returns the fields as a JSON-ready dict."""
        return {
            "pid": self.pid,
            "label": self.label,
            "cmdline": self.cmdline[:200],
            "peak_rss_bytes": self.peak_rss_bytes,
            "peak_pss_bytes": self.peak_pss_bytes,
            "first_s": round(self.first_s, 2),
            "last_s": round(self.last_s, 2),
            "cpu_s": round(self.cpu_s, 2),
        }


@dataclass(frozen=True)
class Measured:
    """What one command did: exit code, wall seconds, peak tree RSS and PSS, the peaks of each
    process and the output it printed."""

    returncode: int
    wall_s: float
    peak_rss_bytes: int
    peak_processes: int
    stdout: str
    stderr: str
    peak_pss_bytes: int = 0
    processes: list[dict[str, Any]] = field(default_factory=list)
    # (seconds since start, summed RSS, summed PSS, processes) at every sample
    timeline: list[tuple[float, int, int, int]] = field(default_factory=list)
    # (seconds since start, {pid: RSS}) at every sample: who held the memory when
    per_process: list[tuple[float, dict[int, int]]] = field(default_factory=list)


def _descendants_psutil(pid: int) -> list[int]:
    import psutil

    try:
        root = psutil.Process(pid)
        return [pid, *(c.pid for c in root.children(recursive=True))]
    except psutil.Error:
        return []


def _descendants_proc(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: fields follow the last ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    out: list[int] = []
    stack = [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


def descendants(pid: int) -> list[int]:
    """Returns ``pid`` and the ids of all its descendants (those alive now)."""
    try:
        import psutil  # noqa: F401
    except ImportError:
        return _descendants_proc(pid)
    return _descendants_psutil(pid)


def rss_pss(pid: int) -> tuple[int, int] | None:
    """Returns (RSS, PSS) in bytes of one process, or None when it is gone. PSS is 0 where
    ``/proc/PID/smaps_rollup`` is not readable."""
    try:
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    rss = int(statm[1]) * _PAGE
    pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    return rss, pss


def tree_rss(pid: int) -> tuple[int, int]:
    """Returns (summed RSS in bytes, number of processes) of ``pid`` and all its descendants."""
    total = count = 0
    for p in descendants(pid):
        m = rss_pss(p)
        if m is not None:
            total += m[0]
            count += 1
    return total, count


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid: int) -> float:
    """Returns the user + system CPU seconds one process has used so far (0 when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def label(cmdline: str, is_root: bool) -> str:
    """Returns a short name of what a process of a newsfacts run is, from its command line."""
    if is_root:
        return "main"
    if "resource_tracker" in cmdline:
        return "resource-tracker"
    if "multiprocessing.spawn" in cmdline or "spawn_main" in cmdline:
        return "spawn-worker"
    if "multiprocessing.forkserver" in cmdline:
        return "forkserver"
    if "uvicorn" in cmdline or ("prefect" in cmdline and "server" in cmdline):
        return "prefect-server"
    if "distributed" in cmdline or "dask" in cmdline:
        return "dask"
    return "other"


def run_measured(
    cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, interval_s: float = 0.2
) -> Measured:
    """Runs ``cmd`` to completion, sampling its process tree's RSS and PSS every ``interval_s``;
    returns the exit code, wall time, the peaks (summed and per process) and the captured output."""
    peak = {"rss": 0, "pss": 0, "n": 0}
    procs: dict[int, ProcPeak] = {}
    timeline: list[tuple[float, int, int, int]] = []
    per_process: list[tuple[float, dict[int, int]]] = []
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            now = time.perf_counter() - started
            rss_sum = pss_sum = n = 0
            each: dict[int, int] = {}
            for pid in descendants(proc.pid):
                m = rss_pss(pid)
                if m is None:
                    continue
                rss, pss = m
                each[pid] = rss
                rss_sum, pss_sum, n = rss_sum + rss, pss_sum + pss, n + 1
                pp = procs.get(pid)
                if pp is None or not pp.cmdline:
                    cl = _cmdline(pid)
                    pp = procs[pid] = ProcPeak(pid, label(cl, pid == proc.pid), cl, first_s=now)
                elif pp.label == "main" or pp.label == "other":
                    # a spawned child execs after its first sample: relabel from its new command line
                    cl = _cmdline(pid)
                    if cl != pp.cmdline:
                        pp.cmdline, pp.label = cl, label(cl, pid == proc.pid)
                pp.peak_rss_bytes = max(pp.peak_rss_bytes, rss)
                pp.peak_pss_bytes = max(pp.peak_pss_bytes, pss)
                pp.cpu_s = max(pp.cpu_s, cpu_seconds(pid))
                pp.last_s = now
            timeline.append((round(now, 2), rss_sum, pss_sum, n))
            per_process.append((round(now, 2), each))
            peak["rss"] = max(peak["rss"], rss_sum)
            peak["pss"] = max(peak["pss"], pss_sum)
            peak["n"] = max(peak["n"], n)
            done.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return Measured(
        proc.returncode,
        wall,
        peak["rss"],
        peak["n"],
        out,
        err,
        peak_pss_bytes=peak["pss"],
        processes=[p.as_dict() for p in sorted(procs.values(), key=lambda p: p.first_s)],
        timeline=timeline,
        per_process=per_process,
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.procmem -- CMD ...``: runs CMD and prints its memory per process as
    JSON (the summed peaks, each process's peaks) on stderr after CMD's own output; returns CMD's
    exit code."""
    import argparse
    import json
    import sys

    p = argparse.ArgumentParser(prog="procmem", description=main.__doc__)
    p.add_argument("--interval", type=float, default=0.2, help="seconds between samples")
    p.add_argument("--timeline", type=Path, default=None, help="also write the samples to this JSON file")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command given")
    m = run_measured(cmd, interval_s=args.interval)
    sys.stdout.write(m.stdout)
    sys.stderr.write(m.stderr)
    report = {
        "returncode": m.returncode,
        "wall_s": round(m.wall_s, 3),
        "peak_rss_bytes": m.peak_rss_bytes,
        "peak_pss_bytes": m.peak_pss_bytes,
        "peak_processes": m.peak_processes,
        "processes": m.processes,
    }
    if args.timeline is not None:
        samples = [{"t": t, "rss": each} for t, each in m.per_process]
        args.timeline.write_text(
            json.dumps({**report, "timeline": m.timeline, "per_process": samples}) + "\n"
        )
    print(json.dumps(report, indent=1), file=sys.stderr)
    return m.returncode


if __name__ == "__main__":
    raise SystemExit(main())
