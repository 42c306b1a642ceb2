"""Work a stage hands to a thread so that the run goes on meanwhile (a pool's workers exiting, the
extraction cache being folded); the flow waits for all of it before it ends, so nothing outlives
the run that started it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

_THREADS: list[threading.Thread] = []
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def start(name: str, work: Callable[[], object]) -> threading.Thread:
    """Runs ``work`` in a new thread named ``name`` and returns the thread; an exception in it is
    logged, never raised (background work is an optimisation or a clean-up, never a result)."""

    def run() -> None:
        try:
            work()
        except Exception:  # logged: the run's outputs do not depend on it
            log.exception("background work %s failed", name)

    thread = threading.Thread(target=run, name=name)
    with _LOCK:
        _THREADS[:] = [t for t in _THREADS if t.is_alive()]
        _THREADS.append(thread)
    thread.start()
    return thread


def wait_all(timeout_s: float | None = None) -> list[str]:
    """Waits for every thread :func:`start` began (each up to ``timeout_s``); returns the names of
    those still running after that (empty: all done)."""
    with _LOCK:
        threads = list(_THREADS)
    for t in threads:
        t.join(timeout_s)
    with _LOCK:
        _THREADS[:] = [t for t in _THREADS if t.is_alive()]
        return [t.name for t in _THREADS]
