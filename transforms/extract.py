"""The extract stage's pure core: one spaCy parse per article feeds every extractor.

Each extractor reads the same ``Doc``; nothing parses a text twice. The rows returned follow the
intermediate tables of :mod:`transforms.schema` (``X_ENTITY_MENTIONS``, ``X_QUOTES``,
``X_EVENT_MENTIONS``); they are cached per article by ``article_id``, :meth:`ArticleInput.cache_key` and
:func:`extractor_version`.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from types import FrameType

import polars as pl
from spacy.language import Language
from spacy.tokens import Doc

from transforms import entities, events, quotes, schema
from transforms.ids import sha256_hex
from transforms.nlp import parse, parse_long

# CPU seconds the extractors may spend on one article after its parse (the longest PolNeAR article
# takes well under one). Past it the article is an ``extract_timeout`` error, not a hung run.
EXTRACT_BUDGET_S = 60.0
# Characters of an exception message kept in an error row.
DETAIL_CHARS = 300


@dataclass(frozen=True)
class ArticleInput:
    """What the extractors need of one article: its id, clean text and publication date."""

    article_id: str
    text: str
    published_at: dt.date | None
    related: tuple[str, ...] = ()  # headlines of removed related-story links (alias evidence)

    def cache_key(self) -> str:
        """Returns a hash of everything besides the text the extraction reads (publication date,
        related headlines): the same article with another date is extracted again, not reused."""
        day = self.published_at.isoformat() if self.published_at is not None else ""
        return sha256_hex("\x1f".join((self.article_id, day, *self.related)))[:16]


def extractor_version(model_name: str) -> str:
    """Returns a short hash of everything that changes extraction output.

    The model name, the extractor modules' ``VERSION`` constants and every lexicon file: editing a
    rule invalidates the cache by itself.
    """
    parts = [model_name, entities.VERSION, quotes.VERSION, events.VERSION]
    lex = resources.files("transforms.lexicons")
    for entry in sorted(lex.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".toml"):
            parts.append(entry.name + sha256_hex(entry.read_bytes()))
    return sha256_hex("\x1f".join(parts))[:12]


# ---- the per-article time budget ----


class ExtractTimeout(Exception):
    """An article's extraction spent its time budget."""


class UnstorableRows(Exception):
    """An article's extracted rows do not fit the columns of their table (a value out of a
    column's range, a wrong type)."""


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("extract_deadline", default=None)


def check_deadline() -> None:
    """Raises :class:`ExtractTimeout` when the current article's budget (see :func:`time_budget`)
    is spent; does nothing outside a budget. Extractors may call it inside long loops."""
    deadline = _DEADLINE.get()
    if deadline is not None and time.thread_time() > deadline:
        raise ExtractTimeout("time budget spent")


def _on_timer(signum: int, frame: FrameType | None) -> None:
    raise ExtractTimeout("time budget spent (timer)")


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Runs the block with a budget of ``seconds`` of CPU time; None or 0 means no budget.

    :func:`check_deadline` raises once it is spent. In a process's main thread (the parse workers)
    a CPU-time timer also interrupts the block itself, so code that never checks (a pathological
    loop in an extractor) cannot hang the run; in other threads the check is the only guard."""
    if not seconds:
        yield
        return
    token = _DEADLINE.set(time.thread_time() + seconds)
    armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    previous: object = None
    if armed:
        previous = signal.signal(signal.SIGPROF, _on_timer)
        signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_PROF, 0)
            # None: a handler not set from Python; the default is the closest to restore.
            signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)  # type: ignore[arg-type]
        _DEADLINE.reset(token)


# ---- extraction ----


def extract_doc(doc: Doc, article: ArticleInput) -> dict[str, list[dict[str, object]]]:
    """Returns the rows of each intermediate table for one parsed article (raises what an
    extractor raises, :class:`ExtractTimeout` past the budget: see :func:`extract_one`)."""
    mentions = entities.mentions_from_doc(doc, article.article_id)
    check_deadline()
    found_quotes = quotes.quotes_from_doc(doc, article.article_id, mentions)
    check_deadline()
    return {
        "x_entity_mentions": mentions,
        "x_quotes": found_quotes,
        "x_event_mentions": events.events_from_doc(
            doc, article.article_id, mentions, article.published_at, found_quotes
        ),
    }


def error_row(article_id: str, err: BaseException) -> dict[str, object]:
    """Returns the ``X_EXTRACT_ERRORS`` row of an article whose extraction raised ``err``: reason
    ``extract_timeout``, ``unstorable_extract`` or ``crashed_in_extract``, detail ``Type: message`` on one line, trimmed."""
    if isinstance(err, ExtractTimeout):
        return {"article_id": article_id, "reason": "extract_timeout", "detail": str(err)}
    reason = "unstorable_extract" if isinstance(err, UnstorableRows) else "crashed_in_extract"
    msg = " ".join(str(err).split())
    detail = f"{type(err).__name__}: {msg}" if msg else type(err).__name__
    if len(detail) > DETAIL_CHARS:
        detail = detail[: DETAIL_CHARS - 1] + "…"
    return {"article_id": article_id, "reason": reason, "detail": detail}


def check_storable(found: dict[str, list[dict[str, object]]]) -> None:
    """Raises :class:`UnstorableRows` (naming the table and the error) when one article's rows do
    not build a frame of their table's schema; checked per article so that one article's value
    (a count beyond the column's range) cannot fail the frame of its whole batch."""
    for t in schema.EXTRACT_TABLES:
        rows = found.get(t.name)
        if not rows:
            continue
        try:
            pl.DataFrame(rows, schema=t.polars_schema)
        except OSError:
            raise
        except Exception as err:
            msg = " ".join(str(err).split())
            raise UnstorableRows(f"{t.name}: {type(err).__name__}: {msg}") from err


def extract_one(
    doc: Doc, article: ArticleInput, budget_s: float | None = EXTRACT_BUDGET_S
) -> dict[str, list[dict[str, object]]]:
    """Returns the article's rows per intermediate table or, when extraction raised or spent its
    budget of ``budget_s`` CPU seconds, only its ``x_extract_errors`` row (``{"x_extract_errors":
    [row]}``). One article's failure never reaches its batch: the flow quarantines it and publishes
    the rest. (An OSError is not the article's fault and propagates.)"""
    try:
        with time_budget(budget_s):
            return extract_doc(doc, article)
    except ExtractTimeout:
        err = ExtractTimeout(f"extraction over the budget of {budget_s:g} CPU seconds")
        return {"x_extract_errors": [error_row(article.article_id, err)]}
    except OSError:
        raise
    except Exception as err:  # whatever the article makes an extractor raise
        return {"x_extract_errors": [error_row(article.article_id, err)]}


def _parse_isolated(
    nlp: Language,
    articles: Sequence[ArticleInput],
    batch_size: int,
    errors: list[dict[str, object]],
    max_chars: int | None = None,
) -> Iterator[tuple[ArticleInput, Doc]]:
    """Yields (article, Doc) in order. A text over the model's ``max_length`` is an error row
    without a parse (spaCy E088); when a batch fails, the rest are parsed one by one, so only the
    article that fails becomes an error row. A text over ``max_chars`` is parsed paragraph-wise
    (:func:`transforms.nlp.parse_long`)."""
    todo: list[ArticleInput] = []
    for a in articles:
        if len(a.text) > nlp.max_length:
            err = ValueError(
                f"[E088] text of {len(a.text):,} characters exceeds the model's max_length {nlp.max_length:,}"
            )
            errors.append(error_row(a.article_id, err))
        else:
            todo.append(a)
    done = 0
    try:
        for doc in parse(nlp, (a.text for a in todo), batch_size=batch_size, max_chars=max_chars):
            yield todo[done], doc
            done += 1
        return
    except OSError:
        raise
    except Exception:  # one text broke the batch: find which, below
        pass
    for a in todo[done:]:
        try:
            doc = parse_long(nlp, a.text, max_chars) if max_chars and len(a.text) > max_chars else nlp(a.text)
        except OSError:
            raise
        except Exception as err:
            errors.append(error_row(a.article_id, err))
            continue
        yield a, doc


def headline_aliases(
    nlp: Language, articles: Sequence[ArticleInput], batch_size: int = 32
) -> list[dict[str, object]]:
    """Returns the names the model finds in the articles' related-story headlines (short texts,
    only the NER runs on them), as ``X_ENTITY_ALIASES`` rows."""
    pairs = [(a.article_id, h) for a in articles for h in a.related if len(h) <= nlp.max_length]
    if not pairs:
        return []
    ner_only = [p for p in nlp.pipe_names if p not in ("ner", "tok2vec")]
    rows: list[dict[str, object]] = []
    with nlp.select_pipes(disable=ner_only):
        docs: list[Doc | None]
        try:
            docs = list(nlp.pipe((h for _, h in pairs), batch_size=batch_size))
        except OSError:
            raise
        except Exception:  # one headline broke the batch: parse one by one
            docs = [_parse_or_none(nlp, h) for _, h in pairs]
        for (article_id, headline), doc in zip(pairs, docs, strict=True):
            for ent in doc.ents if doc is not None else ():
                if ent.label_ in schema.ENTITY_TYPES:
                    rows.append(
                        {
                            "article_id": article_id,
                            "text": ent.text,
                            "label": ent.label_,
                            "headline": headline,
                        }
                    )
    return rows


def _parse_or_none(nlp: Language, text: str) -> Doc | None:
    # A headline that cannot be parsed is only missing alias evidence, not an error.
    try:
        return nlp(text)
    except OSError:
        raise
    except Exception:
        return None


def extract_articles(
    nlp: Language,
    articles: Sequence[ArticleInput],
    batch_size: int = 32,
    budget_s: float | None = EXTRACT_BUDGET_S,
    max_chars: int | None = None,
) -> dict[str, pl.DataFrame]:
    """Parses the articles once each (in batches; one over ``max_chars`` characters paragraph-wise,
    so its parse holds no more tokens at once than a batch) and returns the intermediate frames,
    conformed.

    Never raises for what one article holds: an article whose parse or extraction fails (or spends
    ``budget_s`` CPU seconds) has no rows but one in ``x_extract_errors``, for the flow to quarantine.
    """
    errors: list[dict[str, object]] = []
    found = [
        (a.article_id, extract_one(doc, a, budget_s))
        for a, doc in _parse_isolated(nlp, articles, batch_size, errors, max_chars)
    ]
    aliases = headline_aliases(nlp, articles, batch_size)
    try:
        return _frames(found, errors, aliases)
    except OSError:
        raise
    except Exception:
        # one article's value does not fit its column (a count beyond Int64): only now is each
        # article's frame built apart, to quarantine that article and keep the others
        return _frames([(aid, _storable_or_error(aid, f)) for aid, f in found], errors, aliases)


def _frames(
    found: Sequence[tuple[str, dict[str, list[dict[str, object]]]]],
    errors: list[dict[str, object]],
    aliases: list[dict[str, object]],
) -> dict[str, pl.DataFrame]:
    """The conformed intermediate frames of the articles' rows, the parse errors and the aliases."""
    rows: dict[str, list[dict[str, object]]] = {t.name: [] for t in schema.EXTRACT_TABLES}
    rows["x_extract_errors"].extend(errors)
    for _, per_table in found:
        for name, table_rows in per_table.items():
            rows[name].extend(table_rows)
    rows["x_entity_aliases"] = aliases
    return {
        t.name: schema.conform(pl.DataFrame(rows[t.name], schema=t.polars_schema), t)
        for t in schema.EXTRACT_TABLES
    }


def _storable_or_error(
    article_id: str, found: dict[str, list[dict[str, object]]]
) -> dict[str, list[dict[str, object]]]:
    """The article's rows, or only its error row when they do not build their tables' frames."""
    try:
        check_storable(found)
    except UnstorableRows as err:
        return {"x_extract_errors": [error_row(article_id, err)]}
    return found
