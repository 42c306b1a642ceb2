"""The full resolve's memory savings change no row: mentions turned into rows block by block, node
ids and mention lists as arrays, and the event step's lookups built only for the articles it reads."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from transforms import schema
from transforms.entities import graph, resolve_entities
from transforms.events import resolve as ev_resolve

A, B, C = "a_000000000000000a", "a_000000000000000b", "a_000000000000000c"


def _mentions() -> pl.DataFrame:
    rows = [
        (A, 0, "Amara Okafor", "PERSON", "president"),
        (A, 50, "Okafor", "ORG", "ms"),
        (A, 90, "Okafor", "PERSON", None),
        (A, 120, "the Northern Rail Board", "ORG", None),
        (B, 0, "Northern Rail Board (NRB)", "ORG", None),
        (B, 40, "NRB", "ORG", None),
        (B, 60, "Okafor", "PERSON", None),
        (C, 0, "Kenya", "GPE", None),
        (C, 20, "Amara  Okafor", "PERSON", None),
        (C, 40, "Okafor", "PERSON", "mrs"),
    ]
    data = [
        {"article_id": a, "start": s, "end": s + len(t), "text": t, "label": lab, "title": ti}
        for a, s, t, lab, ti in rows
    ]
    return schema.conform(
        pl.DataFrame(data, schema=schema.X_ENTITY_MENTIONS.polars_schema), schema.X_ENTITY_MENTIONS
    )


def test_rows_made_block_by_block_are_the_rows_of_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _mentions()
    whole = graph.mention_rows(frame)
    monkeypatch.setattr(graph, "_ROWS_BLOCK", 3)
    blocks = graph.mention_rows(frame)
    fields = ("article_id", "start", "end", "text", "label", "title", "form", "key")
    assert [[r[f] for f in fields] for r in blocks] == [[r[f] for f in fields] for r in whole]
    # equal strings stay one object across blocks: the rows cost little each
    assert blocks.article_id[0] is blocks.article_id[3]
    assert blocks.form[2] is blocks.form[6]
    # columns, not an object per mention: the offsets are 8-byte integer arrays
    assert blocks.start.itemsize == 8 and len(blocks.start) == len(blocks) == 10
    assert blocks[-1]["start"] == blocks.start[9]
    with pytest.raises(IndexError):
        blocks[10]


def test_resolve_with_small_blocks_gives_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = resolve_entities(_mentions())
    monkeypatch.setattr(graph, "_ROWS_BLOCK", 2)
    got = resolve_entities(_mentions())
    for e, g in zip(expected, got, strict=True):
        assert_frame_equal(e, g)
    ents, ments, _ = got
    assert ments.height == 10 and ments["entity_id"].null_count() < ments.height
    assert "Amara Okafor" in ents["name"].to_list()


def test_node_ids_and_mentions_are_compact_arrays() -> None:
    nodes, node_ids = graph._build_nodes(graph.mention_rows(_mentions()))
    assert node_ids.itemsize == 8 and len(node_ids) == 10
    assert sorted(i for n in nodes for i in n.mentions) == list(range(10))


def test_person_surnames_only_for_the_articles_asked() -> None:
    mentions = pl.DataFrame(
        {
            "article_id": ["a1", "a2", "a2"],
            "entity_id": ["en_1", "en_2", "en_3"],
            "text": ["Jane Doe", "John Roe", "Ann Poe"],
            "label": ["PERSON"] * 3,
        }
    )
    every = ev_resolve._person_surnames(mentions)
    only = ev_resolve._person_surnames(mentions, pl.DataFrame({"article_id": ["a2", "a2"]}))
    assert set(only) == {k for k in every if k[0] == "a2"} and len(every) == 3
    assert all(only[k] == every[k] for k in only)
