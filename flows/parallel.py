"""Runs the extract map over chunks of articles: in this process, or in spawned worker processes
that each load the spaCy model once and parse + extract their chunks (so only small frames cross
process boundaries, never Docs)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

import polars as pl
from spacy.language import Language

from transforms.extract import ArticleInput, extract_articles
from transforms.nlp import load_model

_NLP: Language | None = None


def _init_worker(model: str) -> None:
    global _NLP
    _NLP = load_model(model)


def _extract_chunk(chunk: Sequence[ArticleInput], batch_size: int) -> dict[str, pl.DataFrame]:
    assert _NLP is not None, "worker not initialised"
    return extract_articles(_NLP, chunk, batch_size=batch_size)


def chunked(items: Sequence[ArticleInput], size: int) -> list[list[ArticleInput]]:
    """Returns the items split into consecutive chunks of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), max(1, size))]


def map_extract(
    chunks: Sequence[Sequence[ArticleInput]], model: str, batch_size: int, n_process: int
) -> Iterator[tuple[Sequence[ArticleInput], dict[str, pl.DataFrame]]]:
    """Yields (chunk, intermediate frames) for every chunk, in order."""
    if not chunks:
        return
    workers = min(n_process, len(chunks))
    if workers <= 1:
        nlp = load_model(model)
        for chunk in chunks:
            yield chunk, extract_articles(nlp, chunk, batch_size=batch_size)
        return
    # spawn, not fork: the parent runs Prefect's threads, which a fork would copy mid-flight.
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(model,)) as pool:
        futures = [pool.submit(_extract_chunk, chunk, batch_size) for chunk in chunks]
        for chunk, fut in zip(chunks, futures, strict=True):
            yield chunk, fut.result()
