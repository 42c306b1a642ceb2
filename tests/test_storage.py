"""Storage beyond one disk: raw inputs and releases at fsspec URLs (memory:// here, as s3:// or gs://
would be), releases switched by the ``current.json`` pointer, and the flow run end to end on them."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import fsspec
import polars as pl
import pytest

from flows import params
from storage.files import file_sha256, write_json, write_parquet
from storage.locations import default_cache, is_url, local_path
from storage.partitions import data_files
from storage.raw import read_raw
from storage.stores import FsspecStore, LocalStore, ReleaseStore, open_store
from tests.conftest import ROOT
from transforms import schema
from transforms.ingest import IngestLimits


@pytest.fixture
def mem_url() -> Iterator[str]:
    """A fresh folder of fsspec's in-process memory filesystem, removed afterwards."""
    url = f"memory://newsfacts-test-{uuid.uuid4().hex[:8]}"
    yield url
    fs = fsspec.filesystem("memory")
    root = url.removeprefix("memory://")
    if fs.exists(root):
        fs.rm(root, recursive=True)


def _staging(store: ReleaseStore, run: str, rows: int) -> Path:
    staging = store.new_staging(run)
    write_parquet(pl.DataFrame({"article_id": [f"a{i}" for i in range(rows)]}), staging / "articles.parquet")
    (staging / "validation").mkdir()
    (staging / "validation" / "index.html").write_text("<p>ok</p>")
    write_json({"release": run, "files": data_files(staging)}, staging / "manifest.json")
    return staging


def test_url_and_path_detection() -> None:
    assert is_url("s3://bucket/out") and is_url("memory://x")
    assert not is_url("data/out") and not is_url("file:///tmp/out") and not is_url("C:/data")
    assert local_path("file:///tmp/out") == Path("/tmp/out")
    assert isinstance(open_store("file:///tmp/x", Path("/tmp/c")), LocalStore)
    assert default_cache("/srv/news/out") == Path("/srv/news/cache")
    assert default_cache("s3://b/out") != default_cache("s3://b/other")


def test_remote_raw_reads_like_the_local_folder(mem_url: str, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "a.txt").write_text("Headline one\n\nThe minister met the mayor on Tuesday.\n")
    (raw / "sub" / "b.jsonl").write_text(
        json.dumps({"id": "x1", "text": "A second story about a vote."}) + "\n"
    )
    (raw / ".hidden.txt").write_text("skipped")
    (raw / "big.txt").write_bytes(b"x" * 5000)
    fs = fsspec.filesystem("memory")
    fs.put(str(raw), mem_url.removeprefix("memory://") + "/raw", recursive=True)
    limits = IngestLimits(max_file_bytes=4000)
    local, local_bad, n_local = read_raw(str(raw), limits)
    remote, remote_bad, n_remote = read_raw(f"{mem_url}/raw", limits)
    via_file_url, _, _ = read_raw(raw.as_uri(), limits)
    assert n_local == n_remote == 3
    assert remote.equals(local) and via_file_url.equals(local)
    assert [b["reason"] for b in remote_bad] == [b["reason"] for b in local_bad] == ["too_large"]


def test_pointer_switches_releases_and_prunes(mem_url: str, tmp_path: Path) -> None:
    store = open_store(mem_url, tmp_path / "cache")
    assert isinstance(store, FsspecStore) and store.current() is None
    loc1 = store.publish(_staging(store, "r1", 2), "20200101T000000Z-aaaa", ["articles"], keep=2)
    assert loc1 == f"{mem_url}/releases/20200101T000000Z-aaaa"
    ptr = store.pointer()
    assert ptr is not None and ptr["release"] == "20200101T000000Z-aaaa"
    sha = file_sha256(store.local / "releases" / "20200101T000000Z-aaaa" / "articles.parquet")
    # data files live once under a key named by their content, outside the release folders
    assert ptr["tables"] == {"articles": [f"data/articles-{sha[:16]}.parquet"]}
    store.publish(_staging(store, "r2", 3), "20200102T000000Z-bbbb", ["articles"], keep=2)
    store.publish(_staging(store, "r3", 4), "20200103T000000Z-cccc", ["articles"], keep=2)
    fs = fsspec.filesystem("memory")
    root = mem_url.removeprefix("memory://")
    kept = sorted(p.rsplit("/", 1)[-1] for p in fs.ls(f"{root}/releases", detail=False))
    assert kept == ["20200102T000000Z-bbbb", "20200103T000000Z-cccc"]
    # A reader needs nothing but the pointer.
    ptr = json.loads(fs.cat_file(f"{root}/current.json"))
    with fs.open(f"{root}/{ptr['tables']['articles'][0]}", "rb") as fh:
        assert pl.read_parquet(fh).height == 4
    # A run on another machine (empty cache) gets a complete local copy of the current release.
    other = open_store(mem_url, tmp_path / "other-cache")
    cur = other.current()
    assert cur is not None and cur.name == "20200103T000000Z-cccc"
    assert pl.read_parquet(cur / "articles.parquet").height == 4
    assert (cur / "validation" / "index.html").read_text() == "<p>ok</p>"
    store.write_json({"report": "x"}, "evaluation/quotes.json")
    assert other.read_json("evaluation/quotes.json") == {"report": "x"}
    assert other.read_json("evaluation/missing.json") is None


def test_an_interrupted_upload_is_never_current_and_is_removed(mem_url: str, tmp_path: Path) -> None:
    store = open_store(mem_url, tmp_path / "cache")
    assert isinstance(store, FsspecStore)
    store.publish(_staging(store, "r1", 2), "20200101T000000Z-aaaa", ["articles"], keep=5)
    # An upload that died before its manifest: files there, no manifest, no pointer switch.
    fs = fsspec.filesystem("memory")
    root = mem_url.removeprefix("memory://")
    fs.pipe_file(f"{root}/releases/20200102T000000Z-dead/articles.parquet", b"partial")
    left = store.new_staging("killed-run")
    assert (
        store.current() is not None
        and store.current_location() == f"{mem_url}/releases/20200101T000000Z-aaaa"
    )
    gone = store.recover()
    assert "20200102T000000Z-dead" in gone and "killed-run" in gone and not left.exists()
    assert not fs.exists(f"{root}/releases/20200102T000000Z-dead")
    assert fs.exists(f"{root}/releases/20200101T000000Z-aaaa/manifest.json")


def test_url_parameters_are_checked(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    base = {
        "cache_dir": None, "full_refresh": False, "model": "en_core_web_sm", "batch_size": 32,
        "n_process": 1, "chunk_size": 64, "english_only": True, "max_file_mb": 1.0,
        "max_article_chars": 1000, "keep_releases": 2, "max_row_loss": 0.2, "lock_wait_seconds": 0.0,
        "roots": [tmp_path],
    }  # fmt: skip
    ok = params.validate_params(
        raw_dir=str(raw), out_dir="memory://bucket/out", url_prefixes=["memory://bucket"], **base
    )
    assert ok.out_dir == "memory://bucket/out" and ok.raw_dir == str(raw.resolve())
    file_url = params.validate_params(raw_dir=raw.as_uri(), out_dir=str(tmp_path / "out"), **base)
    assert file_url.raw_dir == str(raw.resolve())
    bad = {
        "memory://elsewhere/out": "not under an allowed URL prefix",
        "memory://bucket/../x": "'..'",
        "s3://key:secret@bucket/out": "no credentials",
        "memory://bucket/out?x=1": "no credentials, query",
        "nosuchfs://bucket/out": "no fsspec filesystem",
    }
    for out, why in bad.items():
        with pytest.raises(ValueError, match=why.replace("?", r"\?").replace(".", r"\.")):
            params.validate_params(
                raw_dir=str(raw), out_dir=out, url_prefixes=["memory://bucket", "nosuchfs://bucket"], **base
            )
    with pytest.raises(ValueError, match="must be a local folder"):
        params.validate_params(
            raw_dir=str(raw), out_dir="memory://bucket/out", url_prefixes=["memory://bucket"],
            **{**base, "cache_dir": "memory://bucket/cache"},
        )  # fmt: skip
    with pytest.raises(ValueError, match="must not contain one another"):
        params.validate_params(
            raw_dir="memory://bucket/data", out_dir="memory://bucket/data/out", url_prefixes=["memory://bucket"],
            **base,
        )  # fmt: skip


@pytest.mark.slow
def test_the_flow_reads_and_publishes_at_urls(
    harness: str, mem_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seeds read from memory:// and published to memory:// give the tables of a local run."""
    from flows.pipeline import newsfacts_pipeline

    monkeypatch.setenv(params.URLS_ENV, mem_url)
    fs = fsspec.filesystem("memory")
    root = mem_url.removeprefix("memory://")
    fs.put(str(ROOT / "data" / "raw"), f"{root}/raw", recursive=True)
    cache = tmp_path / "cache"
    first = newsfacts_pipeline(
        raw_dir=f"{mem_url}/raw", out_dir=f"{mem_url}/out", cache_dir=str(cache), n_process=1
    )
    assert first["published"] and first["release"].startswith(f"{mem_url}/out/releases/")
    assert first["rows"]["quotes"] > 0 and first["rows"]["articles"] == len(
        list((ROOT / "data" / "raw").iterdir())
    )
    ptr = json.loads(fs.cat_file(f"{root}/out/current.json"))
    assert first["release"].endswith(ptr["path"])
    for facts in ptr["files"].values():
        assert fs.info(f"{root}/out/{facts['href']}")["size"] == facts["bytes"]
    assert set(ptr["tables"]) == {t.name for t in schema.PUBLISHED_TABLES}
    again = newsfacts_pipeline(
        raw_dir=f"{mem_url}/raw", out_dir=f"{mem_url}/out", cache_dir=str(cache), n_process=1
    )
    assert (
        not again["published"]
        and again["publish_reason"] == "unchanged"
        and again["release"] == first["release"]
    )
    # The same input in local folders (the parse comes from the shared cache) gives the same bytes.
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw", raw)
    local = newsfacts_pipeline(
        raw_dir=str(raw), out_dir=str(tmp_path / "out"), cache_dir=str(cache), n_process=1
    )
    man = json.loads((Path(local["release"]) / "manifest.json").read_text())
    assert {k: v["sha256"] for k, v in man["files"].items()} == {
        k: v["sha256"] for k, v in ptr["files"].items()
    }


def test_work_folders_of_killed_runs_are_swept(tmp_path: Path) -> None:
    """A work folder is removed only when its run's process is gone and it is old; a live run's,
    a recent one and other names stay."""
    import os
    import subprocess
    import sys
    import time

    from storage.files import STALE_WORK_S, clear_stale_work

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # its pid is free now
    root = tmp_path / "work"
    old = time.time() - STALE_WORK_S - 60
    folders = {
        "killed": f"20260101T000000-{ended.pid}",
        "live": f"20260101T000000-{os.getpid()}",
        "other name": "notes",
        "recent": f"20260103T000000-{ended.pid}",
    }
    for key, name in folders.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        if key != "recent":
            os.utime(root / name, (old, old))
    assert clear_stale_work(root) == [folders["killed"]]
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [folders["live"], folders["other name"], folders["recent"]]
    )
    assert clear_stale_work(tmp_path / "absent") == []
