"""Reruns do the right thing: a retried run resumes at the stage that failed, ``rerun_from`` redoes
a stage, and a run with nothing new skips validation and publishes nothing."""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.releases import current_release
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("resolve crashed on purpose")


def _must_not_clean(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a completed stage (clean) was redone")


def _must_not_parse(chunks: Iterable[Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
    assert not list(chunks), "a completed stage (extract) parsed articles again"
    return iter(())


def test_retry_resumes_rerun_from_redoes_and_no_change_skips(
    harness: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows import pipeline, stages
    from transforms import quotes as quote_transforms  # resolve reads it through the module

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(ROOT / "data" / "raw", raw)
    params: dict[str, Any] = {"raw_dir": str(raw), "out_dir": str(out), "n_process": 1}

    # 1. The run fails in resolve: nothing is published.
    monkeypatch.setattr(quote_transforms, "resolve_quotes", _boom)
    with pytest.raises(RuntimeError, match="on purpose"):
        pipeline.newsfacts_pipeline(**params)
    assert current_release(out) is None

    # 2. The retry: clean and extract would fail if they ran again; resolve now works.
    monkeypatch.undo()
    monkeypatch.setattr(stages.clean, "clean_articles", _must_not_clean)
    monkeypatch.setattr(stages, "map_extract", _must_not_parse)
    retried = pipeline.newsfacts_pipeline(**params)
    assert retried["published"] and retried["verdict"] == "passed"
    assert retried["counts"]["extract"]["parsed"] == 0

    # 3. rerun_from="resolve" recomputes resolve even though its inputs are unchanged.
    monkeypatch.setattr(quote_transforms, "resolve_quotes", _boom)
    with pytest.raises(RuntimeError, match="on purpose"):
        pipeline.newsfacts_pipeline(**params, rerun_from="resolve")

    # 4. Nothing new: every stage is reused, validation is skipped and nothing is published.
    release = current_release(out)
    again = pipeline.newsfacts_pipeline(**params)
    assert not again["published"] and again["publish_reason"] == "unchanged"
    assert again["verdict"] == "passed"
    assert current_release(out) == release
    assert again["changes"] == {
        "in": retried["changes"]["in"],
        "new": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": retried["changes"]["in"],
    }
