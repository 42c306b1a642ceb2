"""The project's own expectations of a run on its seed articles (``data/raw/``), kept in
``tests/expected/seeds.json``, and the check of a run's tables against them.

The file says, per seed article (by file name): the metadata the cleaner must find, the lines that
must be gone, kept, or kept exactly once, the quotes that must be found with their speakers, and the
events that must be found with their parties; and, for the whole run, the key entities with the
spellings that must land in one entity row (and no row may mix two of them). It lists what must be
there, not everything a run gives, so a better extractor still passes; ``known_gaps`` notes what the
current code gets wrong and is not checked.

    .venv/bin/python -m tests.seed_expectations data/out     # prints the misses of a run
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import polars as pl

from storage.partitions import load_table

EXPECTED = Path(__file__).resolve().parent / "expected" / "seeds.json"


def load_expected(path: Path = EXPECTED) -> dict[str, Any]:
    """Returns the expectations file as a dict."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def fold(s: object) -> str:
    """Returns ``s`` lower-cased, without accents, quotation marks or edge punctuation, with one space
    between words (so a quote matches without its trailing comma, a name with or without accents)."""
    if s is None:
        return ""
    t = unicodedata.normalize("NFKD", str(s))
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[\"“”‘’«»]", "", t)
    t = re.sub(r"\s+", " ", t)
    return t.strip(" .,;:!?'")


class _Names:
    """Which expected entity a name as written denotes, through the expected spellings."""

    def __init__(self, expected_entities: list[dict[str, Any]], entities: pl.DataFrame) -> None:
        self.spellings: dict[str, set[str]] = {
            e["name"]: {fold(a) for a in [e["name"], *e["aliases"]]} for e in expected_entities
        }
        # entity_id -> every folded spelling of that row (its name and aliases).
        self.row_forms: dict[str, set[str]] = {
            r["entity_id"]: {fold(a) for a in [r["name"], *(r["aliases"] or [])]}
            for r in entities.iter_rows(named=True)
        }

    def matches(self, want: str, text: object, entity_id: object) -> bool:
        """Returns whether a row's name (as text, or through its entity row) names ``want``: an
        expected entity by any of its spellings, or else the literal ``want``."""
        forms = self.spellings.get(want, {fold(want)})
        if fold(text) in forms:
            return True
        return isinstance(entity_id, str) and bool(self.row_forms.get(entity_id, set()) & forms)


def _check_entities(exp: dict[str, Any], entities: pl.DataFrame, names: _Names) -> list[str]:
    """Returns the misses of the key entities: each in exactly one row of its type holding all its
    spellings, and no row holding spellings of two of them (a false merge)."""
    misses = []
    for e in exp["entities"]:
        forms = names.spellings[e["name"]]
        rows = [
            r["entity_id"]
            for r in entities.filter(pl.col("type") == e["type"]).iter_rows(named=True)
            if forms <= names.row_forms[r["entity_id"]]
        ]
        if len(rows) != 1:
            misses.append(f"entity {e['name']} ({e['type']}): {len(rows)} rows hold all of {sorted(forms)}")
    for eid, row_forms in names.row_forms.items():
        named = sorted(n for n, forms in names.spellings.items() if forms & row_forms)
        if len(named) > 1:
            misses.append(f"entity row {eid} merges {named}")
    return misses


def _check_cleaning(name: str, art: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Returns the misses of one article's metadata and cleaned text: ``gone`` must not occur in the
    text, ``kept`` must, and each ``once`` line (a caption, say) must be exactly one line of it."""
    misses = []
    for key, want in art.get("metadata", {}).items():
        got = row[key]
        got = got.isoformat() if hasattr(got, "isoformat") else got
        if got != want:
            misses.append(f"{name}: {key} is {got!r}, expected {want!r}")
    text: str = row["text"]
    cleaning = art.get("cleaning", {})
    misses += [f"{name}: boilerplate kept: {g!r}" for g in cleaning.get("gone", []) if g in text]
    misses += [f"{name}: text lost: {k!r}" for k in cleaning.get("kept", []) if k not in text]
    lines = [t.strip() for t in text.splitlines()]
    for line in cleaning.get("once", []):
        if (n := lines.count(line)) != 1:
            misses.append(f"{name}: the line {line!r} appears {n} times, expected once")
    return misses


def _check_quotes(name: str, art: dict[str, Any], quotes: pl.DataFrame, names: _Names) -> list[str]:
    """Returns the misses of one article's quotes: each expected quote's words inside one quote row,
    whose speaker names the expected person (``speaker: null`` leaves the speaker unchecked)."""
    misses = []
    rows = list(quotes.iter_rows(named=True))
    for q in art.get("quotes", []):
        found = [r for r in rows if fold(q["text"]) in fold(r["text"])]
        if not found:
            misses.append(f"{name}: quote not found: {q['text'][:60]!r}")
            continue
        if q["speaker"] is not None and not any(
            names.matches(q["speaker"], r["speaker"], r["speaker_entity_id"]) for r in found
        ):
            got = sorted({str(r["speaker"]) for r in found})
            misses.append(f"{name}: quote {q['text'][:40]!r} spoken by {got}, expected {q['speaker']}")
    return misses


def _event_fits(r: dict[str, Any], e: dict[str, Any], article_ids: set[str], names: _Names) -> bool:
    """Returns whether event row ``r`` is the expected event ``e`` reported by ``article_ids``."""
    return (
        r["event_type"] == e["type"]
        and article_ids <= set(r["article_ids"])
        and (e.get("modality") is None or r["modality"] == e["modality"])
        and (e["actor"] is None or names.matches(e["actor"], r["actor"], r["actor_entity_id"]))
        and (e["target"] is None or names.matches(e["target"], r["target"], r["target_entity_id"]))
    )


def _check_events(
    name: str, art: dict[str, Any], events: pl.DataFrame, ids: dict[str, str], names: _Names
) -> list[str]:
    """Returns the misses of one article's events: one event row of the type, with the article (and
    those of ``also_in``) among its articles, the expected actor and target (``null``: unchecked)
    and, when given, the modality."""
    rows = list(events.iter_rows(named=True))
    misses = []
    for e in art.get("events", []):
        article_ids = {ids[name], *(ids.get(a, a) for a in e.get("also_in", []))}
        if not any(_event_fits(r, e, article_ids, names) for r in rows):
            misses.append(f"{name}: event not found: {e}")
    return misses


def check(out: Path, expected: dict[str, Any] | None = None) -> list[str]:
    """Returns the misses of the run published in ``out`` against the expectations (an empty list
    when every expectation holds)."""
    exp = load_expected() if expected is None else expected
    # one file or a partitioned folder, read as the one table the pipeline wrote
    tables = {t: load_table(out, t) for t in ("articles", "entities", "quotes", "events")}
    articles = {Path(r["source_path"]).name: r for r in tables["articles"].iter_rows(named=True)}
    ids = {name: r["article_id"] for name, r in articles.items()}
    names = _Names(exp["entities"], tables["entities"])
    misses = _check_entities(exp, tables["entities"], names)
    if sorted(articles) != sorted(exp["articles"]):
        misses.append(f"articles {sorted(articles)}, expected {sorted(exp['articles'])}")
    for name, art in exp["articles"].items():
        if name not in articles:
            continue
        quotes = tables["quotes"].filter(pl.col("article_id") == ids[name])
        misses += _check_cleaning(name, art, articles[name])
        misses += _check_quotes(name, art, quotes, names)
        misses += _check_events(name, art, tables["events"], ids, names)
    return misses


def main(argv: list[str] | None = None) -> int:
    """Prints the misses of the run in the given out dir; returns 1 when there are any."""
    args = sys.argv[1:] if argv is None else argv
    misses = check(Path(args[0] if args else "data/out"))
    print("\n".join(misses) or "every seed expectation holds")
    return 1 if misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
