"""Running a command while sampling the resident memory of its whole process tree.

The peak is the largest sum of RSS over the process and all its descendants seen at one sample
(spawned parse workers, the Prefect server subprocess, Dask workers). Summed RSS counts shared
library pages once per process, so it errs high. psutil is used when installed, else ``/proc``.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Measured:
    """What one command did: exit code, wall seconds, peak tree RSS and the output it printed."""

    returncode: int
    wall_s: float
    peak_rss_bytes: int
    peak_processes: int
    stdout: str
    stderr: str


def _tree_rss_psutil(pid: int) -> tuple[int, int]:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    total = 0
    alive = 0
    for p in procs:
        try:
            total += p.memory_info().rss
            alive += 1
        except psutil.Error:
            continue
    return total, alive


def _tree_rss_proc(pid: int) -> tuple[int, int]:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: fields follow the last ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        me = int(entry.name)
        children.setdefault(int(fields[1]), []).append(me)
        rss[me] = int(statm[1]) * _PAGE
    total = 0
    count = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        if p in rss:
            total += rss[p]
            count += 1
        stack.extend(children.get(p, []))
    return total, count


def tree_rss(pid: int) -> tuple[int, int]:
    """Returns (summed RSS in bytes, number of processes) of ``pid`` and all its descendants."""
    try:
        import psutil  # noqa: F401
    except ImportError:
        return _tree_rss_proc(pid)
    return _tree_rss_psutil(pid)


def run_measured(
    cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None, interval_s: float = 0.2
) -> Measured:
    """Runs ``cmd`` to completion, sampling its process tree's RSS every ``interval_s``; returns
    the exit code, wall time, peak RSS and the captured output."""
    peak = [0, 0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total, count = tree_rss(proc.pid)
            if total > peak[0]:
                peak[0] = total
            peak[1] = max(peak[1], count)
            done.wait(interval_s)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    return Measured(proc.returncode, wall, peak[0], peak[1], out, err)
