"""Raw bytes → text: supported kinds, limits, the quarantine row, decoding (per line for mixed encodings)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    # one regex scan: a Python loop over every character cost a second per rerun at 4× corpus size
    return len(_CONTROL.findall(sample)) / len(sample)


# C0 controls but tab, newline, form feed and carriage return; DEL and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
