"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from spacy.language import Language

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


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
