"""Events: who did what to whom, where and when, coded in PLOVER categories with CAMEO codes.

Two pure stages, as everywhere in newsfacts:

- :func:`events_from_doc` reads one parsed article and returns event mentions (rows of
  ``schema.X_EVENT_MENTIONS``). Triggers are verbs and event nouns of the ``event_verbs`` lexicon;
  parties come from the dependency parse (subject/object, passive agent, prepositional targets,
  coordinated actors, nominal events such as "the meeting between X and Y" or "sanctions on X"),
  the place from an "in/at" phrase, the date from a date phrase attached to the trigger
  (:mod:`transforms.dates`), the modality from negation, modal, planning and reporting cues.
- :func:`resolve_events` links the parties to canonical entities and merges the mentions of one
  event reported by several articles; :func:`link_quotes_to_events` ties quotes to the meeting,
  talks or interview they were said at.

Precision comes before recall: an event is coded only when the lexicon knows the trigger and at
least one party is a named entity or a recognisable group (or, for protests, a place is named).
Weak events are left out: a verb whose doer is not named (imperatives, unresolved or generic
subjects), a meeting, cooperation or agreement with one party only or with a non-party object
("met his wife", "meet the bar"), and inside a quote an event whose party is the speaker ("we").
A he/she pronoun resolves only when one person (by surname, title or the pronoun's own sentence)
can be meant; guessing between two people gave wrong parties more often than right ones.

Submodules:

- ``extract``: the per-article step, :func:`events_from_doc` (and which triggers get coded).
- ``resolve``: the per-corpus step, :func:`resolve_events` and :func:`link_quotes_to_events`.
- ``lexicon``: the parsed ``event_verbs`` lexicon (:class:`Entry`, :class:`Lexicon`), :func:`is_symmetric`.
- ``mentions``: :class:`Party` spans and the article's entity mentions indexed by offset (pronouns).
- ``parties``: the actor, target, owner and place a token or phrase stands for.
- ``clauses``: parse-tree helpers: subject, passive agent, control, prepositional objects.
- ``triggers``: verbal and nominal trigger detection with their parties and anchor verb.
- ``modality``: negated, hypothetical, planned, reported or asserted; quoted stretches.
- ``dates``: the DATE entity attached to a trigger.
- ``merge``: clustering mentions by parties, date and place, and building one event from them.
"""

from __future__ import annotations

from transforms.events.clauses import QUANTIFIERS
from transforms.events.extract import events_from_doc
from transforms.events.lexicon import Entry, Lexicon, is_symmetric, lexicon
from transforms.events.mentions import Party
from transforms.events.parties import PARTY_LABELS, PLACE_LABELS, PLACE_NOUNS, QUANTITY_WORDS, STREET_NOUNS
from transforms.events.resolve import link_quotes_to_events, resolve_events

VERSION = "3"

__all__ = [
    "PARTY_LABELS",
    "PLACE_LABELS",
    "PLACE_NOUNS",
    "QUANTIFIERS",
    "QUANTITY_WORDS",
    "STREET_NOUNS",
    "VERSION",
    "Entry",
    "Lexicon",
    "Party",
    "events_from_doc",
    "is_symmetric",
    "lexicon",
    "link_quotes_to_events",
    "resolve_events",
]
