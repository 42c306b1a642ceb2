"""The work tables of :mod:`transforms.schema`: the intermediate per-article frames the extract
stage caches and resolve reads, and the entity registry a run leaves for the next one. None is
published. Import them from :mod:`transforms.schema` (this module is loaded by it)."""

from __future__ import annotations

from transforms.schema import (
    DATE_METHODS,
    ENTITIES,
    ENTITY_TYPES,
    EVENT_MODES,
    ID_PATTERN,
    MODALITIES,
    PLOVER_TYPES,
    QUOTE_KINDS,
    SPEAKER_METHODS,
    D,
    I,
    S,
    Table,
    _c,
    _count_columns,
)

# ---- intermediate frames: written by extract (one set per article, cached), read by resolve ----

X_ENTITY_MENTIONS = Table(
    name="x_entity_mentions",
    description="Entity mentions as the parse found them, before linking.",
    columns=(
        _c("article_id", S, False, "The article."),
        _c("start", I, False, "Start offset into articles.text."),
        _c("end", I, False, "End offset into articles.text."),
        _c("text", S, False, "The mention as written."),
        _c("label", S, False, "The model's label.", ENTITY_TYPES),
        _c("title", S, True, "A title or honorific right before it (Mr, President…), lower case."),
    ),
    key=("article_id", "start", "end"),
    sort_by=("article_id", "start", "end"),
    published=False,
)

X_ENTITY_ALIASES = Table(
    name="x_entity_aliases",
    description="Names seen in an article's related-story headlines, which cleaning removed from its text: "
    "alias evidence only (no offsets, never a mention).",
    columns=(
        _c("article_id", S, False, "The article whose boilerplate held the headline."),
        _c("text", S, False, "The name as written in the headline."),
        _c("label", S, False, "The model's label.", ENTITY_TYPES),
        _c("headline", S, False, "The headline it was seen in."),
    ),
    key=("article_id", "text", "label"),
    sort_by=("article_id", "text", "label"),
    published=False,
)

X_QUOTES = Table(
    name="x_quotes",
    description="Quotes found in one article, with the speaker mention the attribution rests on.",
    columns=(
        _c("article_id", S, False, "The article."),
        _c("start", I, False, "Start offset of the quoted words."),
        _c("end", I, False, "End offset of the quoted words."),
        _c("text", S, False, "The quoted words."),
        _c("kind", S, False, "full or partial.", QUOTE_KINDS),
        _c("cue", S, True, "The cue word."),
        _c("speaker_text", S, True, "The speaker phrase as written (the antecedent for pronouns)."),
        _c("speaker_start", I, True, "Start offset of the speaker mention (antecedent for pronouns)."),
        _c("speaker_end", I, True, "End offset of the speaker mention."),
        _c("speaker_method", S, False, "How the speaker was found.", SPEAKER_METHODS),
    ),
    key=("article_id", "start", "end"),
    sort_by=("article_id", "start", "end"),
    published=False,
)

X_EVENT_MENTIONS = Table(
    name="x_event_mentions",
    description="Event mentions found in one article, parties as spans, before merging.",
    columns=(
        _c("article_id", S, False, "The article."),
        _c("event_type", S, False, "PLOVER category.", PLOVER_TYPES),
        _c("cameo_code", S, True, "CAMEO code."),
        _c("mode", S, True, "PLOVER mode.", EVENT_MODES),
        _c("trigger", S, False, "Trigger word."),
        _c("trigger_start", I, False, "Start offset of the trigger."),
        _c("trigger_end", I, False, "End offset of the trigger."),
        _c("sent_start", I, False, "Start offset of the sentence."),
        _c("sent_end", I, False, "End offset of the sentence."),
        _c("sentence", S, True, "The sentence as written (text[sent_start:sent_end])."),
        _c("actor_text", S, True, "Actor as written (antecedent for pronouns)."),
        _c("actor_start", I, True, "Start offset of the actor mention."),
        _c("actor_end", I, True, "End offset of the actor mention."),
        _c("target_text", S, True, "Target as written."),
        _c("target_start", I, True, "Start offset of the target mention."),
        _c("target_end", I, True, "End offset of the target mention."),
        _c("location_text", S, True, "Place as written."),
        _c("location_start", I, True, "Start offset of the place mention."),
        _c("location_end", I, True, "End offset of the place mention."),
        _c("event_date", D, True, "Resolved date."),
        _c("date_text", S, True, "Words that gave the date."),
        _c("date_method", S, False, "How the date was found.", DATE_METHODS),
        _c("modality", S, False, "Modality.", MODALITIES),
        *_count_columns(),
    ),
    key=("article_id", "trigger_start", "event_type"),
    sort_by=("article_id", "trigger_start", "event_type"),
    published=False,
)

X_EXTRACT_ERRORS = Table(
    name="x_extract_errors",
    description="Articles whose extraction failed (an exception or the time budget): none of their rows "
    "are in the other intermediate tables; the flow quarantines them.",
    columns=(
        _c("article_id", S, False, "The article."),
        _c(
            "reason",
            S,
            False,
            "Machine-readable reason.",
            ("crashed_in_extract", "extract_timeout", "unstorable_extract"),
        ),
        _c("detail", S, False, "The exception and its message (trimmed), or the budget spent."),
    ),
    key=("article_id",),
    sort_by=("article_id",),
    published=False,
)

# The entity registry: state a run leaves under the cache folder (``registry/``) for the next run,
# not published. Its canonical entities are an ``entities`` table; beside it the alias index and
# the articles it covers, with the resolved rows of those articles (reused by an incremental run).
ENTITY_ALIASES = Table(
    name="entity_aliases",
    description="The registry's alias index: each name key a new mention is looked up by, and its entity. "
    "Only forms shared across articles (not bare surnames, given names or titled forms, which "
    "link inside their article).",
    columns=(
        _c(
            "alias_key", S, False, "The key mentions are grouped by: the folded form without a leading 'the'."
        ),
        _c("entity_id", S, False, "The registry entity.", pattern=ID_PATTERN),
        _c("alias", S, False, "The surface form."),
        _c("rule", S, False, "The entity_merges rule that joined the form."),
    ),
    key=("alias_key", "entity_id", "alias"),
    sort_by=("alias_key", "entity_id", "alias"),
    published=False,
)
REGISTRY_ARTICLES = Table(
    name="registry_articles",
    description="The articles the registry has resolved, with a digest of their extracted rows and publication "
    "day: an article whose rows or date changed, or that left the input, makes the next run re-resolve everything.",
    columns=(
        _c("article_id", S, False, "The article.", pattern=ID_PATTERN),
        _c(
            "signature", S, False, "Digest of the article's rows in the x_ tables and of its publication day."
        ),
    ),
    key=("article_id",),
    sort_by=("article_id",),
    published=False,
)
REGISTRY_TABLES: tuple[Table, ...] = (ENTITIES, ENTITY_ALIASES, REGISTRY_ARTICLES)

EXTRACT_TABLES: tuple[Table, ...] = (
    X_ENTITY_MENTIONS,
    X_ENTITY_ALIASES,
    X_QUOTES,
    X_EVENT_MENTIONS,
    X_EXTRACT_ERRORS,
)
