"""The throughput helpers: candidate scans on the Doc's arrays give the tokens a Token loop
gives, and the CLI warms the parse workers early only for runs that will parse locally."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from spacy.language import Language

from flows import cli
from flows.params import validate_params
from transforms.doctable import candidates


def test_candidates_match_a_token_loop(nlp: Language) -> None:
    doc = nlp("Ann Lee said he was late. The council, according to officials, voted on Monday.")
    want = [t.i for t in doc if t.pos_ == "PROPN" and t.dep_ in ("nsubj", "compound")]
    assert candidates(doc, pos=("PROPN",), dep=("nsubj", "compound")) == want
    want = [t.i for t in doc if t.pos_ in ("VERB", "AUX") or t.lower_ == "according"]
    assert candidates(doc, pos=("VERB", "AUX"), lower=("according",)) == want
    assert candidates(doc, dep=("nsubj",)) == [t.i for t in doc if t.dep_ == "nsubj"]
    assert candidates(nlp(""), pos=("VERB",)) == []


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
