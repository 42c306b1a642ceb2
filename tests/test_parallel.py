"""The extract map's plumbing: chunks cut by characters, parse batches bounded by characters (the
worker's memory follows the characters it holds), and the warm pool's life cycle."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from spacy.language import Language

from flows import parallel
from storage import spill
from transforms import schema
from transforms.extract import ArticleInput, extract_articles
from transforms.nlp import DEFAULT_MODEL


def _art(i: int, chars: int) -> ArticleInput:
    return ArticleInput(f"a{i:03d}", "x" * chars, None, ())


def test_chunk_by_chars_respects_both_limits_and_keeps_order() -> None:
    items = [_art(i, n) for i, n in enumerate([50, 30, 30, 200, 10, 10, 10, 10])]
    chunks = parallel.chunk_by_chars(items, max_items=3, max_chars=100)
    assert [a for c in chunks for a in c] == items  # every item once, in order
    assert [[a.article_id for a in c] for c in chunks] == [
        ["a000", "a001"],  # 50 + 30 + 30 would pass 100 characters
        ["a002"],
        ["a003"],  # longer than the limit: a chunk of its own
        ["a004", "a005", "a006"],  # three items at most
        ["a007"],
    ]
    assert parallel.chunk_by_chars([], 3, 100) == []


def test_plan_chunks_gives_each_worker_even_shares() -> None:
    # Longest first, as the extract stage orders them: a count-based cut would load the first chunk.
    items = [_art(i, n) for i, n in enumerate(sorted([5000, 4000, *[300] * 60, *[100] * 100], reverse=True))]
    chunks = parallel.plan_chunks(items, chunk_size=64, workers=2)
    total = sum(len(a.text) for a in items)
    target = total / (parallel.CHUNKS_PER_WORKER * 2)
    assert len(chunks) >= parallel.CHUNKS_PER_WORKER * 2
    assert all(len(c) <= 64 for c in chunks)
    assert max(sum(len(a.text) for a in c) for c in chunks) <= target + 5000
    assert [a for c in chunks for a in c] == items


def test_bounded_batches_give_the_tables_of_one_batch(nlp: Language) -> None:
    texts = [
        "The mayor met union leaders on Monday.\n\n\u201cWe will talk again,\u201d she said.",
        "Protesters marched in the capital. Police arrested two people, officials said.",
        "The minister said the talks had failed. \u201cThere is no deal,\u201d he told reporters.",
    ]
    chunk = [ArticleInput(f"b{i}", t, None, ()) for i, t in enumerate(texts)]
    whole = extract_articles(nlp, chunk, batch_size=len(chunk))
    bounded = parallel.extract_bounded(nlp, chunk, batch_size=32, batch_chars=90)  # one article a batch
    assert set(bounded) == set(whole)
    for name, frame in whole.items():
        assert_frame_equal(bounded[name], frame, check_exact=True)
    assert whole["x_quotes"].height >= 2


@pytest.mark.slow
def test_the_warm_pool_is_taken_over_once_and_shut_down() -> None:
    chunk = [ArticleInput("c0", "Officials met on Tuesday in the capital to discuss the budget.", None, ())]
    try:
        assert parallel.warm_pool(DEFAULT_MODEL, 2) is True
        assert parallel.warm_pool(DEFAULT_MODEL, 2) is False  # already warm
        got = list(parallel.map_extract([chunk], DEFAULT_MODEL, 8, 2))
        assert parallel._WARM is None  # the map took the pool over and closed it
        assert [c for c, _ in got] == [chunk]
        frames = got[0][1]
        assert isinstance(frames["x_entity_mentions"], pl.DataFrame)
        # A map abandoned after its first chunk stops its pool instead of hanging.
        assert parallel.warm_pool(DEFAULT_MODEL, 2) is True
        gen = parallel.map_extract([chunk, chunk, chunk], DEFAULT_MODEL, 8, 2)
        next(gen)
        gen.close()
        assert parallel._WARM is None
    finally:
        parallel.shutdown_warm_pool()
        parallel.shutdown_warm_pool()  # idempotent
    assert parallel.warm_pool(DEFAULT_MODEL, 1) is False  # one process parses in-process


def test_prefetched_chunks_come_back_in_order_and_a_failed_one_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chunks = [[_art(i, 10)] for i in range(3)]
    futures: list[Future[dict[str, pl.DataFrame]]] = [Future() for _ in chunks]
    stopped: list[bool] = []
    monkeypatch.setattr(parallel, "shutdown_warm_pool", lambda: stopped.append(True))
    monkeypatch.setattr(parallel, "_PREFETCH", list(zip(chunks, futures, strict=True)))
    futures[0].set_result({"t": pl.DataFrame({"x": [0]})})
    futures[2].set_result({"t": pl.DataFrame({"x": [2]})})
    # Without waiting: only what is done before the first chunk still running.
    assert [c for c, _ in parallel.take_prefetched(wait=False)] == [chunks[0]]
    futures[1].set_exception(RuntimeError("worker died"))
    got = list(parallel.take_prefetched(wait=True))
    assert [c for c, _ in got] == [chunks[2]] and got[0][1]["t"]["x"].to_list() == [2]
    assert stopped == [True]  # after a failure the pool is not trusted
    assert parallel.prefetch_extract(chunks[0], DEFAULT_MODEL, 8) is False  # no warm pool


def test_recycling_pool_replaces_each_worker_at_its_limit() -> None:
    # Python 3.11's own pool may spawn no replacement when tasks are queued (CPython gh-115634).
    ctx = mp.get_context("spawn")
    with parallel.RecyclingPool(1, mp_context=ctx, max_tasks_per_child=2) as pool:
        futures = [pool.submit(os.getpid) for _ in range(6)]
        pids = [f.result(timeout=120) for f in futures]
    assert len(set(pids)) == 3  # a new process every two tasks, and none of them hung


def test_a_spilled_chunk_waits_in_a_file_and_the_parent_keeps_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunk = [ArticleInput("a1", "Some text.", dt.date(2024, 5, 1), ("A headline",)), _art(2, 30)]
    path, stub = spill.spill_chunk(chunk, tmp_path)
    assert [a.text for a in stub] == ["", ""]
    assert [a.cache_key() for a in stub] == [a.cache_key() for a in chunk]
    seen: list[list[ArticleInput]] = []

    def parse(c: list[ArticleInput], batch_size: int) -> dict[str, pl.DataFrame]:
        seen.append(c)
        return {}

    monkeypatch.setattr(parallel, "_extract_chunk", parse)
    assert parallel._extract_spilled(path, 8) == {}
    assert seen == [chunk] and not Path(path).exists()  # the worker read it and removed the file


def test_map_extract_queues_a_few_chunks_ahead_not_all(monkeypatch: pytest.MonkeyPatch) -> None:
    submitted: list[int] = []

    class Pool(ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            submitted.append(len(args[0]))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(parallel, "_new_pool", lambda model, workers: Pool(workers))
    monkeypatch.setattr(parallel, "_extract_chunk", lambda c, b: {"n": pl.DataFrame({"n": [len(c)]})})
    chunks = [[_art(i, 10)] * (i + 1) for i in range(10)]
    gen = parallel.map_extract(chunks, DEFAULT_MODEL, 8, 2)
    first = next(gen)
    assert first[0] == chunks[0]
    assert len(submitted) == 2 * parallel.QUEUED_PER_WORKER + 1  # not every chunk at once
    got = [first, *gen]
    assert [c for c, _ in got] == chunks and [f["n"]["n"][0] for _, f in got] == list(range(1, 11))
    assert submitted == list(range(1, 11))  # each chunk once, in order


class _Turns(list[str]):
    """A stand-in for the pool's big-batch lock that records each acquire and release."""

    def acquire(self, timeout: float) -> bool:
        self.append("acquire")
        return True

    def release(self) -> None:
        self.append("release")


def _recorded_turns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Installs a recording big-batch lock; returns the list of its turns."""
    turns = _Turns()
    monkeypatch.setattr(parallel, "_BIG_LOCK", turns)
    return turns


def test_workers_take_turns_with_a_long_article_only(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    turns = _recorded_turns(monkeypatch)
    monkeypatch.setattr(parallel, "BIG_BATCH_CHARS", 60)
    chunk = [
        ArticleInput("c1", "The mayor said the talks would go on for another week at least.", None, ()),
        ArticleInput("c2", "Police arrested two people.", None, ()),
        ArticleInput("c3", "Officials met.", None, ()),
    ]
    frames = parallel.extract_bounded(nlp, chunk, batch_size=32, batch_chars=30)
    assert turns == ["acquire", "release"]  # the one batch over 60 characters; not the short ones
    assert frames["x_extract_errors"].is_empty()


def test_a_long_article_parsed_in_pieces_takes_no_turn(
    nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns = _recorded_turns(monkeypatch)
    monkeypatch.setattr(parallel, "BIG_BATCH_CHARS", 60)
    text = "The mayor met union leaders on Monday.\n\nPolice arrested two people.\n\nOfficials met again."
    frames = parallel.extract_bounded(
        nlp, [ArticleInput("d1", text, None, ())], batch_size=32, batch_chars=40
    )
    assert turns == []  # no piece over 60 characters in flight
    assert frames["x_extract_errors"].is_empty()


def test_a_worker_stores_a_prefetched_chunk_in_the_cache_itself(tmp_path: Path, nlp: Language) -> None:
    # The frames stay in the worker: the parent gets where they are, and reads the same rows back
    # as if it had been sent the frames and stored them.
    from storage import cache

    texts = [
        "Mayor Ana Ortiz said the bridge would reopen.",
        "Police arrested two men in Riverton on Friday.",
    ]
    chunk = [ArticleInput(f"a{i}", t, dt.date(2024, 5, i + 1), ()) for i, t in enumerate(texts)]
    keys = {a.article_id: a.cache_key() for a in chunk}
    try:
        assert parallel.warm_pool(DEFAULT_MODEL, 2, spill_under=tmp_path / "spill") is True
        assert parallel.prefetch_extract(chunk, DEFAULT_MODEL, 8, (tmp_path / "cache", "v1")) is True
        ((stub, got),) = list(parallel.take_prefetched(wait=True))
    finally:
        parallel.shutdown_warm_pool()
    assert isinstance(got, parallel.Stored) and got.version == "v1"
    assert [a.article_id for a in stub] == ["a0", "a1"]
    assert cache.cached_ids(tmp_path / "cache", "v1", keys) == set(keys)
    want = extract_articles(nlp, chunk)
    for t in ("x_entity_mentions", "x_event_mentions"):
        table = cache.read_cached_table(tmp_path / "cache", "v1", keys, schema.TABLES[t])
        assert_frame_equal(table, schema.conform(want[t], schema.TABLES[t]))
