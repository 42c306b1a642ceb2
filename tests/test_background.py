"""Background work of a run: it runs beside the caller, its failure is logged and never raised,
and waiting returns once all of it has ended."""

from __future__ import annotations

import threading

import pytest

from flows import background


def test_work_runs_beside_the_caller_and_wait_all_joins_it() -> None:
    gate, done = threading.Event(), []
    background.start("t-gated", lambda: (gate.wait(5), done.append(1)))
    assert done == [] and background.wait_all(timeout_s=0.05) == ["t-gated"]
    gate.set()
    assert background.wait_all() == [] and done == [1]


def test_a_failure_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    def boom() -> None:
        raise RuntimeError("disk gone")

    background.start("t-boom", boom)
    assert background.wait_all() == []
    assert "t-boom" in caplog.text and "disk gone" in caplog.text
