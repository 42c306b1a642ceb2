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

Categories, modes and CAMEO codes follow the PLOVER 2021 manual (16 categories; ``mode`` says how,
e.g. ``arrest``, ``explosives``, ``visit``). Violence and coercion are coded also in the passive and
as nouns ("five people were killed", "the arrest of X"), and an event whose doer is not named is
still an event (actor null). The sentence's own speech act is coded (warned → THREATEN, blamed →
ACCUSE, called on → REQUEST, dismissed → REJECT, praised → SUPPORT), and an embedded event takes
its doer from its own clause ("A upbraided B for failing to reject C": B rejects). A planned
cooperative event is also an AGREE of its actor, a planned conflictual one a THREATEN.

Not events, from the parse (:mod:`generic`): simple-present habits and generic statements, standing
states (participles describing a party, event nouns as subjects of a present "be"), predicate
nouns, poll findings (also "half the people who met X"), tallies, title-case lines, fiction and private
life, a source named by a talk ("officials who spoke with the paper said"), a doerless passive of
blame or praise describing a noun ("whose government was widely criticized"), a thing doing
violence to a country ("the syrup is destroying America"), a warning of a danger (no threat).
Stated counts are kept ACLED-style (``n_killed``, ``n_injured``, ``n_arrested``, ``crowd_size``, ``count_text``).
A weak party is still left out: an unresolved pronoun, an interaction with one party only, and
inside a quote an event whose party is the speaker ("we"). A he/she pronoun resolves only when one
person can be meant; "X said it/they would…" resolves to the speaker.

Submodules:

- ``extract``: the per-article step, :func:`events_from_doc` (and which triggers get coded).
- ``resolve``: the per-corpus step, :func:`resolve_events` and :func:`link_quotes_to_events`.
- ``lexicon``: the parsed ``event_verbs`` lexicon (:class:`Entry`, :class:`Lexicon`), :func:`is_symmetric`.
- ``mentions``: :class:`Party` spans and the article's entity mentions indexed by offset (pronouns).
- ``parties``: the actor, target, owner and place a token or phrase stands for.
- ``clauses``: parse-tree helpers: subject, passive agent, control, prepositional objects.
- ``triggers``: verbal trigger detection with its parties and anchor verb.
- ``nominal``: event nouns as triggers ("the arrest of X"), with their own parties and place.
- ``modality``: negated, hypothetical, planned, reported or asserted; quoted stretches.
- ``quoted``: appraisals inside quotes, the quote's named speaker (quotes table) as actor.
- ``refusal``: a stated refusal of support ("will not back X") is a REJECT.
- ``evaluative``: a reported clause whose predicate blames or praises its named subject (ACCUSE, SUPPORT).
- ``performative``: the simple present that performs or reports a speech act ("I condemn…", "X blames Y…").
- ``dates``: the DATE entity attached to a trigger.
- ``generic``: not-events decided from the parse (tense, aspect, genericity, kind of participant).
- ``counts``: the numbers of killed, injured, arrested and protesters a sentence states.
- ``merge``: clustering mentions by parties, date and place, and building one event from them.
"""

from __future__ import annotations

from transforms.events.clauses import QUANTIFIERS
from transforms.events.extract import events_from_doc
from transforms.events.lexicon import Entry, Lexicon, is_symmetric, lexicon
from transforms.events.mentions import Party
from transforms.events.parties import PARTY_LABELS, PLACE_LABELS, PLACE_NOUNS, QUANTITY_WORDS, STREET_NOUNS
from transforms.events.resolve import link_quotes_to_events, resolve_events

VERSION = "13"  # round 9 after the attack: no tally rule for violence, performatives need an object, names judge no one

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
