"""``newsfacts rollback [RELEASE]``: makes an earlier published release current again;
``newsfacts migrate``: rewrites an out dir's flat releases in the partitioned layout.

Under the out location's publish lock (no run publishes meanwhile), ``current`` is switched by
the same single atomic step a publish uses (a symlink rename locally, one put of ``current.json``
on an object store); the download page is rewritten. Without RELEASE, the release published
before the current one is chosen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from storage.catalog import write_page
from storage.stores import LocalStore, ReleaseStore, open_store


def previous_release(store: ReleaseStore) -> str | None:
    """Returns the id of the release published just before the current one (None: there is none)."""
    ids = store.release_ids()
    cur = store.current_id()
    older = [r for r in ids if cur is None or r < cur]
    return older[-1] if older else None


def rollback(
    out_location: str, release_id: str | None = None, cache_dir: str | None = None
) -> tuple[str, str]:
    """Makes ``release_id`` (default: the previous release) current in ``out_location``; returns
    (the release id, its location). Raises ``ValueError`` when there is no such release or when
    a data file its manifest lists is missing or of another size."""
    cache_root = Path(cache_dir) if cache_dir else Path(out_location).parent / "cache"
    store = open_store(out_location, cache_root)
    with store.lock(wait_seconds=0.0):
        target = release_id or previous_release(store)
        if target is None:
            raise ValueError(f"no release before the current one in {store.location}")
        if target not in store.release_ids():
            known = ", ".join(store.release_ids()) or "none"
            raise ValueError(f"no release {target!r} in {store.location} (releases: {known})")
        problems = store.release_problems(target)
        if problems:
            shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
            raise ValueError(f"release {target} is damaged, not switched to: {shown}")
        location = store.switch_to(target)
        write_page(store)
    return target, location


def add_rollback_args(p: argparse.ArgumentParser) -> None:
    """Adds the arguments of ``newsfacts rollback``."""
    p.add_argument(
        "release", nargs="?", default=None, help="release id (default: the one before the current)"
    )
    p.add_argument("--out-dir", default="data/out", help="out folder or URL (default: data/out)")
    p.add_argument("--cache-dir", default=None, help="local cache (for an object store's lock)")


def cmd_rollback(args: argparse.Namespace) -> int:
    """Runs ``newsfacts rollback``; returns the exit code."""
    from storage.releases import PublishLocked

    try:
        rid, location = rollback(args.out_dir, args.release, args.cache_dir)
    except (ValueError, PublishLocked) as err:
        print(f"newsfacts rollback: {err}", file=sys.stderr)
        return 2
    print(f"newsfacts rollback: release {rid} is current ({location})")
    return 0


def migrate(out_location: str, cache_dir: str | None = None) -> list[str]:
    """Migrates the flat releases of a local out dir to the partitioned layout under its publish
    lock (a run does the same at its start); returns the ids migrated. Raises ``ValueError`` for an
    object store (its old releases stay readable as they are and age out by pruning)."""
    cache_root = Path(cache_dir) if cache_dir else Path(out_location).parent / "cache"
    store = open_store(out_location, cache_root)
    if not isinstance(store, LocalStore):
        raise ValueError(
            "migrate works on a local out dir; on an object store new releases use the new layout"
        )
    with store.lock(wait_seconds=0.0):
        return store.migrate()


def add_migrate_args(p: argparse.ArgumentParser) -> None:
    """Adds the arguments of ``newsfacts migrate``."""
    p.add_argument("--out-dir", default="data/out", help="local out folder (default: data/out)")


def cmd_migrate(args: argparse.Namespace) -> int:
    """Runs ``newsfacts migrate``; returns the exit code."""
    from storage.releases import PublishLocked

    try:
        done = migrate(args.out_dir)
    except (ValueError, PublishLocked) as err:
        print(f"newsfacts migrate: {err}", file=sys.stderr)
        return 2
    print(f"newsfacts migrate: {len(done)} release(s) migrated" + (f": {', '.join(done)}" if done else ""))
    return 0
