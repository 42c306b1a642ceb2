"""Direct quotes and their speakers, found in the one spaCy parse of an article.

Two stages:

* :func:`find_quote_spans` scans the text for quotation marks (curly, straight, ``''`` and
  guillemets), with apostrophes inside words left alone, quotes that run over several paragraphs,
  an opening mark used as the closing one, and nested single quotes (kept inside the outer quote).
* :func:`quotes_from_doc` decides which spans are speech (scare quotes and titles are dropped),
  whether each is ``full`` or ``partial``, and who said it (``speaker_method``): a cue verb and
  its subject, ``according to``, a pronoun or a description resolved to a person named before, a
  speaker introduced before a colon, a signature after a dash, or a quote paragraph continuing
  the previous speaker. Pronoun resolution keeps a chain: a he/she outside quotes, once resolved,
  counts as a mention of that person for the pronouns after it.

:func:`resolve_quotes` turns the per-article rows into the published ``quotes`` table.
Rule data (cue verbs, roles, titles, pronouns, gendered given names) lives in
``lexicons/cue_verbs.toml``, ``lexicons/speaker_roles.toml`` and ``lexicons/given_names.toml``.

Submodules, each importing only the ones listed before it:

* ``lexicon``: the rule data, loaded once per process (``_Lex``).
* ``marks``: quotation marks paired into :class:`QuoteSpan` (:func:`find_quote_spans`).
* ``context``: the per-article state the rules share (``_Ctx``, ``_Person``, ``_Attr``).
* ``phrases``: token ranges of a proper name and of a noun phrase; the main-clause test.
* ``persons``: the people named outside quotes, their titles, given names and gender votes.
* ``pronouns``: he/she resolved to a person named before, with the chain of resolved pronouns.
* ``descriptions``: "the French president" resolved to a person named before in that role (for
  a quote's speaker, the person the sentence is about when not known in another role).
* ``cues``: cue verbs that may introduce a quote, and the token naming a cue's speaker.
* ``frames``: a finite cue's subject the parse left out, an outlet relaying a cue.
* ``speakers``: the attribution a cue and its speaker token give (named, pronoun, description…).
* ``layout``: speakers given by the layout: a colon, a framing verb, a signature, a continuation.
* ``kinds``: speech or not (scare quotes, titles), full or partial.
* ``extract``: the per-article step, :func:`quotes_from_doc`.
* ``resolve``: the per-corpus step, :func:`resolve_quotes` and the x_quotes frame.
"""

from __future__ import annotations

from transforms.quotes.extract import quotes_from_doc
from transforms.quotes.marks import QuoteSpan, find_quote_spans
from transforms.quotes.resolve import normalise_quote, quote_rows_to_frame, resolve_quotes

VERSION = "quotes-9"  # 9: title-word surnames, nested appositions, "as" roles, newsroom roles, "it"

__all__ = [
    "VERSION",
    "QuoteSpan",
    "find_quote_spans",
    "normalise_quote",
    "quote_rows_to_frame",
    "quotes_from_doc",
    "resolve_quotes",
]
