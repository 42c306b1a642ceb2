"""Static SVG bar charts of a release for the download page (pure: frames in, SVG text out).

Hand-made SVG: no JavaScript and nothing fetched from the network, so the page works from any
static web server or object store, and offline.
"""

from __future__ import annotations

from html import escape

import polars as pl

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")
OTHER = "(other)"


def hbar(title: str, labels: list[str], values: list[int], width: int = 520) -> str:
    """Returns a horizontal bar chart: one labelled bar per value."""
    if not values:
        return _empty(title, width)
    row, left, top = 20, 215, 30
    height = top + row * len(values) + 10
    vmax = max(values) or 1
    span = width - left - 50
    parts = [_head(title, width, height)]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = max(1.0, span * v / vmax)
        parts += [
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end" font-size="11">{escape(_short(label, 34))}</text>',
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {v}</title></rect>",
            f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11">{v}</text>',
        ]
    return "".join(parts) + "</svg>"


def stacked(title: str, frame: pl.DataFrame, x: str, series: str, width: int = 520) -> str:
    """Returns vertical bars per value of ``x`` (sorted), stacked by ``series`` (its 7 largest
    values, the rest as "(other)") from a frame of ``x``, ``series`` and ``n`` columns."""
    if frame.is_empty():
        return _empty(title, width)
    top_series = (
        frame.group_by(series).agg(pl.col("n").sum()).sort(["n", series], descending=[True, False])[series]
    ).to_list()
    keep = top_series[:7]
    f = frame.with_columns(
        pl.when(pl.col(series).is_in(keep)).then(pl.col(series)).otherwise(pl.lit(OTHER)).alias(series)
    )
    names = [*keep, *([OTHER] if len(top_series) > 7 else [])]
    xs = sorted(f[x].unique().to_list())
    totals = f.group_by(x).agg(pl.col("n").sum())
    vmax = max(totals["n"].to_list()) or 1
    left, top, plot_h, legend_h = 40, 30, 180, 18 * ((len(names) + 2) // 3)
    height = top + plot_h + 40 + legend_h
    step = (width - left - 10) / max(1, len(xs))
    bar = max(2.0, step * 0.8)
    parts = [_head(title, width, height)]
    parts.append(f'<text x="4" y="{top + 10}" font-size="11">{vmax}</text>')
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#999"/>'
    )
    cells = {
        (r[x], r[series]): r["n"]
        for r in f.group_by([x, series]).agg(pl.col("n").sum()).iter_rows(named=True)
    }
    for i, xv in enumerate(xs):
        y = float(top + plot_h)
        for j, s in enumerate(names):
            n = cells.get((xv, s), 0)
            if not n:
                continue
            h = plot_h * n / vmax
            y -= h
            parts.append(
                f'<rect x="{left + i * step:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(str(xv))} · {escape(str(s))}: {n}</title></rect>'
            )
    for i in sorted({0, len(xs) - 1, len(xs) // 2}):
        parts.append(
            f'<text x="{left + i * step + bar / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="middle">{escape(str(xs[i]))}</text>'
        )
    for j, s in enumerate(names):
        lx, ly = 10 + (j % 3) * ((width - 20) / 3), top + plot_h + 34 + 18 * (j // 3)
        parts += [
            f'<rect x="{lx:.1f}" y="{ly - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>',
            f'<text x="{lx + 14:.1f}" y="{ly}" font-size="11">{escape(_short(str(s), 24))}</text>',
        ]
    return "".join(parts) + "</svg>"


def release_plots(tables: dict[str, pl.DataFrame]) -> list[tuple[str, str]]:
    """Returns (title, SVG) of the plots of a release's tables: articles per day and publisher,
    top entities, events per day and category, quotes per speaker."""
    out = []
    arts = tables.get("articles")
    if arts is not None:
        f = (
            arts.select(
                pl.col("published_at").cast(pl.String).fill_null("undated").alias("day"),
                pl.col("publisher").fill_null("(unknown)"),
            )
            .group_by("day", "publisher")
            .len("n")
        )
        out.append(
            (
                "Articles per day and publisher",
                stacked("Articles per day and publisher", f, "day", "publisher"),
            )
        )
    ents = tables.get("entities")
    if ents is not None:
        top = ents.sort(["n_mentions", "name"], descending=[True, False]).head(15)
        labels = [f"{r['name']} ({r['type']})" for r in top.iter_rows(named=True)]
        out.append(
            (
                "Top entities by mentions",
                hbar("Top entities by mentions", labels, top["n_mentions"].to_list()),
            )
        )
    evs = tables.get("events")
    if evs is not None:
        f = (
            evs.select(pl.col("event_date").cast(pl.String).fill_null("undated").alias("day"), "event_type")
            .group_by("day", "event_type")
            .len("n")
        )
        out.append(
            (
                "Events per day and category",
                stacked("Events per day and category (PLOVER)", f, "day", "event_type"),
            )
        )
    qs = tables.get("quotes")
    if qs is not None:
        top = (
            qs.select(pl.col("speaker").fill_null("(no speaker)"))
            .group_by("speaker")
            .len("n")
            .sort(["n", "speaker"], descending=[True, False])
            .head(15)
        )
        out.append(
            ("Quotes per speaker", hbar("Quotes per speaker", top["speaker"].to_list(), top["n"].to_list()))
        )
    return out


def _head(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif">'
        f'<text x="4" y="16" font-size="14" font-weight="bold">{escape(title)}</text>'
    )


def _empty(title: str, width: int) -> str:
    return _head(title, width, 50) + '<text x="4" y="40" font-size="12">no rows</text></svg>'


def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
