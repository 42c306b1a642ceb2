"""A stated refusal of support is a REJECT; "come out against" rejects (invented sentences)."""

from __future__ import annotations

from spacy.language import Language

from tests.test_events import extract


def cats(rows: list[dict[str, object]]) -> dict[str, tuple[object, object, object]]:
    return {str(r["event_type"]): (r["actor_text"], r["target_text"], r["modality"]) for r in rows}


def test_a_refusal_to_back_a_party_is_a_rejection(nlp: Language) -> None:
    got = cats(extract(nlp, "The governor said he would not endorse Tom Baxter."))
    assert got["REJECT"] == ("The governor", "Tom Baxter", "asserted")


def test_a_past_support_that_did_not_happen_is_no_rejection(nlp: Language) -> None:
    assert "REJECT" not in cats(extract(nlp, "Jane Morrow did not endorse Tom Baxter."))


def test_coming_out_against_a_measure_is_a_rejection(nlp: Language) -> None:
    got = cats(extract(nlp, "Jane Morrow came out against the Northern Trade Pact in the spring."))
    assert got["REJECT"][0] == "Jane Morrow"
