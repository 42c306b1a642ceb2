"""Runs the extract map over chunks of articles: in this process, in spawned worker processes, or
on a Dask cluster (an existing one by address, or a local one started for the run). Every worker
loads the spaCy model once and parses + extracts its chunks, so only articles and small frames
cross process boundaries, never Docs."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import threading
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


# Dask workers: one model per worker process, loaded by the first chunk it runs. The lock makes a
# worker with several threads load it once and parse one chunk at a time (a Language is not
# thread-safe, and the parse holds the GIL for most of its time anyway).
_MODELS: dict[str, Language] = {}
_MODEL_LOCK = threading.Lock()


def _extract_chunk_cached(
    chunk: Sequence[ArticleInput], model: str, pipe_batch: int
) -> dict[str, pl.DataFrame]:
    with _MODEL_LOCK:
        nlp = _MODELS.get(model)
        if nlp is None:
            nlp = _MODELS[model] = load_model(model)
        return extract_articles(nlp, chunk, batch_size=pipe_batch)


def chunked(items: Sequence[ArticleInput], size: int) -> list[list[ArticleInput]]:
    """Returns the items split into consecutive chunks of at most ``size``."""
    return [list(items[i : i + size]) for i in range(0, len(items), max(1, size))]


def map_extract(
    chunks: Sequence[Sequence[ArticleInput]],
    model: str,
    batch_size: int,
    n_process: int,
    dask_address: str | None = None,
    dask_workers: int = 0,
) -> Iterator[tuple[Sequence[ArticleInput], dict[str, pl.DataFrame]]]:
    """Yields (chunk, intermediate frames) for every chunk, in order.

    On the Dask cluster at ``dask_address`` when given, else on a local cluster of ``dask_workers``
    worker processes when that is positive, else on ``n_process`` spawned processes (or in this
    process when 1)."""
    if not chunks:
        return
    if dask_address or dask_workers > 0:
        yield from _map_extract_dask(chunks, model, batch_size, dask_address, dask_workers)
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


def _map_extract_dask(
    chunks: Sequence[Sequence[ArticleInput]],
    model: str,
    batch_size: int,
    address: str | None,
    n_workers: int,
) -> Iterator[tuple[Sequence[ArticleInput], dict[str, pl.DataFrame]]]:
    # Imported here: Dask is needed only when a run asks for it.
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        if address:
            client = stack.enter_context(Client(address))
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))
        # pure=False: the same chunk under a new model or extractor version must run again.
        # (``pipe_batch``, not ``batch_size``: Client.map has a ``batch_size`` argument of its own.)
        futures = client.map(
            _extract_chunk_cached, list(chunks), model=model, pipe_batch=batch_size, pure=False
        )
        for chunk, fut in zip(chunks, futures, strict=True):
            yield chunk, fut.result()
            fut.release()  # the frames are in this process now: free them on the worker
