"""A file's bytes → raw article records and quarantine rows, per kind (.txt, .jsonl, .json, .html), bounded."""

from __future__ import annotations

import json

from transforms.ingest.decode import SUPPORTED, IngestLimits, Quarantined, decode
from transforms.ingest.html import _html_record
from transforms.ingest.meta import _json_error, _json_record, _record, _text_problem, safe_name


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
        if isinstance(err, json.JSONDecodeError) and err.msg == "Extra data" and "\n" in text.strip():
            # One JSON value per line saved as .json: read it as the JSON Lines it is.
            _jsonl_records(out, text, limits)
            return
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
