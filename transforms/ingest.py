"""Ingest: raw file bytes → raw article records, or a quarantine row saying precisely why not.

Pure: the caller (``storage.raw``) reads the bytes; nothing here touches the disk or the network
(trafilatura parses the HTML it is given and fetches nothing).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import dateparser

from transforms.ids import sha256_hex

SUPPORTED = {
    ".txt": "txt",
    ".text": "txt",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}

# Signatures of common binary formats, to name what a mislabelled file really is.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media file"),
    (b"PAR1", "Parquet file"),
    (b"\x80\x04", "Python pickle"),
)


# Fewer words than this extracted from an HTML page means it holds no article.
MIN_HTML_WORDS = 12


@dataclass(frozen=True)
class IngestLimits:
    """Bounds on what one input may be; larger inputs are quarantined, not truncated (records of a
    file past ``max_records_per_file`` are one quarantine row)."""

    max_file_bytes: int = 20_000_000
    max_article_chars: int = 200_000
    max_lines: int = 5_000
    max_records_per_file: int = 100_000
    max_quarantined_per_file: int = 100  # bad records listed one by one; the rest as one row


@dataclass(frozen=True)
class Quarantined:
    """A raw input that was refused: where, why (a schema.QUARANTINE_REASONS value) and details."""

    source_path: str
    record: int | None
    reason: str
    detail: str
    size_bytes: int | None

    def row(self) -> dict[str, object]:
        """Returns the quarantine table row."""
        return {
            "source_path": self.source_path,
            "record": self.record,
            "reason": self.reason,
            "detail": self.detail,
            "size_bytes": self.size_bytes,
        }


def decode(data: bytes) -> tuple[str, str]:
    """Returns (text, encoding) for bytes of text, or raises ValueError(reason, detail).

    UTF-8 (with or without BOM) first; UTF-16/32 when a BOM says so; then cp1252, then latin-1
    (every byte sequence decodes as latin-1, so the result is checked for control characters).
    """
    for kind_magic, what in MAGIC:
        if data.startswith(kind_magic):
            raise ValueError("binary", f"binary content: {what}")
    boms = (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, enc in boms:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as err:
                raise ValueError(
                    "undecodable", f"{enc} byte-order mark but invalid {enc}: {err.reason}"
                ) from err
    # A stray NUL is a control character (cleaning drops it); many mean binary or BOM-less UTF-16.
    head = data[:8192]
    if head.count(b"\x00") > 0.01 * len(head):
        raise ValueError("binary", "binary content: NUL bytes and no UTF-16/32 byte-order mark")
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = _decode_by_line(data)
    if _control_share(text) > 0.01:
        raise ValueError("binary", f"binary content: {_control_share(text):.0%} control characters as {enc}")
    return text, enc


def _decode_by_line(data: bytes) -> tuple[str, str]:
    """Decodes each line on its own: UTF-8 where it is valid, else cp1252, else latin-1 (which
    decodes every byte). A UTF-8 file with one pasted cp1252 paragraph keeps both right; a whole
    cp1252 or latin-1 file decodes as before. Returns (text, the encodings used, joined by '+')."""
    parts: list[str] = []
    used: list[str] = []
    for line in data.split(b"\n"):
        for enc in ("utf-8", "cp1252", "latin-1"):
            try:
                parts.append(line.decode(enc))
            except UnicodeDecodeError:
                continue
            if enc not in used and (enc != "utf-8" or not line.isascii()):
                used.append(enc)
            break
    return "\n".join(parts), "+".join(used) or "utf-8"


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample)


# Publication dates outside these years are absurd for a news article (a typo, a placeholder such
# as 9999-12-31, or epoch 0 in another unit) and are refused; the article is kept, undated.
PLAUSIBLE_YEARS = (1700, 2199)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# What may follow an ISO day: a time (checked for range) and a zone, or nothing that looks like one.
_ISO_TIME = re.compile(
    r"[T ](?P<h>\d{1,2}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:[.,]\d+)?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{1,5})?\s*$"
)
_SURROGATE = re.compile("[\ud800-\udfff]")


def check_date(value: object) -> tuple[dt.date | None, str | None]:
    """Returns (date, None) for an ISO string, a 'Month D, YYYY' string or an epoch number;
    (None, why) for a value given but refused: unparseable, an invalid day or time such as
    ``9999-12-31T99:99``, or a year outside :data:`PLAUSIBLE_YEARS`; (None, None) for no value."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        try:
            day = dt.datetime.fromtimestamp(float(value), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None, f"epoch {_short(value)} is not a representable date"
        return _plausible(day, value)
    if not isinstance(value, str):
        return None, f"date is a JSON {type(value).__name__}, not a string or number"
    s = value.strip()
    if not s:
        return None, None
    if _ISO_DAY.match(s):
        try:
            day = dt.date.fromisoformat(s[:10])
        except ValueError as err:
            return None, f"invalid date {_short(s)}: {err}"
        rest = s[10:]
        if rest and rest[0] in "Tt ":
            m = _ISO_TIME.fullmatch(rest)
            if m is None and rest[0] in "Tt":
                return None, f"invalid time in {_short(s)}"
            if m is not None and not (int(m["h"]) <= 24 and int(m["m"]) <= 59 and int(m["s"] or 0) <= 60):
                return None, f"invalid time in {_short(s)}"
        return _plausible(day, s)
    try:
        parsed = dateparser.parse(
            s, languages=["en"], settings={"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False}
        )
    except (ValueError, OverflowError, RecursionError) as err:
        return None, f"unparseable date {_short(s)}: {type(err).__name__}"
    if parsed is None:
        return None, f"unparseable date {_short(s)}"
    return _plausible(parsed.date(), s)


def _plausible(day: dt.date, given: object) -> tuple[dt.date | None, str | None]:
    lo, hi = PLAUSIBLE_YEARS
    if lo <= day.year <= hi:
        return day, None
    return None, f"implausible date {_short(given)}: year {day.year} outside {lo}-{hi}"


def _short(value: object, n: int = 60) -> str:
    s = repr(value) if not isinstance(value, int) or value.bit_length() < 128 else "a huge integer"
    return s if len(s) <= n else s[: n - 1] + "…"


def parse_date(value: object) -> dt.date | None:
    """Returns the date in an ISO string, a 'Month D, YYYY' string or an epoch number; else None
    (also for a refused value: see :func:`check_date`)."""
    return check_date(value)[0]


def scrub(text: str) -> str:
    """Returns the text with lone surrogates (JSON ``\\ud800`` escapes with no partner) replaced by
    U+FFFD, so it can be encoded as UTF-8 (frames, Parquet) later."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def safe_name(name: str) -> str:
    """Returns a file name that encodes as UTF-8: bytes that were not UTF-8 (decoded by the OS
    layer as surrogate escapes) are kept visible as ``\\xNN``."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        pass
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _meta_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return scrub(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _text_problem(text: str, limits: IngestLimits) -> tuple[str, str] | None:
    if not text:
        return ("empty", "no text")
    if not text.strip():
        return ("whitespace_only", f"{len(text)} characters, all whitespace")
    if len(text) > limits.max_article_chars:
        return ("too_large", f"{len(text):,} characters > limit {limits.max_article_chars:,}")
    n_lines = text.count("\n") + 1
    if n_lines > limits.max_lines:
        return ("too_many_lines", f"{n_lines:,} lines > limit {limits.max_lines:,}")
    return None


def _record(
    source_path: str,
    record: int | None,
    fmt: str,
    text: str,
    raw: bytes,
    meta: dict[str, Any] | None = None,
) -> dict[str, object]:
    meta = meta or {}
    published, problem = check_date(meta.get("published_at", meta.get("date")))
    return {
        "source_path": source_path,
        "record": record,
        "format": fmt,
        "source_id": _meta_str(meta.get("id")),
        "url": _meta_str(meta.get("url")),
        "title": _meta_str(meta.get("title")),
        "publisher": _meta_str(meta.get("publisher")),
        "published_at": published,
        "published_at_problem": problem,
        "text": text,
        "raw_sha256": sha256_hex(raw),
        "size_bytes": len(raw),
    }


def _json_record(
    source_path: str, record: int, obj: object, raw: bytes, fmt: str, limits: IngestLimits
) -> dict[str, object] | Quarantined:
    if not isinstance(obj, dict):
        return Quarantined(
            source_path,
            record,
            "wrong_type",
            f"record is a JSON {type(obj).__name__}, not an object",
            len(raw),
        )
    text = obj.get("text")
    if text is None:
        return Quarantined(source_path, record, "no_text", "record has no 'text' field", len(raw))
    if not isinstance(text, str):
        return Quarantined(
            source_path,
            record,
            "wrong_type",
            f"'text' is a JSON {type(text).__name__}, not a string",
            len(raw),
        )
    for field in ("id", "title", "url", "publisher"):
        value = obj.get(field)
        if value is not None and not isinstance(value, str | int | float):
            return Quarantined(
                source_path,
                record,
                "wrong_type",
                f"'{field}' is a JSON {type(value).__name__}, not a string",
                len(raw),
            )
    text = scrub(text)
    problem = _text_problem(text, limits)
    if problem:
        return Quarantined(source_path, record, problem[0], problem[1], len(raw))
    return _record(source_path, record, fmt, text, raw, obj)


def _json_error(err: Exception) -> str:
    """What a JSON parse failure means, for a person (json raises more than JSONDecodeError)."""
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg} at line {err.lineno} column {err.colno}"
    if isinstance(err, RecursionError):
        return "nested too deeply to parse (RecursionError)"
    msg = str(err)
    if "integer string conversion" in msg:
        return f"a number too long to convert ({msg.split(';')[0]})"
    return f"{type(err).__name__}: {msg[:200]}"


# HTML nested deeper than this loses its text in libxml2's default parser (trafilatura's).
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

        meta = trafilatura.extract_metadata(text)
    except (ValueError, RecursionError, TypeError, AttributeError, LookupError):
        meta = None
    if meta is not None:
        found = {"title": meta.title, "url": meta.url, "publisher": meta.sitename, "published_at": meta.date}
    return _record(source_path, None, "html", body, raw, found)


class _Collector:
    """Gathers a file's records and quarantine rows, listing at most ``max_bad`` bad records one by
    one; the rest are counted into one row (a file of 300,000 bad records is not 300,000 rows)."""

    def __init__(self, source_path: str, max_bad: int) -> None:
        self.source_path = source_path
        self.max_bad = max_bad
        self.rows: list[dict[str, object]] = []
        self.bad: list[Quarantined] = []
        self.more: dict[str, int] = {}
        self.first_more: Quarantined | None = None
        self.overflow: Quarantined | None = None  # the records past the per-file limit, as one row

    def add(self, got: dict[str, object] | Quarantined) -> None:
        if isinstance(got, dict):
            self.rows.append(got)
        elif len(self.bad) < self.max_bad:
            self.bad.append(got)
        else:
            self.first_more = self.first_more or got
            self.more[got.reason] = self.more.get(got.reason, 0) + 1

    def result(self) -> tuple[list[dict[str, object]], list[Quarantined]]:
        bad = list(self.bad)
        if self.first_more is not None:
            n = sum(self.more.values())
            counts = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.more.items()))
            f = self.first_more
            bad.append(
                Quarantined(
                    f.source_path,
                    f.record,
                    f.reason,
                    f"{f.detail}; and {n - 1:,} more bad records after it, not listed one by one "
                    f"(only the first {self.max_bad:,} are; {counts})",
                    f.size_bytes,
                )
            )
        if self.overflow is not None:
            bad.append(self.overflow)
        return self.rows, bad


def read_records(
    source_path: str, data: bytes, limits: IngestLimits | None = None
) -> tuple[list[dict[str, object]], list[Quarantined]]:
    """Returns the raw article rows (schema.RAW_ARTICLES) in one file and the quarantined inputs.

    ``source_path`` is the path relative to the raw directory; its suffix picks the format. Whatever
    the bytes hold, this returns (a record that cannot be read is a quarantine row) and never raises.
    """
    limits = limits or IngestLimits()
    source_path = safe_name(source_path)
    size = len(data)
    suffix = "." + source_path.rsplit(".", 1)[-1].lower() if "." in source_path else ""
    fmt = SUPPORTED.get(suffix)
    if fmt is None:
        return [], [
            Quarantined(
                source_path, None, "unsupported_type", f"unsupported file type {suffix or '(none)'}", size
            )
        ]
    if size == 0:
        return [], [Quarantined(source_path, None, "empty", "file is empty (0 bytes)", 0)]
    if size > limits.max_file_bytes:
        return [], [
            Quarantined(
                source_path, None, "too_large", f"{size:,} bytes > limit {limits.max_file_bytes:,}", size
            )
        ]
    try:
        text, _ = decode(data)
    except ValueError as err:
        reason, detail = err.args
        return [], [Quarantined(source_path, None, reason, detail, size)]

    if fmt == "txt":
        problem = _text_problem(text, limits)
        if problem:
            return [], [Quarantined(source_path, None, problem[0], problem[1], size)]
        return [_record(source_path, None, "txt", text, data)], []
    if fmt == "html":
        if not text.strip():
            return [], [Quarantined(source_path, None, "whitespace_only", "file holds only whitespace", size)]
        got = _html_record(source_path, text, data, limits)
        return ([got], []) if isinstance(got, dict) else ([], [got])
    out = _Collector(source_path, limits.max_quarantined_per_file)
    if fmt == "jsonl":
        _jsonl_records(out, text, limits)
    else:
        _json_records(out, text, size, limits)
    rows, bad = out.result()
    if not rows and not bad:
        bad.append(Quarantined(source_path, None, "no_text", "file holds no records", size))
    return rows, bad


def _over_limit(source_path: str, first: int, n_more: int, limits: IngestLimits) -> Quarantined:
    return Quarantined(
        source_path,
        first,
        "too_large",
        f"{n_more:,} records from record {first:,} on not read: over the limit of "
        f"{limits.max_records_per_file:,} records per file",
        None,
    )


def _jsonl_records(out: _Collector, text: str, limits: IngestLimits) -> None:
    # Records end at "\n" only: str.splitlines would also split at U+2028, U+0085 or \x1c inside a
    # JSON string, which JSON allows unescaped.
    lines = text.split("\n")
    n_records = 0
    for i, line in enumerate(lines, start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        if n_records >= limits.max_records_per_file:
            rest = sum(1 for ln in lines[i - 1 :] if ln.strip())
            out.overflow = _over_limit(out.source_path, i, rest, limits)
            return
        n_records += 1
        raw = line.encode("utf-8")
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as err:
            where = (
                f"line {i}: {err.msg} at column {err.colno}"
                if isinstance(err, json.JSONDecodeError)
                else None
            )
            out.add(
                Quarantined(
                    out.source_path, i, "malformed_json", where or f"line {i}: {_json_error(err)}", len(raw)
                )
            )
            continue
        out.add(_json_record(out.source_path, i, obj, raw, "jsonl", limits))


def _json_records(out: _Collector, text: str, size: int, limits: IngestLimits) -> None:
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as err:
        out.bad.append(Quarantined(out.source_path, None, "malformed_json", _json_error(err), size))
        return
    if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
        obj = obj["articles"]
    items = obj if isinstance(obj, list) else [obj]
    for i, item in enumerate(items, start=1):
        if i > limits.max_records_per_file:
            out.overflow = _over_limit(out.source_path, i, len(items) - i + 1, limits)
            return
        try:
            # surrogatepass: a lone surrogate escape is hashed as given (the text itself is scrubbed)
            raw = json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
        except (ValueError, RecursionError) as err:
            out.add(
                Quarantined(out.source_path, i, "malformed_json", f"record {i}: {_json_error(err)}", None)
            )
            continue
        out.add(_json_record(out.source_path, i, item, raw, "json", limits))
