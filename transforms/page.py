"""The download page of an out dir: ``index.html`` from its catalog, the current release's card and
plots (pure: dicts and text in, HTML out). Static: no script, nothing fetched from the network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from markdown_it import MarkdownIt

# Raw HTML in the card is shown as text, never interpreted: `<out_dir>` stays visible.
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right}
code{background:#f3f3f3;padding:0 3px;font-size:90%}
pre{background:#f6f6f6;padding:.6em;overflow-x:auto}
.sha{font-family:monospace;font-size:11px;word-break:break-all}
.plots{display:flex;flex-wrap:wrap;gap:12px}
.plots figure{margin:0;border:1px solid #ddd;padding:6px}
details.card{border-top:2px solid #4e79a7;margin-top:1.5em}
.current{background:#eef5ff}
"""


def split_front_matter(card: str) -> tuple[str, str]:
    """Returns (YAML header, Markdown body) of a dataset card; the header is "" when absent."""
    if card.startswith("---\n"):
        end = card.find("\n---\n", 4)
        if end != -1:
            return card[4:end], card[end + 5 :]
    return "", card


def render_markdown(text: str) -> str:
    """Returns Markdown as HTML with any raw HTML escaped."""
    return _MD.render(text)


def _size(n: object) -> str:
    if not isinstance(n, int):
        return ""
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def _files_table(rel: Mapping[str, Any]) -> str:
    rows = []
    for f in rel["files"]:
        rows.append(
            f'<tr><td><a href="{escape(f["href"])}" download>{escape(f["name"])}</a></td>'
            f'<td class="n">{escape(str(f.get("rows", "")))}</td><td class="n">{_size(f.get("bytes"))}</td>'
            f'<td class="sha">{escape(str(f.get("sha256", "")))}</td></tr>'
        )
    return (
        '<table class="files"><tr><th>file</th><th>rows</th><th>size</th><th>sha256</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def card_html(release_id: str, card: str) -> str:
    """Returns the current release's dataset card as a page of its own (``card.html``)."""
    header, body = split_front_matter(card)
    return "\n".join(
        [
            "<!doctype html><html lang=en><head><meta charset=utf-8>",
            f"<title>newsfacts release {escape(release_id)}: dataset card</title>",
            f"<style>{_STYLE}</style></head><body>",
            '<p><a href="index.html">← download page</a></p>',
            f"<details><summary>YAML header</summary><pre>{escape(header)}</pre></details>" if header else "",
            render_markdown(body),
            "</body></html>",
        ]
    )


def index_html(catalog: Mapping[str, Any], card: str | None, plots: Sequence[tuple[str, str]]) -> str:
    """Returns the download page: the current release first (files with rows, size, sha256 and
    links; its plots; its card rendered), then every earlier release with its files."""
    releases: list[Mapping[str, Any]] = list(catalog["releases"])
    cur = next((r for r in releases if r.get("current")), None)
    out = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>newsfacts data{' — release ' + escape(cur['id']) if cur else ''}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>newsfacts: download the data</h1>",
        "<p>Articles, entities, events and quotes extracted from news articles, validated before "
        'publication. Machine-readable: <a href="catalog.json">catalog.json</a> (every release and file), '
        '<a href="current.json">current.json</a> (the current release).</p>',
    ]
    if cur is None:
        out.append("<p>No release has been published yet.</p>")
    else:
        links = " · ".join(
            f'<a href="{escape(href)}">{escape(label)}</a>'
            for label, href in (
                ("dataset card", "card.html"),
                ("README.md", cur["card"]),
                ("datapackage.json", cur["datapackage"]),
                ("CITATION.cff", cur["citation"]),
                ("load.sql (DuckDB)", cur["load_sql"]),
                ("manifest.json", cur["manifest"]),
            )
        )
        out += [
            f'<section class="current" id="current"><h2>Current release <code>{escape(cur["id"])}</code></h2>',
            f"<p>Created {escape(str(cur.get('created_at', '')))}. {links}</p>",
            _files_table(cur),
            "</section>",
        ]
        if plots:
            out.append('<h2>At a glance</h2><div class="plots">')
            out += [f"<figure>{svg}<figcaption>{escape(t)}</figcaption></figure>" for t, svg in plots]
            out.append("</div>")
    older = [r for r in releases if not r.get("current")]
    if older:
        out.append("<h2>Other releases</h2>")
        for r in older:
            out += [
                f"<details><summary><code>{escape(r['id'])}</code> — created {escape(str(r.get('created_at', '')))}"
                f' (<a href="{escape(r["card"])}">card</a>)</summary>',
                _files_table(r),
                "</details>",
            ]
    if cur is not None and card:
        header, body = split_front_matter(card)
        out += [
            '<section class="card" id="card"><h2>Dataset card</h2>',
            f"<details><summary>YAML header</summary><pre>{escape(header)}</pre></details>" if header else "",
            render_markdown(body),
            "</section>",
        ]
    out.append(
        f"<footer><p>Generated {escape(str(catalog.get('generated_at', '')))}.</p></footer></body></html>"
    )
    return "\n".join(out) + "\n"
