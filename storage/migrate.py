"""Migration of a local out dir from flat releases (one file per table) to the partitioned layout
(:mod:`storage.partitions`). Runs automatically at the start of every run (``recover``) and as
``newsfacts migrate --out-dir OUT``; a release already in the new layout is left alone.

Each old release is rebuilt beside itself (``releases/.migrate-<id>``: hard links of its files,
then its dated tables split into partitions, files identical to those of the release migrated
before it linked to them), its manifest, ``datapackage.json``, ``load.sql`` and the card's file
table rewritten, and swapped in by two renames. The release id stays (rollback and links keep
working); rows and values are unchanged. A run killed mid-swap leaves a complete
``.migrate-<id>`` that the next recovery renames into place.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from storage import releases
from storage.files import fsync_dir, read_json, read_text, write_json, write_text
from storage.partitions import data_files, partition_release, share_files, table_path
from transforms import card, datapackage, schema

MIGRATING = ".migrate-"
DONE_MARK = ".migrated"  # written into the rebuilt folder when it is complete, removed after the swap


def needs_migration(release: Path) -> bool:
    """Returns True when a release folder holds a dated table as one flat file."""
    return any(
        t.partition is not None and table_path(release, t.name).is_file() for t in schema.PUBLISHED_TABLES
    )


def _link_tree(src: Path, dest: Path) -> None:
    """Builds ``dest`` as a copy of ``src`` made of hard links (no bytes copied)."""
    for root, _dirs, files in os.walk(src):
        here = dest / Path(root).relative_to(src)
        here.mkdir(parents=True, exist_ok=True)
        for f in files:
            os.link(Path(root) / f, here / f)


def _rewrite_docs(folder: Path) -> None:
    """Rewrites the manifest's file list and the documents generated from it for the new layout."""
    man = read_json(folder / "manifest.json") or {}
    man["files"] = data_files(folder)
    man["migrated_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    write_json(man, folder / "manifest.json")
    if "release_id" in man and "created_at" in man:
        write_json(datapackage.datapackage(man), folder / "datapackage.json")
        write_text(datapackage.load_sql(man), folder / "load.sql")
    text = read_text(folder / "README.md")
    if text and "## Files\n" in text and "## Quarantined inputs" in text:
        head, rest = text.split("## Files\n", 1)
        tail = rest[rest.index("## Quarantined inputs") :]
        files = man["files"] if isinstance(man["files"], dict) else {}
        write_text(
            head + "## Files\n\n" + "\n".join(card.files_section(files)) + "\n\n" + tail, folder / "README.md"
        )


def migrate_release(out_dir: Path, release_id: str, sources: list[Path]) -> bool:
    """Migrates ``releases/<release_id>`` of ``out_dir`` to the partitioned layout, sharing files
    with the (already migrated) release folders ``sources``; returns True when it changed."""
    final = releases.releases_dir(out_dir) / release_id
    if not needs_migration(final):
        return False
    build = final.with_name(f"{MIGRATING}{release_id}")
    shutil.rmtree(build, ignore_errors=True)
    _link_tree(final, build)
    partition_release(build)
    _rewrite_docs(build)
    files = (read_json(build / "manifest.json") or {}).get("files")
    if isinstance(files, dict):
        share_files(build, files, sources)
    write_text("complete\n", build / DONE_MARK)
    _swap(final, build)
    return True


def _swap(final: Path, build: Path) -> None:
    old = final.with_name(f"{releases.STAGING_PREFIX}premigrate-{final.name}")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(final, old)  # `current` may name the release: it is missing only between these renames
    os.rename(build, final)
    (final / DONE_MARK).unlink(missing_ok=True)
    fsync_dir(final.parent)
    shutil.rmtree(old, ignore_errors=True)


def recover_migration(out_dir: Path) -> list[str]:
    """Finishes or drops the migrations a killed run left: a complete rebuilt folder whose release
    is missing is renamed into place, any other is removed. Returns the folders handled."""
    base = releases.releases_dir(out_dir)
    done = []
    for build in sorted(base.glob(f"{MIGRATING}*")) if base.is_dir() else []:
        final = base / build.name.removeprefix(MIGRATING)
        if (build / DONE_MARK).exists() and not final.exists():
            os.rename(build, final)
            (final / DONE_MARK).unlink(missing_ok=True)
        else:
            shutil.rmtree(build, ignore_errors=True)
        done.append(build.name)
    return done


def migrate_out_dir(out_dir: Path) -> list[str]:
    """Migrates every flat release of the local ``out_dir`` (oldest first, each sharing files with
    the one before) and refreshes the table links and ``current.json``; returns the ids migrated.
    The caller holds the publish lock."""
    base = releases.releases_dir(out_dir)
    if not base.is_dir():
        return []
    recover_migration(out_dir)
    ids = sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    migrated = []
    for i, rid in enumerate(ids):
        if migrate_release(out_dir, rid, [base / r for r in reversed(ids[:i])]):
            migrated.append(rid)
    return migrated
