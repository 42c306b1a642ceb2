"""The clean stage's work: per-article clean results reused by content, new texts cleaned in
chunks and streamed to the parse, then the small corpus-level step.

Per-article results (``transforms.clean.clean_texts``) depend on the raw text alone (and the code),
so they are kept in ``storage.cleancache`` by the text's content key: a run cleans only texts it
has not seen. The corpus-level step (exact duplicates, language quarantine, metadata, near-duplicate
marking from stored MinHash signatures) is redone over every article, so its verdicts are those
of a full clean whatever arrived when.

While new texts are cleaned, each chunk of cleaned articles not yet in the extraction cache is
handed to the warm parse pool (:func:`flows.parallel.prefetch_extract`): the parse starts on the
first chunks instead of after the whole clean, and the extract stage collects those results.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from storage import cache as extract_cache
from storage import cleancache
from storage.files import read_parquet, write_parquet
from storage.locations import Locations
from transforms import clean
from transforms.clean.stage import text_keys
from transforms.extract import ArticleInput, extractor_version
from transforms.ids import stable_id

from .parallel import BATCH_CHARS, Stored, prefetch_extract, take_prefetched, trim_memory

# Texts cleaned between two hand-overs to the parse: small, so the parse starts early.
CLEAN_CHUNK = 32
# Results of newly cleaned texts held in memory before they are written to the work folder.
SPILL_ROWS = 1024

# The chunks parsed while cleaning and already in the extraction cache: (article id → cache key,
# batch key, extractor version it was stored under), for the extract stage
# (:func:`parsed_while_cleaning`).
_COLLECTED: list[tuple[dict[str, str], str, str]] = []
# Seconds between two progress lines: each line is a call to the Prefect API (and the server's
# CPU, beside the parse); the extract stage's summary line gives the total anyway.
PROGRESS_EVERY_S = 20.0
_LAST_PROGRESS = [0.0]


def collect_parsed(
    cache_root: Path, version: str, wait: bool, log: Callable[[str], None] | None = None
) -> None:
    """Writes the chunks the warm pool has parsed (all, waiting, when ``wait``; else those done)
    into the extraction cache as they arrive, so this process never holds their frames long;
    ``log`` is told the progress."""
    for chunk, frames in take_prefetched(wait):
        batch = {a.article_id: a.cache_key() for a in chunk}
        if isinstance(frames, Stored):  # the worker stored them (under the version it was given)
            _COLLECTED.append((batch, frames.key, frames.version))
        else:
            _COLLECTED.append(
                (batch, extract_cache.write_cached(cache_root, version, frames, batch), version)
            )
        del frames
        if log is not None and time.monotonic() - _LAST_PROGRESS[0] >= PROGRESS_EVERY_S:
            _LAST_PROGRESS[0] = time.monotonic()
            log(f"extract: parsed {sum(len(b) for b, _, _ in _COLLECTED)} articles while cleaning")


def parsed_while_cleaning(
    cache_root: Path, version: str, log: Callable[[str], None] | None = None
) -> list[tuple[dict[str, str], str]]:
    """Returns (article id → cache key, batch key) of every chunk parsed while cleaning, once all
    are in the extraction cache (waits for those still running, telling ``log``); forgets them."""
    collect_parsed(cache_root, version, wait=True, log=log)
    # Only chunks stored under this extractor version count: were the code or lexicons changed
    # between clean and extract, the other chunks' rows are not where the extract stage reads, and
    # their articles must be parsed again (else they would be silently missing).
    out = [(batch, key) for batch, key, v in _COLLECTED if v == version]
    _COLLECTED.clear()
    return out


@dataclass
class Stream:
    """Where newly cleaned articles go: the warm parse pool of ``model`` (chunks of at most
    ``batch_size`` articles and ``2 * BATCH_CHARS`` characters). Articles already extracted under
    their current key are skipped unless ``reparse`` (a full refresh parses everything)."""

    model: str
    batch_size: int
    reparse: bool
    cached: set[tuple[str, str]] = field(default_factory=set)
    pending: list[ArticleInput] = field(default_factory=list)
    sent: set[str] = field(default_factory=set)
    articles: int = 0
    cache_root: Path | None = None
    version: str = ""
    log: Callable[[str], None] | None = None

    def start(self, loc: Locations) -> None:
        """Reads what the extraction cache holds (once) unless every article is to be parsed."""
        _COLLECTED.clear()  # left by a run that stopped before its extract stage
        self.cache_root, self.version = loc.cache_root, extractor_version(self.model)
        if not self.reparse:
            self.cached = extract_cache.cached_keys(loc.cache_root, self.version)

    def add(self, item: ArticleInput) -> None:
        """Queues one cleaned article; hands a full chunk to the parse."""
        if item.article_id in self.sent or (item.article_id, item.cache_key()) in self.cached:
            return
        self.sent.add(item.article_id)
        self.pending.append(item)
        chars = sum(len(a.text) for a in self.pending)
        if len(self.pending) >= self.batch_size or chars >= 2 * BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        """Hands the queued articles to the parse (longest first, as the extract map orders them)."""
        if self.pending:
            chunk = sorted(self.pending, key=lambda a: (-len(a.text), a.article_id))
            store = (self.cache_root, self.version) if self.cache_root is not None else None
            if prefetch_extract(chunk, self.model, self.batch_size, store):
                self.articles += len(chunk)
            self.pending = []
        if self.cache_root is not None:
            collect_parsed(self.cache_root, self.version, wait=False, log=self.log)


def extract_input(rec: Mapping[str, Any], row: Mapping[str, Any], english_only: bool) -> ArticleInput | None:
    """Returns what the extract stage will parse of a raw record whose per-article clean results
    are ``row`` (as ``clean_articles`` builds it), or None when the record will be quarantined."""
    text = str(row["text"])
    if not text.strip() or (english_only and row["foreign"]):
        return None
    heads = tuple(clean.related_headlines(row["removed"], row["rules"]))
    return ArticleInput(stable_id("a", text), text, rec["published_at"] or row["published_at"], heads)


def clean_incremental(
    loc: Locations, english_only: bool, refresh: bool, stream: Stream | None
) -> tuple[pl.DataFrame, list[dict[str, object]], dict[str, int]]:
    """Returns (articles, quarantine rows, counts) of the run's raw records, cleaning only the
    texts the clean cache lacks (every text when ``refresh``) and storing their results; newly
    cleaned articles go to ``stream`` as they are cleaned. The counts: texts reused and cleaned,
    articles streamed to the parse.

    Memory: the raw texts are held only while new ones are cleaned (their keys stand for them
    after), and the results of new texts wait in files of the run's work folder, ``SPILL_ROWS`` at
    a time in memory, until the language models are gone."""
    raw = read_parquet(loc.work_file("raw_articles")).sort(["source_path", "record"], nulls_last=False)
    texts = raw.get_column("text")
    raw = raw.drop("text")
    keys = text_keys(texts)
    known = pl.DataFrame(schema=clean.CLEANED_TEXT_SCHEMA)
    if not refresh:
        known = cleancache.read_cleaned(loc.cache_root, keys)
    have = set(known["text_key"].to_list())
    # The first record of each text the cache lacks, in the corpus order.
    todo: dict[str, int] = {}
    for i, k in enumerate(keys):
        if k not in have and k not in todo:
            todo[k] = i
    if stream is not None and todo:
        stream.start(loc)
    spill = loc.work_dir / "clean_parts"
    spilled: list[Path] = []
    parts: list[pl.DataFrame] = []
    rows = list(todo.values())
    for start in range(0, len(rows), CLEAN_CHUNK):
        recs = raw[rows[start : start + CLEAN_CHUNK]]
        fresh = clean.clean_texts(texts.gather(rows[start : start + CLEAN_CHUNK]).to_list())
        parts.append(fresh)
        if stream is not None:
            for rec, row in zip(recs.iter_rows(named=True), fresh.iter_rows(named=True), strict=True):
                if (item := extract_input(rec, row, english_only)) is not None:
                    stream.add(item)
        if sum(p.height for p in parts) >= SPILL_ROWS:
            spilled.append(spill / f"{len(spilled):05d}.parquet")
            write_parquet(pl.concat(parts), spilled[-1], sync=False)
            parts = []
    if stream is not None:
        stream.flush()
    del texts
    if todo:
        # The language models (hundreds of MB) are not needed again in this process.
        clean.release_models()
        gc.collect()
        trim_memory()
    if spilled:
        parts = [read_parquet(f) for f in spilled] + parts
        shutil.rmtree(spill, ignore_errors=True)
    # One chunk: a join against a text column of many chunks (the spilled parts) copies every
    # text (+60 MB at 16×, measured), while the parse workers are at their peak beside it.
    fresh_all = pl.concat(parts, rechunk=True) if parts else pl.DataFrame(schema=clean.CLEANED_TEXT_SCHEMA)
    del parts
    gc.collect()
    trim_memory()
    cleancache.write_cleaned(loc.cache_root, fresh_all)
    trim_memory()  # the Parquet writer's buffers
    cleaned = pl.concat([known, fresh_all], rechunk=not known.is_empty()) if todo else known
    del known, fresh_all
    articles, bad = clean.clean_articles(raw, english_only=english_only, cleaned=cleaned, keys=keys)
    counts = {
        "texts_reused": len(have & set(keys)),
        "texts_cleaned": len(todo),
        "streamed": stream.articles if stream is not None else 0,
    }
    return articles, bad, counts
