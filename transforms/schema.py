"""The single source of truth for every table newsfacts writes.

Writers cast frames to these definitions (:func:`conform`), the Great Expectations suites read
columns, types, keys and value sets from here, and the dataset card's data dictionary is rendered
from here (:func:`data_dictionary`). Tables marked ``published=False`` are work tables: the raw
records, and (declared in :mod:`transforms.schema_work`, listed here) the per-article extraction
frames the ``extract`` stage caches and ``resolve`` reads, and the entity registry.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.plover import MODE_DEFINITIONS, PLOVER_DEFINITIONS

ID_PATTERN = r"^[a-z]{1,3}_[0-9a-f]{16}$"

ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW")
QUOTE_KINDS: tuple[str, ...] = ("full", "partial")
SPEAKER_METHODS: tuple[str, ...] = (
    "cue_subject",  # a cue verb with its subject in the same sentence
    "according_to",  # "according to X"
    "pronoun",  # he/she/they resolved to a person named before
    "description",  # "the French president" resolved to a person named in that role
    "continuation",  # a quote paragraph without a cue continues the previous speaker
    "colon",  # a speaker named before a colon introducing the quote
    "signature",  # a name after a dash closing the quote ("…" — Jane Doe)
    "unnamed",  # the speaker is a phrase without a named entity ("a senior official")
    "group",  # "they" resolved to a named pair or group in focus (the phrase, not linked)
    "unresolved",  # a pronoun with no person before it: the pronoun as written
    "none",  # no speaker could be found
)
MODALITIES: tuple[str, ...] = ("asserted", "planned", "negated", "reported", "hypothetical")
DATE_METHODS: tuple[str, ...] = (
    "explicit",  # the sentence names the day ("on Nov. 11, 2014", "March 3"), or month and year ("in May 2009")
    "relative",  # a day counted from published_at ("last Tuesday", "in June")
    "published",  # the article's date
    "unanchored",  # a relative phrase (or a day without a year) in an article without published_at
    "none",  # no date phrase, or one that names no day ("for years", "every weekend")
)

PLOVER_TYPES: tuple[str, ...] = tuple(PLOVER_DEFINITIONS)
EVENT_MODES: tuple[str, ...] = tuple(MODE_DEFINITIONS)
# Counts an event mention states (ACLED-style): the column and what it counts.
EVENT_COUNTS = ("n_killed", "n_injured", "n_arrested", "crowd_size")


def _defined(values: dict[str, str]) -> str:
    return "; ".join(f"`{k}`: {v}" for k, v in values.items())


QUARANTINE_REASONS = (
    "empty",
    "whitespace_only",
    "binary",
    "undecodable",
    "too_large",
    "too_many_lines",
    "malformed_json",
    "wrong_type",
    "no_text",
    "not_english",
    "exact_duplicate",
    "outside_raw_dir",
    "unreadable",
    "unsupported_type",
    "crashed_in_extract",
    "extract_timeout",
    "unstorable_extract",
)


@dataclass(frozen=True)
class Column:
    """One column: its name, polars type, whether it may be null, and what it holds."""

    name: str
    dtype: pl.DataType
    nullable: bool
    description: str
    values: tuple[str, ...] | None = None  # the closed value set, where one exists
    pattern: str | None = None  # a regex every non-null value matches


@dataclass(frozen=True)
class Table:
    """A table: its columns in order, its unique key and the sort order that makes writes stable."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    sort_by: tuple[str, ...]
    published: bool = True
    # The Hive partition key of the published table (a directory level, not a column of the files);
    # None: the table is published as one file.
    partition: Column | None = None

    @property
    def names(self) -> list[str]:
        """The column names in order."""
        return [c.name for c in self.columns]

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        """The column name → polars type mapping."""
        return {c.name: c.dtype for c in self.columns}

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


S: pl.DataType = pl.String()
I: pl.DataType = pl.Int64()
F: pl.DataType = pl.Float64()
D: pl.DataType = pl.Date()
LS: pl.DataType = pl.List(pl.String())


def _c(
    name: str,
    dtype: pl.DataType,
    nullable: bool,
    description: str,
    values: tuple[str, ...] | None = None,
    pattern: str | None = None,
) -> Column:
    return Column(name, dtype, nullable, description, values, pattern)


UNDATED = "undated"  # the partition of rows without a date
PUBLISHED_DATE = _c(
    "published_date",
    S,
    False,
    "Hive partition key (the folder `published_date=…/`, not a column of the files): the article's "
    f"published_at as YYYY-MM-DD, or `{UNDATED}` when it has none. Readers that read the folder "
    "as one table add it as a string column.",
)
EVENT_DAY = _c(
    "event_day",
    S,
    False,
    "Hive partition key (the folder `event_day=…/`, not a column of the files): event_date as "
    "YYYY-MM-DD, else the earliest publication date of the articles that report it, else "
    f"`{UNDATED}`.",
)


def _count_columns() -> tuple[Column, ...]:
    """Returns the ACLED-style count columns that events, event mentions and their extract frame share."""
    return (
        _c(
            "n_killed",
            I,
            True,
            "People killed, as the sentence states it (vague words at their lowest: dozens = 12).",
        ),
        _c("n_injured", I, True, "People wounded or injured, as stated."),
        _c(
            "n_arrested",
            I,
            True,
            "People taken or removed by force, as stated: arrested, detained, held, abducted, expelled or deported.",
        ),
        _c("crowd_size", I, True, "Protesters or participants, as stated."),
        _c(
            "count_text",
            S,
            True,
            'The words the counts came from ("at least 28 people", "hundreds of protesters").',
        ),
    )


ARTICLES = Table(
    name="articles",
    description="One row per cleaned article: the text every offset in the other tables points into.",
    columns=(
        _c("article_id", S, False, "Stable id: hash of the cleaned article text.", pattern=ID_PATTERN),
        _c("source_path", S, False, "Path of the raw file, relative to the raw directory."),
        _c("source_id", S, True, "The record's own id where the raw file gave one (JSON/JSONL)."),
        _c("url", S, True, "The article's URL where the raw file gave one."),
        _c("title", S, True, "Headline, from the file's metadata or its first headline line."),
        _c("publisher", S, True, "Publisher, from metadata or a credit line ('Via The Daily Courier')."),
        _c("credits", LS, False, "Agencies and outlets credited ('With AFP and Reuters')."),
        _c("published_at", D, True, "Publication date, from metadata or a dateline."),
        _c(
            "published_at_method",
            S,
            False,
            "Where published_at came from; 'invalid_metadata': the file's date was refused (invalid or "
            "implausible) and the text gave none.",
            ("metadata", "dateline", "none", "invalid_metadata"),
        ),
        _c(
            "language",
            S,
            False,
            "ISO 639-1 language code detected from the text.",
            pattern=r"^[a-z]{2}$|^und$",
        ),
        _c("text", S, False, "The cleaned article text; every start/end offset points into it."),
        _c(
            "raw_sha256",
            S,
            False,
            "sha256 of the raw record (file bytes or JSON record).",
            pattern=r"^[0-9a-f]{64}$",
        ),
        _c("boilerplate_removed", LS, False, "Every piece cleaning removed, in order, for audit."),
        _c("boilerplate_rules", LS, False, "The rule that removed each piece (same order)."),
        _c("duplicate_of", S, True, "article_id of the earlier article this one (near-)duplicates."),
        _c("duplicate_score", F, True, "Estimated Jaccard similarity to duplicate_of."),
        _c("n_chars", I, False, "Length of text in characters."),
    ),
    key=("article_id",),
    sort_by=("article_id",),
    partition=PUBLISHED_DATE,
)

QUARANTINE = Table(
    name="quarantine",
    description="Raw inputs that could not be turned into an article, with the reason.",
    columns=(
        _c("source_path", S, False, "Path of the raw file, relative to the raw directory."),
        _c("record", I, True, "Line or record number inside a JSON/JSONL file (1-based)."),
        _c("reason", S, False, "Machine-readable reason.", QUARANTINE_REASONS),
        _c("detail", S, False, "What exactly was wrong, for a person."),
        _c("size_bytes", I, True, "Size of the raw file or record in bytes."),
    ),
    key=("source_path", "record"),
    sort_by=("source_path", "record"),
)

ENTITIES: Table = Table(
    name="entities",
    description="Canonical entities: every spelling of one person, organisation or place merged.",
    columns=(
        _c("entity_id", S, False, "Stable id: hash of canonical name and type.", pattern=ID_PATTERN),
        _c("name", S, False, "Canonical name: the fullest common form."),
        _c("type", S, False, "Entity type decided by the votes of all mentions.", ENTITY_TYPES),
        _c("aliases", LS, False, "Every surface form seen (the canonical name included)."),
        _c("n_mentions", I, False, "Number of mentions in all articles."),
        _c("n_articles", I, False, "Number of articles that mention it."),
        _c("article_ids", LS, False, "The articles that mention it (sorted)."),
        _c(
            "country_code",
            S,
            True,
            "ISO 3166-1 alpha-2 code of a place (or its country).",
            pattern=r"^[A-Z]{2}$",
        ),
        _c("latitude", F, True, "Latitude of a geocoded place."),
        _c("longitude", F, True, "Longitude of a geocoded place."),
    ),
    key=("entity_id",),
    sort_by=("entity_id",),
)

ENTITY_MERGES = Table(
    name="entity_merges",
    description="Why each alias belongs to its entity: the rule that joined it, for audit.",
    columns=(
        _c("entity_id", S, False, "The entity the alias was merged into.", pattern=ID_PATTERN),
        _c("alias", S, False, "The surface form."),
        _c("rule", S, False, "The merge rule (exact, title, surname, translit_fuzzy, acronym, country, …)."),
        _c("evidence", S, True, "What the rule saw (e.g. the form it matched, the score)."),
    ),
    key=("entity_id", "alias"),
    sort_by=("entity_id", "alias"),
)

ENTITY_MENTIONS = Table(
    name="entity_mentions",
    description="Every named-entity mention, linked to its canonical entity; text == articles.text[start:end].",
    columns=(
        _c("article_id", S, False, "The article.", pattern=ID_PATTERN),
        _c("entity_id", S, True, "The canonical entity; empty when linking was refused.", pattern=ID_PATTERN),
        _c("start", I, False, "Start offset into articles.text."),
        _c("end", I, False, "End offset into articles.text."),
        _c("text", S, False, "The mention as written."),
        _c("label", S, False, "The label the model gave.", ENTITY_TYPES),
        _c("link_note", S, True, "Why entity_id is empty (e.g. 'ambiguous_surname')."),
    ),
    key=("article_id", "start", "end"),
    sort_by=("article_id", "start", "end"),
    partition=PUBLISHED_DATE,
)

QUOTES = Table(
    name="quotes",
    description="Direct quotes with their speakers; text == articles.text[start:end] (inside the marks).",
    columns=(
        _c("quote_id", S, False, "Stable id: hash of article_id and offsets.", pattern=ID_PATTERN),
        _c("article_id", S, False, "The article.", pattern=ID_PATTERN),
        _c("text", S, False, "The words inside the quotation marks."),
        _c("start", I, False, "Start offset into articles.text."),
        _c("end", I, False, "End offset into articles.text."),
        _c("speaker", S, True, "Canonical name of the speaker, or the phrase when not a named entity."),
        _c("speaker_entity_id", S, True, "The speaker's entity.", pattern=ID_PATTERN),
        _c("speaker_method", S, False, "How the speaker was found.", SPEAKER_METHODS),
        _c("speaker_start", I, True, "Start offset of the speaker mention the attribution rests on."),
        _c("speaker_end", I, True, "End offset of that mention."),
        _c("cue", S, True, "The cue word (said, told, according to…)."),
        _c("kind", S, False, "full: a sentence or more of speech; partial: a fragment.", QUOTE_KINDS),
        _c("quote_group_id", S, False, "Shared by the same quote in several articles.", pattern=ID_PATTERN),
        _c("n_articles", I, False, "Number of articles in the quote's group."),
        _c("event_id", S, True, "The event of the same article the quote was said at.", pattern=ID_PATTERN),
    ),
    key=("quote_id",),
    sort_by=("article_id", "start", "quote_id"),
    partition=PUBLISHED_DATE,
)

EVENTS = Table(
    name="events",
    description="Coded events (PLOVER/CAMEO): who did what to whom, where and when, merged across articles.",
    columns=(
        _c("event_id", S, False, "Stable id: hash of type, parties, date and place.", pattern=ID_PATTERN),
        _c(
            "event_type",
            S,
            False,
            "PLOVER 2021 category: " + _defined(PLOVER_DEFINITIONS) + ".",
            PLOVER_TYPES,
        ),
        _c(
            "cameo_code",
            S,
            True,
            "CAMEO code (as the 2021 PLOVER mapping gives it).",
            pattern=r"^[0-9]{2,4}$",
        ),
        _c(
            "mode",
            S,
            True,
            "PLOVER 2021 mode, where the words say how: " + _defined(MODE_DEFINITIONS) + ".",
            EVENT_MODES,
        ),
        _c("actor", S, True, "Actor: canonical name, or the phrase for an unnamed group."),
        _c("actor_entity_id", S, True, "The actor's entity.", pattern=ID_PATTERN),
        _c("target", S, True, "Target: canonical name, or the phrase."),
        _c("target_entity_id", S, True, "The target's entity.", pattern=ID_PATTERN),
        _c("location", S, True, "Where it happened."),
        _c("location_entity_id", S, True, "The place's entity.", pattern=ID_PATTERN),
        _c(
            "event_date",
            D,
            True,
            "When it happened: a date the sentence names, or one counted from the article's date.",
        ),
        _c("date_text", S, True, "The words that gave the date."),
        _c("date_method", S, False, "How event_date was found.", DATE_METHODS),
        _c("modality", S, False, "asserted, planned, negated, reported or hypothetical.", MODALITIES),
        *_count_columns(),
        _c("article_ids", LS, False, "Articles that report it (sorted)."),
        _c("n_articles", I, False, "Number of articles that report it."),
        _c("n_mentions", I, False, "Number of mentions merged into it."),
    ),
    key=("event_id",),
    sort_by=("event_id",),
    partition=EVENT_DAY,
)

EVENT_MENTIONS = Table(
    name="event_mentions",
    description="Each mention of an event in an article; sentence == articles.text[start:end].",
    columns=(
        _c("event_id", S, False, "The merged event.", pattern=ID_PATTERN),
        _c("article_id", S, False, "The article.", pattern=ID_PATTERN),
        _c("sentence", S, False, "The sentence that reports it."),
        _c("start", I, False, "Start offset of the sentence into articles.text."),
        _c("end", I, False, "End offset of the sentence."),
        _c("trigger", S, False, "The verb or noun that signals the event."),
        _c("trigger_start", I, False, "Start offset of the trigger."),
        _c("trigger_end", I, False, "End offset of the trigger."),
        _c("actor_text", S, True, "The actor as written."),
        _c("target_text", S, True, "The target as written."),
        _c("modality", S, False, "Modality of this mention.", MODALITIES),
        _c("mode", S, True, "PLOVER 2021 mode of this mention.", EVENT_MODES),
        *_count_columns(),
    ),
    key=("article_id", "trigger_start", "event_id"),
    sort_by=("article_id", "trigger_start", "event_id"),
    partition=PUBLISHED_DATE,
)

REJECTED = Table(
    name="rejected",
    description="Rows removed by a row-level validation check, with the reason.",
    columns=(
        _c("table", S, False, "The table the row came from."),
        _c("row_key", S, False, "The row's key, as JSON."),
        _c("expectation", S, False, "The check that failed."),
        _c("reason", S, False, "Why the row was rejected."),
    ),
    key=("table", "row_key", "expectation"),
    sort_by=("table", "row_key", "expectation"),
)

RAW_ARTICLES = Table(
    name="raw_articles",
    description="One row per readable raw record, before cleaning (written by ingest).",
    columns=(
        _c("source_path", S, False, "Path of the raw file, relative to the raw directory."),
        _c("record", I, True, "Line or record number inside a JSON/JSONL file (1-based)."),
        _c("format", S, False, "Input format.", ("txt", "jsonl", "json", "html")),
        _c("source_id", S, True, "The record's own id."),
        _c("url", S, True, "URL from the record's metadata."),
        _c("title", S, True, "Title from the record's metadata."),
        _c("publisher", S, True, "Publisher from the record's metadata."),
        _c("published_at", D, True, "Publication date from the record's metadata."),
        _c(
            "published_at_problem",
            S,
            True,
            "Why the metadata's date was refused (then published_at is null).",
        ),
        _c("text", S, False, "The decoded text."),
        _c("raw_sha256", S, False, "sha256 of the raw bytes of the record."),
        _c("size_bytes", I, False, "Size of the raw record in bytes."),
    ),
    key=("source_path", "record"),
    sort_by=("source_path", "record"),
    published=False,
)

PUBLISHED_TABLES: tuple[Table, ...] = (
    ARTICLES,
    ENTITIES,
    ENTITY_MENTIONS,
    ENTITY_MERGES,
    QUOTES,
    EVENTS,
    EVENT_MENTIONS,
    QUARANTINE,
    REJECTED,
)
# The work tables (extract frames, the entity registry) are declared in :mod:`transforms.schema_work`,
# built from the classes above; imported here so that this module lists every table.
from transforms.schema_work import (  # noqa: E402
    ENTITY_ALIASES,
    EXTRACT_TABLES,
    REGISTRY_ARTICLES,
    REGISTRY_TABLES,
    X_ENTITY_ALIASES,
    X_ENTITY_MENTIONS,
    X_EVENT_MENTIONS,
    X_EXTRACT_ERRORS,
    X_QUOTES,
)

__all__ = [
    "ENTITY_ALIASES",
    "EXTRACT_TABLES",
    "REGISTRY_ARTICLES",
    "REGISTRY_TABLES",
    "X_ENTITY_ALIASES",
    "X_ENTITY_MENTIONS",
    "X_EVENT_MENTIONS",
    "X_EXTRACT_ERRORS",
    "X_QUOTES",
]

TABLES: dict[str, Table] = {
    t.name: t for t in (*PUBLISHED_TABLES, *EXTRACT_TABLES, RAW_ARTICLES, ENTITY_ALIASES, REGISTRY_ARTICLES)
}


def empty(table: Table) -> pl.DataFrame:
    """An empty frame with the table's columns and types."""
    return pl.DataFrame(schema=table.polars_schema)


def conform(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """The frame with exactly the table's columns, in order, cast to its types and sorted.

    Missing nullable columns are added as nulls; a missing non-nullable column or a null in one
    raises ``ValueError`` (the writer refuses what the schema forbids).
    """
    exprs = []
    for c in table.columns:
        if c.name in frame.columns:
            exprs.append(pl.col(c.name).cast(c.dtype, strict=True))
        elif c.nullable:
            exprs.append(pl.lit(None, dtype=c.dtype).alias(c.name))
        else:
            raise ValueError(f"{table.name}: missing required column {c.name!r}")
    out = frame.select(exprs)
    for c in table.columns:
        if not c.nullable and out.height and out[c.name].null_count():
            raise ValueError(f"{table.name}: nulls in non-nullable column {c.name!r}")
    if out.height and _needs_sort(out, list(table.sort_by)):
        out = out.sort(list(table.sort_by), nulls_last=True, maintain_order=True)
    return out


def _needs_sort(frame: pl.DataFrame, by: list[str]) -> bool:
    """Returns whether ``frame`` is out of the (stable) order of ``by``: a frame already in order
    is returned as it is, not copied whole by a sort (the order is computed on ``by`` alone)."""
    order = frame.select(pl.arg_sort_by(by, nulls_last=True, maintain_order=True)).to_series()
    return bool((order != pl.int_range(0, frame.height, eager=True)).any())
