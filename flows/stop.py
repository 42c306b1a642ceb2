"""Stopping ``newsfacts run`` on SIGINT (Ctrl-C) or SIGTERM: quickly, with no process left behind.

On the first signal the parse workers are terminated at once (a running chunk is abandoned) and
the flow unwinds as after any error: its ``finally`` blocks remove the work folder and the staging
release, and ``current`` still names the complete release it named before (the switch is one
atomic rename). Whatever still runs ``GRACE_S`` seconds after the signal (the main thread stuck in
native code, an engine retrying its HTTP calls) is cut short: every child process (the temporary
Prefect server, the workers) is stopped and the process exits. A second signal cuts short at once.

The signal is seen by a watcher thread through :func:`signal.set_wakeup_fd`, so it is noticed even
while the main thread runs native code, and whichever Python handler is installed at the time
(Prefect's flow engine installs its own SIGTERM handler while a flow runs).

After a SIGKILL nothing of this runs: the workers and the temporary server watch their parent
process themselves (:func:`flows.parallel.watch_parent`, :data:`SERVER_LAUNCHER`) and exit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from types import FrameType

import psutil

# Seconds between the first signal and the forced exit (the whole stop must take under 10 s).
GRACE_S = 5.0
EXIT_CODES: dict[int, int] = {int(signal.SIGINT): 130, int(signal.SIGTERM): 143}

# Runs the temporary Prefect server's command (``python -c SERVER_LAUNCHER <parent pid> <args…>``)
# in a session of its own, so that Ctrl-C in the terminal does not stop it under a flow that still
# needs it (the flow stops it), and stops when its parent process is gone, even killed by SIGKILL
# (as on SIGTERM: the parent does not wait for that, :func:`flows.earlyserver.stop`; cut short
# after 10 s).
SERVER_LAUNCHER = """\
import os, runpy, signal, sys, threading, time
parent = int(sys.argv[1])
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown: the database closed
    time.sleep(10.0)
    os._exit(1)
threading.Thread(target=watch, daemon=True).start()
os.setsid()
sys.argv = [sys.argv[3]] + sys.argv[4:]
runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
"""


def stop_children(timeout_s: float = 1.5) -> None:
    """Terminates every descendant process (SIGTERM, then SIGKILL after ``timeout_s``)."""
    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=timeout_s)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


class StopGuard:
    """Installs the stop behaviour described in the module docstring (from the main thread);
    ``signal_received`` tells which signal stopped the run, if one did."""

    def __init__(self, grace_s: float = GRACE_S) -> None:
        self.grace_s = grace_s
        self.signal_received: int | None = None
        # Signal handlers belong to the main thread: a command run from another thread (a test)
        # stays unguarded.
        self._closed = threading.current_thread() is not threading.main_thread()
        if self._closed:
            return
        self._read, self._write = socket.socketpair()
        self._write.setblocking(False)
        # KeyboardInterrupt on SIGTERM as on SIGINT: the flow unwinds the same way.
        self._previous_term = signal.signal(signal.SIGTERM, _interrupt)
        # SIGINT too: a run started in the background of a script inherits SIGINT ignored, and
        # Python then installs no handler of its own (``kill -INT`` would be lost).
        self._previous_int = signal.signal(signal.SIGINT, _interrupt)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        threading.Thread(target=self._watch, name="newsfacts-stop", daemon=True).start()

    def close(self) -> None:
        """Restores the previous SIGTERM handler and wakeup fd and ends the watcher (the command
        returned; a process that goes on, such as a test, gets its signals back). Does nothing
        after a signal: the deadline still holds for the rest of the exit."""
        if self._closed or self.signal_received is not None:
            return  # a stopped run stays guarded until the process has exited
        self._closed = True
        signal.set_wakeup_fd(self._previous_fd)
        signal.signal(signal.SIGTERM, self._previous_term)
        signal.signal(signal.SIGINT, self._previous_int)
        self._write.close()  # the watcher's recv returns b"": it ends, and closes its end

    def exit_code(self) -> int:
        """Returns the exit code of a run stopped by a signal (128 + the signal's number)."""
        return EXIT_CODES.get(self.signal_received or signal.SIGINT, 130)

    def _watch(self) -> None:
        deadline: float | None = None
        while True:
            if deadline is not None:
                self._read.settimeout(max(0.0, deadline - time.monotonic()))
            try:
                data = self._read.recv(16)
            except (TimeoutError, OSError):
                if not self._closed:
                    self._force_exit()
                return
            if not data:  # closed: the command ended
                self._read.close()
                return
            signums = [s for s in data if s in EXIT_CODES]
            if not signums:
                continue
            if deadline is not None:
                self._force_exit()  # a second signal: stop now
                return
            self.signal_received = signums[0]
            deadline = time.monotonic() + self.grace_s
            from flows.parallel import terminate_workers

            terminate_workers()  # their chunks are abandoned: the run stops
            if len(signums) > 1:  # the signal was sent twice already
                self._force_exit()
                return

    def _force_exit(self) -> None:
        print(
            f"newsfacts: stopped by {signal.Signals(self.exit_code() - 128).name}; the current "
            "release is unchanged or complete, the next run removes what this one left",
            flush=True,
        )
        stop_children()
        os._exit(self.exit_code())
