"""The download page of an out location: ``catalog.json`` (every release and file with rows, size,
sha256 and links, the current release first) and ``index.html`` (the same for a browser, with the
current release's plots and card), written after every publish and rollback.

Links are relative to the out location, so the page works from any static web server or object
store that serves it (``newsfacts serve-data`` locally). Where it is served is known from
``NEWSFACTS_PUBLIC_URL`` or from a running ``serve-data`` (:func:`public_base`); the run's
artifacts then link to http URLs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import polars as pl

from storage.files import process_alive, read_json, read_text
from storage.partitions import read_columns, read_table
from storage.releases import RELEASES
from storage.stores import LocalStore, ReleaseStore
from transforms import page, plots, schema

PUBLIC_URL_ENV = "NEWSFACTS_PUBLIC_URL"
SERVE_MARKER = ".serve-data.json"  # written by `newsfacts serve-data` while it serves a local out dir


def catalog(store: ReleaseStore, base_url: str | None = None) -> dict[str, Any]:
    """Returns the catalog of a store: its releases (current first, then newest first), each with
    its files (name, relative href, url when ``base_url`` is known, rows, bytes, sha256)."""
    current = store.current_id()
    newest = sorted(store.release_ids(), reverse=True)
    ids = [r for r in newest if r == current] + [r for r in newest if r != current]
    releases = []
    for rid in ids:
        base = f"{RELEASES}/{rid}"
        man = store.read_json(f"{base}/manifest.json")
        if man is None:
            continue
        files_meta = man.get("files")
        files = []
        for name, facts in sorted(files_meta.items()) if isinstance(files_meta, dict) else []:
            href = store.data_href(rid, name, facts if isinstance(facts, dict) else {})
            entry = {"name": name, "href": href, **(facts if isinstance(facts, dict) else {})}
            if base_url:
                entry["url"] = f"{base_url}/{href}"
            files.append(entry)
        releases.append(
            {
                "id": rid,
                "current": rid == current,
                "created_at": man.get("created_at"),
                "extractor_version": man.get("extractor_version"),
                "files": files,
                **{k: f"{base}/{v}" for k, v in _DOCS.items()},
            }
        )
    return {
        "name": "newsfacts",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base_url": base_url,
        "current": current,
        "releases": releases,
    }


_DOCS = {
    "card": "README.md",
    "manifest": "manifest.json",
    "datapackage": "datapackage.json",
    "citation": "CITATION.cff",
    "load_sql": "load.sql",
}


def _tables(release: Path) -> dict[str, pl.DataFrame]:
    cols = {
        "articles": ["published_at", "publisher"],
        "entities": ["name", "type", "n_mentions"],
        "events": ["event_date", "event_type"],
        "quotes": ["speaker"],
    }
    found = {}
    for name, want in cols.items():
        try:
            have = read_columns(release, schema.TABLES[name])
        except (OSError, pl.exceptions.PolarsError):  # no readable file: left out of the plots
            continue
        # a table without the plotted columns (an older layout) is left out of the plots;
        # a damaged file (a release being replaced) is left out of them too
        if have is not None and set(want) <= set(have):
            try:  # one parallel scan of the files (checking each footer first costs ~1 ms a file)
                frame = read_table(release, schema.TABLES[name], want)
            except (OSError, pl.exceptions.PolarsError):  # a damaged file: the others are read
                frame = read_table(release, schema.TABLES[name], want, [])
            if frame is not None:
                found[name] = frame
    return found


def write_page(store: ReleaseStore) -> dict[str, Any]:
    """Writes ``catalog.json`` and ``index.html`` into the store's root (each one atomic put);
    returns the catalog."""
    cat = catalog(store, public_base(store))
    cur = store.current()
    card = read_text(cur / "README.md") if cur is not None else None
    figures = plots.release_plots(_tables(cur)) if cur is not None else []
    store.write_bytes((json.dumps(cat, indent=2, default=str) + "\n").encode(), "catalog.json")
    if cur is not None and card is not None:
        store.write_bytes(page.card_html(cur.name, card).encode(), "card.html")
    store.write_bytes(page.index_html(cat, card, figures).encode(), "index.html")
    return cat


def public_base(store: ReleaseStore) -> str | None:
    """Returns the http(s) URL the out location is served at: ``NEWSFACTS_PUBLIC_URL``, else the
    URL of a ``newsfacts serve-data`` running for this local out dir, else None."""
    env = os.environ.get(PUBLIC_URL_ENV, "").strip()
    if env:
        return env.rstrip("/")
    if isinstance(store, LocalStore):
        marker = read_json(store.out_dir / SERVE_MARKER)
        if marker and isinstance(marker.get("url"), str) and process_alive(marker.get("pid")):
            return str(marker["url"]).rstrip("/")
    return None

    return True
