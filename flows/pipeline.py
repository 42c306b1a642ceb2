"""The newsfacts Prefect flow: ingest → clean → extract → resolve → validate → publish.

Each stage is a task that reads its inputs from files, calls pure transforms and writes its outputs
to the run's work directory, passing only paths and small summaries on (flow parameters and task
results stay small). The whole run holds the out dir's publish lock.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from transforms import clean, entities, events, ingest, io, quotes, release, schema
from transforms.extract import ArticleInput, extractor_version
from transforms.nlp import DEFAULT_MODEL, model_info

from .parallel import chunked, map_extract

STAGES = ("ingest", "clean", "extract", "resolve", "validate", "publish")


def _work(work_dir: str, name: str) -> Path:
    return Path(work_dir) / f"{name}.parquet"


@task(name="ingest", cache_policy=NO_CACHE)
def ingest_stage(raw_dir: str, work_dir: str, max_file_bytes: int, max_article_chars: int) -> dict[str, int]:
    """Reads every raw file into ``raw_articles``; unreadable inputs go to ``quarantine_ingest``."""
    log = get_run_logger()
    limits = ingest.IngestLimits(max_file_bytes=max_file_bytes, max_article_chars=max_article_chars)
    rows: list[dict[str, object]] = []
    bad: list[dict[str, object]] = []
    n_files = 0
    for item in io.list_raw(Path(raw_dir), limits):
        n_files += 1
        if item.problem is not None:
            bad.append(item.problem.row())
            continue
        assert item.data is not None
        got, refused = ingest.read_records(item.source_path, item.data, limits)
        rows.extend(got)
        bad.extend(q.row() for q in refused)
    raw = schema.conform(pl.DataFrame(rows, schema=schema.RAW_ARTICLES.polars_schema), schema.RAW_ARTICLES)
    io.write_parquet(raw, _work(work_dir, "raw_articles"))
    quarantine = pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema)
    io.write_parquet(schema.conform(quarantine, schema.QUARANTINE), _work(work_dir, "quarantine_ingest"))
    log.info("ingest: %d files → %d records, %d quarantined", n_files, raw.height, len(bad))
    return {"files": n_files, "records": raw.height, "quarantined": len(bad)}


@task(name="clean", cache_policy=NO_CACHE)
def clean_stage(work_dir: str, english_only: bool) -> dict[str, int]:
    """Cleans every raw record into ``articles``; refused ones go to ``quarantine_clean``."""
    log = get_run_logger()
    raw = io.read_parquet(_work(work_dir, "raw_articles"))
    articles, bad = clean.clean_articles(raw, english_only=english_only)
    io.write_parquet(articles, _work(work_dir, "articles"))
    quarantine = schema.conform(pl.DataFrame(bad, schema=schema.QUARANTINE.polars_schema), schema.QUARANTINE)
    io.write_parquet(quarantine, _work(work_dir, "quarantine_clean"))
    n_dup = articles.filter(pl.col("duplicate_of").is_not_null()).height
    log.info(
        "clean: %d articles (%d near-duplicates marked), %d quarantined", articles.height, n_dup, len(bad)
    )
    return {"articles": articles.height, "near_duplicates": n_dup, "quarantined": len(bad)}


@task(name="extract", cache_policy=NO_CACHE)
def extract_stage(
    work_dir: str,
    cache_dir: str,
    model: str,
    batch_size: int,
    n_process: int,
    chunk_size: int,
    full_refresh: bool,
) -> dict[str, Any]:
    """Parses each article once and extracts mentions, quotes and events; reuses the cache for
    articles whose id and extractor version are unchanged (unless ``full_refresh``)."""
    log = get_run_logger()
    articles = io.read_parquet(_work(work_dir, "articles")).select(
        "article_id", "text", "published_at", "boilerplate_removed", "boilerplate_rules"
    )
    version = extractor_version(model)
    ids = set(articles["article_id"].to_list())
    cache_root = Path(cache_dir)
    cached = io.read_cached(cache_root, version, set() if full_refresh else ids)
    done = set(cached["_done"]["article_id"].to_list())
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
    parts: dict[str, list[pl.DataFrame]] = {t.name: [cached[t.name]] for t in schema.EXTRACT_TABLES}
    n_done = 0
    started = time.perf_counter()
    for chunk, frames in map_extract(chunked(todo, chunk_size), model, batch_size, n_process):
        io.write_cached(cache_root, version, frames, [a.article_id for a in chunk])
        for name, frame in frames.items():
            parts[name].append(frame)
        n_done += len(chunk)
        log.info("extract: parsed %d/%d articles (%.1f s)", n_done, len(todo), time.perf_counter() - started)
    for t in schema.EXTRACT_TABLES:
        frame = pl.concat(parts[t.name], how="vertical_relaxed").filter(pl.col("article_id").is_in(list(ids)))
        io.write_parquet(schema.conform(frame, t), _work(work_dir, t.name))
    return {"articles": len(ids), "cached": len(done), "parsed": len(todo), "extractor_version": version}


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_stage(work_dir: str) -> dict[str, int]:
    """Links mentions to canonical entities, attributes quotes and merges events across articles."""
    log = get_run_logger()
    x_ent = io.read_parquet(_work(work_dir, "x_entity_mentions"))
    x_quotes = io.read_parquet(_work(work_dir, "x_quotes"))
    x_events = io.read_parquet(_work(work_dir, "x_event_mentions"))
    ents, mentions, merges = entities.resolve_entities(x_ent)
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
    return counts


@task(name="validate", cache_policy=NO_CACHE)
def validate_stage(
    work_dir: str, staging_dir: str, out_dir: str, input_changed: bool, max_row_loss: float
) -> dict[str, Any]:
    """Runs the expectation suites; writes the validated tables, ``rejected`` and the Data Docs into
    the staging release. Returns the verdict."""
    from expectations.runner import validate  # GX is slow to import: only when validating

    log = get_run_logger()
    staging = Path(staging_dir)
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
    previous = io.read_release(io.current_release(Path(out_dir)))
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
    return {
        "verdict": verdict,
        "rejected": result.rejected.height,
        # relative to the release: the staging directory is renamed when published
        "docs_index": result.docs_index.relative_to(staging).as_posix() if result.docs_index else None,
        "summary": md,
    }


@task(name="publish", cache_policy=NO_CACHE)
def publish_stage(
    out_dir: str,
    staging_dir: str,
    work_dir: str,
    verdict: dict[str, Any],
    meta: dict[str, Any],
    keep_releases: int,
) -> dict[str, Any]:
    """Writes manifest and dataset card into the staging release and switches ``current`` to it,
    unless validation blocked it or its tables equal the current release's."""
    log = get_run_logger()
    out, staging = Path(out_dir), Path(staging_dir)
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
    current = io.current_release(out)
    if current is not None:
        prev = io.read_json(current / "manifest.json") or {}
        prev_files = prev.get("files")
        if isinstance(prev_files, dict) and content == release.content_fingerprint(
            {k: v["sha256"] for k, v in prev_files.items() if isinstance(v, dict)}
        ):
            log.info("publish: tables identical to release %s; nothing new to publish", current.name)
            return {"published": False, "reason": "unchanged", "release": str(current), "files": files}
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
    io.write_json(man, staging / "manifest.json")
    io.write_text(release.dataset_card(man, quarantine, sections), staging / "README.md")
    final = io.switch_release(out, staging, rid, tables, keep=keep_releases)
    log.info("publish: release %s is current (%s)", rid, final)
    return {"published": True, "reason": "new release", "release": str(final), "files": files}


@flow(name="newsfacts", log_prints=False)
def newsfacts_pipeline(
    raw_dir: str = "data/raw",
    out_dir: str = "data/out",
    cache_dir: str | None = None,
    full_refresh: bool = False,
    model: str = DEFAULT_MODEL,
    batch_size: int = 32,
    n_process: int = 2,
    chunk_size: int = 64,
    english_only: bool = True,
    max_file_mb: float = 20.0,
    max_article_chars: int = 200_000,
    keep_releases: int = 5,
    max_row_loss: float = 0.2,
    lock_wait_seconds: float = 0.0,
) -> dict[str, Any]:
    """Runs every stage over ``raw_dir`` and publishes a validated release into ``out_dir``.

    Returns the run summary: rows per table, quarantined inputs, the verdict and the release path.
    """
    log = get_run_logger()
    out = Path(out_dir)
    cache = Path(cache_dir) if cache_dir else out.parent / "cache"
    timings: dict[str, float] = {}
    with io.publish_lock(out, wait_seconds=lock_wait_seconds):
        for stale in io.clear_stale_staging(out):
            log.warning("removed a staging directory left by an interrupted run: %s", stale)
        run_id = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{os.getpid()}"
        staging = io.new_staging(out, run_id)
        work = cache / "work" / run_id
        work.mkdir(parents=True, exist_ok=True)
        try:
            t0 = time.perf_counter()
            ing = ingest_stage(raw_dir, str(work), int(max_file_mb * 1_000_000), max_article_chars)
            timings["ingest"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            cln = clean_stage(str(work), english_only)
            timings["clean"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            ext = extract_stage(str(work), str(cache), model, batch_size, n_process, chunk_size, full_refresh)
            timings["extract"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            res = resolve_stage(str(work))
            timings["resolve"] = time.perf_counter() - t0

            raw_index = io.read_parquet(_work(str(work), "raw_articles")).select(
                "source_path", "record", "raw_sha256"
            )
            input_fp = release.input_fingerprint(raw_index)
            current = io.current_release(out)
            prev_fp = (
                (io.read_json(current / "manifest.json") or {}).get("input_fingerprint") if current else None
            )
            t0 = time.perf_counter()
            ver = validate_stage(str(work), str(staging), str(out), prev_fp != input_fp, max_row_loss)
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
            }
            t0 = time.perf_counter()
            pub = publish_stage(str(out), str(staging), str(work), ver, meta, keep_releases)
            timings["publish"] = time.perf_counter() - t0
        finally:
            shutil.rmtree(work, ignore_errors=True)
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    summary = _summary(out, ing, cln, ext, res, ver, pub, timings)
    _artifacts(summary)
    return summary


def _summary(
    out: Path,
    ing: dict[str, int],
    cln: dict[str, int],
    ext: dict[str, Any],
    res: dict[str, int],
    ver: dict[str, Any],
    pub: dict[str, Any],
    timings: dict[str, float],
) -> dict[str, Any]:
    current = io.current_release(out)
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
        "release": str(current) if current else None,
        "published": pub["published"],
        "publish_reason": pub["reason"],
        "verdict": ver["verdict"],
        "rejected": ver["rejected"],
        "docs_index": str(current / ver["docs_index"]) if current and ver.get("docs_index") else None,
        "rows": rows,
        "quarantined": quarantined,
        "counts": {"ingest": ing, "clean": cln, "extract": ext, "resolve": res},
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def _artifacts(summary: dict[str, Any]) -> None:
    lines = [
        "# newsfacts run",
        "",
        f"- Verdict: **{summary['verdict']}**; published: **{summary['published']}** ({summary['publish_reason']})",
        f"- Release: `{summary['release']}`",
        f"- Articles: {summary['counts']['clean']['articles']} "
        f"(parsed {summary['counts']['extract']['parsed']}, from cache {summary['counts']['extract']['cached']})",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| {k} | {v} |" for k, v in sorted(summary["rows"].items())],
        "",
        f"Quarantined inputs: {len(summary['quarantined'])}",
        "",
        *[f"- `{q['source_path']}`: {q['reason']} — {q['detail']}" for q in summary["quarantined"]],
    ]
    create_markdown_artifact("\n".join(lines), key="newsfacts-run-summary", description="Run summary")
    if summary["release"]:
        create_link_artifact(
            Path(summary["release"]).as_uri(),
            link_text="current release",
            key="newsfacts-release",
            description="The published release directory",
        )
