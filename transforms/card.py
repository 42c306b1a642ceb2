"""The dataset card (README.md) and CITATION.cff of a release (pure: dicts and frames in, text out).

The card follows what Hugging Face and Zenodo cards carry: a YAML header (licence, language, size
category, one config per table), terms of use for the republished text (``publish_text``),
citation, coverage, limitations, a changelog against the previous release, the latest measured
accuracy of every evaluated part, validation, the files and the data dictionary.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from transforms import dictionary

PUBLISH_TEXT = ("full", "snippet", "none")
SNIPPET_CHARS = 280

TEXT_TERMS = {
    "full": "`articles.text` is the full cleaned article text; every offset (`start`, `end`) in the "
    "other tables points into it.",
    "snippet": f"`articles.text` holds only the first {SNIPPET_CHARS} characters of each article (cut at a "
    "space): offsets past the snippet point beyond it, so provenance must be checked against the "
    "original article (`url`, `source_path`). `n_chars` is the full length; `boilerplate_removed` is empty.",
    "none": "`articles.text` is empty: no article text is republished. Offsets refer to the original "
    "cleaned article (`url`, `source_path`), whose length is `n_chars`; `boilerplate_removed` is empty.",
}
TEXT_SHORT = {
    "full": "the full cleaned text, provenance offsets work on it",
    "snippet": f"the first {SNIPPET_CHARS} characters of each article",
    "none": "no article text",
}


def reduce_text(articles: pl.DataFrame, publish_text: str) -> pl.DataFrame:
    """Returns ``articles`` with the text the operator chose to publish: unchanged for ``full``,
    a snippet of :data:`SNIPPET_CHARS` (cut at the last space) or empty for ``none``."""
    if publish_text == "full":
        return articles
    if publish_text not in PUBLISH_TEXT:
        raise ValueError(f"publish_text must be one of {', '.join(PUBLISH_TEXT)}, not {publish_text!r}")
    if publish_text == "none":
        text = pl.lit("")
    else:
        head = pl.col("text").str.slice(0, SNIPPET_CHARS)
        cut = head.str.replace(r"\s+\S*$", "")
        text = pl.when(pl.col("text").str.len_chars() > SNIPPET_CHARS).then(cut).otherwise(pl.col("text"))
    empty = pl.lit([], dtype=pl.List(pl.String()))
    return articles.with_columns(text.alias("text"), empty.alias("boilerplate_removed"))


# The columns of articles that :func:`coverage` reads.
COVERAGE_COLUMNS = ("publisher", "published_at", "language")


def coverage(articles: pl.DataFrame) -> dict[str, Any]:
    """Returns what the articles cover: publishers (with counts), date range and languages
    (a column the frame lacks counts as unknown)."""
    missing = [c for c in COVERAGE_COLUMNS if c not in articles.columns]
    articles = articles.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    pubs = (
        articles.group_by("publisher").len().sort(["len", "publisher"], descending=[True, False]).to_dicts()
        if articles.height
        else []
    )
    dates = articles["published_at"].drop_nulls()
    langs = sorted(str(x) for x in set(articles["language"].to_list()) if x is not None)
    return {
        "articles": articles.height,
        "publishers": [{"publisher": p["publisher"], "articles": p["len"]} for p in pubs],
        "first_date": str(dates.min()) if len(dates) else None,
        "last_date": str(dates.max()) if len(dates) else None,
        "undated": articles.height - len(dates),
        "languages": langs,
    }


def table_changes(
    new: Mapping[str, pl.DataFrame], prev: Mapping[str, pl.DataFrame] | None
) -> dict[str, dict[str, int]]:
    """Returns rows added and removed per table (by the table's key columns) from the key frames
    of the previous release ``prev`` (None: the first release) to those of ``new``."""
    out: dict[str, dict[str, int]] = {}
    for name, keys in sorted(new.items()):
        before = prev.get(name) if prev is not None else None
        if before is None:
            out[name] = {"rows": keys.height, "added": keys.height, "removed": 0}
            continue
        cols = [c for c in keys.columns if c in before.columns]
        a, b = keys.select(cols).unique(), before.select(cols).unique()
        out[name] = {
            "rows": keys.height,
            "added": a.join(b, on=cols, how="anti", nulls_equal=True).height,
            "removed": b.join(a, on=cols, how="anti", nulls_equal=True).height,
        }
    return out


def size_category(n: int) -> str:
    """Returns the Hugging Face size category of ``n`` rows."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M" if n < 1_000_000 else "n>1M"


def _yaml_header(man: Mapping[str, Any], cov: Mapping[str, Any]) -> list[str]:
    tables = sorted({k.split("/", 1)[0].removesuffix(".parquet") for k in man["files"]})
    partitioned = {k.split("/", 1)[0].removesuffix(".parquet") for k in man["files"] if "/" in k}
    lines = [
        "---",
        "pretty_name: newsfacts",
        "license: other",
        "license_name: newsfacts-terms",
        "language:",
        *[f"- {lang}" for lang in cov["languages"] or ["en"]],
        "size_categories:",
        f"- {size_category(int(cov['articles']))}",
        "task_categories:",
        "- token-classification",
        "- text-classification",
        "tags:",
        "- news",
        "- named-entities",
        "- quotes",
        "- events",
        "configs:",
    ]
    for t in tables:
        files = f"{t}.parquet/*/*.parquet" if t in partitioned else f"{t}.parquet"
        lines += [f"- config_name: {t}", f"  data_files: {files}"]
        if t == "articles":
            lines.append("  default: true")
    return [*lines, "---", ""]


def _accuracy(evaluations: Mapping[str, Mapping[str, Any]], extractor_version: str) -> list[str]:
    if not evaluations:
        return [
            "No part has been evaluated yet (`newsfacts evaluate quotes --gold FILE --out-dir OUT_DIR` "
            "writes the figures under `OUT_DIR/evaluation/`; every later release reports them)."
        ]
    lines = []
    for part, ev in sorted(evaluations.items()):
        version = ev.get("extractor_version")
        tie = (
            f"extractor `{version}`"
            + (" (this release's)" if version == extractor_version else " (an earlier one)")
            if version
            else "extractor version not recorded"
        )
        lines += [
            f"### {part}",
            "",
            f"Measured on {ev.get('gold', 'unnamed gold')} at {ev.get('evaluated_at', 'an unknown time')}, {tie}.",
            "",
        ]
        report = ev.get("report")
        if isinstance(report, str) and report.strip():
            lines += ["```", report.strip(), "```", ""]
        else:
            figures = ev.get("figures") or {k: v for k, v in ev.items() if isinstance(v, int | float)}
            lines += [f"- {k}: {v}" for k, v in sorted(figures.items()) if isinstance(v, int | float | str)]
            lines.append("")
    return lines


def dataset_card(
    man: Mapping[str, Any],
    quarantine: pl.DataFrame,
    *,
    cov: Mapping[str, Any],
    changes: Mapping[str, Mapping[str, int]],
    previous: str | None,
    evaluations: Mapping[str, Mapping[str, Any]],
    validation_md: str,
    publish_text: str,
    contact: str | None = None,
) -> str:
    """Returns the release's README.md: YAML header, summary, terms, loading snippet, citation,
    coverage, limitations, changelog, measured accuracy, validation, files, quarantine and the data
    dictionary generated from the schema module."""
    rid = str(man["release_id"])
    model = man["spacy_model"]
    lines = _yaml_header(man, cov)
    lines += [
        f"# newsfacts release {rid}",
        "",
        "Articles, entities, events and quotes extracted from news articles, validated before publication. "
        "Every mention, quote and event mention points into `articles.text` by character offsets "
        "(`text[start:end]`).",
        "",
        f"- Created: {man['created_at']}",
        f"- newsfacts {man['newsfacts_version']}; spaCy model `{model.get('name')}` {model.get('version')} "
        f"(spaCy {model.get('spacy_version')}); extractor version `{man['extractor_version']}`",
        f"- Input fingerprint: `{man['input_fingerprint']}`",
        f"- Validation: **{man['validation'].get('verdict', 'unknown')}**",
        f"- Contact: {contact or 'the operator who published this release (set NEWSFACTS_CONTACT to name one)'}",
        "",
        "## Licence and terms of use",
        "",
        "The extracted data (ids, entities, events, quotes' attributions, offsets) is published by the "
        "operator of this release for research. The article texts and the quoted words belong to their "
        "publishers and authors: check the publishers' terms before redistributing them, and cite the "
        "original article (`url`) when quoting.",
        "",
        f"Article text in this release (`publish_text={publish_text}`): {TEXT_TERMS[publish_text]}",
        "",
        "The operator chooses with the run parameter `publish_text`: "
        + "; ".join(f"`{k}`: {v}" for k, v in TEXT_SHORT.items())
        + ".",
        "",
        "## Load it",
        "",
        "```python",
        "import polars as pl",
        "# the dated tables are Hive-partitioned folders: read each folder as one table",
        'quotes = pl.read_parquet("quotes.parquet")',
        "# Hugging Face datasets: one config per table",
        "from datasets import load_dataset",
        'events = load_dataset("parquet", data_files={"train": "events.parquet/*/*.parquet"})',
        "```",
        "",
        "```sql",
        "-- DuckDB: load.sql creates one view per table with the column descriptions as comments",
        "SELECT speaker, count(*) AS n FROM read_parquet('quotes.parquet/*/*.parquet', hive_partitioning=true)",
        "GROUP BY speaker ORDER BY n DESC;",
        "```",
        "",
        "## Citation",
        "",
        "```bibtex",
        f"@misc{{newsfacts_{rid.replace('-', '_')},",
        f"  title = {{newsfacts: articles, entities, events and quotes, release {rid}}},",
        f"  year = {{{str(man['created_at'])[:4]}}},",
        f"  note = {{newsfacts {man['newsfacts_version']}, extractor {man['extractor_version']}}},",
        "}",
        "```",
        "",
        "`CITATION.cff` beside this card has the same in the Citation File Format.",
        "",
        "## Coverage",
        "",
        f"- Articles: {cov['articles']}; languages: {', '.join(cov['languages']) or 'none'}",
        f"- Publication dates: {cov['first_date'] or '?'} to {cov['last_date'] or '?'} "
        f"({cov['undated']} articles undated)",
        "- Publishers: "
        + (
            ", ".join(f"{p['publisher'] or '(unknown)'} ({p['articles']})" for p in cov["publishers"][:20])
            or "none"
        )
        + (f", and {len(cov['publishers']) - 20} more" if len(cov["publishers"]) > 20 else ""),
        "",
        "## Limitations",
        "",
        "- Extraction is rule-based on a small English spaCy model: entities, quotes and events are "
        "machine output, with the measured accuracy below; unmeasured parts may be worse.",
        "- Coverage is what the operator's raw folder held: it is not a sample of the news.",
        "- Entity linking is within this corpus only (no knowledge-base ids); coordinates come from a "
        "gazetteer and may name the wrong place of a shared name.",
        "- Event dates are resolved against the article's publication date; undated articles give "
        "undated events.",
        "",
        "## Changelog",
        "",
        f"Against the previous release {'`' + previous + '`' if previous else '(none: this is the first)'}:",
        "",
        "| table | rows | added | removed |",
        "|---|---:|---:|---:|",
        *[f"| `{t}` | {c['rows']} | {c['added']} | {c['removed']} |" for t, c in sorted(changes.items())],
        "",
        "## Accuracy, measured",
        "",
        *_accuracy(evaluations, str(man["extractor_version"])),
        "## Validation",
        "",
        validation_md.strip() or "(no summary)",
        "",
        "## Files",
        "",
        *files_section(man["files"]),
    ]
    lines += ["", "## Quarantined inputs", ""]
    if quarantine.is_empty():
        lines.append("None: every raw input became an article.")
    else:
        lines += ["| source_path | record | reason | detail |", "|---|---|---|---|"]
        for r in quarantine.iter_rows(named=True):
            rec = "" if r["record"] is None else r["record"]
            lines.append(f"| `{r['source_path']}` | {rec} | {r['reason']} | {r['detail']} |")
    lines += ["", "## Data dictionary", "", dictionary.data_dictionary()]
    return "\n".join(lines).rstrip() + "\n"


def files_section(files: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Returns the card's table of files: one row per single-file table with its sha256, one per
    partitioned table (its folder, with how many files; their sha256 are in manifest.json)."""
    tables: dict[str, dict[str, Any]] = {}
    for name, info in sorted(files.items()):
        top = name.split("/", 1)[0]
        t = tables.setdefault(top, {"rows": 0, "bytes": 0, "files": 0, "sha256": info.get("sha256", "")})
        t["rows"] += int(info.get("rows", 0) or 0)
        t["bytes"] += int(info.get("bytes", 0) or 0)
        t["files"] += 1
        t["folder"] = "/" in name
    lines = ["| file | rows | bytes | sha256 |", "|---|---:|---:|---|"]
    for top, t in sorted(tables.items()):
        if t["folder"]:
            lines.append(
                f"| `{top}/` | {t['rows']} | {t['bytes']} | {t['files']} partition files (manifest.json) |"
            )
        else:
            lines.append(f"| `{top}` | {t['rows']} | {t['bytes']} | `{t['sha256']}` |")
    return lines


def citation_cff(man: Mapping[str, Any], contact: str | None = None) -> str:
    """Returns the CITATION.cff of a release (Citation File Format 1.2.0, type dataset)."""
    created = str(man["created_at"])[:10]
    return "\n".join(
        [
            "cff-version: 1.2.0",
            'message: "If you use this dataset, please cite it as below."',
            "type: dataset",
            f'title: "newsfacts: articles, entities, events and quotes (release {man["release_id"]})"',
            f'version: "{man["release_id"]}"',
            f"date-released: {created}",
            "authors:",
            f'  - name: "{(contact or "newsfacts operator").replace(chr(34), "")}"',
            "license: other",
            "keywords:",
            "  - news",
            "  - named entities",
            "  - quotations",
            "  - events",
            f'abstract: "Validated tables extracted by newsfacts {man["newsfacts_version"]} '
            f'(extractor {man["extractor_version"]}) from news articles."',
            "",
        ]
    )
