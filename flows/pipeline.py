"""The newsfacts Prefect flow: ingest → clean → extract → resolve → validate → publish.

Each stage is a task that reads its inputs from files, calls pure transforms and writes its outputs
to the run's work directory, passing only paths and small summaries on (flow parameters and task
results stay small). The whole run holds the out dir's publish lock.
"""

# No `from __future__ import annotations` here: a served flow run gets the flow function pickled
# by value, without the module globals its string annotations would need (`Literal` failed
# parameter validation); real annotation objects travel with it.
import datetime as dt
import os
import shutil
import time
from pathlib import Path
from typing import Any, Literal

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from transforms import clean, entities, events, ingest, io, quotes, release, schema
from transforms.extract import ArticleInput, extractor_version
from transforms.nlp import DEFAULT_MODEL, model_info

from . import params as run_params
from . import stagecache
from .parallel import map_extract, plan_chunks, shutdown_warm_pool, warm_pool

STAGES = ("ingest", "clean", "extract", "resolve", "validate", "publish")


def _work(work_dir: str, name: str) -> Path:
    return Path(work_dir) / f"{name}.parquet"


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_stage(raw_dir: str, work_dir: str, max_file_bytes: int, max_article_chars: int) -> dict[str, int]:
    """Reads every raw file into ``raw_articles``; unreadable inputs go to ``quarantine_ingest``."""
    log = get_run_logger()
    limits = ingest.IngestLimits(max_file_bytes=max_file_bytes, max_article_chars=max_article_chars)
    raw, bad, n_files = io.read_raw(raw_dir, limits)
    io.write_parquet(raw, _work(work_dir, "raw_articles"))
    quarantine = pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema)
    io.write_parquet(schema.conform(quarantine, schema.QUARANTINE), _work(work_dir, "quarantine_ingest"))
    log.info("ingest: %d files → %d records, %d quarantined", n_files, raw.height, len(bad))
    return {"files": n_files, "records": raw.height, "quarantined": len(bad)}


@task(name="clean", cache_policy=NO_CACHE)
def clean_stage(
    work_dir: str,
    english_only: bool,
    cache_dir: str,
    refresh: bool = False,
    warm_model: str | None = None,
    warm_processes: int = 0,
) -> dict[str, int]:
    """Cleans every raw record into ``articles``; refused ones go to ``quarantine_clean``. Reuses the
    stored outputs when the raw records and the code are unchanged (unless ``refresh``). When it
    cleans, ``warm_processes`` parse workers start loading ``warm_model`` meanwhile."""
    log = get_run_logger()
    key = stagecache.stage_key("clean", [_work(work_dir, "raw_articles")], {"english_only": english_only})
    if not refresh and (hit := stagecache.restore(Path(cache_dir), "clean", key, Path(work_dir))):
        log.info(
            "clean: raw records unchanged; reused %d cleaned articles (stage key %s)", hit["articles"], key
        )
        return hit
    # New or changed articles: the extract stage will likely parse. Its workers load the model now,
    # while this stage runs.
    if warm_model and warm_processes > 1:
        warm_pool(warm_model, warm_processes)
    try:
        raw = io.read_parquet(_work(work_dir, "raw_articles"))
        articles, bad = clean.clean_articles(raw, english_only=english_only)
        io.write_parquet(articles, _work(work_dir, "articles"))
        quarantine = schema.conform(
            pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema), schema.QUARANTINE
        )
        io.write_parquet(quarantine, _work(work_dir, "quarantine_clean"))
        n_dup = articles.filter(pl.col("duplicate_of").is_not_null()).height
        log.info(
            "clean: %d articles (%d near-duplicates marked), %d quarantined", articles.height, n_dup, len(bad)
        )
        result = {"articles": articles.height, "near_duplicates": n_dup, "quarantined": len(bad)}
        stagecache.store(
            Path(cache_dir),
            "clean",
            key,
            Path(work_dir),
            ["articles.parquet", "quarantine_clean.parquet"],
            result,
        )
    except BaseException:
        shutdown_warm_pool()  # the run stops here: the workers would wait for nothing
        raise
    return result


@task(name="extract", cache_policy=NO_CACHE)
def extract_stage(
    work_dir: str,
    cache_dir: str,
    model: str,
    batch_size: int,
    n_process: int,
    chunk_size: int,
    full_refresh: bool,
    dask_address: str | None = None,
    dask_workers: int = 0,
) -> dict[str, Any]:
    """Parses each article once and extracts mentions, quotes and events; reuses the cache for
    articles whose id and extractor version are unchanged (unless ``full_refresh``). The parse runs
    on the Dask cluster at ``dask_address`` or on a local one of ``dask_workers`` when asked."""
    try:
        log = get_run_logger()
        articles = io.read_parquet(_work(work_dir, "articles")).select(
            "article_id", "text", "published_at", "boilerplate_removed", "boilerplate_rules"
        )
        version = extractor_version(model)
        ids = set(articles["article_id"].to_list())
        cache_root = Path(cache_dir)
        done = set() if full_refresh else io.cached_ids(cache_root, version, ids)
        todo = [
            ArticleInput(
                r["article_id"],
                r["text"],
                r["published_at"],
                tuple(clean.related_headlines(r["boilerplate_removed"], r["boilerplate_rules"])),
            )
            for r in articles.iter_rows(named=True)
            if r["article_id"] not in done
        ]
        # Long articles first spreads the work evenly over the processes.
        todo.sort(key=lambda a: (-len(a.text), a.article_id))
        log.info(
            "extract: %d articles, %d from cache, %d to parse (extractor %s)",
            len(ids),
            len(done),
            len(todo),
            version,
        )
        if todo:
            # Importing GX takes seconds: do it in a thread while the parse runs in its processes
            # (with nothing to parse, the run may well not validate at all).
            from expectations.runner import preload

            preload()
        n_done = 0
        written: set[str] = set()
        started = time.perf_counter()
        # Chunks of about equal characters, several per worker, so a small run still spreads over
        # every process and the longest articles do not all land in one chunk.
        chunks = plan_chunks(todo, chunk_size, max(1, dask_workers or n_process))
        for chunk, frames in map_extract(chunks, model, batch_size, n_process, dask_address, dask_workers):
            # Into the cache and out of memory: the tables are read back one at a time below.
            written.add(io.write_cached(cache_root, version, frames, [a.article_id for a in chunk]))
            del frames
            n_done += len(chunk)
            log.info(
                "extract: parsed %d/%d articles (%.1f s)", n_done, len(todo), time.perf_counter() - started
            )
        # A full refresh reads back only what this run parsed, never rows cached by earlier runs.
        batches = written if full_refresh else None
        for t in schema.EXTRACT_TABLES:
            frame = io.read_cached_table(cache_root, version, ids, t, batches)
            io.write_parquet(frame, _work(work_dir, t.name))
        return {"articles": len(ids), "cached": len(done), "parsed": len(todo), "extractor_version": version}
    finally:
        shutdown_warm_pool()  # parse workers started by the clean stage and not used (nothing to parse)


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_stage(work_dir: str, cache_dir: str, refresh: bool = False) -> dict[str, int]:
    """Links mentions to canonical entities, attributes quotes and merges events across articles.
    Reuses the stored outputs when the mention tables and the code are unchanged (unless ``refresh``)."""
    log = get_run_logger()
    inputs = [_work(work_dir, t.name) for t in schema.EXTRACT_TABLES]
    key = stagecache.stage_key("resolve", inputs, {})
    if not refresh and (hit := stagecache.restore(Path(cache_dir), "resolve", key, Path(work_dir))):
        log.info("resolve: mention tables unchanged; reused %s (stage key %s)", hit, key)
        return hit
    x_ent = io.read_parquet(_work(work_dir, "x_entity_mentions"))
    x_quotes = io.read_parquet(_work(work_dir, "x_quotes"))
    x_events = io.read_parquet(_work(work_dir, "x_event_mentions"))
    ents, mentions, merges = entities.resolve_entities(x_ent)
    x_aliases = io.read_parquet(_work(work_dir, "x_entity_aliases"), schema.X_ENTITY_ALIASES)
    ents, merges = entities.add_headline_aliases(ents, merges, x_aliases)
    qs = quotes.resolve_quotes(x_quotes, mentions, ents)
    evs, ev_mentions = events.resolve_events(x_events, mentions, ents)
    qs = events.link_quotes_to_events(qs, ev_mentions, x_events)
    out = {
        "entities": ents,
        "entity_mentions": mentions,
        "entity_merges": merges,
        "quotes": qs,
        "events": evs,
        "event_mentions": ev_mentions,
    }
    for name, frame in out.items():
        io.write_parquet(schema.conform(frame, schema.TABLES[name]), _work(work_dir, name))
    counts = {k: v.height for k, v in out.items()}
    log.info("resolve: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    stagecache.store(Path(cache_dir), "resolve", key, Path(work_dir), [f"{k}.parquet" for k in out], counts)
    return counts


@task(name="validate", cache_policy=NO_CACHE)
def validate_stage(
    work_dir: str,
    staging_dir: str,
    out_dir: str,
    input_changed: bool,
    max_row_loss: float,
    cache_dir: str,
    validate_key: str,
    refresh: bool = False,
) -> dict[str, Any]:
    """Runs the expectation suites; writes the validated tables, ``rejected`` and the Data Docs into
    the staging release. Returns the verdict. Reuses the stored outputs when the tables, the code,
    the parameters and the current release are those of an earlier validation (unless ``refresh``)."""
    log = get_run_logger()
    staging = Path(staging_dir)
    current = io.open_store(out_dir, Path(cache_dir)).current()
    key = stagecache.stage_key(
        "validate",
        [],
        {"base": validate_key, "previous": current.name if current else None, "changed": input_changed},
    )
    if not refresh and (hit := stagecache.restore(Path(cache_dir), "validate", key, staging)):
        log.info("validate: %s (reused the validation of the same tables, stage key %s)", hit["verdict"], key)
        create_markdown_artifact(
            hit["summary"], key="newsfacts-validation", description="Validation verdict per suite"
        )
        create_table_artifact(hit["suites"], key="newsfacts-validation-suites", description="Suites")
        return hit
    from expectations.runner import validate  # GX is slow to import: only when validating

    tables: dict[str, pl.DataFrame] = {}
    for t in schema.PUBLISHED_TABLES:
        if t.name in ("quarantine", "rejected"):
            continue
        tables[t.name] = io.read_parquet(_work(work_dir, t.name), t)
    quarantine = pl.concat(
        [
            io.read_parquet(_work(work_dir, n), schema.QUARANTINE)
            for n in ("quarantine_ingest", "quarantine_clean")
        ]
    )
    tables["quarantine"] = schema.conform(quarantine, schema.QUARANTINE)
    previous = io.read_release(current)
    result = validate(
        tables,
        previous,
        input_changed=input_changed,
        docs_dir=staging / "validation",
        max_row_loss=max_row_loss,
    )
    for name, frame in result.tables.items():
        io.write_parquet(schema.conform(frame, schema.TABLES[name]), staging / f"{name}.parquet")
    io.write_parquet(schema.conform(result.rejected, schema.REJECTED), staging / "rejected.parquet")
    md = result.summary_markdown()
    io.write_text(md, staging / "validation" / "summary.md")
    create_markdown_artifact(md, key="newsfacts-validation", description="Validation verdict per suite")
    create_table_artifact(result.summary_rows(), key="newsfacts-validation-suites", description="Suites")
    verdict = "passed" if result.passed else "blocked"
    log.info("validate: %s; %d rows rejected", verdict, result.rejected.height)
    out = {
        "verdict": verdict,
        "rejected": result.rejected.height,
        # relative to the release: the staging directory is renamed when published
        "docs_index": result.docs_index.relative_to(staging).as_posix() if result.docs_index else None,
        "summary": md,
        "suites": result.summary_rows(),
    }
    stagecache.store(Path(cache_dir), "validate", key, staging, None, out)
    return out


@task(name="publish", cache_policy=NO_CACHE)
def publish_stage(
    out_dir: str,
    staging_dir: str,
    verdict: dict[str, Any],
    meta: dict[str, Any],
    keep_releases: int,
    cache_dir: str | None = None,
) -> dict[str, Any]:
    """Writes manifest and dataset card into the staging release and switches ``current`` to it,
    unless validation blocked it or its tables equal the current release's."""
    log = get_run_logger()
    store = io.open_store(out_dir, Path(cache_dir) if cache_dir else io.default_cache(out_dir))
    staging = Path(staging_dir)
    if verdict["verdict"] != "passed":
        log.error("publish: blocked by validation; the previous release stays in place")
        return {"published": False, "reason": "validation blocked the release", "release": None}
    tables = sorted(p.stem for p in staging.glob("*.parquet"))
    files = {
        f"{name}.parquet": {
            "rows": pl.scan_parquet(staging / f"{name}.parquet").select(pl.len()).collect().item(),
            "bytes": (staging / f"{name}.parquet").stat().st_size,
            "sha256": io.file_sha256(staging / f"{name}.parquet"),
        }
        for name in tables
    }
    content = release.content_fingerprint({k: v["sha256"] for k, v in files.items()})
    current = store.current()
    if current is not None:
        prev = io.read_json(current / "manifest.json") or {}
        prev_files = prev.get("files")
        if isinstance(prev_files, dict) and content == release.content_fingerprint(
            {k: v["sha256"] for k, v in prev_files.items() if isinstance(v, dict)}
        ):
            log.info("publish: tables identical to release %s; nothing new to publish", current.name)
            return {
                "published": False,
                "reason": "unchanged",
                "release": store.current_location(),
                "files": files,
            }
    created = dt.datetime.now(dt.UTC)
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
    quarantine = io.read_parquet(staging / "quarantine.parquet", schema.QUARANTINE)
    sections = {"Validation": verdict.get("summary") or ""}
    evaluation = store.read_json("evaluation/quotes.json")
    if evaluation:
        sections["Quote extraction, measured"] = (
            f"`newsfacts evaluate quotes` on {evaluation.get('gold')} ({evaluation.get('evaluated_at')}):\n\n"
            f"```\n{evaluation.get('report')}\n```"
        )
    ev_eval = store.read_json("evaluation/events.json")
    if ev_eval:
        sections["Event extraction, measured"] = (
            f"`newsfacts evaluate events` on {ev_eval.get('gold')} ({ev_eval.get('evaluated_at')}):\n\n"
            f"```\n{ev_eval.get('report')}\n```"
        )
    io.write_json(man, staging / "manifest.json")
    # How the release was built: lets the next run see that its tables would be the same.
    io.write_json({**meta.get("build", {}), "docs_index": verdict.get("docs_index")}, staging / "build.json")
    io.write_text(release.dataset_card(man, quarantine, sections), staging / "README.md")
    final = store.publish(staging, rid, tables, keep=keep_releases)
    log.info("publish: release %s is current (%s)", rid, final)
    return {"published": True, "reason": "new release", "release": final, "files": files}


@flow(name="newsfacts", log_prints=False)
def newsfacts_pipeline(
    raw_dir: str = "data/raw",
    out_dir: str = "data/out",
    cache_dir: str | None = None,
    full_refresh: bool = False,
    rerun_from: Literal["auto", "clean", "extract", "resolve", "validate"] = "auto",
    model: str = DEFAULT_MODEL,
    batch_size: int = 32,
    n_process: int = 2,
    chunk_size: int = 64,
    dask_address: str | None = None,
    dask_workers: int = 0,
    english_only: bool = True,
    max_file_mb: float = 20.0,
    max_article_chars: int = 200_000,
    keep_releases: int = 5,
    max_row_loss: float = 0.2,
    lock_wait_seconds: float = 0.0,
) -> dict[str, Any]:
    """Runs every stage over ``raw_dir`` and publishes a validated release into ``out_dir``.

    Incremental: a stage whose inputs, parameters and code are unchanged reuses its stored outputs
    (so a retried run resumes at the stage that failed); ``rerun_from`` recomputes that stage and
    the ones after it, ``full_refresh`` everything including the parse of every article.

    Returns the run summary: rows per table, quarantined inputs, the verdict and the release path.

    Args:
        raw_dir: Folder of raw articles (.txt, .jsonl/.json, .html).
        out_dir: Folder of the published releases.
        cache_dir: Extraction and stage cache (default: <out_dir>/../cache).
        full_refresh: Redo every stage and re-parse every article, ignoring all caches.
        rerun_from: "auto" redoes only what changed; a stage name redoes that stage and the ones after it.
        model: spaCy model package; another model is another extraction cache.
        batch_size: Articles per nlp.pipe batch.
        n_process: Parsing processes.
        chunk_size: Articles per extraction chunk (the unit saved to the cache).
        dask_address: Dask scheduler to parse on (none: local processes).
        dask_workers: Local Dask workers to start (0: no Dask).
        english_only: Quarantine articles detected as another language.
        max_file_mb: Larger raw files are quarantined unread.
        max_article_chars: Longer articles are quarantined.
        keep_releases: Releases kept in out_dir/releases.
        max_row_loss: Share of rows a table may lose against the previous release before validation blocks.
        lock_wait_seconds: How long to wait for another run holding the out dir's lock before failing.
    """
    log = get_run_logger()
    # Parameters can arrive from the UI: paths must stay inside the operator's data roots
    # (NEWSFACTS_DATA_ROOTS) and sizes within bounds. Paths come back absolute and resolved
    # (GX's Data Docs store and the release links need absolute paths).
    p = run_params.validate_params(
        raw_dir=raw_dir, out_dir=out_dir, cache_dir=cache_dir, full_refresh=full_refresh, model=model,
        batch_size=batch_size, n_process=n_process, chunk_size=chunk_size, dask_address=dask_address,
        dask_workers=dask_workers, english_only=english_only, max_file_mb=max_file_mb,
        max_article_chars=max_article_chars, keep_releases=keep_releases, max_row_loss=max_row_loss,
        lock_wait_seconds=lock_wait_seconds,
    )  # fmt: skip
    out = p.out_dir
    raw_dir = p.raw_dir
    cache = Path(p.cache_dir) if p.cache_dir else io.default_cache(out)
    store = io.open_store(out, cache)
    timings: dict[str, float] = {}
    with store.lock(wait_seconds=lock_wait_seconds):
        for stale in store.recover():
            log.warning("removed what an interrupted run left: %s", stale)
        run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        staging = store.new_staging(run_id)
        work = cache / "work" / run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            t0 = time.perf_counter()
            ing = ingest_stage(raw_dir, str(work), int(max_file_mb * 1_000_000), max_article_chars)
            timings["ingest"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            local_pool = not dask_address and not dask_workers
            cln = clean_stage(
                str(work),
                english_only,
                str(cache),
                stagecache.ignores_cache("clean", rerun_from, full_refresh),
                model if local_pool else None,
                n_process if local_pool else 0,
            )
            timings["clean"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            reparse = stagecache.ignores_cache("extract", rerun_from, full_refresh)
            ext = extract_stage(
                str(work),
                str(cache),
                model,
                batch_size,
                n_process,
                chunk_size,
                reparse,
                dask_address,
                dask_workers,
            )
            timings["extract"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = resolve_stage(
                str(work), str(cache), stagecache.ignores_cache("resolve", rerun_from, full_refresh)
            )
            timings["resolve"] = time.perf_counter() - t0

            raw_index = io.read_parquet(_work(str(work), "raw_articles")).select(
                "source_path", "record", "raw_sha256"
            )
            input_fp = release.input_fingerprint(raw_index)
            current = store.current()
            prev_fp = (
                (io.read_json(current / "manifest.json") or {}).get("input_fingerprint") if current else None
            )
            changes = _article_changes(_work(str(work), "articles"), current)
            revalidate = stagecache.ignores_cache("validate", rerun_from, full_refresh)
            vkey = _validate_key(str(work), max_row_loss)
            built = (io.read_json(current / "build.json") or {}) if current else {}
            t0 = time.perf_counter()
            skip = current is not None and not revalidate and built.get("validate_key") == vkey
            if skip and current is not None:
                # The current release was validated from these very tables: nothing can change.
                ver, pub = _unchanged(current, store.current_location())
                log.info("validate, publish: tables unchanged since release %s; skipped", current)
                timings["validate"] = time.perf_counter() - t0
            else:
                ver = validate_stage(
                    str(work),
                    str(staging),
                    out,
                    prev_fp != input_fp,
                    max_row_loss,
                    str(cache),
                    vkey,
                    revalidate,
                )
                timings["validate"] = time.perf_counter() - t0

            meta = {
                "model": model_info(model),
                "extractor_version": ext["extractor_version"],
                "input_fingerprint": input_fp,
                "parameters": {
                    "full_refresh": full_refresh,
                    "model": model,
                    "batch_size": batch_size,
                    "n_process": n_process,
                    "english_only": english_only,
                },
                "counts": {"ingest": ing, "clean": cln, "extract": ext, "resolve": res},
                "build": {"validate_key": vkey, "code_fingerprint": stagecache.code_fingerprint()},
            }
            if not skip:
                t0 = time.perf_counter()
                pub = publish_stage(out, str(staging), ver, meta, keep_releases, str(cache))
                timings["publish"] = time.perf_counter() - t0
            for stage in ("clean", "resolve", "validate"):
                stagecache.prune(cache, stage, keep=3)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    summary = _summary(store, ing, cln, ext, res, ver, pub, timings)
    summary["changes"] = changes
    _artifacts(summary, store)
    return summary


def _validate_key(work_dir: str, max_row_loss: float) -> str:
    """Returns the content key of what validation reads: every table of the release-to-be."""
    names = [t.name for t in schema.PUBLISHED_TABLES if t.name not in ("quarantine", "rejected")]
    files = [_work(work_dir, n) for n in (*names, "quarantine_ingest", "quarantine_clean")]
    return stagecache.stage_key("validate", files, {"max_row_loss": max_row_loss})


def _unchanged(current: Path, location: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Returns the verdict and publish result of a run whose tables are the current release's
    (``current``: its local copy; ``location``: where it is published)."""
    man = io.read_json(current / "manifest.json") or {}
    built = io.read_json(current / "build.json") or {}
    validation = man.get("validation")
    rejected = validation.get("rejected_rows", 0) if isinstance(validation, dict) else 0
    summary = current / "validation" / "summary.md"
    ver = {
        "verdict": "passed",
        "rejected": rejected,
        "docs_index": built.get("docs_index"),
        "summary": summary.read_text(encoding="utf-8") if summary.exists() else "",
    }
    pub = {
        "published": False,
        "reason": "unchanged",
        "release": location,
        "files": man.get("files") or {},
    }
    return ver, pub


def _article_changes(articles_path: Path, current: Path | None) -> dict[str, int]:
    """Counts this run's articles against the current release's: ``new`` (a source not seen
    before), ``changed`` (same source, different content), ``removed`` and ``unchanged``.
    A source is the raw file plus the record's own id where it has one."""
    cols = ["article_id", "source_path", "source_id"]
    now = io.read_parquet(articles_path).select(cols)
    prev = (
        io.read_parquet(current / "articles.parquet", schema.ARTICLES).select(cols)
        if current is not None
        else now.clear()
    )

    def keyed(f: pl.DataFrame) -> pl.DataFrame:
        return f.with_columns(
            source=pl.col("source_path") + pl.lit("#") + pl.col("source_id").fill_null("")
        ).select("article_id", "source")

    now_k, prev_k = keyed(now), keyed(prev)
    added = now_k.join(prev_k, on="article_id", how="anti")
    gone = prev_k.join(now_k, on="article_id", how="anti")
    changed = added.filter(pl.col("source").is_in(prev_k["source"].implode())).height
    return {
        "in": now.height,
        "new": added.height - changed,
        "changed": changed,
        "removed": gone.filter(~pl.col("source").is_in(now_k["source"].implode())).height,
        "unchanged": now.height - added.height,
    }


def _summary(
    store: io.ReleaseStore,
    ing: dict[str, int],
    cln: dict[str, int],
    ext: dict[str, Any],
    res: dict[str, int],
    ver: dict[str, Any],
    pub: dict[str, Any],
    timings: dict[str, float],
) -> dict[str, Any]:
    current = store.current()
    location = store.current_location()
    rows: dict[str, int] = {}
    quarantined: list[dict[str, object]] = []
    if current is not None:
        man = io.read_json(current / "manifest.json") or {}
        files = man.get("files") or {}
        if isinstance(files, dict):
            rows = {
                k.removesuffix(".parquet"): int(v["rows"]) for k, v in files.items() if isinstance(v, dict)
            }
        quarantined = io.read_parquet(current / "quarantine.parquet", schema.QUARANTINE).to_dicts()
    return {
        "release": location,
        "published": pub["published"],
        "publish_reason": pub["reason"],
        "verdict": ver["verdict"],
        "rejected": ver["rejected"],
        "docs_index": f"{location}/{ver['docs_index']}" if location and ver.get("docs_index") else None,
        "rows": rows,
        "quarantined": quarantined,
        "counts": {"ingest": ing, "clean": cln, "extract": ext, "resolve": res},
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def _uri(location: str) -> str:
    return location if io.is_url(location) else Path(location).as_uri()


def _artifacts(summary: dict[str, Any], store: io.ReleaseStore) -> None:
    """Leaves the run's report in the Prefect UI under stable keys (the UI keeps their history):
    the summary, the release's files and links to the release and its Data Docs."""
    ch = summary.get("changes") or {}
    ext = summary["counts"]["extract"]
    lines = [
        "# newsfacts run",
        "",
        f"- Verdict: **{summary['verdict']}**; published: **{summary['published']}** ({summary['publish_reason']})",
        f"- Release: `{summary['release']}`",
        f"- Articles in: {ch.get('in', summary['counts']['clean']['articles'])}; new {ch.get('new', '?')}, "
        f"changed {ch.get('changed', '?')}, removed {ch.get('removed', '?')}, unchanged {ch.get('unchanged', '?')}",
        f"- Extraction: parsed {ext['parsed']}, reused from cache {ext['cached']} (extractor {ext['extractor_version']})",
        f"- Rows rejected by validation: {summary['rejected']}",
        "- Time: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary["timings"].items()),
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {k} | {v} |" for k, v in sorted(summary["rows"].items())],
        "",
        f"Quarantined inputs: {len(summary['quarantined'])}",
        "",
        *[
            f"- `{q['source_path']}`{'#' + str(q['record']) if q.get('record') is not None else ''}: "
            f"{q['reason']} — {q['detail']}"
            for q in summary["quarantined"]
        ],
    ]
    create_markdown_artifact("\n".join(lines), key="newsfacts-run-summary", description="Run summary")
    local = store.current()
    if not summary["release"] or local is None:
        return
    rel_name = local.name
    files = (io.read_json(local / "manifest.json") or {}).get("files") or {}
    if isinstance(files, dict):
        create_table_artifact(
            [
                {"file": k, "rows": v.get("rows"), "bytes": v.get("bytes"), "sha256": v.get("sha256")}
                for k, v in sorted(files.items())
                if isinstance(v, dict)
            ],
            key="newsfacts-release-files",
            description=f"Files of release {rel_name}",
        )
    create_link_artifact(
        _uri(summary["release"]),
        link_text=f"release {rel_name}",
        key="newsfacts-release",
        description="The current release",
    )
    if summary.get("docs_index"):
        create_link_artifact(
            _uri(summary["docs_index"]),
            link_text=f"Data Docs of release {rel_name}",
            key="newsfacts-data-docs",
            description="Great Expectations Data Docs (validation results)",
        )
