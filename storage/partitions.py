"""A release's tables on disk: one Parquet file per small table, a Hive-partitioned folder per
dated table, and the files a release shares with earlier ones.

Layout of a table in a release folder (Spark's layout: the folder is named like a file)::

    entities.parquet                                         a corpus-wide table: one file
    articles.parquet/published_date=2024-05-01/part-<h>.parquet   one file per partition
    events.parquet/event_day=undated/part-<h>.parquet

``<h>`` is the first 16 hex digits of the file's sha256, so the same rows always make the same
file name and bytes: a partition that did not change is the same file in two releases (hard-linked
by :func:`share_files`, the same key on an object store). ``read_table`` reads either layout back
as the one frame the pipeline wrote (the partition key dropped, rows in the table's sort order).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import pyarrow as pa

from storage.files import file_sha256, fsync_dir, parquet_facts, read_json, write_arrow, write_parquet
from transforms import partitions, schema

PART_PREFIX = "part-"
# How much of a table write_table converts to Arrow at once (polars' estimate of the rows' size).
WRITE_BATCH_BYTES = 32_000_000
# Threads writing one table's partition files at once (the writes release the GIL).
WRITERS = min(4, os.cpu_count() or 1)


def table_path(release: Path, name: str) -> Path:
    """Returns where table ``name`` lives in ``release`` (a file, or a folder when partitioned)."""
    return release / f"{name}.parquet"


def is_partitioned(release: Path, name: str) -> bool:
    """Returns True when table ``name`` of ``release`` is a partitioned folder."""
    return table_path(release, name).is_dir()


def _readable(f: Path, skipped: list[Path] | None) -> bool:
    """True when ``f``'s Parquet footer reads; else False when ``skipped`` collects such files
    (``f`` is added to it), and raises when it does not."""
    try:
        pl.read_parquet_schema(f)
    except (OSError, pl.exceptions.PolarsError):
        if skipped is None:
            raise
        skipped.append(f)
        return False
    return True


def _read_each(files: list[Path], wanted: list[str] | None, skipped: list[Path] | None) -> list[pl.DataFrame]:
    """Returns the frames of ``files`` read one by one; an unreadable file is added to ``skipped``
    and left out (raises when ``skipped`` is None)."""
    frames = []
    for f in files:
        try:
            frames.append(pl.read_parquet(f, columns=wanted, hive_partitioning=False))
        except (OSError, pl.exceptions.PolarsError):
            if skipped is None:
                raise
            skipped.append(f)
    return frames


def read_table(
    release: Path,
    table: schema.Table,
    columns: list[str] | None = None,
    skipped: list[Path] | None = None,
) -> pl.DataFrame | None:
    """Returns the rows of ``table`` in ``release`` in either layout (None when absent): the frame
    the pipeline wrote, without the partition key, sorted by the table's sort columns.
    ``skipped``: when given, a damaged (unreadable) file is left out and added to it, so a reader
    of a damaged release (the current one, say) gets the rows that remain; else it raises."""
    path = table_path(release, table.name)
    if path.is_file():
        if skipped is not None and not _readable(path, skipped):
            return schema.empty(table).select(columns) if columns else schema.empty(table)
        try:
            return pl.read_parquet(path, columns=columns)
        except (OSError, pl.exceptions.PolarsError):
            if skipped is None:
                raise
            skipped.append(path)
            return schema.empty(table).select(columns) if columns else schema.empty(table)
    if not path.is_dir():
        return None
    files = [f for f in table_files(release, table.name) if f.is_file()]
    if skipped is not None:
        files = [f for f in files if _readable(f, skipped)]
    if not files:
        return schema.empty(table).select(columns) if columns else schema.empty(table)
    # Only the columns asked for (and those the order needs) are read from each file.
    sort_by = list(table.sort_by)
    wanted = None if columns is None else [*columns, *(c for c in sort_by if c not in columns)]
    if wanted is not None and not set(wanted) <= set(read_columns(release, table) or []):
        wanted = None  # not a table written from the schema: read it whole, as it is
    try:  # one scan reads the files in parallel (a file at a time costs ~5 ms each)
        scan = pl.scan_parquet(files, hive_partitioning=False)
        frame = (scan.select(wanted) if wanted is not None else scan).collect()
    except pl.exceptions.PolarsError:  # files of different schemas (an older release) or damaged ones
        frames = _read_each(files, wanted, skipped)
        if not frames:
            return schema.empty(table).select(columns) if columns else schema.empty(table)
        frame = pl.concat(frames, how="vertical_relaxed")
    if frame.height and set(sort_by) <= set(frame.columns):
        frame = frame.sort(sort_by, nulls_last=True, maintain_order=True)
    return frame.select(columns) if columns else frame


def read_columns(release: Path, table: schema.Table) -> list[str] | None:
    """Returns the column names of ``table`` in ``release`` without reading rows (None: absent)."""
    path = table_path(release, table.name)
    if path.is_file():
        return list(pl.read_parquet_schema(path))
    files = [f for f in table_files(release, table.name) if f.is_file()] if path.is_dir() else []
    for i, f in enumerate(files):
        try:
            return list(pl.read_parquet_schema(f))
        except (OSError, pl.exceptions.PolarsError):
            if i == len(files) - 1:  # no file readable: the caller sees the damage
                raise
    return None


def table_files(release: Path, name: str) -> list[Path]:
    """Returns the partition files of the partitioned table ``name`` of ``release``: those its
    manifest lists (a stray file in the folder is not part of the release), or every
    ``part-*.parquet`` of the folder when the manifest lists none of them (a staging folder, a
    release from before file lists). Listed files may be missing: see :func:`release_problems`."""
    path = table_path(release, name)
    prefix = f"{path.name}/"
    listed = sorted(release / rel for rel in _manifest_files(release) if rel.startswith(prefix))
    return listed or sorted(path.glob(f"*=*/{PART_PREFIX}*.parquet"))


def release_problems(release: Path) -> list[str]:
    """Returns one message per data file that ``release``'s manifest lists but that is missing or
    not of the listed size (empty: the release is whole, or its manifest lists no files). Cheap:
    sizes only, no hashing."""
    problems = []
    for rel, facts in sorted(_manifest_files(release).items()):
        f = release / rel
        if not f.is_file():
            problems.append(f"{rel} is missing")
        elif isinstance(want := facts.get("bytes"), int) and (size := f.stat().st_size) != want:
            problems.append(f"{rel} has {size} bytes, the manifest says {want}")
    return problems


def write_partitioned(
    frame: pl.DataFrame, keys: pl.Series, dest: Path, table: schema.Table, *, sync: bool = True
) -> list[Path]:
    """Writes ``frame`` (conformed to ``table``) under the folder ``dest`` as one content-named file
    per partition key (``keys``, one per row); an empty frame becomes one empty file in the undated
    partition. Returns the files written (flushed unless ``sync`` is False)."""
    if table.partition is None:
        raise ValueError(f"{table.name} is not partitioned")
    parts = partitions.split(frame, keys) or [(schema.UNDATED, frame)]
    return [_write_part(rows, dest / f"{table.partition.name}={key}", table, sync) for key, rows in parts]


def _write_part(
    rows: pl.DataFrame | pa.Table,
    folder: Path,
    table: schema.Table,
    sync: bool,
    facts: dict[str, dict[str, object]] | None = None,
) -> Path:
    tmp = folder / f".{PART_PREFIX}new.parquet"
    data = rows.to_arrow() if isinstance(rows, pl.DataFrame) else rows
    write_arrow(data, tmp, table, sync=sync)
    sha = file_sha256(tmp)
    final = folder / f"{PART_PREFIX}{sha[:16]}.parquet"
    os.replace(tmp, final)
    if facts is not None:  # what data_files would read back, known now
        rel = final.relative_to(folder.parent.parent).as_posix()
        facts[rel] = {"rows": data.num_rows, "bytes": final.stat().st_size, "sha256": sha}
    return final


def write_table(
    release: Path,
    table: schema.Table,
    frame: pl.DataFrame,
    keys: pl.Series | None,
    reuse: Mapping[str | None, Path],
    facts: dict[str, dict[str, object]] | None = None,
) -> tuple[int, int]:
    """Writes ``frame`` (conformed to ``table``, in its order) as the table's files of the
    (staging) ``release``: one file, or one content-named file per partition key ``keys`` (one per
    row; None for a one-file table; an empty frame is one empty file in the undated partition).
    A partition (None: the one file) whose file ``reuse`` names is not written: that earlier file,
    known to hold the very same rows, is hard-linked (copied when links fail). The other partitions
    are converted to Arrow at once and written as slices. Files are not flushed: the release is
    flushed whole before it is switched to. Returns (files written, files shared); ``facts`` gets
    the rows, bytes and sha256 of each partition file written (path relative to ``release``)."""
    if keys is None:
        dest = table_path(release, table.name)
        if (src := reuse.get(None)) is not None and src.is_file() and _link_or_copy(src, dest):
            return 0, 1
        write_parquet(frame, dest, table, sync=False)
        return 1, 0
    if table.partition is None:
        raise ValueError(f"{table.name} is not partitioned")
    if frame.height != keys.len():
        raise ValueError("one partition key per row")
    folder = table_path(release, table.name)
    if frame.height == 0:
        frame, keys = frame.clear(), pl.Series([schema.UNDATED]).clear()
        present = [schema.UNDATED]
    else:
        present = sorted(str(k) for k in keys.unique())
    todo, shared = [], 0
    for key in present:
        src = reuse.get(key)
        here = folder / f"{table.partition.name}={key}"
        if src is not None and src.is_file() and _link_or_copy(src, here / src.name):
            shared += 1
        else:
            todo.append(key)
    if frame.height == 0:
        for key in todo:
            _write_part(frame, folder / f"{table.partition.name}={key}", table, False, facts)
        return len(todo), shared
    # The partitions to write, in groups of about WRITE_BATCH_BYTES: each group's rows are sorted
    # by partition (keeping the frame's order within one) and converted to Arrow at once, then
    # written as slices; one group's copy is alive at a time.
    tagged = frame.with_columns(keys.alias("__partition"), pl.int_range(pl.len()).alias("__row"))
    sizes = dict(tagged.group_by("__partition").len().rows())
    per_row = max(1, int(frame.estimated_size()) // frame.height)
    groups: list[list[str]] = [[]]
    budget = 0
    for key in todo:
        if groups[-1] and budget + sizes[key] * per_row > WRITE_BATCH_BYTES:
            groups.append([])
            budget = 0
        groups[-1].append(key)
        budget += sizes[key] * per_row
    name = table.partition.name
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="parts") as pool:
        for group in groups:
            rows = tagged.filter(pl.col("__partition").is_in(group)).sort(["__partition", "__row"])
            data = rows.drop("__partition", "__row").to_arrow()
            parts, offset = [], 0
            for key in sorted(group):
                parts.append((key, data.slice(offset, sizes[key])))  # slices: no copy
                offset += sizes[key]

            def write(part: tuple[str, pa.Table]) -> dict[str, dict[str, object]]:
                told: dict[str, dict[str, object]] = {}
                _write_part(part[1], folder / f"{name}={part[0]}", table, False, told)
                return told

            # Arrow's Parquet writer and the hashing release the GIL: the files are written by
            # several threads at once (each thread's facts merged in partition order after).
            for told in pool.map(write, parts):
                if facts is not None:
                    facts.update(told)
            del rows, data, parts
    return len(todo), shared


def _link_or_copy(src: Path, dest: Path) -> bool:
    """Puts the file ``src`` at ``dest`` as a hard link, else a copy; returns False when neither
    worked (the caller writes it)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.link")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        try:
            shutil.copyfile(src, tmp)
        except OSError:
            return False
    os.replace(tmp, dest)
    return True


def partition_release(release: Path) -> list[str]:
    """Turns every single-file table of ``release`` that the schema partitions into its folder of
    partitions (built beside, then renamed in place of the file); returns the tables converted.
    Rows and values are unchanged: only the layout changes."""
    todo = [
        t
        for t in schema.PUBLISHED_TABLES
        if t.partition is not None and table_path(release, t.name).is_file()
    ]
    if not todo:
        return []
    articles = read_table(release, schema.ARTICLES)
    days = partitions.article_days(articles if articles is not None else schema.empty(schema.ARTICLES))
    done = []
    for t in todo:
        path = table_path(release, t.name)
        frame = pl.read_parquet(path)
        if not set(partitions.key_columns(t)) <= set(frame.columns):
            continue  # not a table written from the schema: it stays one file
        building = path.with_name(f".{path.name}.partitioned")
        shutil.rmtree(building, ignore_errors=True)
        write_partitioned(frame, partitions.partition_keys(frame, t, days), building, t)
        # The file goes, the folder takes its name: a reader of this (staging) folder sees one or the other.
        path.unlink()
        os.rename(building, path)
        done.append(t.name)
    fsync_dir(release)
    return done


def data_files(
    release: Path, previous: Path | None = None, written: Mapping[str, Mapping[str, object]] | None = None
) -> dict[str, dict[str, object]]:
    """Returns every data file of ``release`` (path relative to it → rows, bytes, sha256, table),
    in both layouts. A file that is the very file (a hard link) the ``previous`` release's manifest
    lists at the same path, or one whose facts its writer gave (``written``, of the same size),
    is not read and hashed again."""
    known = _manifest_files(previous) if previous is not None else {}
    out: dict[str, dict[str, object]] = {}
    for t in schema.PUBLISHED_TABLES:
        path = table_path(release, t.name)
        files = [path] if path.is_file() else sorted(path.glob(f"*=*/{PART_PREFIX}*.parquet"))
        for f in files:
            rel = f.relative_to(release).as_posix()
            before = known.get(rel)
            facts: dict[str, object]
            told = (written or {}).get(rel)
            if before is not None and previous is not None and _same_file(f, previous / rel, before):
                facts = {k: before[k] for k in ("rows", "bytes", "sha256")}
            elif (
                told is not None and {"rows", "sha256"} <= set(told) and told.get("bytes") == f.stat().st_size
            ):
                facts = {k: told[k] for k in ("rows", "bytes", "sha256")}
            else:
                facts = parquet_facts(f)
            out[rel] = {**facts, "table": t.name}
            if f != path:
                out[rel]["partition"] = f.parent.name
    return out


def _same_file(f: Path, there: Path, facts: Mapping[str, object]) -> bool:
    """Returns True when ``f`` is ``there`` (one inode) of the size its manifest ``facts`` say."""
    try:
        return (
            os.path.samefile(f, there)
            and f.stat().st_size == facts.get("bytes")
            and {"rows", "sha256"} <= set(facts)
        )
    except OSError:
        return False


def table_of(rel: str) -> str:
    """Returns the table a data file's relative path belongs to (``articles.parquet/…`` → articles)."""
    return rel.split("/", 1)[0].removesuffix(".parquet")


def share_files(staging: Path, files: dict[str, dict[str, object]], sources: Iterable[Path]) -> int:
    """Replaces each data file of ``staging`` (``files``: its manifest entries; a missing one is
    added) whose bytes one of the earlier release folders ``sources`` already holds (same sha256
    and size, as its manifest says) by a hard link to that file; returns how many were linked. Files are never changed in
    place (every write is a new file renamed in), so a shared inode is never modified, and removing
    a release only drops its links."""
    known: dict[str, Path] = {}
    for src in sources:
        for rel, facts in _manifest_files(src).items():
            sha = facts.get("sha256")
            if isinstance(sha, str) and sha not in known and (src / rel).is_file():
                known[sha] = src / rel
    linked = 0
    for rel, facts in files.items():
        here = staging / rel
        there = known.get(str(facts.get("sha256")))
        if there is None or there.stat().st_size != facts.get("bytes"):
            continue
        if here.exists() and os.path.samefile(here, there):
            linked += 1
            continue
        here.parent.mkdir(parents=True, exist_ok=True)
        tmp = here.with_name(f".{here.name}.link")
        tmp.unlink(missing_ok=True)
        try:
            os.link(there, tmp)
        except OSError:  # another file system, or links not allowed: keep the copy
            continue
        os.replace(tmp, here)
        linked += 1
    return linked


def release_files(release: Path) -> dict[str, dict[str, object]]:
    """Returns the data files ``release``'s manifest lists (path → facts; empty without any)."""
    return _manifest_files(release)


def _manifest_files(release: Path) -> dict[str, dict[str, object]]:
    files = (read_json(release / "manifest.json") or {}).get("files")
    return {k: v for k, v in files.items() if isinstance(v, dict)} if isinstance(files, dict) else {}


def load_table(release: Path, name: str, skipped: list[Path] | None = None) -> pl.DataFrame:
    """Returns the published table ``name`` of ``release`` (see :func:`read_table`, ``skipped``
    included); raises ``FileNotFoundError`` when the release lacks it."""
    frame = read_table(release, schema.TABLES[name], skipped=skipped)
    if frame is None:
        raise FileNotFoundError(table_path(release, name))
    return frame
