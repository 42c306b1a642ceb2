"""Runs the extract map over chunks of articles: in this process, in spawned worker processes, or
on a Dask cluster (an existing one by address, or a local one started for the run). Every worker
loads the spaCy model once and parses + extracts its chunks, so only articles and small frames
cross process boundaries, never Docs.

Memory: a parse worker's peak grows with the characters of the ``nlp.pipe`` batch it holds (the
tok2vec and parser arrays of every Doc in the batch), not with the number of articles, so batches
are cut at ``BATCH_CHARS`` as well as at ``batch_size`` articles. Measured on 200 PolNeAR articles
(one worker, longest first): peak RSS 1.26 GB with 32-article batches, 0.54 GB at 100k characters,
0.38 GB at 50k, 0.32 GB at 20k, for the same CPU time within noise (26.6-29.0 s). The peak then no
longer depends on the corpus (the longest articles of a bigger corpus are longer, and 32 of them
made a bigger batch). Again on 200 articles, one process, a loaded machine: 20k / 30k / 50k gave
0.28 / 0.31 / 0.39 GB for 30.6 / 30.2 / 30.4 CPU s, so the workers now cut at 20k (two of them
are alive beside the main process through clean and extract: 0.2 GB of the tree's peak).

Start-up: the spawned workers take seconds to import spaCy and load the model. ``warm_pool`` starts
them early (the flow's clean stage calls it) so that the load overlaps ingest and clean; the
extract map then takes that pool over and always shuts it down when it ends.

Streaming: while the clean stage cleans, it hands each chunk of newly cleaned articles to the warm
pool (``prefetch_extract``), so the parse starts on the first chunks instead of after the whole
clean; the extract stage collects those results (``take_prefetched``) before it maps the rest.
The clean runs far ahead of the parse, so a chunk waits in a file of the pool's spill folder, not
in this process: the parent keeps only the articles' ids and keys, whatever the corpus's size. The
worker stores the chunk's frames in the extraction cache itself and returns only where they are
(:class:`Stored`): pickling them to the parent and writing them there took the parent's CPU, which
the parse shares on a small machine.

Long articles: an article of more than ``BATCH_CHARS`` characters is parsed paragraph-wise
(``transforms.nlp.parse_long``: pieces of at most ``BATCH_CHARS`` with whole paragraphs of context
on either side, the same rows as the whole parse), so no article makes a bigger batch than the
others. Before, one 78k-character article took its worker to about 0.5 GB for a moment (its
tok2vec and parser arrays, about 3 kB per character): at 16× every worker life met a few such
articles and peaked at 0.47-0.54 GB, against 0.33-0.35 GB at 1× (longest article 33k).

Workers over a long run: each batch's arrays are returned to the system after the batch
(``trim_memory``: without it the heap kept a long batch's arrays), and a worker is replaced
after ``RECYCLE_TASKS`` chunks, so
what grows with every new word (spaCy's string store and vocabulary) is bounded by the chunks one
worker parses, not by the corpus. A new worker costs about 1.5 CPU s (imports and model load).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from spacy.language import Language

from flows import background as background_work
from storage import cache as extract_cache
from storage.spill import new_queue, remove_queue, spill_chunk, take_spilled
from transforms.extract import ArticleInput, extract_articles
from transforms.nlp import load_model, paragraph_pieces

# Characters per nlp.pipe batch (see the module docstring for the measurement).
BATCH_CHARS = 20_000
# Chunks per worker: enough that the longest-first order evens out the work at the end.
CHUNKS_PER_WORKER = 4
# Chunks a parse worker runs before it is replaced by a fresh one (see the module docstring): the
# clean stage's chunks are at most 2 * BATCH_CHARS characters, so a worker lives for a few million
# characters (about a minute of parse at most, for 1.5 CPU s of start-up).
RECYCLE_TASKS = 100
# Chunks of the extract map queued in the pool at once, per worker: the others wait in the parent's
# list, not pickled in the pool's queues.
QUEUED_PER_WORKER = 2

# A batch of more characters in flight than this makes the worker's peak: its tok2vec arrays alone
# take about 3 kB per character for a moment. A long article is parsed in pieces of at most
# ``BATCH_CHARS`` (see the module docstring), so only one long paragraph without a blank line
# still gets here. The pool's workers take turns with such batches (``_BIG_LOCK``), so two of
# those peaks never add up in the tree; the other worker almost never waits.
BIG_BATCH_CHARS = 2 * BATCH_CHARS
# Seconds a worker waits for its turn at most (then it parses anyway: never a stuck pool).
BIG_WAIT_S = 120.0

_NLP: Language | None = None
_BIG_LOCK: Any = None  # a multiprocessing Lock shared by the pool's workers, in a worker


def watch_parent(parent: int, interval_s: float = 1.0) -> None:
    """Starts a daemon thread that ends this process as soon as its parent ``parent`` is gone (its
    parent pid changes when it dies, even by SIGKILL): an orphaned worker never waits forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        os._exit(1)  # nothing to save: the parent that wanted the results is gone

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_worker(model: str, parent: int | None = None, big_lock: Any = None) -> None:
    global _NLP, _BIG_LOCK
    _BIG_LOCK = big_lock
    # Ctrl-C in a terminal reaches the whole process group: the parent decides and stops the
    # workers itself (see flows.stop), a worker must not die mid-chunk on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        watch_parent(parent)
    _NLP = load_model(model)


def _ready() -> int:
    """A no-op task: returns the worker's pid once its initializer (the model load) has run."""
    return os.getpid()


def extract_bounded(
    nlp: Language, chunk: Sequence[ArticleInput], batch_size: int, batch_chars: int = BATCH_CHARS
) -> dict[str, pl.DataFrame]:
    """Returns the intermediate frames of the chunk, parsed in batches of at most ``batch_size``
    articles and ``batch_chars`` characters (an article longer than that is a batch of its own)."""
    parts = []
    for batch in chunk_by_chars(chunk, batch_size, batch_chars):
        big = _BIG_LOCK is not None and _tokens_in_flight(batch, batch_chars) > BIG_BATCH_CHARS
        turn = big and _BIG_LOCK.acquire(timeout=BIG_WAIT_S)
        try:
            parts.append(extract_articles(nlp, batch, batch_size=len(batch), max_chars=batch_chars))
        finally:
            if turn:
                _BIG_LOCK.release()
        # The batch's Docs and arrays are freed now: give their pages back (a long article's
        # tok2vec arrays would else stay in the heap for the rest of the worker's life).
        trim_memory()
    if len(parts) == 1:
        return parts[0]
    return {name: pl.concat([p[name] for p in parts], how="vertical_relaxed") for name in parts[0]}


def _tokens_in_flight(batch: Sequence[ArticleInput], batch_chars: int) -> int:
    """Returns the characters the model holds at once for ``batch``: all of them, but for one
    long article parsed in pieces (see :func:`transforms.nlp.parse_long`) its longest piece."""
    if len(batch) == 1 and len(batch[0].text) > batch_chars:
        return max(len(p) for p in paragraph_pieces(batch[0].text, batch_chars))
    return sum(len(a.text) for a in batch)


def _extract_chunk(chunk: Sequence[ArticleInput], batch_size: int) -> dict[str, pl.DataFrame]:
    assert _NLP is not None, "worker not initialised"
    return extract_bounded(_NLP, chunk, batch_size)


def _extract_spilled(path: str, batch_size: int) -> dict[str, pl.DataFrame]:
    """Parses the chunk that :func:`storage.spill.spill_chunk` wrote to ``path`` (and removes the file)."""
    return _extract_chunk(take_spilled(path), batch_size)


@dataclass(frozen=True)
class Stored:
    """A chunk's frames as a worker stored them in the extraction cache: the batch key
    (:func:`storage.cache.write_cached`) under extractor ``version``."""

    key: str
    version: str


def _extract_to_cache(
    chunk_or_path: Sequence[ArticleInput] | str,
    batch_size: int,
    cache_root: str,
    version: str,
    keys: dict[str, str],
) -> Stored:
    """Parses a chunk (or the spilled chunk at a path) and stores its frames in the extraction cache
    under ``version`` and the articles' cache keys ``keys``, here in the worker: the frames never
    cross to the parent (their pickling, unpickling and writing took the parent's CPU from the
    parse). Returns where they are."""
    chunk = take_spilled(chunk_or_path) if isinstance(chunk_or_path, str) else chunk_or_path
    frames = _extract_chunk(chunk, batch_size)
    return Stored(extract_cache.write_cached(Path(cache_root), version, frames, keys), version)


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
        return extract_bounded(nlp, chunk, pipe_batch)


def chunk_by_chars(items: Sequence[ArticleInput], max_items: int, max_chars: int) -> list[list[ArticleInput]]:
    """Returns the items split, in order, into consecutive chunks of at most ``max_items`` items and
    ``max_chars`` characters of text; an item longer than ``max_chars`` is a chunk of its own."""
    out: list[list[ArticleInput]] = []
    cur: list[ArticleInput] = []
    chars = 0
    for item in items:
        n = len(item.text)
        if cur and (len(cur) >= max(1, max_items) or chars + n > max_chars):
            out.append(cur)
            cur, chars = [], 0
        cur.append(item)
        chars += n
    if cur:
        out.append(cur)
    return out


def plan_chunks(items: Sequence[ArticleInput], chunk_size: int, workers: int) -> list[list[ArticleInput]]:
    """Returns the items cut into the chunks of the extract map: at most ``chunk_size`` articles
    each and about an equal share of characters, ``CHUNKS_PER_WORKER`` per worker at least, so the
    workers' loads even out (a count-based cut gave the first chunk of a longest-first list 40%
    of the text)."""
    total = sum(len(a.text) for a in items)
    target = -(-total // (CHUNKS_PER_WORKER * max(1, workers)))  # ceil
    return chunk_by_chars(items, chunk_size, max(1, target))


def trim_memory() -> None:
    """Returns the C heap's free pages to the system (glibc ``malloc_trim``), after a step that
    freed much native memory (the language models the clean step unloads); a no-op elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


# ---- the warm pool ----


@dataclass
class _Warm:
    model: str
    workers: int
    pool: ProcessPoolExecutor
    ready: list[Future[int]]
    spill: Path | None = None  # where prefetched chunks wait for a worker

    def close(self, wait: bool) -> None:
        """Shuts the pool down (chunks not started are cancelled) and removes the spill folder."""
        self.pool.shutdown(wait=wait, cancel_futures=True)
        if self.spill is not None:
            remove_queue(self.spill)


_WARM: _Warm | None = None
_WARM_LOCK = threading.Lock()
# Chunks handed to the warm pool by the clean stage, with their futures, in submission order.
_PREFETCH: list[tuple[Sequence[ArticleInput], Future[Any]]] = []


class RecyclingPool(ProcessPoolExecutor):
    """A process pool whose workers, with ``max_tasks_per_child``, are always replaced when they
    exit at their limit. Python 3.11's pool decides on a replacement by an idle-worker semaphore
    that can hold a token of a worker gone since, and then spawns none: with a backlog queued the
    pool shrinks, and hangs once no worker is left (CPython gh-115634, fixed in later releases)."""

    def _adjust_process_count(self) -> None:
        # The pool's manager thread calls this after a worker exited; submit() calls it otherwise.
        if threading.current_thread() is getattr(self, "_executor_manager_thread", None):
            if len(self._processes) < self._max_workers:  # type: ignore[attr-defined]
                self._spawn_process()  # type: ignore[attr-defined]
            return
        super()._adjust_process_count()


def _new_pool(model: str, workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent runs Prefect's threads, which a fork would copy mid-flight.
    ctx = mp.get_context("spawn")
    return RecyclingPool(
        workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(model, os.getpid(), ctx.Lock()),
        max_tasks_per_child=RECYCLE_TASKS,
    )


def _kill_pool(pool: ProcessPoolExecutor) -> None:
    """Terminates the pool's worker processes now (a running chunk is abandoned) and shuts it down."""
    # ProcessPoolExecutor has no public way to stop a running task: its processes are in _processes.
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            proc.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def terminate_workers() -> int:
    """Terminates every worker process this process started (the parse pools'; called when the
    run is interrupted, from any thread); returns how many were running."""
    children = mp.active_children()
    for proc in children:
        with contextlib.suppress(Exception):
            proc.terminate()
    return len(children)


def warm_pool(model: str, n_process: int, spill_under: Path | None = None) -> bool:
    """Starts ``n_process`` parse workers loading ``model`` in the background, for the next
    ``map_extract`` to take over; returns whether a pool was started (not for one process, nor when
    a pool for the same model and size is already warm). Prefetched chunks wait in a folder made
    under ``spill_under`` (the system's temporary folder when None). Pair with
    ``shutdown_warm_pool`` on paths that may not reach the extract map."""
    global _WARM
    if n_process <= 1:
        return False
    with _WARM_LOCK:
        if _WARM is not None:
            if _WARM.model == model and _WARM.workers == n_process:
                return False
            _WARM.close(wait=False)
        spill = new_queue(spill_under)
        pool = _new_pool(model, n_process)
        # A spawn pool starts one process per submit that finds no idle worker: one task per worker.
        _WARM = _Warm(model, n_process, pool, [pool.submit(_ready) for _ in range(n_process)], spill)
    return True


def _take_warm(model: str) -> _Warm | None:
    """Returns the warm pool of ``model`` (the caller owns it now), shutting down one of another
    model; None when there is none."""
    global _WARM
    with _WARM_LOCK:
        warm, _WARM = _WARM, None
        _PREFETCH.clear()  # collected by the extract stage before it maps; anything left is moot
    if warm is not None and warm.spill is not None:
        # Prefetched chunks not collected are moot: their files go, so their tasks fail at once.
        remove_queue(warm.spill)
        warm.spill = None
    if warm is not None and warm.model != model:
        warm.close(wait=False)
        return None
    return warm


def shutdown_warm_pool(background: bool = False) -> None:
    """Stops the warm pool's workers if one is still waiting (a run that failed or parsed nothing);
    prefetched chunks not yet collected are dropped. ``background``: the workers' exit (about half
    a second) is waited for in a thread of :mod:`flows.background`, not here."""
    global _WARM
    with _WARM_LOCK:
        warm, _WARM = _WARM, None
        _PREFETCH.clear()
    if warm is None:
        return
    if background:
        background_work.start("parse-pool-close", lambda: warm.close(wait=True))
    else:
        warm.close(wait=True)


def prefetch_extract(
    chunk: Sequence[ArticleInput], model: str, batch_size: int, store: tuple[Path, str] | None = None
) -> bool:
    """Hands a chunk to the warm pool of ``model`` to parse; returns False (nothing submitted)
    when no such pool is warm. The chunk waits for a worker in the pool's spill folder. With
    ``store`` (the cache root and extractor version), the worker stores the frames in the
    extraction cache itself. Collect the results with :func:`take_prefetched` (it yields the
    chunks without their texts)."""
    with _WARM_LOCK:
        warm = _WARM
        if warm is None or warm.model != model or not chunk:
            return False
        work: Sequence[ArticleInput] | str = chunk
        stub: Sequence[ArticleInput] = chunk
        if warm.spill is not None:
            work, stub = spill_chunk(chunk, warm.spill)
        fut: Future[Any]
        if store is not None:
            keys = {a.article_id: a.cache_key() for a in stub}
            fut = warm.pool.submit(_extract_to_cache, work, batch_size, str(store[0]), store[1], keys)
        elif isinstance(work, str):
            fut = warm.pool.submit(_extract_spilled, work, batch_size)
        else:
            fut = warm.pool.submit(_extract_chunk, work, batch_size)
        _PREFETCH.append((stub, fut))
    return True


def take_prefetched(
    wait: bool = True,
) -> Iterator[tuple[Sequence[ArticleInput], dict[str, pl.DataFrame] | Stored]]:
    """Yields (chunk, intermediate frames or where a worker stored them) of the prefetched chunks,
    in submission order: all of them, waiting for those still running, or without ``wait`` only
    those done before the first that is not. A chunk whose parse failed is left out (its articles
    are parsed by the extract map, which quarantines what fails); after a failure the warm pool is
    stopped, as its workers may be gone."""
    failed = False
    while True:
        with _WARM_LOCK:
            if not _PREFETCH or not (wait or _PREFETCH[0][1].done()):
                break
            chunk, fut = _PREFETCH.pop(0)
        try:
            frames = fut.result()
        except Exception:  # a broken pool or a crashed chunk: the extract map redoes these articles
            failed = True
            continue
        yield chunk, frames
        del frames
    if failed:
        shutdown_warm_pool()


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
    worker processes when that is positive, else on ``n_process`` spawned processes (the warm pool
    when ``warm_pool`` started one for this model), or in this process when 1. The process pool is
    shut down when the map ends, fails or is abandoned."""
    warm = _take_warm(model)
    if not chunks or dask_address or dask_workers > 0:
        if warm is not None:
            warm.close(wait=False)
        if chunks:
            yield from _map_extract_dask(chunks, model, batch_size, dask_address, dask_workers)
        return
    workers = min(n_process, len(chunks))
    if warm is None and workers <= 1:
        nlp = load_model(model)
        for chunk in chunks:
            yield chunk, extract_bounded(nlp, chunk, batch_size)
        return
    # A warm pool is used even for one chunk: its workers hold the model already.
    pool = warm.pool if warm is not None else _new_pool(model, workers)
    ahead = max(1, (warm.workers if warm is not None else workers) * QUEUED_PER_WORKER)
    try:
        # A few chunks queued ahead keep every worker busy; submitting all at once would keep
        # every chunk's work item (and, for those queued, its pickled texts) in the pool.
        futures = deque(pool.submit(_extract_chunk, chunk, batch_size) for chunk in chunks[:ahead])
        for i, chunk in enumerate(chunks):
            # Popped before yielding: a finished future holds its frames, and the caller has
            # them now (keeping every future would keep every chunk's frames to the end).
            frames = futures.popleft().result()
            if i + ahead < len(chunks):
                futures.append(pool.submit(_extract_chunk, chunks[i + ahead], batch_size))
            yield chunk, frames
            del frames
    except BaseException:
        # an error, an interrupt or an abandoned map: do not wait for the chunks still running
        _kill_pool(pool)
        raise
    # The workers exit in about half a second: waited for beside the next steps, not before them.
    background_work.start("parse-pool-close", lambda: pool.shutdown(wait=True))


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
