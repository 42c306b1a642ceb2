"""Metadata and record checks: plausible dates, scrubbed strings, safe file names, the text limits, one record row."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import dateparser

from transforms.ids import sha256_hex
from transforms.ingest.decode import IngestLimits, Quarantined

# Publication dates outside these years are absurd for a news article (a typo, a placeholder such
# as 9999-12-31, or epoch 0 in another unit) and are refused; the article is kept, undated.
PLAUSIBLE_YEARS = (1700, 2199)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# What may follow an ISO day: a time (checked for range) and a zone, or nothing that looks like one.
_ISO_TIME = re.compile(
    r"[T ](?P<h>\d{1,2}):(?P<m>\d{1,2})(?::(?P<s>\d{1,2})(?:[.,]\d+)?)?"
    r"\s*(?:Z|(?P<zs>[+-])(?P<zh>\d{2})(?::?(?P<zm>\d{2}))?|[A-Za-z]{1,5})?\s*$"
)
# ISO 8601 basic form: 20240501, 20240501T1200Z.
_ISO_BASIC = re.compile(
    r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:[Tt]\d{2}(?:\d{2}(?:\d{2})?)?(?:Z|[+-]\d{2}(?:\d{2})?)?)?"
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
            # Real UTC offsets lie within -12:00..+14:00.
            if m is not None and m["zh"] is not None and (int(m["zh"]) > 14 or int(m["zm"] or 0) > 59):
                return None, f"invalid time zone offset in {_short(s)}"
        return _plausible(day, s)
    basic = _ISO_BASIC.fullmatch(s)
    if basic is not None:  # before dateparser, which reads eight digits as epoch seconds
        try:
            day = dt.date(int(basic["y"]), int(basic["mo"]), int(basic["d"]))
        except ValueError as err:
            return None, f"invalid date {_short(s)}: {err}"
        return _plausible(day, s)
    try:
        parsed = dateparser.parse(
            s,
            languages=["en"],
            # No relative-time parser: a metadata date of "yesterday" would change with the day of the run.
            settings={
                "STRICT_PARSING": True,
                "RETURN_AS_TIMEZONE_AWARE": False,
                "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
            },
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
