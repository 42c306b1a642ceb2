"""Where releases are published: a local folder (:class:`LocalStore`) or an fsspec URL
(:class:`FsspecStore`), behind one interface the flow uses."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from pathlib import Path

from storage import releases
from storage.files import read_json, write_bytes, write_json
from storage.locations import Locations, local_path, url_fs
from transforms.ids import sha256_hex

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


def pointer_for(release_id: str, man: dict[str, object]) -> dict[str, object]:
    """Returns the ``current.json`` content that names ``release_id`` (its manifest ``man``)."""
    base = f"{releases.RELEASES}/{release_id}"
    files = man.get("files")
    names = sorted(files) if isinstance(files, dict) else []
    return {
        "release": release_id,
        "path": base,
        "tables": {n.removesuffix(".parquet"): f"{base}/{n}" for n in names},
        "files": files if isinstance(files, dict) else {},
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
        return releases.clear_stale_staging(self.out_dir)

    def new_staging(self, run_id: str) -> Path:
        return releases.new_staging(self.out_dir, run_id)

    def current(self) -> Path | None:
        return releases.current_release(self.out_dir)

    def current_location(self) -> str | None:
        cur = self.current()
        return None if cur is None else str(cur)

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        final = releases.switch_release(self.out_dir, staging, release_id, tables, keep)
        # The same pointer an object store has: readers of any store can start from current.json.
        self.write_json(pointer_for(release_id, read_json(final / "manifest.json") or {}), POINTER)
        return str(final)

    def read_json(self, rel: str) -> dict[str, object] | None:
        return read_json(self.out_dir / rel)

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

    def switch_to(self, release_id: str) -> str:
        final = releases.point_current(self.out_dir, release_id)
        self.write_json(pointer_for(release_id, read_json(final / "manifest.json") or {}), POINTER)
        return str(final)


class FsspecStore(ReleaseStore):
    """Releases on an fsspec filesystem (object stores: s3://, gs://, az://; memory:// in tests).

    Layout under the URL: ``releases/<release_id>/…`` (uploaded file by file, ``manifest.json``
    last, so a release folder with a manifest is complete) and ``current.json``, the pointer
    ``{"release": id, "path": "releases/<id>", "files": {...}}`` replaced by one put — a single
    object write is atomic on object stores, so a reader of the pointer always finds a complete
    release. Readers start from ``current.json``. The run's own copy of the current release and
    its staging live under the local ``cache_root``; the publish lock is a local file lock there
    (runs on several machines need one lock of their own, e.g. a Prefect concurrency limit).
    """

    def __init__(self, url: str, cache_root: Path) -> None:
        self.location = url.rstrip("/")
        self.fs, self.root = url_fs(url)
        self.local = cache_root / "stores" / sha256_hex(self.location)[:16]

    def _p(self, rel: str) -> str:
        return f"{self.root}/{rel}" if self.root else rel

    def _url(self, rel: str) -> str:
        return f"{self.location}/{rel}"

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
            if rid != cur and not self.fs.exists(self._p(f"{releases.RELEASES}/{rid}/manifest.json")):
                self.fs.rm(self._p(f"{releases.RELEASES}/{rid}"), recursive=True)
                gone.append(rid)
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
        mirror = self.local / "releases" / rid
        if not (mirror / "manifest.json").exists():
            # Downloaded beside and renamed: a half-downloaded copy is never taken for the release.
            tmp = self.local / "releases" / f".download-{rid}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            src = self._p(f"{releases.RELEASES}/{rid}")
            for path in self.fs.find(src):
                dest = tmp / str(path)[len(src) :].lstrip("/")
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(self.fs.cat_file(path))
            shutil.rmtree(mirror, ignore_errors=True)
            os.rename(tmp, mirror)
        # Only the current release's copy is kept locally.
        for other in (self.local / "releases").iterdir():
            if other.name != rid:
                shutil.rmtree(other, ignore_errors=True)
        return mirror

    def current_location(self) -> str | None:
        rid = self._current_id()
        return None if rid is None else self._url(f"{releases.RELEASES}/{rid}")

    def publish(self, staging: Path, release_id: str, tables: list[str], keep: int) -> str:
        files = sorted(f for f in staging.rglob("*") if f.is_file())
        # manifest.json last: its presence marks a complete upload (see recover()).
        files.sort(key=lambda f: f.relative_to(staging).as_posix() == "manifest.json")
        base = f"{releases.RELEASES}/{release_id}"
        for f in files:
            rel = f.relative_to(staging).as_posix()
            self.fs.pipe_file(self._p(f"{base}/{rel}"), f.read_bytes())
        for f in files:  # the upload is checked before anything points at it
            got = self.fs.info(self._p(f"{base}/{f.relative_to(staging).as_posix()}"))
            if int(got.get("size", -1)) != f.stat().st_size:
                raise OSError(f"upload of {f.name} to {self._url(base)} is incomplete")
        man = read_json(staging / "manifest.json") or {}
        self.write_json(pointer_for(release_id, man), POINTER)  # the single atomic switch
        # The staging copy becomes the local copy of the current release: no download next run.
        mirror = self.local / "releases" / release_id
        shutil.rmtree(mirror, ignore_errors=True)
        mirror.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staging, mirror)
        ids = self._release_ids()
        for rid in ids[: max(0, len(ids) - keep)]:
            if rid != release_id:
                self.fs.rm(self._p(f"{releases.RELEASES}/{rid}"), recursive=True)
        return self._url(base)

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

    def switch_to(self, release_id: str) -> str:
        base = f"{releases.RELEASES}/{release_id}"
        man = self.read_json(f"{base}/manifest.json")
        if man is None:
            raise ValueError(f"no complete release {release_id!r} at {self._url(base)}")
        self.write_json(pointer_for(release_id, man), POINTER)  # the single atomic switch
        return self._url(base)


def release_store(loc: Locations) -> ReleaseStore:
    """Returns the release store of a run's resolved locations."""
    if loc.out_is_url:
        return FsspecStore(loc.out, loc.cache_root)
    return LocalStore(local_path(loc.out))


def open_store(out_location: str, cache_root: Path) -> ReleaseStore:
    """Returns the release store of an out location (path, file:// URL or fsspec URL)."""
    return release_store(Locations.resolve(out_location, str(cache_root)))
