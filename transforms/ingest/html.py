"""HTML → article text and metadata (trafilatura; deep pages through huge_tree or a tag-stripping fallback)."""

from __future__ import annotations

import copy
from typing import Any

from transforms.ingest.decode import MIN_HTML_WORDS, IngestLimits, Quarantined
from transforms.ingest.meta import _record, _text_problem

HTML_MAX_DEPTH = 255


def _html_text(text: str) -> tuple[str | None, str]:
    """Returns (article text or None, how it was found). trafilatura first; for a page nested deeper
    than libxml2's default limit, its text from a huge_tree parse, or, when trafilatura finds
    nothing there either, every text node outside scripts and styles."""
    import trafilatura  # imported lazily: slow to import and only needed for HTML

    # deduplicate=False: trafilatura's duplicate cache is process-wide, so a paragraph quoted by
    # several articles vanished from the 4th article on; duplicates are decided by clean instead.
    options: dict[str, Any] = {
        "include_comments": False,
        "include_tables": False,
        "favor_precision": True,
        "deduplicate": False,
        "with_metadata": False,
    }
    body: str | None = None
    try:
        body = trafilatura.extract(text, **options)
    except (ValueError, RecursionError, TypeError, AttributeError, LookupError):
        body = None
    if body and len(body.split()) >= MIN_HTML_WORDS:
        return body, "trafilatura"
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError, RecursionError):
        return body, "trafilatura"
    depth = max_depth(tree)
    if depth <= HTML_MAX_DEPTH:
        return body, "trafilatura"
    try:
        deep = trafilatura.extract(copy.deepcopy(tree), **options)
    except (ValueError, RecursionError, TypeError, AttributeError, LookupError):
        deep = None
    if deep and len(deep.split()) >= MIN_HTML_WORDS:
        return deep, f"trafilatura on a huge_tree parse (nested {depth} deep)"
    return strip_tags(tree), f"tag-stripped text (nested {depth} deep)"


def max_depth(tree: Any) -> int:
    """Returns the deepest nesting of elements in an lxml tree (iteratively: no recursion)."""
    import lxml.etree

    depth = deepest = 0
    for event, _ in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


_NOT_TEXT = {"script", "style", "noscript", "template", "head", "nav", "footer", "iframe", "svg"}


def strip_tags(tree: Any) -> str:
    """Returns the text nodes of an lxml tree outside scripts, styles and navigation, one line per
    text node (iteratively: safe on any depth)."""
    import lxml.etree

    parts: list[str] = []
    skipping = 0
    for event, el in lxml.etree.iterwalk(tree, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag.lower() in _NOT_TEXT:
                skipping += 1
            elif not skipping and el.text:
                parts.append(el.text)
        else:
            if tag.lower() in _NOT_TEXT:
                skipping -= 1
            if not skipping and el.tail:
                parts.append(el.tail)
    lines = (" ".join(p.split()) for p in "\n".join(parts).splitlines())
    return "\n".join(ln for ln in lines if ln)


def _html_record(
    source_path: str, text: str, raw: bytes, limits: IngestLimits
) -> dict[str, object] | Quarantined:
    body, how = _html_text(text)
    if not body or not body.strip():
        return Quarantined(
            source_path, None, "no_text", "HTML holds no article text (trafilatura found none)", len(raw)
        )
    # Navigation or a button label is not an article (a news story has sentences).
    if len(body.split()) < MIN_HTML_WORDS:
        return Quarantined(
            source_path,
            None,
            "no_text",
            f"HTML holds no article text (only {len(body.split())} words outside scripts: {body[:60]!r})",
            len(raw),
        )
    # trafilatura joins paragraphs with single newlines; newsfacts separates paragraphs by a blank line.
    body = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    # The same limits as a text file: an HTML page's text goes to the same parser.
    problem = _text_problem(body, limits)
    if problem:
        return Quarantined(source_path, None, problem[0], f"HTML text ({how}): {problem[1]}", len(raw))
    found: dict[str, Any] = {}
    try:
        import trafilatura

        # No extensive date search: it takes a copyright year or any date in the page's text as the
        # publication date (2024-01-01 from "Copyright 2024"); only dates the page declares count.
        meta = trafilatura.extract_metadata(
            text, date_config={"extensive_search": False, "original_date": True}
        )
    except (ValueError, RecursionError, TypeError, AttributeError, LookupError):
        meta = None
    if meta is not None:
        found = {"title": meta.title, "url": meta.url, "publisher": meta.sitename, "published_at": meta.date}
    return _record(source_path, None, "html", body, raw, found)
