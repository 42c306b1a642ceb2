"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from spacy.language import Language

from storage.partitions import data_files, load_table

ROOT = Path(__file__).resolve().parents[1]
# The seed scorer and the evaluation corpora live beside the project in CI (``../shared``), never in
# it; NEWSFACTS_SHARED points elsewhere (or at a missing folder, to run the tests as a lone clone does).
SHARED = Path(os.environ.get("NEWSFACTS_SHARED") or ROOT.parent / "shared")


def require_shared(*parts: str) -> Path:
    """Returns ``SHARED/parts...``; skips the calling test when the shared folder is absent (a clone
    of the project on its own), so `make test` is green without it. A shared folder that is there but
    lacks the file fails the test instead: that is a broken setup, not a lone clone."""
    if not SHARED.is_dir():
        pytest.skip(
            f"../shared not found ({SHARED}): the seed scorer and corpora live beside the project in CI; "
            "set NEWSFACTS_SHARED to their folder to run this check"
        )
    path = SHARED.joinpath(*parts)
    assert path.exists(), f"{path} is missing from the shared folder {SHARED}"
    return path


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The default spaCy pipeline, as the extract stage loads it."""
    from transforms.nlp import load_model

    return load_model()


@pytest.fixture(scope="session")
def harness() -> Iterator[str]:
    """One temporary Prefect server for the whole test session (each start costs 10-20 s);
    yields its API URL, for CLI subprocesses to share."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())


def read_out_table(out: Path, name: str) -> pl.DataFrame:
    """Returns the published table ``name`` of an out dir (its current release, through the
    ``<table>.parquet`` link) or of a release folder, whatever its layout (one file or a
    partitioned folder): the rows the pipeline wrote, in the table's sort order."""
    return load_table(out, name)


def release_bytes(out: Path) -> dict[str, bytes]:
    """Returns the bytes of every data file of an out dir's current release (or of a release
    folder) by its path in the release."""
    rel = out / "current" if (out / "current").exists() else out
    return {name: (rel / name).read_bytes() for name in data_files(rel)}
