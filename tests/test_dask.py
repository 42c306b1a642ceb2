"""Scale-out: the extract map on a 2-worker local Dask cluster publishes the same tables as the
default run (in-process parse), and the CLI passes its Dask flags to the flow."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import ROOT, read_out_table

pytestmark = pytest.mark.slow

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    return {p.stem: read_out_table(out, p.stem) for p in sorted(out.glob("*.parquet"))}


def test_two_dask_workers_publish_the_default_tables(harness: None, tmp_path: Path) -> None:
    from flows.pipeline import newsfacts_pipeline

    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    default = newsfacts_pipeline(
        raw_dir=str(raw),
        out_dir=str(tmp_path / "default"),
        cache_dir=str(tmp_path / "default-cache"),
        n_process=1,
    )
    # chunk_size=2: several chunks, so both workers get work and the order of results matters.
    dask = newsfacts_pipeline(
        raw_dir=str(raw),
        out_dir=str(tmp_path / "dask"),
        cache_dir=str(tmp_path / "dask-cache"),  # nothing reused from the default run
        n_process=1,
        chunk_size=2,
        dask_workers=2,
    )
    assert default["published"] and dask["published"]
    assert dask["counts"]["extract"]["parsed"] == default["counts"]["extract"]["parsed"] > 0
    want, got = _tables(tmp_path / "default"), _tables(tmp_path / "dask")
    assert sorted(got) == sorted(want) and "entity_mentions" in got
    for name, frame in want.items():
        try:
            assert_frame_equal(got[name], frame, check_exact=True)
        except AssertionError as err:
            raise AssertionError(f"{name}: {err}") from None


def test_cli_passes_the_dask_flags() -> None:
    from flows import cli

    parser = argparse.ArgumentParser()
    cli._add_run_args(parser)
    kw = cli._run_kwargs(parser.parse_args(["--dask-address", "tcp://10.0.0.5:8786", "--dask-workers", "3"]))
    assert kw["dask_address"] == "tcp://10.0.0.5:8786" and kw["dask_workers"] == 3
    kw = cli._run_kwargs(parser.parse_args([]))
    assert kw["dask_address"] is None and kw["dask_workers"] == 0
