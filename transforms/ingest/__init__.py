"""Ingest: raw file bytes → raw article records, or a quarantine row saying precisely why not.

Pure: the caller (``storage.raw``) reads the bytes; nothing here touches the disk or the network
(trafilatura parses the HTML it is given and fetches nothing).

- ``decode``: supported kinds, limits, the quarantine row, decoding (per line for mixed encodings);
- ``meta``: plausible dates, scrubbed metadata strings, safe file names, text limits, one record row;
- ``html``: HTML → article text and metadata (deep pages included);
- ``records``: a file's bytes → records and quarantine rows, per kind, bounded.
"""

from transforms.ingest.decode import MAGIC, SUPPORTED, IngestLimits, Quarantined, decode
from transforms.ingest.html import HTML_MAX_DEPTH, max_depth, strip_tags
from transforms.ingest.meta import PLAUSIBLE_YEARS, check_date, parse_date, safe_name, scrub
from transforms.ingest.records import read_records

__all__ = [
    "HTML_MAX_DEPTH",
    "MAGIC",
    "PLAUSIBLE_YEARS",
    "SUPPORTED",
    "IngestLimits",
    "Quarantined",
    "check_date",
    "decode",
    "max_depth",
    "parse_date",
    "read_records",
    "safe_name",
    "scrub",
    "strip_tags",
]
