"""Ingest: raw file bytes → raw article records, or a quarantine row saying precisely why not.

Pure: the caller (``storage.raw``) reads the bytes; nothing here touches the disk or the network
(trafilatura parses the HTML it is given and fetches nothing).
"""

from __future__ import annotations

import datetime as dt
import json
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
    """Bounds on what one input may be; larger inputs are quarantined, not truncated."""

    max_file_bytes: int = 20_000_000
    max_article_chars: int = 200_000
    max_lines: int = 5_000
    max_records_per_file: int = 100_000


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
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _control_share(text) > 0.01:
            raise ValueError(
                "binary", f"binary content: {_control_share(text):.0%} control characters as {enc}"
            )
        return text, enc
    raise ValueError("undecodable", "not UTF-8, cp1252 or latin-1")  # unreachable: latin-1 decodes all


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7F <= ord(ch) < 0xA0)
    return bad / len(sample)


def parse_date(value: object) -> dt.date | None:
    """Returns the date in an ISO string, a 'Month D, YYYY' string or an epoch number; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return dt.datetime.fromtimestamp(float(value), tz=dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    try:
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        pass
    parsed = dateparser.parse(
        s, languages=["en"], settings={"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False}
    )
    return parsed.date() if parsed else None


def _meta_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
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
    return {
        "source_path": source_path,
        "record": record,
        "format": fmt,
        "source_id": _meta_str(meta.get("id")),
        "url": _meta_str(meta.get("url")),
        "title": _meta_str(meta.get("title")),
        "publisher": _meta_str(meta.get("publisher")),
        "published_at": parse_date(meta.get("published_at", meta.get("date"))),
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
    problem = _text_problem(text, limits)
    if problem:
        return Quarantined(source_path, record, problem[0], problem[1], len(raw))
    return _record(source_path, record, fmt, text, raw, obj)


def _html_record(source_path: str, text: str, raw: bytes) -> dict[str, object] | Quarantined:
    import trafilatura  # imported lazily: slow to import and only needed for HTML

    body = trafilatura.extract(
        text,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=True,
        with_metadata=False,
    )
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
    meta = trafilatura.extract_metadata(text)
    found: dict[str, Any] = {}
    if meta is not None:
        found = {"title": meta.title, "url": meta.url, "publisher": meta.sitename, "published_at": meta.date}
    # trafilatura joins paragraphs with single newlines; newsfacts separates paragraphs by a blank line.
    body = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    return _record(source_path, None, "html", body, raw, found)


def read_records(
    source_path: str, data: bytes, limits: IngestLimits | None = None
) -> tuple[list[dict[str, object]], list[Quarantined]]:
    """Returns the raw article rows (schema.RAW_ARTICLES) in one file and the quarantined inputs.

    ``source_path`` is the path relative to the raw directory; its suffix picks the format.
    """
    limits = limits or IngestLimits()
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
        got = _html_record(source_path, text, data)
        return ([got], []) if isinstance(got, dict) else ([], [got])

    rows: list[dict[str, object]] = []
    bad: list[Quarantined] = []
    if fmt == "jsonl":
        lines = text.splitlines()
        if len(lines) > limits.max_records_per_file:
            return [], [
                Quarantined(
                    source_path,
                    None,
                    "too_large",
                    f"{len(lines):,} records > limit {limits.max_records_per_file:,}",
                    size,
                )
            ]
        for i, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            raw = line.encode("utf-8")
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                bad.append(
                    Quarantined(
                        source_path,
                        i,
                        "malformed_json",
                        f"line {i}: {err.msg} at column {err.colno}",
                        len(raw),
                    )
                )
                continue
            got = _json_record(source_path, i, obj, raw, "jsonl", limits)
            (rows.append(got) if isinstance(got, dict) else bad.append(got))
    else:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            return [], [
                Quarantined(
                    source_path,
                    None,
                    "malformed_json",
                    f"{err.msg} at line {err.lineno} column {err.colno}",
                    size,
                )
            ]
        if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
            obj = obj["articles"]
        items = obj if isinstance(obj, list) else [obj]
        for i, item in enumerate(items, start=1):
            raw = json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8")
            got = _json_record(source_path, i, item, raw, "json", limits)
            (rows.append(got) if isinstance(got, dict) else bad.append(got))
    if not rows and not bad:
        bad.append(Quarantined(source_path, None, "no_text", "file holds no records", size))
    return rows, bad
