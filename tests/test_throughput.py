"""The CLI warms the parse workers early only for runs that will parse on a local pool."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from flows import cli
from flows.params import validate_params
from storage.locations import Locations, local_path
from storage.stagecache import keep_raw_listing, raw_listing
from transforms.extract import extractor_version


@pytest.mark.parametrize(
    ("changes", "listed", "warms"),
    [
        ({"full_refresh": True}, True, True),
        ({"rerun_from": "extract"}, True, True),
        ({}, True, False),  # the raw files are as the last run listed them: nothing to parse
        ({"rerun_from": "resolve"}, True, False),
        ({}, False, True),  # no listing of a last run: the raw files may be new
        ({"rerun_from": "resolve"}, False, True),
        ({"full_refresh": True, "n_process": 1}, True, False),
        ({"full_refresh": True, "dask_workers": 2}, True, False),
    ],
)
def test_parse_workers_start_early_only_for_a_local_parse(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    changes: dict[str, Any],
    listed: bool,
    warms: bool,
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
    if listed:  # as a completed run leaves it
        loc = Locations.resolve(p.out_dir, p.cache_dir, raw=p.raw_dir)
        raw = local_path(p.raw_dir)
        keep_raw_listing(loc.cache_root, raw, raw_listing(raw, extractor_version(p.model)))
    assert cli._warm_parse_workers(p) is warms
    assert bool(started) is warms
