"""What a run reports: its summary (returned by the flow, printed by the CLI), the counts of new,
changed and removed articles, and the Prefect artifacts the UI shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from storage.catalog import public_base
from storage.files import read_json, read_parquet, read_text, write_parquet
from storage.locations import is_url
from storage.partitions import load_table, read_table
from storage.releases import RELEASES
from storage.stores import ReleaseStore
from transforms import guard, schema

# Quarantined inputs listed in the run summary; the release's quarantine table holds them all.
MAX_LISTED = 20
# Under the cache folder: the quarantine of the latest blocked runs (no release holds it).
BLOCKED_QUARANTINE = "quarantine"


def unchanged(current: Path, location: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Returns the verdict and publish result of a run whose tables are the current release's
    (``current``: its local copy; ``location``: where it is published)."""
    man = read_json(current / "manifest.json") or {}
    built = read_json(current / "build.json") or {}
    validation = man.get("validation")
    rejected = validation.get("rejected_rows", 0) if isinstance(validation, dict) else 0
    ver = {
        "verdict": "passed",
        "rejected": rejected,
        "docs_index": built.get("docs_index"),
        "summary": read_text(current / "validation" / "summary.md") or "",
    }
    pub = {
        "published": False,
        "reason": "unchanged",
        "release": location,
        "files": man.get("files") or {},
    }
    return ver, pub


def _article_sources(release: Path, cols: list[str], skipped: list[Path] | None) -> pl.DataFrame:
    frame = read_table(release, schema.ARTICLES, cols, skipped)
    if frame is None:
        raise FileNotFoundError(release / "articles.parquet")
    return frame.select(cols)


def article_changes(
    articles_path: Path, current: Path | None, skipped: list[Path] | None = None
) -> dict[str, int]:
    """Counts this run's articles against the current release's: ``new`` (a source not seen
    before), ``changed`` (same source, different content), ``removed`` and ``unchanged``.
    A source is the raw file plus the record's own id where it has one. A damaged file of the
    current release is left out (added to ``skipped`` when given): its articles count as new."""
    cols = ["article_id", "source_path", "source_id"]
    now = read_parquet(articles_path, columns=cols)  # not the texts
    lost: list[Path] = [] if skipped is None else skipped
    prev = now.clear()
    if current is not None:
        try:  # one parallel scan of the id columns
            prev = _article_sources(current, cols, None)
        except (OSError, pl.exceptions.PolarsError):  # a damaged file: left out, the rest read
            prev = _article_sources(current, cols, lost)

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


def run_quarantine(parts: list[Path]) -> pl.DataFrame:
    """Returns the inputs this run quarantined (the stage files ``parts`` that exist, in order)."""
    frames = [read_parquet(p, schema.QUARANTINE) for p in parts if p.exists()]
    return schema.conform(pl.concat(frames) if frames else schema.empty(schema.QUARANTINE), schema.QUARANTINE)


def keep_blocked_quarantine(quarantine: pl.DataFrame, cache_root: Path, run_id: str, keep: int = 5) -> Path:
    """Writes the quarantine of a blocked run (no release holds it) to
    ``<cache>/quarantine/<run_id>.parquet``, keeps the latest ``keep`` such files and returns the path."""
    folder = cache_root / BLOCKED_QUARANTINE
    path = folder / f"{run_id}.parquet"
    write_parquet(quarantine, path, schema.QUARANTINE)
    for old in sorted(folder.glob("*.parquet"))[:-keep]:
        old.unlink(missing_ok=True)
    return path


def summary(
    store: ReleaseStore,
    counts: dict[str, dict[str, Any]],
    ver: dict[str, Any],
    pub: dict[str, Any],
    timings: dict[str, float],
    quarantine: pl.DataFrame | None = None,
) -> dict[str, Any]:
    """Returns the run summary: the release, the verdict, rows per table of the current release,
    this run's quarantined inputs (``quarantine``; without it, the current release's), the stage
    ``counts`` and the ``timings``. A blocked run's quarantine is in no release: the summary points
    at the file ``pub["quarantine_file"]`` that holds it."""
    current = store.current()
    location = store.current_location()
    rows: dict[str, int] = {}
    if current is not None:
        man = read_json(current / "manifest.json") or {}
        files = man.get("files") or {}
        if isinstance(files, dict):
            rows = guard.rows_of(files)
        if quarantine is None:
            # A damaged file of the current release is left out (the run already said so).
            quarantine = load_table(current, "quarantine", [])
    if quarantine is None:
        quarantine = schema.empty(schema.QUARANTINE)
    # A bad feed can quarantine thousands of records: the summary lists a few, the table all.
    quarantined = quarantine.head(MAX_LISTED).to_dicts()
    n_quarantined = quarantine.height
    if pub.get("quarantine_file"):
        table_at: str | None = str(pub["quarantine_file"])
    else:
        table_at = f"{location}/quarantine.parquet" if location else None
    base = public_base(store)
    return {
        "release": location,
        "release_id": current.name if current is not None else None,
        "published": pub["published"],
        "blocked": bool(pub.get("blocked")),
        "publish_reason": pub["reason"],
        "download_page": f"{base}/index.html" if base else _page(store),
        "verdict": ver["verdict"],
        "rejected": ver["rejected"],
        "docs_index": f"{location}/{ver['docs_index']}" if location and ver.get("docs_index") else None,
        "rows": rows,
        "quarantined": quarantined,
        "quarantined_total": n_quarantined,
        "quarantine_table": table_at,
        "counts": counts,
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }


def _uri(location: str) -> str:
    return location if is_url(location) else Path(location).as_uri()


def _page(store: ReleaseStore) -> str:
    """Returns where the download page of a store is (no public URL known)."""
    return f"{store.location}/index.html"


def _link(summary: dict[str, Any], store: ReleaseStore, rel: str | None) -> str:
    """Returns the http URL of ``rel`` (relative to the out location) when the out location is
    served (:func:`storage.catalog.public_base`), else its file:// or object-store URL."""
    base = public_base(store)
    if base and rel is not None:
        return f"{base}/{rel}"
    return _uri(f"{store.location}/{rel}" if rel is not None else str(summary["release"]))


def artifacts(summary: dict[str, Any], store: ReleaseStore) -> None:
    """Leaves the run's report in the Prefect UI under stable keys (the UI keeps their history):
    the summary, the release's files and links to the release and its Data Docs."""
    ch = summary.get("changes") or {}
    ext = summary["counts"]["extract"]
    lines = [
        "# newsfacts run",
        "",
        f"- Verdict: **{summary['verdict']}**; published: **{summary['published']}** ({summary['publish_reason']})",
        f"- Download page: {summary['download_page']}",
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
        f"Quarantined inputs: {summary.get('quarantined_total', len(summary['quarantined']))}"
        + (
            f" (the first {len(summary['quarantined'])} below; all in `{summary['quarantine_table']}`)"
            if summary.get("quarantined_total", 0) > len(summary["quarantined"])
            else ""
        ),
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
    files = (read_json(local / "manifest.json") or {}).get("files") or {}
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
    rel = f"{RELEASES}/{rel_name}"
    create_link_artifact(
        _link(summary, store, "index.html"),
        link_text="download page",
        key="newsfacts-download-page",
        description="Every release and file with rows, size, sha256 and links; plots and the card",
    )
    create_link_artifact(
        _link(summary, store, f"{rel}/"),
        link_text=f"release {rel_name}",
        key="newsfacts-release",
        description="The current release",
    )
    if summary.get("docs_index"):
        docs = str(summary["docs_index"])
        create_link_artifact(
            _link(summary, store, f"{rel}/{docs.split(rel_name + '/', 1)[-1]}"),
            link_text=f"Data Docs of release {rel_name}",
            key="newsfacts-data-docs",
            description="Great Expectations Data Docs (validation results)",
        )
