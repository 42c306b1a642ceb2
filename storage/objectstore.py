"""Releases on an fsspec filesystem (object stores: s3://, gs://, az://; memory:// in tests).

Layout under the URL::

    data/<table>.parquet/<key>=<value>/part-<h>.parquet   partition files, named by content
    data/<table>-<h>.parquet                             single-file tables, named by content
    releases/<release_id>/manifest.json, README.md, …    what a release says about itself
    current.json                                         the pointer: release id and its files

A data file is stored once under a key derived from its content (:func:`object_key`): a release
whose partition did not change references the key an earlier release uploaded, never a copy. A
release is uploaded data first, ``manifest.json`` last (a release folder with a manifest is
complete); ``current.json`` is replaced by one put — a single object write is atomic on object
stores, so a reader of the pointer always finds a complete release. Readers start from
``current.json`` (its ``tables`` list every file of a table).

Deleting releases: a data key is removed only when no remaining release's manifest references it
(a sweep over the manifests after pruning, under the publish lock), never by a reference count
that a crash could leave wrong. The run's own copy of the current release and its staging live
under the local ``cache_root``; the publish lock is a local file lock there (runs on several
machines need one lock of their own, e.g. a Prefect concurrency limit).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from storage import releases
from storage.files import read_json
from storage.locations import url_fs
from storage.partitions import PART_PREFIX, share_files
from storage.stores import POINTER, ReleaseStore, pointer_for
from transforms.ids import sha256_hex

DATA = "data"


def object_key(rel: str, sha256: str) -> str:
    """Returns the key (under the store's root) of a release's data file ``rel`` with content
    ``sha256``: partition files keep their Hive path (their name already holds the hash), a
    single-file table gets the hash in its name."""
    if rel.rsplit("/", 1)[-1].startswith(PART_PREFIX):
        return f"{DATA}/{rel}"
    return f"{DATA}/{rel.removesuffix('.parquet')}-{sha256[:16]}.parquet"


def _data(man: Mapping[str, object] | None) -> dict[str, dict[str, object]]:
    files = man.get("files") if man else None
    return {k: v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}


class FsspecStore(ReleaseStore):
    """Releases on an fsspec filesystem: content-keyed data files shared between releases, one
    folder of documents per release and the ``current.json`` pointer (see the module)."""

    def __init__(self, url: str, cache_root: Path) -> None:
        self.location = url.rstrip("/")
        self.fs, self.root = url_fs(url)
        self.local = cache_root / "stores" / sha256_hex(self.location)[:16]

    def _p(self, rel: str) -> str:
        return f"{self.root}/{rel}" if self.root else rel

    def _url(self, rel: str) -> str:
        return f"{self.location}/{rel}"

    def data_href(self, release_id: str, rel: str, facts: Mapping[str, object]) -> str:
        if "table" not in facts:  # a release of the flat layout: its files are in its own folder
            return f"{releases.RELEASES}/{release_id}/{rel}"
        return object_key(rel, str(facts.get("sha256", "")))

    def lock(self, wait_seconds: float = 0.0) -> contextlib.AbstractContextManager[None]:
        return releases.publish_lock(self.local, wait_seconds)

    def pointer(self) -> dict[str, object] | None:
        """Returns the parsed ``current.json`` or None when nothing is published yet."""
        try:
            raw = self.fs.cat_file(self._p(POINTER))
        except FileNotFoundError:
            return None
        obj = json.loads(raw)
        return obj if isinstance(obj, dict) else None

    def _current_id(self) -> str | None:
        ptr = self.pointer()
        rid = ptr.get("release") if ptr else None
        return rid if isinstance(rid, str) else None

    def _release_ids(self) -> list[str]:
        base = self._p(releases.RELEASES)
        if not self.fs.exists(base):
            return []
        names = [str(p).rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(base, detail=False)]
        return sorted(n for n in names if n and not n.startswith("."))

    def _manifest(self, rid: str) -> dict[str, object] | None:
        return self.read_json(f"{releases.RELEASES}/{rid}/manifest.json")

    def sweep(self) -> list[str]:
        """Removes the data keys no release's manifest references (left by pruned releases or by
        an upload that died); returns them. Runs under the publish lock."""
        base = self._p(DATA)
        if not self.fs.exists(base):
            return []
        wanted = set()
        for rid in self._release_ids():
            for rel, facts in _data(self._manifest(rid)).items():
                wanted.add(self._p(self.data_href(rid, rel, facts)).lstrip("/"))
        # Some filesystems list paths with a leading slash (memory://), others without.
        gone = [str(p) for p in self.fs.find(base) if str(p).lstrip("/") not in wanted]
        for p in gone:
            self.fs.rm_file(p)
        return gone

    def recover(self) -> list[str]:
        gone: list[str] = []
        local_staging = self.local / "staging"
        if local_staging.exists():
            for p in sorted(local_staging.iterdir()):
                shutil.rmtree(p, ignore_errors=True)
                gone.append(p.name)
        cur = self._current_id()
        for rid in self._release_ids():
            # An upload that died before its manifest: never pointed to, removed whole.
            if rid != cur and self._manifest(rid) is None:
                self.fs.rm(self._p(f"{releases.RELEASES}/{rid}"), recursive=True)
                gone.append(rid)
        gone += self.sweep()
        return gone

    def new_staging(self, run_id: str) -> Path:
        path = self.local / "staging" / run_id
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def current(self) -> Path | None:
        rid = self._current_id()
        if rid is None:
            return None
        mirrors = self.local / "releases"
        mirror = mirrors / rid
        if not (mirror / "manifest.json").exists():
            # Downloaded beside and renamed: a half-downloaded copy is never taken for the release.
            tmp = mirrors / f".download-{rid}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            src = self._p(f"{releases.RELEASES}/{rid}")
            for path in self.fs.find(src):
                dest = tmp / str(path)[len(src) :].lstrip("/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(self.fs.cat_file(path))
            files = _data(read_json(tmp / "manifest.json"))
            # Files the previous local copy holds are linked, not downloaded again.
            others = [p for p in mirrors.iterdir() if p.is_dir() and not p.name.startswith(".")]
            share_files(tmp, files, others)
            for rel, facts in files.items():
                dest = tmp / rel
                if not dest.exists():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(self.fs.cat_file(self._p(self.data_href(rid, rel, facts))))
            shutil.rmtree(mirror, ignore_errors=True)
            os.rename(tmp, mirror)
        # Only the current release's copy is kept locally.
        for other in mirrors.iterdir():
            if other.name != rid:
                shutil.rmtree(other, ignore_errors=True)
        return mirror

    def current_location(self) -> str | None:
        rid = self._current_id()
        return None if rid is None else self._url(f"{releases.RELEASES}/{rid}")

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        man = read_json(staging / "manifest.json") or {}
        data = _data(man)
        base = f"{releases.RELEASES}/{release_id}"
        uploads: list[tuple[Path, str]] = []
        for f in sorted(staging.rglob("*")):
            rel = f.relative_to(staging).as_posix()
            if not f.is_file() or rel == "manifest.json":
                continue
            facts = data.get(rel)
            # Where readers and the sweep look for it (data_href): a file uploaded elsewhere would
            # be swept away as unreferenced.
            key = self.data_href(release_id, rel, facts) if facts else f"{base}/{rel}"
            if facts and self._has(key, f.stat().st_size):
                continue  # an earlier release uploaded these bytes: referenced, not copied
            self.fs.pipe_file(self._p(key), f.read_bytes())
            uploads.append((f, key))
        for f, key in uploads:  # the upload is checked before anything points at it
            if not self._has(key, f.stat().st_size):
                raise OSError(f"upload of {f.name} to {self._url(key)} is incomplete")
        # manifest.json last: its presence marks a complete upload (see recover()).
        self.fs.pipe_file(self._p(f"{base}/manifest.json"), (staging / "manifest.json").read_bytes())
        self.write_json(pointer_for(release_id, man, self), POINTER)  # the single atomic switch
        # The staging copy becomes the local copy of the current release: no download next run.
        mirror = self.local / "releases" / release_id
        shutil.rmtree(mirror, ignore_errors=True)
        mirror.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, mirror)
        ids = self._release_ids()
        for rid in ids[: max(0, len(ids) - keep)]:
            if rid != release_id:
                self.fs.rm(self._p(f"{releases.RELEASES}/{rid}"), recursive=True)
        self.sweep()
        return self._url(base)

    def _has(self, key: str, size: int) -> bool:
        try:
            return int(self.fs.info(self._p(key)).get("size", -1)) == size
        except FileNotFoundError:
            return False

    def read_json(self, rel: str) -> dict[str, object] | None:
        try:
            obj = json.loads(self.fs.cat_file(self._p(rel)))
        except (FileNotFoundError, ValueError):
            return None
        return obj if isinstance(obj, dict) else None

    def write_json(self, obj: object, rel: str) -> None:
        data = (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode()
        self.fs.pipe_file(self._p(rel), data)

    def write_bytes(self, data: bytes, rel: str) -> None:
        self.fs.pipe_file(self._p(rel), data)

    def list_names(self, rel_dir: str) -> list[str]:
        base = self._p(rel_dir)
        if not self.fs.exists(base):
            return []
        found = self.fs.ls(base, detail=True)
        return sorted(str(p["name"]).rstrip("/").rsplit("/", 1)[-1] for p in found if p.get("type") == "file")

    def release_ids(self) -> list[str]:
        return self._release_ids()

    def current_id(self) -> str | None:
        return self._current_id()

    def release_problems(self, release_id: str) -> list[str]:
        problems = []
        for rel, facts in sorted(_data(self._manifest(release_id)).items()):
            key = self.data_href(release_id, rel, facts)
            size = facts.get("bytes")
            if not isinstance(size, int) or not self._has(key, size):
                problems.append(f"{rel} is missing or not of the listed size ({self._url(key)})")
        return problems

    def switch_to(self, release_id: str) -> str:
        base = f"{releases.RELEASES}/{release_id}"
        man = self.read_json(f"{base}/manifest.json")
        if man is None:
            raise ValueError(f"no complete release {release_id!r} at {self._url(base)}")
        self.write_json(pointer_for(release_id, man, self), POINTER)  # the single atomic switch
        return self._url(base)
