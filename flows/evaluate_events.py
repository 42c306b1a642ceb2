"""``newsfacts evaluate events --gold FILE.jsonl``: runs the pipeline on PLOVER gold-standard records
(one coded sentence each) and scores the events with :mod:`transforms.evaluate_events`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

EVENTS_EVALUATION_FILE = "evaluation/events.json"  # under the out dir, beside the quote figures


def cmd_evaluate_events(args: argparse.Namespace) -> int:
    """Runs the pipeline on the gold sentences in a temporary directory, prints the event figures
    and keeps them under the out dir; returns the exit code."""
    from flows.cli import EXIT_BLOCKED, EXIT_OK, _keep_evaluation, gold_run
    from storage.files import read_json, read_text
    from storage.partitions import load_table
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
    with gold_run(rows, args.processes) as rel:
        if rel is None:
            return EXIT_BLOCKED
        predicted = evaluate_events.predicted_by_record(
            load_table(rel, "articles"),
            load_table(rel, "events"),
            load_table(rel, "event_mentions"),
        )
        extractor = str((read_json(rel / "manifest.json") or {}).get("extractor_version"))
    figures = evaluate_events.score_events(records, predicted)
    report = evaluate_events.format_events_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    _keep_evaluation(
        args.out_dir, EVENTS_EVALUATION_FILE, gold_path.name, report, figures, VERSION, extractor
    )
    return EXIT_OK
