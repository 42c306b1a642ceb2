"""The ``newsfacts`` command: ``newsfacts run`` runs the flow locally (against ``PREFECT_API_URL``,
or else a temporary Prefect server started first thing, :mod:`flows.earlyserver`) and prints a
summary; ``newsfacts evaluate quotes --gold FILE`` scores quotes; ``newsfacts evaluate cleaning
--gold FILE`` scores cleaned web-page text."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from flows.params import RunParams

# 4: the run failed for a reason that is not the input (an unreachable Prefect API, a disk, a bug):
# nothing was published, and a script can tell it from a release blocked by validation (1).
EXIT_OK, EXIT_BLOCKED, EXIT_USAGE, EXIT_LOCKED, EXIT_FAILED = 0, 1, 2, 3, 4


def _prefect_env() -> None:
    # Offline and quiet by default; an operator's own settings win.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # The temporary server can take long to start on a loaded 2-core machine (default: 20 s).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _add_run_args(p: argparse.ArgumentParser) -> None:
    """Adds the options of ``newsfacts run``: one per run parameter of the spec that has a flag."""
    from typing import Literal, get_args, get_origin

    from flows.params import param_types, specs

    types = param_types()
    for f, spec in specs():
        if spec.flag is None:
            continue
        kind = types[f.name]
        opts: dict[str, Any] = {"dest": f.name, "default": f.default, "help": spec.help}
        if kind is bool:
            opts["action"] = "store_true"
        elif get_origin(kind) is Literal:
            opts["choices"] = get_args(kind)
        else:
            if kind in (int, float):
                opts["type"] = kind
            # as argparse names a flag's value, not after the parameter (--processes PROCESSES)
            opts["metavar"] = spec.metavar or spec.flag.lstrip("-").replace("-", "_").upper()
        if f.default is not None and kind is not bool:
            opts["help"] += f" (default: {f.default})"
        p.add_argument(spec.flag, **opts)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


def _run_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Returns the flow's parameters given on the command line (every option of the spec)."""
    from flows.params import specs

    return {f.name: getattr(args, f.name) for f, spec in specs() if spec.flag is not None}


def format_summary(s: dict[str, Any]) -> str:
    """Returns the run summary as the short text ``newsfacts run`` prints."""
    lines = [""]
    state = "published a new release" if s["published"] else f"published nothing ({s['publish_reason']})"
    lines.append(f"newsfacts: validation {s['verdict']}; {state}")
    lines.append(f"release: {s['release'] or '(none yet)'}")
    if s.get("download_page"):
        lines.append(f"download page: {s['download_page']}")
    if s.get("docs_index"):
        lines.append(f"data docs: {s['docs_index']}")
    ext = s["counts"]["extract"]
    lines.append(
        f"articles: {s['counts']['clean']['articles']} (parsed {ext['parsed']}, reused {ext['cached']})"
    )
    if s["rows"]:
        # A blocked run's tables were not published: the rows shown are the release still served.
        label = "rows of the current release (unchanged)" if s.get("blocked") else "rows"
        lines.append(f"{label}: " + ", ".join(f"{k}={v}" for k, v in sorted(s["rows"].items())))
    if s["rejected"]:
        lines.append(f"rejected rows: {s['rejected']} (see rejected.parquet)")
    q = s["quarantined"]
    total = s.get("quarantined_total", len(q))
    if total > len(q):
        more = f" (the first {len(q)} below; all in {s.get('quarantine_table')})"
    elif s.get("blocked") and total:
        more = f" by this run (in {s.get('quarantine_table')})"
    else:
        more = ""
    lines.append(f"quarantined: {total}{more}")
    for item in q:
        rec = f"#{item['record']}" if item.get("record") is not None else ""
        lines.append(f"  - {item['source_path']}{rec}: {item['reason']} — {item['detail']}")
    lines.append("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in s["timings"].items()))
    return "\n".join(lines)


def _trust_command_line_dirs(*dirs: str | None) -> None:
    """The operator typed these folders on the command line: add them to the data roots of this
    process (runs from the Prefect UI stay confined to the roots the operator configured)."""
    from flows.params import ROOTS_ENV, URLS_ENV, data_roots, data_urls
    from storage.locations import is_url, local_path

    roots = [str(r) for r in data_roots()]
    roots += [str(local_path(d).expanduser().absolute().parent) for d in dirs if d and not is_url(d)]
    os.environ[ROOTS_ENV] = os.pathsep.join(dict.fromkeys(roots))
    urls = [*data_urls(), *(d.rstrip("/") + "/" for d in dirs if d and is_url(d))]
    if urls:
        os.environ[URLS_ENV] = " ".join(dict.fromkeys(urls))


def _warm_parse_workers(p: RunParams) -> bool:
    """Starts the parse workers loading the model now when the run will parse on a local pool (a
    full refresh, a rerun from extract or an earlier stage, or raw files changed since the last
    run, :func:`_raw_may_have_changed`): their seconds of start-up overlap
    the server's start and the flow's own instead of the clean stage. The clean stage and the
    extract map take this pool over. Returns whether a pool was started."""
    from flows.stagekit import ignores_cache

    if p.dask_address or p.dask_workers or p.n_process <= 1:
        return False
    if not ignores_cache("extract", p.rerun_from, p.full_refresh) and not _raw_may_have_changed(p):
        return False  # the raw files are as the last run left them: nothing to parse, no workers
    from flows.parallel import warm_pool

    return warm_pool(p.model, p.n_process)


def _raw_may_have_changed(p: RunParams) -> bool:
    """Returns whether the local raw folder's files (or the extractor version) differ from those
    the last completed run with this cache listed: then a rerun likely parses new articles and its
    workers start now, their model load overlapping the start, ingest and clean (seconds of a
    small rerun's wall) instead of starting in the clean stage."""
    from storage.locations import Locations, local_path
    from storage.stagecache import raw_may_have_changed
    from transforms.extract import extractor_version  # imported by the flow's stages anyway

    try:
        loc = Locations.resolve(p.out_dir, p.cache_dir, raw=p.raw_dir)
        if loc.raw_is_url:
            return False  # listing a remote folder costs round trips: the clean stage starts them
        return raw_may_have_changed(loc.cache_root, local_path(p.raw_dir), extractor_version(p.model))
    except (OSError, ValueError):  # the flow reports a bad location; a hint is no place to fail
        return False


def cmd_run(args: argparse.Namespace) -> int:
    """Runs the flow once and prints the summary; returns the exit code."""
    _prefect_env()
    _trust_command_line_dirs(args.raw_dir, args.out_dir, args.cache_dir)
    from flows import earlyserver
    from flows.params import validate_params

    early = getattr(args, "early_server", None)  # started by main() already
    try:  # a mistyped path or value: one line and exit 2
        params = validate_params(**_run_kwargs(args))
    except ValueError as err:
        if early is not None:
            earlyserver.stop(early)
        print(f"newsfacts: {err}", file=sys.stderr)
        return EXIT_USAGE
    if early is None:
        # First: the temporary server's start overlaps this process's imports (flows.earlyserver).
        early = earlyserver.spawn()
    warmed = _warm_parse_workers(params)
    from flows.outcome import ReleaseBlocked
    from flows.pipeline import newsfacts_pipeline
    from flows.stop import StopGuard
    from storage.releases import PublishLocked

    guard = StopGuard()  # SIGINT / SIGTERM: stop within seconds, no process left behind
    try:
        earlyserver.adopt(early)
        summary = cast(dict[str, Any], newsfacts_pipeline(**_run_kwargs(args)))
    except PublishLocked as err:
        print(f"newsfacts: {err}", file=sys.stderr)
        return EXIT_LOCKED
    except ReleaseBlocked as err:
        _say(json.dumps(err.summary, indent=2, default=str) if args.json else format_summary(err.summary))
        print(f"newsfacts: BLOCKED, nothing published: {err.reason}", file=sys.stderr)
        return EXIT_BLOCKED
    except KeyboardInterrupt:
        print(
            "newsfacts: interrupted; nothing half-published (the current release is unchanged or complete)",
            file=sys.stderr,
        )
        # The temporary server stops at exit, after Prefect has sent it the run's last logs and
        # events (stopped now, the flushes would retry); the guard's deadline bounds all of it.
        return guard.exit_code()
    except Exception as err:  # the traceback for the operator, then one line and a code of its own
        import traceback

        traceback.print_exc()
        print(
            f"newsfacts: the run failed, nothing published (the current release is unchanged): "
            f"{type(err).__name__}: {err}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        guard.close()
        if warmed:  # a run that failed before its extract map took the workers over
            from flows.parallel import shutdown_warm_pool

            shutdown_warm_pool()
    _say(json.dumps(summary, indent=2, default=str) if args.json else format_summary(summary))
    return EXIT_OK


def _say(text: str) -> None:
    """Prints the run's summary; a reader of the output that is gone (``| head``, ``| true``)
    changes nothing of the run's outcome or exit code (the release is published by now)."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # As Python's docs advise: later writes (the exit's flush) go nowhere instead of failing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


@contextlib.contextmanager
def gold_run(jsonl: str, processes: int) -> Iterator[Path | None]:
    """Runs the pipeline on gold records (JSON Lines) in a temporary folder; yields its published
    release (readable until the block ends), or None, said on stderr, when it published nothing."""
    import tempfile

    _prefect_env()
    from flows.pipeline import newsfacts_pipeline
    from storage.files import write_text

    with tempfile.TemporaryDirectory(prefix="newsfacts-eval-") as tmp:
        raw = Path(tmp) / "raw"
        write_text(jsonl, raw / "gold.jsonl")
        summary = cast(
            dict[str, Any],
            newsfacts_pipeline(
                raw_dir=str(raw), out_dir=str(Path(tmp) / "out"), n_process=processes, english_only=False
            ),
        )
        if not summary["release"]:
            print("newsfacts: the evaluation run published nothing", file=sys.stderr)
            yield None
        else:
            yield Path(summary["release"])


def cmd_evaluate_quotes(args: argparse.Namespace) -> int:
    """Runs the pipeline on the gold articles in a temporary directory and prints quote scores."""
    from storage.files import read_json, read_text
    from storage.partitions import load_table
    from storage.stores import EVALUATION_FILE
    from transforms import evaluate

    gold_path = Path(args.gold)
    gold = read_text(gold_path)
    if gold is None:
        raise FileNotFoundError(gold_path)
    records = [json.loads(line) for line in gold.splitlines() if line.strip()]
    # One record per article (PolNeAR repeats an article per annotator): the pipeline sees each once.
    seen: set[str] = set()
    lines: list[str] = []
    for r in records:
        if r["id"] in seen:
            continue
        seen.add(r["id"])
        row = {
            "id": r["id"],
            "text": r["text"],
            "title": r.get("title"),
            "publisher": r.get("publisher"),
            "published_at": r.get("date"),
        }
        lines.append(json.dumps(row) + "\n")
    with gold_run("".join(lines), args.processes) as rel:
        if rel is None:
            return EXIT_BLOCKED
        articles = load_table(rel, "articles")
        quotes = load_table(rel, "quotes")
        extractor = str((read_json(rel / "manifest.json") or {}).get("extractor_version"))
    figures = evaluate.evaluate_polnear(records, articles, quotes)
    report = evaluate.format_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    from transforms.quotes import VERSION

    _keep_evaluation(args.out_dir, EVALUATION_FILE, gold_path.name, report, figures, VERSION, extractor)
    return EXIT_OK


def _keep_evaluation(
    out_dir: str,
    name: str,
    gold: str,
    report: str,
    figures: dict[str, Any],
    version: str,
    extractor_version: str,
) -> None:
    """Keeps the figures beside the releases (``evaluation/<part>.json``): the next published dataset
    card reports the latest figures of every evaluated part, with the version they were measured on."""
    from storage.locations import Locations
    from storage.stagecache import code_fingerprint
    from storage.stores import release_store

    release_store(Locations.resolve(out_dir)).write_json(
        {
            "gold": gold,
            "evaluated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "version": version,
            "code": code_fingerprint(),
            "report": report,
            "figures": figures,
            # the card ties the figures to the extractor that produced them
            "extractor_version": extractor_version,
        },
        name,
    )


def cmd_evaluate_cleaning(args: argparse.Namespace) -> int:
    """Cleans each gold page's text as the pipeline cleans a .txt input and prints token P/R/F1."""
    from storage.files import read_text
    from transforms import evaluate_cleaning
    from transforms.clean import clean_text
    from transforms.pagetext import VERSION

    gold = read_text(Path(args.gold))
    if gold is None:
        raise FileNotFoundError(args.gold)
    pages = [json.loads(line) for line in gold.split("\n") if line.strip()]
    figures = evaluate_cleaning.evaluate_pages(pages, lambda text: clean_text(text).text)
    report = evaluate_cleaning.format_report(figures)
    print(json.dumps(figures, indent=2) if args.json else report)
    from transforms.extract import extractor_version
    from transforms.nlp import DEFAULT_MODEL

    extractor = extractor_version(DEFAULT_MODEL)  # hashes the lexicons, pagetext's among them
    name = "evaluation/cleaning.json"
    _keep_evaluation(args.out_dir, name, Path(args.gold).name, report, figures, VERSION, extractor)
    return EXIT_OK


def add_evaluate_args(p: argparse.ArgumentParser, gold_help: str, processes: bool = True) -> None:
    """Adds the options every ``evaluate`` command takes: the gold file, --json, --out-dir (where the
    figures are kept for the dataset card) and, when it runs the pipeline, --processes."""
    p.add_argument("--gold", required=True, help=gold_help)
    if processes:
        p.add_argument("--processes", type=int, default=2)
    p.add_argument("--json", action="store_true")
    p.add_argument("--out-dir", default="data/out", help="where the figures are kept for the dataset card")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsfacts`` command; returns the exit code."""
    words = sys.argv[1:] if argv is None else argv
    early = None
    if words[:1] == ["run"] and not {"-h", "--help"} & set(words):
        # Before the parsers' imports (~0.6 s): the temporary server starts meanwhile.
        from flows import earlyserver

        _prefect_env()
        early = earlyserver.spawn()
    parser = argparse.ArgumentParser(prog="newsfacts", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline on the raw dir and publish a validated release")
    _add_run_args(run)
    run.set_defaults(func=cmd_run, early_server=early)
    from flows.serve import add_serve_args, cmd_serve

    sv = sub.add_parser("serve", help="serve the flow as a scheduled deployment of a running Prefect server")
    add_serve_args(sv)
    sv.set_defaults(func=cmd_serve)
    ev = sub.add_parser("evaluate", help="score the extraction against gold annotations")
    ev_sub = ev.add_subparsers(dest="what", required=True)
    evq = ev_sub.add_parser("quotes", help="direct quotes and speakers against PolNeAR-format gold")
    add_evaluate_args(evq, "JSONL gold in the PolNeAR format")
    evq.set_defaults(func=cmd_evaluate_quotes)
    evc = ev_sub.add_parser("cleaning", help="token P/R/F1 of cleaned web-page text against its main text")
    add_evaluate_args(evc, "JSONL of {id, text, gold[, source_dataset]} pages", processes=False)
    evc.set_defaults(func=cmd_evaluate_cleaning)
    from flows.rollback import add_migrate_args, add_rollback_args, cmd_migrate, cmd_rollback
    from flows.serve_data import add_serve_data_args, cmd_serve_data

    rb = sub.add_parser("rollback", help="make an earlier release current again (atomically)")
    add_rollback_args(rb)
    rb.set_defaults(func=cmd_rollback)
    mg = sub.add_parser("migrate", help="rewrite an out dir's flat releases in the partitioned layout")
    add_migrate_args(mg)
    mg.set_defaults(func=cmd_migrate)
    sd = sub.add_parser("serve-data", help="serve an out dir's download page and files over HTTP (local use)")
    add_serve_data_args(sd)
    sd.set_defaults(func=cmd_serve_data)
    from flows import evaluate_events

    eve = ev_sub.add_parser("events", help="PLOVER events against gold-standard records (GSR format)")
    add_evaluate_args(eve, "JSONL gold in the PLOVER GSR format (id, text, event, …)")
    eve.set_defaults(func=evaluate_events.cmd_evaluate_events)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    if sys.modules["__main__"].__dict__.get("main") is main:
        _exit_now(code)  # the process is this command (not a test calling main): exit at once
    return code


# Seconds the exit waits at most for Prefect's last deliveries (threads, exit handlers): with its API
# gone (a server killed mid-run) they retry forever, and the command would never end.
EXIT_GRACE_S = 30.0


def _exit_now(code: int, grace_s: float = EXIT_GRACE_S) -> None:
    """Ends the process as a normal exit would (other threads joined, the exit handlers run:
    Prefect's last log and event flushes, the temporary server's stop, files flushed) but without
    the interpreter's teardown of every imported module and object, which takes seconds of
    native code after a run (2.5 s after a seeds run; nothing of it is needed). Threads and
    handlers get ``grace_s`` seconds in all; then the process ends anyway, saying so."""
    import atexit
    import threading
    import time

    deadline = time.monotonic() + grace_s
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
    handlers = threading.Thread(target=atexit._run_exitfuncs, name="exit-handlers", daemon=True)
    handlers.start()
    handlers.join(timeout=max(1.0, deadline - time.monotonic()))
    if handlers.is_alive() or any(
        t.is_alive() and not t.daemon and t is not threading.current_thread() for t in threading.enumerate()
    ):
        print(
            f"newsfacts: stopped waiting for Prefect's last logs after {grace_s:.0f} s (is its API reachable?)",
            file=sys.stderr,
        )
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
