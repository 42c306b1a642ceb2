"""Where releases are published: a local folder (:class:`LocalStore`) or an fsspec URL
(:class:`~storage.objectstore.FsspecStore`), behind one interface the flow uses."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from storage import migrate, releases
from storage.files import read_json, write_bytes, write_json
from storage.locations import Locations, local_path
from storage.partitions import release_problems, share_files, table_of

POINTER = "current.json"
# The latest `newsfacts evaluate quotes` figures, kept under the out location for the dataset card.
EVALUATION_FILE = "evaluation/quotes.json"


class ReleaseStore:
    """Where releases are published: a local folder (:class:`LocalStore`, switched by a symlink
    rename) or an fsspec URL (:class:`FsspecStore`, switched by a pointer file). Staging and the
    copy of the current release that the run reads are always local folders."""

    location: str

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        """Returns the context that holds this store's publish lock for the run."""
        raise NotImplementedError

    def recover(self) -> list[str]:
        """Removes what interrupted runs left; returns the names removed."""
        raise NotImplementedError

    def new_staging(self, run_id: str) -> Path:
        """Returns an empty local staging directory for the release being built."""
        raise NotImplementedError

    def current(self) -> Path | None:
        """Returns a local directory holding the complete current release (None before the first)."""
        raise NotImplementedError

    def current_location(self) -> str | None:
        """Returns where the current release is published (a path or a URL)."""
        raise NotImplementedError

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        """Publishes a complete staging directory as ``release_id``, makes it current atomically,
        prunes releases beyond ``keep`` and returns the release's location."""
        raise NotImplementedError

    def read_json(self, rel: str) -> dict[str, object] | None:
        """Returns the JSON object stored at ``rel`` under the store, or None when absent."""
        raise NotImplementedError

    def write_json(self, obj: object, rel: str) -> None:
        """Stores ``obj`` as JSON at ``rel`` under the store (one atomic put)."""
        raise NotImplementedError

    def write_bytes(self, data: bytes, rel: str) -> None:
        """Stores ``data`` at ``rel`` under the store (one atomic put)."""
        raise NotImplementedError

    def list_names(self, rel_dir: str) -> list[str]:
        """Returns the sorted names of the files in ``rel_dir`` under the store (none when absent)."""
        raise NotImplementedError

    def release_ids(self) -> list[str]:
        """Returns the ids of the published releases, oldest first."""
        raise NotImplementedError

    def current_id(self) -> str | None:
        """Returns the id of the current release (None before the first)."""
        raise NotImplementedError

    def switch_to(self, release_id: str) -> str:
        """Makes the published release ``release_id`` current again, atomically; returns its location."""
        raise NotImplementedError

    def release_problems(self, release_id: str) -> list[str]:
        """Returns one message per data file the manifest of release ``release_id`` lists that is
        missing from the store or not of the listed size (empty: the release is whole)."""
        raise NotImplementedError

    def data_href(self, release_id: str, rel: str, facts: Mapping[str, object]) -> str:
        """Returns where the data file ``rel`` of release ``release_id`` (its manifest ``facts``)
        is stored, relative to the store's root."""
        return f"{releases.RELEASES}/{release_id}/{rel}"

    def rewrite_release_json(self, current: Path, name: str, obj: Mapping[str, object]) -> None:
        """Replaces the JSON file ``name`` (manifest.json, build.json) of the current release, whose
        local copy is ``current``, in the store and in that copy; each write is atomic."""
        self.write_json(obj, f"{releases.RELEASES}/{current.name}/{name}")
        write_json(obj, current / name)


def pointer_for(release_id: str, man: dict[str, object], store: ReleaseStore) -> dict[str, object]:
    """Returns the ``current.json`` content that names ``release_id`` (its manifest ``man``): per
    table the list of its data files (paths under the store's root; a partitioned table has one
    per partition) and per file its facts with that path as ``href``."""
    base = f"{releases.RELEASES}/{release_id}"
    files = man.get("files")
    found = {k: v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}
    hrefs = {rel: store.data_href(release_id, rel, facts) for rel, facts in sorted(found.items())}
    tables: dict[str, list[str]] = {}
    for rel, href in hrefs.items():
        tables.setdefault(table_of(rel), []).append(href)
    return {
        "release": release_id,
        "path": base,
        "tables": tables,
        "files": {rel: {**facts, "href": hrefs[rel]} for rel, facts in found.items()},
        "switched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


class LocalStore(ReleaseStore):
    """Releases in a local folder: ``current`` symlink plus per-table links (see
    :mod:`storage.releases`)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.location = str(out_dir)

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        return releases.publish_lock(self.out_dir, wait_seconds)

    def recover(self) -> list[str]:
        gone = migrate.recover_migration(self.out_dir) + releases.clear_stale_staging(self.out_dir)
        return gone + [f"migrated {rid}" for rid in self.migrate()]

    def migrate(self) -> list[str]:
        """Migrates flat releases to the partitioned layout (:mod:`storage.migrate`), then points
        ``current.json`` and the download page at the result; returns the ids migrated. The
        caller holds the lock."""
        done = migrate.migrate_out_dir(self.out_dir)
        rid = self.current_id()
        if done and rid is not None:
            from storage.catalog import write_page  # the page module builds on the stores

            self.switch_to(rid)
            write_page(self)
        return done

    def new_staging(self, run_id: str) -> Path:
        return releases.new_staging(self.out_dir, run_id)

    def current(self) -> Path | None:
        return releases.current_release(self.out_dir)

    def current_location(self) -> str | None:
        cur = self.current()
        return None if cur is None else str(cur)

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        # Files the kept releases already hold become hard links to them, newest release first.
        files = (read_json(staging / "manifest.json") or {}).get("files")
        if isinstance(files, dict):
            base = releases.releases_dir(self.out_dir)
            share_files(staging, files, [base / rid for rid in reversed(self.release_ids())])
        final = releases.switch_release(self.out_dir, staging, release_id, tables, keep)
        # The same pointer an object store has: readers of any store can start from current.json.
        self.write_json(pointer_for(release_id, read_json(final / "manifest.json") or {}, self), POINTER)
        return str(final)

    def read_json(self, rel: str) -> dict[str, object] | None:
        return read_json(self.out_dir / rel)

    def rewrite_release_json(self, current: Path, name: str, obj: Mapping[str, object]) -> None:
        write_json(obj, current / name)  # the local copy is the release itself

    def write_json(self, obj: object, rel: str) -> None:
        write_json(obj, self.out_dir / rel)

    def write_bytes(self, data: bytes, rel: str) -> None:
        write_bytes(data, self.out_dir / rel)

    def list_names(self, rel_dir: str) -> list[str]:
        folder = self.out_dir / rel_dir
        return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    def release_ids(self) -> list[str]:
        base = releases.releases_dir(self.out_dir)
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))

    def current_id(self) -> str | None:
        cur = self.current()
        return None if cur is None else cur.name

    def release_problems(self, release_id: str) -> list[str]:
        return release_problems(releases.releases_dir(self.out_dir) / release_id)

    def switch_to(self, release_id: str) -> str:
        final = releases.point_current(self.out_dir, release_id)
        self.write_json(pointer_for(release_id, read_json(final / "manifest.json") or {}, self), POINTER)
        return str(final)


def record_validation(
    store: ReleaseStore,
    current: Path,
    files: Mapping[str, Mapping[str, object]],
    build: Mapping[str, object],
) -> bool:
    """Records in the current release (its local copy ``current``) what a run whose tables are
    that release's very files learnt: each file's validation key from ``files`` (the run's manifest
    entries) in manifest.json, and ``build`` (validate key, code fingerprint…) in build.json, so
    the next run of the same code neither validates those units again nor runs validation at all.
    Only these two JSON files are replaced (each atomically, the manifest first); no data file is
    touched. Returns True when anything changed."""
    man = read_json(current / "manifest.json") or {}
    old = man.get("files")
    if not isinstance(old, dict):
        return False
    new: dict[str, object] = {}
    for rel, facts in old.items():
        if not isinstance(facts, dict):
            new[rel] = facts
            continue
        entry = {k: v for k, v in facts.items() if k != "validation_key"}
        key = (files.get(rel) or {}).get("validation_key")
        if isinstance(key, str):
            entry["validation_key"] = key
        new[rel] = entry
    changed = False
    if new != old:
        store.rewrite_release_json(current, "manifest.json", {**man, "files": new})
        changed = True
    built = read_json(current / "build.json") or {}
    if {**built, **build} != built:
        store.rewrite_release_json(current, "build.json", {**built, **build})
        changed = True
    return changed


def release_store(loc: Locations) -> ReleaseStore:
    """Returns the release store of a run's resolved locations."""
    from storage.objectstore import FsspecStore

    if loc.out_is_url:
        return FsspecStore(loc.out, loc.cache_root)
    return LocalStore(local_path(loc.out))


def open_store(out_location: str, cache_root: Path) -> ReleaseStore:
    """Returns the release store of an out location (path, file:// URL or fsspec URL)."""
    return release_store(Locations.resolve(out_location, str(cache_root)))


from storage.objectstore import FsspecStore  # noqa: E402 - re-exported; it builds on ReleaseStore

__all__ = [
    "POINTER",
    "FsspecStore",
    "LocalStore",
    "ReleaseStore",
    "open_store",
    "pointer_for",
    "release_store",
]
