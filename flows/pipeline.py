"""The newsfacts Prefect flow: ingest → clean → extract → resolve → validate → publish.

The flow validates its parameters, resolves every location once (:class:`storage.locations.Locations`)
and runs the stages of :mod:`flows.stages` in order under the out dir's publish lock; the tasks
pass only locations, paths and small summaries on. :mod:`flows.report` builds what the run returns
and shows in the UI. The parameters are specified in :mod:`flows.params`.
"""

# No `from __future__ import annotations` here: a served flow run gets the flow function pickled
# by value, without the module globals its string annotations would need (`Literal` failed
# parameter validation); real annotation objects travel with it.
import datetime as dt
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from prefect import flow, get_run_logger
from pydantic import Field

from storage import stagecache
from storage.files import clear_stale_work, make_dir, read_json, read_parquet, remove_dir
from storage.locations import Locations, local_path
from storage.partitions import release_problems
from storage.stores import ReleaseStore, release_store
from transforms import release
from transforms.extract import extractor_version
from transforms.nlp import DEFAULT_MODEL, model_info

from . import background, outcome, report
from . import params as run_params
from .checks import check_model
from .params import PublishText, RerunFrom
from .stagekit import ignores_cache
from .stages import (
    QUARANTINE_PARTS,
    clean_stage,
    extract_stage,
    ingest_stage,
    publish_stage,
    resolve_stage,
    validate_key,
    validate_stage,
)


def _raw_listing(loc: Locations, model: str) -> str | None:
    """Returns the listing of the local raw folder (:func:`storage.stagecache.raw_listing`), or
    None for a remote one or when it cannot be listed (a hint for the next run, never a failure)."""
    if loc.raw_is_url:
        return None
    try:
        return stagecache.raw_listing(local_path(loc.raw), extractor_version(model))
    except (OSError, UnicodeError):
        return None


# The highest n_process and dask_workers (the machine's cores), as flows.params bounds them.
_CPUS = run_params.max_processes()


@flow(name="newsfacts", log_prints=False)
@run_params.flow_parameters  # checks this signature against the spec and documents the parameters
def newsfacts_pipeline(
    raw_dir: str = "data/raw",
    out_dir: str = "data/out",
    cache_dir: str | None = None,
    full_refresh: bool = False,
    rerun_from: RerunFrom = "auto",
    model: str = DEFAULT_MODEL,
    batch_size: Annotated[int, Field(ge=1, le=1024)] = 32,
    n_process: Annotated[int, Field(ge=1, le=_CPUS)] = 2,
    chunk_size: Annotated[int, Field(ge=1, le=10_000)] = 64,
    dask_address: str | None = None,
    dask_workers: Annotated[int, Field(ge=0, le=_CPUS)] = 0,
    english_only: bool = True,
    max_file_mb: Annotated[float, Field(ge=0.001, le=1024.0)] = 20.0,
    max_article_chars: Annotated[int, Field(ge=100, le=1_000_000)] = 200_000,
    keep_releases: Annotated[int, Field(ge=1, le=100)] = 5,
    max_row_loss: Annotated[float, Field(ge=0.0, le=1.0)] = 0.2,
    allow_shrink: bool = False,
    publish_text: PublishText = "full",
    lock_wait_seconds: Annotated[float, Field(ge=0.0, le=86_400.0)] = 0.0,
) -> Any:
    """Runs every stage over ``raw_dir`` and publishes a validated release into ``out_dir``.

    Incremental: a stage whose inputs, parameters and code are unchanged reuses its stored outputs
    (so a retried run resumes at the stage that failed); ``rerun_from`` recomputes that stage and
    the ones after it, ``full_refresh`` everything including the parse of every article.

    Ends Published, Unchanged or Blocked (a Failed state that says why: validation failed, the
    input was empty or a table shrank by more than ``max_row_loss`` without ``allow_shrink``).
    Returns the run summary: rows per table, quarantined inputs, the verdict and the release path.
    """
    # Parameters can arrive from the UI: paths must stay inside the operator's data roots
    # (NEWSFACTS_DATA_ROOTS) and sizes within bounds. Paths come back absolute and resolved
    # (GX's Data Docs store and the release links need absolute paths).
    p = run_params.validate_params(**locals())  # first: the parameters are the only locals yet
    if not p.dask_address:  # the parse runs here: fail now, not after ingest and clean
        check_model(p.model)
    log = get_run_logger()
    loc = Locations.resolve(p.out_dir, p.cache_dir, raw=p.raw_dir)
    store = release_store(loc)
    # The stages collect garbage after their big steps (memory back before the next peak); each
    # full collection walks every object, ~0.3 s with the imported modules' 200k+. Those live as
    # long as the process: frozen out of the collections for the run (a 1%-new rerun: ~1.5 s).
    gc.freeze()
    try:
        return _run(p, log, loc, store)
    finally:
        gc.unfreeze()  # what this run left is collected as usual (a process running many flows)


def _run(p: run_params.RunParams, log: Any, loc: Locations, store: ReleaseStore) -> Any:
    """Runs the stages for :func:`newsfacts_pipeline` (``p``: its checked parameters)."""
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}  # this process's CPU seconds per stage (walls mislead on a busy machine)

    def timed(stage: str, run: Callable[[], Any]) -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        result = run()
        timings[stage] = time.perf_counter() - t0
        cpu[stage] = time.process_time() - c0
        return result

    def redo(stage: str) -> bool:
        return ignores_cache(stage, p.rerun_from, p.full_refresh)

    with store.lock(wait_seconds=p.lock_wait_seconds):
        for stale in store.recover():
            log.warning("removed what an interrupted run left: %s", stale)
        for stale in clear_stale_work(loc.cache_root / "work"):
            log.warning("removed the work folder a killed run left: %s", stale)
        run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        staging = store.new_staging(run_id)
        loc = loc.for_run(run_id)
        make_dir(loc.work_dir)
        # What ingest will read, listed first: the next run compares it to start its parse early.
        listing = _raw_listing(loc, p.model)
        try:
            ing = timed(
                "ingest", lambda: ingest_stage(loc, int(p.max_file_mb * 1_000_000), p.max_article_chars)
            )
            # Without Dask, the clean stage starts the parse workers while it runs.
            local_pool = not p.dask_address and not p.dask_workers
            cln = timed(
                "clean",
                lambda: clean_stage(
                    loc,
                    p.english_only,
                    redo("clean"),
                    warm_model=p.model if local_pool else None,
                    warm_processes=p.n_process if local_pool else 0,
                    batch_size=p.batch_size,
                    reparse=redo("extract"),
                ),
            )
            ext = timed(
                "extract",
                lambda: extract_stage(
                    loc,
                    p.model,
                    p.batch_size,
                    p.n_process,
                    p.chunk_size,
                    redo("extract"),
                    p.dask_address,
                    p.dask_workers,
                ),
            )
            res = timed("resolve", lambda: resolve_stage(loc, redo("resolve")))

            # This run's quarantine: the summary reports it even when nothing is published.
            quarantine = report.run_quarantine([loc.work_file(n) for n in QUARANTINE_PARTS])
            raw_index = read_parquet(loc.work_file("raw_articles")).select(
                "source_path", "record", "raw_sha256"
            )
            input_fp = release.input_fingerprint(raw_index)
            current = store.current()
            prev_fp = (
                (read_json(current / "manifest.json") or {}).get("input_fingerprint") if current else None
            )
            # A current release with a listed file missing or resized is not served as unchanged:
            # the new tables are validated and published again.
            damage = release_problems(current) if current is not None else []
            for problem in damage:
                log.warning("current release %s is damaged: %s", current, problem)
            unreadable: list[Path] = []
            changes = report.article_changes(loc.work_file("articles"), current, unreadable)
            for f in unreadable:
                log.warning("current release: unreadable file %s left out of the change counts", f)
            revalidate = redo("validate")
            vkey = validate_key(loc, p.max_row_loss)
            built = (read_json(current / "build.json") or {}) if current else {}
            skip = (
                current is not None
                and not damage
                and not revalidate
                and built.get("validate_key") == vkey
                and built.get("publish_text", "full") == p.publish_text
            )
            if skip and current is not None:
                # The current release was validated from these very tables: nothing can change.
                ver, pub = timed("validate", lambda: report.unchanged(current, store.current_location()))
                log.info("validate, publish: tables unchanged since release %s; skipped", current)
            else:
                ver = timed(
                    "validate",
                    lambda: validate_stage(
                        loc,
                        str(staging),
                        prev_fp != input_fp,
                        p.max_row_loss,
                        vkey,
                        revalidate,
                        p.publish_text,
                    ),
                )

            counts = {"ingest": ing, "clean": cln, "extract": ext, "resolve": res}
            meta = {
                "model": model_info(p.model),
                "extractor_version": ext["extractor_version"],
                "input_fingerprint": input_fp,
                "parameters": p.manifest_parameters(),
                "counts": counts,
                "build": {"validate_key": vkey, "code_fingerprint": stagecache.code_fingerprint()},
            }
            if not skip:
                pub = timed(
                    "publish",
                    lambda: publish_stage(
                        loc,
                        str(staging),
                        ver,
                        meta,
                        p.keep_releases,
                        p.max_row_loss,
                        p.allow_shrink,
                        p.publish_text,
                    ),
                )
            for stage in ("clean", "resolve", "validate"):
                stagecache.prune(loc.cache_root, stage, keep=3)
            if listing is not None:
                stagecache.keep_raw_listing(loc.cache_root, local_path(loc.raw), listing)
        finally:
            # What the stages left running in threads (a pool's exit, the cache's folding) ends
            # before the lock is released: the next run finds the cache as this one left it.
            background.wait_all()
            remove_dir(loc.work_dir)
            remove_dir(staging)
    if pub.get("blocked") and quarantine.height:
        pub["quarantine_file"] = str(report.keep_blocked_quarantine(quarantine, loc.cache_root, run_id))
    summary = report.summary(store, counts, ver, pub, timings, quarantine)
    summary["changes"] = changes
    summary["cpu_s"] = {k: round(v, 3) for k, v in cpu.items()}
    report.artifacts(summary, store)
    return outcome.final_state(summary, store)
