"""The PLOVER gold-standard scorer on small handmade records and predictions."""

from __future__ import annotations

from typing import Any

from transforms.evaluate_events import category_2021, count_matches, party_matches, score_events


def _rec(rid: str, event: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": rid, "text": "", "event": event, "mode": None, "source": [], "target": []}
    base.update({"dead": None, "injured": None, "size": None}, **kw)
    return base


def test_category_names_follow_the_2021_manual() -> None:
    assert [category_2021(c) for c in ("DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "AGREE")] == [
        "REQUEST",
        "ACCUSE",
        "ACCUSE",
        "ASSAULT",
        "AGREE",
    ]


def test_party_match_is_on_folded_word_boundaries() -> None:
    assert party_matches(["Ruritanian"], ["Senior Ruritanian officials"])
    assert party_matches(["the Ruritanian army"], ["Ruritanian army"])
    assert not party_matches(["Ruritania"], ["Ruritanian officials"])
    assert not party_matches(["X"], [None, ""])


def test_counts_numbers_and_words() -> None:
    assert count_matches("28", 28, None)
    assert not count_matches("28", 27, "27 killed")
    assert count_matches("Tens of thousands", 10000, "tens of thousands of protesters")
    assert not count_matches("thousands", None, "thousands")
    assert not count_matches("hundreds", 100, "dozens")


def test_score_events_figures() -> None:
    records = [
        _rec("a", "FIGHT", source=["Northland"], target=["Southland"], dead="3"),
        _rec("b", "DEMAND", source=["the union"]),
        _rec("c", "AGREE"),
    ]
    predicted: dict[str, list[dict[str, Any]]] = {
        "a": [
            {
                "event_type": "ASSAULT",
                "actor_text": "Northland forces",
                "target_text": "Southland",
                "n_killed": 3,
            },
        ],
        "b": [{"event_type": "ACCUSE", "actor_text": "the union"}],
    }
    f = score_events(records, predicted)
    assert f["sentence_recall"] == round(2 / 3, 4)
    assert f["category_accuracy"] == 0.5
    assert f["category_recall"] == round(1 / 3, 4)
    assert (f["actor_match"], f["target_match"], f["counts_exact"]) == (1.0, 1.0, 1.0)
    assert [m["id"] for m in f["misses"]] == ["b", "c"]


def test_records_sharing_a_text_share_its_mentions() -> None:
    # The pipeline keeps one copy of an exact duplicate: a sentence coded for two events has its
    # mentions under the first record's id, and the second is scored on them too.
    text = "Northland police fired on marchers, killing one and arresting 12."
    records = [_rec("a", "COERCE", text=text, size="12"), _rec("b", "FIGHT", text=text, dead="1")]
    predicted: dict[str, list[dict[str, Any]]] = {
        "a": [
            {"event_type": "COERCE", "n_arrested": 12, "n_killed": 1},
            {"event_type": "ASSAULT", "n_killed": 1, "n_arrested": 12},
        ]
    }
    f = score_events(records, predicted)
    assert (f["sentence_recall"], f["category_recall"], f["counts_exact"]) == (1.0, 1.0, 1.0)
