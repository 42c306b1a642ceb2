"""Serves the newsfacts flow as a scheduled deployment of a running Prefect server.

``python -m flows.serve`` (or ``newsfacts serve``) registers the deployment ``newsfacts/daily`` with
a cron schedule (daily at 06:00 UTC by default) and then runs its flow runs (scheduled ones, and
the ones started from the UI's Run button) in this process until stopped with Ctrl-C. The flow's
typed parameters become the UI's form; the options below only set their defaults.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

DEFAULT_NAME = "daily"
DEFAULT_CRON = "0 6 * * *"


def add_serve_args(p: argparse.ArgumentParser) -> None:
    """Adds the options of ``newsfacts serve`` to a parser."""
    p.add_argument("--name", default=DEFAULT_NAME, help=f"deployment name (default: {DEFAULT_NAME})")
    p.add_argument(
        "--cron", default=DEFAULT_CRON, help=f'schedule, a cron expression (default: "{DEFAULT_CRON}", daily)'
    )
    p.add_argument("--timezone", default="UTC", help="time zone of the cron schedule (default: UTC)")
    p.add_argument(
        "--no-schedule", action="store_true", help="serve without a schedule (runs from the UI only)"
    )
    from flows.params import specs

    for f, spec in specs():  # the run parameters a deployment sets defaults for
        if spec.deployment and spec.flag:
            shown = "" if f.default is None else f" (default: {f.default})"
            p.add_argument(
                spec.flag, dest=f.name, default=f.default, help=f"the runs' default: {spec.help}{shown}"
            )
    p.add_argument(
        "--api-url",
        default=None,
        help="Prefect API of the server (default: PREFECT_API_URL from the environment or the Prefect profile)",
    )


def deployment_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """Returns the deployment's default parameters; paths are made absolute so that a run does
    not depend on the directory the server or the UI were started from."""
    from flows.params import specs

    params: dict[str, Any] = {}
    for f, spec in specs():
        if spec.deployment and getattr(args, f.name, None):
            params[f.name] = str(Path(getattr(args, f.name)).absolute())
    return params


def cmd_serve(args: argparse.Namespace) -> int:
    """Registers the deployment and serves its runs until interrupted; returns the exit code."""
    if args.api_url:
        os.environ["PREFECT_API_URL"] = args.api_url
    # Offline and quiet by default; an operator's own settings win. Set before Prefect is imported.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from prefect.flows import EntrypointType
    from prefect.schedules import Cron
    from prefect.settings import get_current_settings

    from flows.pipeline import newsfacts_pipeline

    api = get_current_settings().api.url
    if not api:
        print(
            "newsfacts serve: no Prefect server to talk to. Start one with `prefect server start` and set\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api   (or pass --api-url)",
            file=sys.stderr,
        )
        return 2
    schedules = [] if args.no_schedule else [Cron(args.cron, timezone=args.timezone)]
    print(f"newsfacts serve: deployment newsfacts/{args.name} on {api}", file=sys.stderr)
    newsfacts_pipeline.serve(
        name=args.name,
        schedules=schedules,
        parameters=deployment_parameters(args),
        description="Ingest, clean, extract, resolve, validate and publish the newsfacts release.",
        tags=["newsfacts"],
        # One run at a time in this process: a second one waits for its turn; the publish lock
        # in the flow still guards the out dir against runs from anywhere else.
        limit=1,
        # The package is installed: load the flow by module, whatever the working directory.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m flows.serve``; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m flows.serve", description=__doc__)
    add_serve_args(parser)
    return cmd_serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
