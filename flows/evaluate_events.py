"""``newsfacts evaluate events --gold FILE.jsonl``: runs the pipeline on PLOVER gold-standard records
(one coded sentence each) and scores the events with :mod:`transforms.evaluate_events`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

EVENTS_EVALUATION_FILE = "evaluation/events.json"  # under the out dir, beside the quote figures


def add_args(p: argparse.ArgumentParser) -> None:
    """Adds the arguments of ``evaluate events``."""
    p.add_argument("--gold", required=True, help="JSONL gold in the PLOVER GSR format (id, text, event, …)")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out-dir", default="data/out", help="where the figures are kept for the dataset card")


def cmd_evaluate_events(args: argparse.Namespace) -> int:
    """Runs the pipeline on the gold sentences in a temporary directory, prints the event figures
    and keeps them under the out dir; returns the exit code."""
    import polars as pl

    from flows.cli import _prefect_env

    _prefect_env()
    from flows.pipeline import newsfacts_pipeline
    from transforms import evaluate_events, io

    gold_path = Path(args.gold)
    records = [
        json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-events-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        with open(raw / "gold.jsonl", "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps({"id": r["id"], "text": r["text"], "published_at": r.get("date")}) + "\n")
        summary = newsfacts_pipeline(
            raw_dir=str(raw), out_dir=str(Path(tmp) / "out"), n_process=args.processes, english_only=False
        )
        if not summary["release"]:
            print("newsfacts: the evaluation run published nothing", file=sys.stderr)
            return 1
        rel = Path(summary["release"])
        predicted = evaluate_events.predicted_by_record(
            pl.read_parquet(rel / "articles.parquet"),
            pl.read_parquet(rel / "events.parquet"),
            pl.read_parquet(rel / "event_mentions.parquet"),
        )
    figures = evaluate_events.score_events(records, predicted)
    report = evaluate_events.format_events_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    store = io.open_store(args.out_dir, io.default_cache(args.out_dir))
    store.write_json(
        {
            "gold": gold_path.name,
            "evaluated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "report": report,
            "figures": figures,
        },
        EVENTS_EVALUATION_FILE,
    )
    return 0
