"""``newsfacts evaluate events --gold FILE.jsonl``: runs the pipeline on PLOVER gold-standard records
(one coded sentence each) and scores the events with :mod:`transforms.evaluate_events`."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

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
    from flows.cli import EXIT_BLOCKED, EXIT_OK, _keep_evaluation, _prefect_env

    _prefect_env()
    from flows.pipeline import newsfacts_pipeline
    from storage.files import read_parquet, read_text, write_text
    from transforms import evaluate_events
    from transforms.events import VERSION

    gold_path = Path(args.gold)
    gold = read_text(gold_path)
    if gold is None:
        raise FileNotFoundError(gold_path)
    records = [json.loads(line) for line in gold.split("\n") if line.strip()]
    rows = "".join(
        json.dumps({"id": r["id"], "text": r["text"], "published_at": r.get("date")}) + "\n" for r in records
    )
    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-events-") as tmp:
        raw = Path(tmp) / "raw"
        write_text(rows, raw / "gold.jsonl")
        summary = cast(
            dict[str, Any],
            newsfacts_pipeline(
                raw_dir=str(raw), out_dir=str(Path(tmp) / "out"), n_process=args.processes, english_only=False
            ),
        )
        if not summary["release"]:
            print("newsfacts: the evaluation run published nothing", file=sys.stderr)
            return EXIT_BLOCKED
        rel = Path(summary["release"])
        predicted = evaluate_events.predicted_by_record(
            read_parquet(rel / "articles.parquet"),
            read_parquet(rel / "events.parquet"),
            read_parquet(rel / "event_mentions.parquet"),
        )
    figures = evaluate_events.score_events(records, predicted)
    report = evaluate_events.format_events_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    extractor = str(summary["counts"]["extract"]["extractor_version"])
    _keep_evaluation(
        args.out_dir, EVENTS_EVALUATION_FILE, gold_path.name, report, figures, VERSION, extractor
    )
    return EXIT_OK
