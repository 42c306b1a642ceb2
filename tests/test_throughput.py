"""The CLI warms the parse workers early only for runs that will parse on a local pool."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from flows import cli
from flows.params import validate_params


@pytest.mark.parametrize(
    ("changes", "warms"),
    [
        ({"full_refresh": True}, True),
        ({"rerun_from": "extract"}, True),
        ({}, False),  # a cached run may parse nothing
        ({"rerun_from": "resolve"}, False),
        ({"full_refresh": True, "n_process": 1}, False),
        ({"full_refresh": True, "dask_workers": 2}, False),
    ],
)
def test_parse_workers_start_early_only_for_a_local_parse(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any, changes: dict[str, Any], warms: bool
) -> None:
    started: list[tuple[str, int]] = []

    def warm(model: str, n: int) -> bool:
        started.append((model, n))
        return True

    monkeypatch.setattr("flows.parallel.warm_pool", warm)
    (tmp_path / "raw").mkdir()
    p = validate_params(
        raw_dir=str(tmp_path / "raw"), out_dir=str(tmp_path / "out"), allow_outside_roots=True
    )
    p = dataclasses.replace(p, **changes)
    assert cli._warm_parse_workers(p) is warms
    assert bool(started) is warms
