"""The flow's tasks, one per stage: each reads its inputs from files (through :mod:`storage`),
calls pure transforms and writes its outputs to the run's work folder, passing only
:class:`~storage.locations.Locations`, paths and small summaries on.

The clean, resolve and validate stages go through :func:`flows.stagekit.cache_or_compute`: their outputs are kept
under a content key, so a rerun (or a retried run) reuses them when nothing they read has changed.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from expectations import units
from storage import cache as extract_cache
from storage import registry, stagecache
from storage.catalog import write_page
from storage.files import (
    TableFiles,
    read_json,
    read_parquet,
    table_names,
    write_json,
    write_parquet,
    write_text,
)
from storage.locations import Locations
from storage.partitions import data_files, partition_release, release_files, release_problems, write_table
from storage.raw import read_raw
from storage.stores import record_validation, release_store
from transforms import card, clean, guard, increment, ingest, partitions, release, schema
from transforms.entities.registry import alias_index
from transforms.extract import ArticleInput, extractor_version
from transforms.ids import sha256_hex

from . import background, release_docs
from .cleanstream import Stream, clean_incremental, parsed_while_cleaning
from .parallel import map_extract, plan_chunks, shutdown_warm_pool, warm_pool
from .stagekit import cache_or_compute
from .stagekit import free_memory as _free_memory

STAGES = ("ingest", "clean", "extract", "resolve", "validate", "publish")
# The work tables whose rows make the published quarantine table: one per stage that refuses input.
QUARANTINE_PARTS = ("quarantine_ingest", "quarantine_clean", "quarantine_extract")


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_stage(loc: Locations, max_file_bytes: int, max_article_chars: int) -> dict[str, int]:
    """Reads every raw file into ``raw_articles``; unreadable inputs go to ``quarantine_ingest``."""
    log = get_run_logger()
    limits = ingest.IngestLimits(max_file_bytes=max_file_bytes, max_article_chars=max_article_chars)
    raw, bad, n_files = read_raw(loc.raw, limits, remote=loc.raw_is_url)
    write_parquet(raw, loc.work_file("raw_articles"))
    quarantine = pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema)
    write_parquet(schema.conform(quarantine, schema.QUARANTINE), loc.work_file("quarantine_ingest"))
    log.info("ingest: %d files → %d records, %d quarantined", n_files, raw.height, len(bad))
    return {"files": n_files, "records": raw.height, "quarantined": len(bad)}


@task(name="clean", cache_policy=NO_CACHE)
def clean_stage(
    loc: Locations,
    english_only: bool,
    refresh: bool = False,
    warm_model: str | None = None,
    warm_processes: int = 0,
    batch_size: int = 32,
    reparse: bool = False,
) -> dict[str, Any]:
    """Cleans every raw record into ``articles``; refused ones go to ``quarantine_clean``. Reuses the
    stored outputs when the raw records and the code are unchanged, and otherwise the per-article
    results of every text cleaned before (neither when ``refresh``). When it cleans,
    ``warm_processes`` parse workers start loading ``warm_model`` and parse the new articles
    (``batch_size`` per pipe batch; those extracted before too when ``reparse``) as they are cleaned."""
    log = get_run_logger()
    key = stagecache.stage_key("clean", [loc.work_file("raw_articles")], {"english_only": english_only})

    def reused(hit: dict[str, Any]) -> None:
        log.info(
            "clean: raw records unchanged; reused %d cleaned articles (stage key %s)", hit["articles"], key
        )

    def compute() -> dict[str, Any]:
        # New or changed articles: the extract stage will likely parse. Its workers load the model
        # now and parse what this stage cleans as it goes.
        stream = None
        if warm_model and warm_processes > 1:
            # Chunks cleaned ahead of the parse wait in files under the cache, not in memory.
            warm_pool(warm_model, warm_processes, spill_under=loc.cache_root / "spill")
            stream = Stream(warm_model, batch_size, reparse, log=log.info)
        articles, bad, counts = clean_incremental(loc, english_only, refresh, stream)
        write_parquet(articles, loc.work_file("articles"))
        quarantine = schema.conform(
            pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema), schema.QUARANTINE
        )
        write_parquet(quarantine, loc.work_file("quarantine_clean"))
        n_dup = articles.filter(pl.col("duplicate_of").is_not_null()).height
        log.info(
            "clean: %d articles (%d near-duplicates marked), %d quarantined; %d texts cleaned, %d reused, "
            "%d articles handed to the parse",
            articles.height,
            n_dup,
            len(bad),
            counts["texts_cleaned"],
            counts["texts_reused"],
            counts["streamed"],
        )
        # Only what the articles are: the result goes into the manifest, which must not depend on
        # what an earlier run left in the cache.
        return {"articles": articles.height, "near_duplicates": n_dup, "quarantined": len(bad)}

    try:
        outputs = ["articles.parquet", "quarantine_clean.parquet"]
        result = cache_or_compute(loc, "clean", key, loc.work_dir, refresh, compute, outputs, reused)
        # The corpus's frames are garbage now: their pages go back before the parse's peak.
        _free_memory()
        return result
    except BaseException:
        shutdown_warm_pool()  # the run stops here: the workers would wait for nothing
        raise


@task(name="extract", cache_policy=NO_CACHE)
def extract_stage(
    loc: Locations,
    model: str,
    batch_size: int,
    n_process: int,
    chunk_size: int,
    full_refresh: bool,
    dask_address: str | None = None,
    dask_workers: int = 0,
) -> dict[str, Any]:
    """Parses each article once and extracts mentions, quotes and events; reuses the cache for
    articles whose id, other inputs (publication date…) and extractor version are unchanged
    (unless ``full_refresh``). The parse runs on the Dask cluster at ``dask_address`` or on a
    local one of ``dask_workers`` when asked."""
    try:
        log = get_run_logger()
        # Not the texts yet: the parse of the chunks streamed by the clean stage is still running,
        # and only the articles left to parse need theirs.
        version = extractor_version(model)
        inputs = _article_inputs(read_parquet(loc.work_file("articles"), None, _INPUT_COLUMNS[1:]))
        ids = {a.article_id for a in inputs}
        # The cache holds an article under the key of its other inputs too: a date added or
        # changed later re-extracts it (its events' days depend on it).
        keys = {a.article_id: a.cache_key() for a in inputs}
        # What the clean stage handed to the parse as it cleaned: into the cache first.
        written: set[str] = set()
        streamed: set[str] = set()
        for batch, batch_key in parsed_while_cleaning(loc.cache_root, version, log.info):
            written.add(batch_key)
            streamed.update(i for i, k in batch.items() if keys.get(i) == k)
        done = streamed if full_refresh else extract_cache.cached_ids(loc.cache_root, version, keys)
        del inputs
        todo: list[ArticleInput] = []
        if len(done) < len(ids):
            frame = read_parquet(loc.work_file("articles"), None, _INPUT_COLUMNS)
            todo = _article_inputs(frame.filter(~pl.col("article_id").is_in(list(done))))
            del frame
        # Long articles first spreads the work evenly over the processes.
        todo.sort(key=lambda a: (-len(a.text), a.article_id))
        log.info(
            "extract: %d articles, %d from cache, %d parsed while cleaning, %d to parse (extractor %s)",
            len(ids),
            len(done - streamed),
            len(streamed),
            len(todo),
            version,
        )
        if not todo:
            # The parse is over: its workers go before this process grows by GX and the gazetteers
            # (their exit is waited for in a thread: the read-back below does not need it).
            shutdown_warm_pool(background=True)
        if todo or streamed:
            # Importing GX takes seconds: do it in a thread while the parse runs in its processes
            # (with nothing to parse, the run may well not validate at all).
            from expectations.runner import preload

            preload()
            # The gazetteers the resolve stage reads load meanwhile too (about a second).
            threading.Thread(target=increment.warm, name="gazetteers", daemon=True).start()
        n_done = 0
        started = time.perf_counter()
        # Chunks of about equal characters, several per worker, so a small run still spreads over
        # every process and the longest articles do not all land in one chunk.
        chunks = plan_chunks(todo, chunk_size, max(1, dask_workers or n_process))
        for chunk, frames in map_extract(chunks, model, batch_size, n_process, dask_address, dask_workers):
            # Into the cache and out of memory: the tables are read back one at a time below.
            written.add(
                extract_cache.write_cached(
                    loc.cache_root, version, frames, {a.article_id: keys[a.article_id] for a in chunk}
                )
            )
            del frames
            n_done += len(chunk)
            log.info(
                "extract: parsed %d/%d articles (%.1f s)", n_done, len(todo), time.perf_counter() - started
            )
        # A full refresh reads back only what this run parsed, never rows cached by earlier runs.
        batches = written if full_refresh else None
        for t, frame in extract_cache.read_cached_tables(
            loc.cache_root, version, keys, schema.EXTRACT_TABLES, batches
        ):
            write_parquet(frame, loc.work_file(t.name))
        del frame
        # Many small batches make every later run's read-back slow: folded now and then, this
        # run's own batches included (a full run's hundreds: the next rerun reads one), in a
        # thread beside resolve and validate, which never read the cache (the flow waits for it).
        background.start(
            "extract-cache-compact",
            lambda: extract_cache.compact(loc.cache_root, version, keys, prefer=written, own=written),
        )
        failed = quarantine_extract_errors(loc)
        if failed:
            log.warning("extract: %d articles quarantined (crashed or over the time budget)", failed)
            if failed == len(ids):
                # Not one article could be extracted: the model or the code is broken, not the input.
                errors = read_parquet(loc.work_file("x_extract_errors"))
                raise RuntimeError(
                    f"extract: every one of the {failed} articles failed; first: {errors['detail'][0]}"
                )
        return {
            "articles": len(ids),
            "cached": len(done - streamed),
            "parsed": len(todo) + len(streamed),
            "quarantined": failed,
            "extractor_version": version,
        }
    finally:
        shutdown_warm_pool()  # parse workers started by the clean stage and not used (nothing to parse)


_INPUT_COLUMNS = ["text", "article_id", "published_at", "boilerplate_removed", "boilerplate_rules"]


def _article_inputs(articles: pl.DataFrame) -> list[ArticleInput]:
    """Returns what the extractors read of each article; with an empty text when ``articles``
    has no ``text`` column (enough for the cache keys)."""
    with_text = "text" in articles.columns
    return [
        ArticleInput(
            r["article_id"],
            r["text"] if with_text else "",
            r["published_at"],
            tuple(clean.related_headlines(r["boilerplate_removed"], r["boilerplate_rules"])),
        )
        for r in articles.iter_rows(named=True)
    ]


def quarantine_extract_errors(loc: Locations) -> int:
    """Turns the rows of ``x_extract_errors`` into ``quarantine_extract`` rows (source path and record
    found through ``articles`` and ``raw_articles``) and removes those articles from ``articles``
    (a near-duplicate pointing at one of them points at nothing now); returns how many there were.
    Their rows are in no other extract table, so nothing else of them is published."""
    errors = read_parquet(loc.work_file("x_extract_errors"), schema.X_EXTRACT_ERRORS)
    out = loc.work_file("quarantine_extract")
    if errors.is_empty():
        write_parquet(schema.empty(schema.QUARANTINE), out)
        return 0
    articles = read_parquet(loc.work_file("articles"))
    raw = (
        read_parquet(loc.work_file("raw_articles"))
        .select("source_path", "raw_sha256", "record", "size_bytes")
        .sort("record", nulls_last=False)
        .unique(subset=["source_path", "raw_sha256"], keep="first", maintain_order=True)
    )
    rows = (
        errors.join(articles.select("article_id", "source_path", "raw_sha256"), on="article_id", how="inner")
        .join(raw, on=["source_path", "raw_sha256"], how="left")
        .select("source_path", "record", "reason", "detail", "size_bytes")
    )
    write_parquet(schema.conform(rows, schema.QUARANTINE), out)
    failed = errors["article_id"].implode()
    orphan = pl.col("duplicate_of").is_in(failed)
    kept = articles.filter(~pl.col("article_id").is_in(failed)).with_columns(
        duplicate_of=pl.when(orphan).then(None).otherwise(pl.col("duplicate_of")),
        duplicate_score=pl.when(orphan).then(None).otherwise(pl.col("duplicate_score")),
    )
    write_parquet(schema.conform(kept, schema.ARTICLES), loc.work_file("articles"))
    return errors.height


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_stage(loc: Locations, refresh: bool = False) -> dict[str, Any]:
    """Links mentions to canonical entities, attributes quotes and merges events across articles.
    Reuses the stored outputs when the mention tables and the code are unchanged (unless ``refresh``).
    With an entity registry from an earlier run that covers every old article unchanged, only the
    new articles are resolved, against it (:func:`transforms.increment.resolve_new`); else all of
    them, recording in ``entity_merges`` how the previous registry's entities were merged or split.
    Either way the outputs become the registry for the next run."""
    log = get_run_logger()
    # Publication days bound which undated event mentions may merge: they are part of the key.
    days = increment.publication_days(
        read_parquet(loc.work_file("articles"), schema.ARTICLES, ["article_id", "published_at"])
    )
    days_key = sha256_hex(days.sort("article_id").write_csv())
    key = stagecache.stage_key(
        "resolve", [loc.work_file(t.name) for t in schema.EXTRACT_TABLES], {"days": days_key}
    )
    code = stagecache.code_fingerprint()
    x_names = ("x_entity_mentions", "x_entity_aliases", "x_quotes", "x_event_mentions")

    def reused(hit: dict[str, Any]) -> None:
        log.info("resolve: mention tables unchanged; reused %s (stage key %s)", hit, key)

    def compute() -> dict[str, Any]:
        # What the stages before left (the clean stage's per-text objects, the parse's results)
        # is garbage by now: its pages go back before the resolve's own peak. What survives (the
        # modules, GX's among them) lives as long as the run: out of the later collections.
        _free_memory(freeze=True)
        x: Mapping[str, pl.DataFrame] = {n: read_parquet(loc.work_file(n), schema.TABLES[n]) for n in x_names}
        signatures = registry.article_signatures(dict(x), days)
        # The whole registry only when the run links against it; a full resolve reads the few
        # columns it compares, once the resolve's own peak is over.
        usable = (
            None
            if refresh or registry.builder(loc.cache_root) != code
            else registry.load(loc.cache_root, code)
        )
        new = increment.plan(usable[1] if usable else None, signatures)
        incremental = usable is not None and new is not None
        if usable is not None and new is not None:
            out, stats = increment.resolve_new(usable[0], x, new, days)
            log.info("resolve: %d new articles linked to the registry (%s)", len(new), stats)
        else:
            usable = None
            # Each x table read when its step comes and dropped after it, not held throughout.
            x = TableFiles({n: loc.work_file(n) for n in x_names})
            # The per-mention objects of the entity step: given back before quotes and events.
            out, stats = increment.resolve_all(x, days, between=_free_memory), {}
            _free_memory()  # and before the registries are compared
            prev = registry.load(loc.cache_root, None, increment.CHANGE_COLUMNS)
            if prev is not None:
                stats["registry_changes"] = increment.record_changes(out, prev[0])
            del prev
        del usable
        for name, frame in out.items():
            write_parquet(frame, loc.work_file(name))
        index = alias_index(out["entities"], out["entity_merges"])
        registry.save(loc.cache_root, key, loc.work_dir, index, signatures, {"code": code})
        counts = {k: v.height for k, v in out.items()}
        del out, x
        # The resolve's per-mention objects are garbage now: give their pages back before
        # validation reads the tables (else the tree keeps both peaks at once).
        _free_memory()
        log.info("resolve: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
        return {
            **counts,
            "incremental": incremental,
            "new_articles": len(new or []),
        }

    outputs = [f"{name}.parquet" for name in increment.RESOLVED]
    # An incremental result depends on the registry it linked against, not only on the input:
    # only full resolves are kept, so a later run never brings back rows of a registry since replaced.
    result = cache_or_compute(
        loc, "resolve", key, loc.work_dir, refresh, compute, outputs, reused, lambda r: not r["incremental"]
    )
    if not registry.is_current(loc.cache_root, key):  # reused outputs: they are the registry now
        x = {n: read_parquet(loc.work_file(n), schema.TABLES[n]) for n in x_names}
        ents, merges = (read_parquet(loc.work_file(n)) for n in ("entities", "entity_merges"))
        meta = {"code": code}
        registry.save(
            loc.cache_root,
            key,
            loc.work_dir,
            alias_index(ents, merges),
            registry.article_signatures(x, days),
            meta,
        )
    return result


def validate_key(loc: Locations, max_row_loss: float) -> str:
    """Returns the content key of what validation reads: every table of the release-to-be."""
    names = [t.name for t in schema.PUBLISHED_TABLES if t.name not in ("quarantine", "rejected")]
    files = [loc.work_file(n) for n in (*names, *QUARANTINE_PARTS)]
    return stagecache.stage_key("validate", files, {"max_row_loss": max_row_loss})


@task(name="validate", cache_policy=NO_CACHE)
def validate_stage(
    loc: Locations,
    staging_dir: str,
    input_changed: bool,
    max_row_loss: float,
    validate_key: str,
    refresh: bool = False,
    publish_text: str = "full",
) -> dict[str, Any]:
    """Runs the expectation suites and writes the validated tables (partitioned, the text reduced
    as ``publish_text`` says), ``rejected`` and the Data Docs into the staging release. Returns the
    verdict. A partition whose rows and check outcomes are those the current release recorded is
    not validated again and its file is shared, not rewritten (unless ``refresh``, or the current
    release is damaged). ``validate_key`` names the tables read (publish records it in build.json)."""
    from expectations.runner import validate  # GX is slow to import: only when validating

    log = get_run_logger()
    # What the resolve and the steps between left: freed before the tables are read (what
    # survives, out of the later collections).
    _free_memory(freeze=True)
    staging = Path(staging_dir)
    current = release_store(loc).current()
    prev_files = release_files(current) if current is not None else {}
    whole = current is not None and not release_problems(current)
    recorded = units.recorded_units(prev_files, with_keys=whole and not refresh)
    tables: dict[str, pl.DataFrame] = {}
    for t in schema.PUBLISHED_TABLES:
        if t.name in ("quarantine", "rejected"):
            continue
        tables[t.name] = read_parquet(loc.work_file(t.name), t)
    quarantine = pl.concat([read_parquet(loc.work_file(n), schema.QUARANTINE) for n in QUARANTINE_PARTS])
    tables["quarantine"] = schema.conform(quarantine, schema.QUARANTINE)
    days = units.article_days(tables.get("articles"))
    result = validate(
        tables,
        guard.rows_of(prev_files) if current is not None else None,
        input_changed=input_changed,
        docs_dir=staging / "validation",
        max_row_loss=max_row_loss,
        previous_units=recorded,
        salt=f"{stagecache.code_fingerprint()}\x1f{publish_text}",
    )
    del tables
    written = shared = 0
    facts: dict[str, dict[str, object]] = {}
    for name in list(result.tables):
        t = schema.TABLES[name]
        frame = schema.conform(result.tables.pop(name), t)  # each table freed once written
        if name == schema.ARTICLES.name:
            frame = card.reduce_text(frame, publish_text)
        keys = partitions.partition_keys(frame, t, days) if t.partition is not None else None
        lend = units.unchanged_files(name, result.unit_keys, recorded)
        reuse = {k: current / rel for k, rel in lend.items()} if current is not None else {}
        w, s = write_table(staging, t, frame, keys, reuse, facts)
        written, shared = written + w, shared + s
    w, s = write_table(staging, schema.REJECTED, schema.conform(result.rejected, schema.REJECTED), None, {})
    written += w
    # For publish: each unit's validation key (into the manifest) and the facts of the files written.
    write_json({"units": result.unit_keys, "files": facts}, loc.work_file("validation").with_suffix(".json"))
    md = result.summary_markdown()
    write_text(md, staging / "validation" / "summary.md")
    create_markdown_artifact(md, key="newsfacts-validation", description="Validation verdict per suite")
    create_table_artifact(result.summary_rows(), key="newsfacts-validation-suites", description="Suites")
    verdict = "passed" if result.passed else "blocked"
    checked = sum(s.checked for s in result.suites[1:])
    result.tables.clear()
    _free_memory()  # GX's context and batches hold reference cycles: freed here, not at exit
    log.info(
        "validate: %s; %d rows rejected; %d of %d partitions validated, %d files written, %d shared",
        verdict,
        result.rejected.height,
        checked,
        sum(s.units for s in result.suites[1:]),
        written,
        shared,
    )
    return {
        "verdict": verdict,
        "rejected": result.rejected.height,
        # relative to the release: the staging directory is renamed when published
        "docs_index": result.docs_index.relative_to(staging).as_posix() if result.docs_index else None,
        "summary": md,
        "suites": result.summary_rows(),
    }


@task(name="publish", cache_policy=NO_CACHE)
def publish_stage(
    loc: Locations,
    staging_dir: str,
    verdict: Mapping[str, Any],
    meta: Mapping[str, Any],
    keep_releases: int,
    max_row_loss: float = 0.2,
    allow_shrink: bool = False,
    publish_text: str = "full",
) -> dict[str, Any]:
    """Writes manifest, dataset card and metadata into the staging release and switches ``current``
    to it, unless validation or the release guard blocked it (``blocked``: True, ``reason`` says
    why) or its tables equal the current release's; then refreshes the download page."""
    log = get_run_logger()
    _free_memory()  # the validation's leftovers, before the changelog reads the tables' keys
    store = release_store(loc)
    staging = Path(staging_dir)
    if verdict["verdict"] != "passed":
        log.error("publish: blocked by validation; the previous release stays in place")
        reason = "validation blocked the release (see the newsfacts-validation artifact)"
        return {"published": False, "blocked": True, "reason": reason, "release": store.current_location()}
    # The validate stage wrote the tables partitioned (the text as publish_text says); a dated
    # table staged as one file (by an older caller) is partitioned here. A file shared with the
    # current release keeps the facts that release's manifest lists.
    partition_release(staging)
    current = store.current()
    tables = table_names(staging)
    work = loc.work_file("validation").with_suffix(".json") if loc.work else None
    told: dict[str, Any] = (read_json(work) if work is not None else None) or {}
    written, unit_keys = told.get("files"), told.get("units")
    files = units.with_unit_keys(data_files(staging, current, written), unit_keys)
    content = release.content_fingerprint({k: str(v["sha256"]) for k, v in files.items()})
    prev = (read_json(current / "manifest.json") or {}) if current is not None else None
    prev_files = prev.get("files") if prev is not None else None
    prev_rows = guard.rows_of(prev_files) if isinstance(prev_files, dict) else None
    reasons = guard.shrink_reasons(guard.rows_of(files), prev_rows, max_row_loss, allow_shrink)
    if reasons:
        why = "release blocked: " + "; ".join(reasons)
        log.error("publish: %s; the previous release stays in place", why)
        return {"published": False, "blocked": True, "reason": why, "release": store.current_location()}
    if (
        current is not None
        and not release_problems(current)  # a damaged release is replaced, not kept as "unchanged"
        and isinstance(prev_files, dict)
        and content
        == release.content_fingerprint({k: v["sha256"] for k, v in prev_files.items() if isinstance(v, dict)})
    ):
        # The same files, validated by this run's code: the release records the new validation
        # keys, or every later run would validate every partition again.
        build = {**meta.get("build", {}), "publish_text": publish_text}
        if record_validation(store, current, files, build):
            log.info("publish: release %s now records this run's validation keys", current.name)
        log.info("publish: tables identical to release %s; nothing new to publish", current.name)
        return {
            "published": False,
            "reason": "unchanged",
            "release": store.current_location(),
            "files": files,
        }
    created = release.after_latest(dt.datetime.now(dt.UTC), store.release_ids())
    rid = release.release_id(created, content)
    man = release.manifest(
        release=rid,
        created_at=created,
        files=files,
        model=meta["model"],
        extractor_version=meta["extractor_version"],
        input_fp=meta["input_fingerprint"],
        parameters=meta["parameters"],
        validation={"verdict": verdict["verdict"], "rejected_rows": verdict["rejected"]},
        counts=meta["counts"],
    )
    write_json(man, staging / "manifest.json")
    # How the release was built: lets the next run see that its tables would be the same.
    build = {**meta.get("build", {}), "docs_index": verdict.get("docs_index"), "publish_text": publish_text}
    write_json(build, staging / "build.json")
    release_docs.write_docs(store, staging, man, verdict.get("summary") or "", current, publish_text)
    final = store.publish(staging, rid, tables, keep=keep_releases)
    write_page(store)
    log.info("publish: release %s is current (%s)", rid, final)
    return {"published": True, "reason": "new release", "release": final, "files": files, "release_id": rid}
