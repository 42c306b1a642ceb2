"""The validation reports' folder of a release: where Great Expectations writes its results and its
Data Docs site, and the plain index page beside them.

Layout under ``docs_dir`` (``validation/`` in the release)::

    gx_results/    validation results (JSON), written by GX's filesystem store
    data_docs/     the Data Docs site (HTML), written by GX's site builder
    index.html     every suite with its verdict and a link to its page (works offline)
"""

from __future__ import annotations

from pathlib import Path

from storage.files import make_dir, write_text

RESULTS_DIR = "gx_results"
SITE_DIR = "data_docs"
INDEX = "index.html"


def prepare(docs_dir: Path) -> tuple[str, str]:
    """Creates ``docs_dir``; returns the folders GX writes its results and its site into."""
    make_dir(docs_dir)
    return str(docs_dir / RESULTS_DIR), str(docs_dir / SITE_DIR)


def site_built(docs_dir: Path) -> bool:
    """Returns True when GX wrote a Data Docs site under ``docs_dir``."""
    return (docs_dir / SITE_DIR / INDEX).exists()


def validation_pages(docs_dir: Path) -> list[tuple[str, str]]:
    """Returns the site's validation pages, sorted, as (suite name, path relative to ``docs_dir``)."""
    base = docs_dir / SITE_DIR / "validations"
    return [
        (page.relative_to(base).parts[0], page.relative_to(docs_dir).as_posix())
        for page in sorted(base.rglob("*.html"))
    ]


def write_index(docs_dir: Path, html: str) -> Path:
    """Writes the index page of ``docs_dir``; returns its path."""
    path = docs_dir / INDEX
    write_text(html, path)
    return path
