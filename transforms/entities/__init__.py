"""Named-entity mentions from a parse, and canonical entities across the corpus.

Two pure steps:

* :func:`mentions_from_doc` reads one parsed article and returns its ``x_entity_mentions`` rows:
  the model's spans, trimmed (leading "the", possessives, titles moved to ``title``) and repaired
  where the small model slips cheaply and obviously (a title swallowed into a name, a photo credit
  glued on, an organisation split before its place name).
* :func:`resolve_entities` reads the mentions of the whole corpus and returns the canonical
  entities, the linked mentions and the evidence of every merge.

Merging is rule based and conservative (a false merge is worse than a miss). Mentions are grouped
into *nodes* (one per folded form; a bare surname gets one node per article) and nodes are joined
by rules, each join recorded with its rule and evidence (the ``entity_merges`` table): ``country``
(ISO 3166 code), ``longer_form`` (a name and a longer one ending with it, in one article),
``acronym_paren`` / ``acronym``, ``middle_name``, ``translit`` / ``translit_fuzzy``
(romanisation folding plus rapidfuzz, gated by type and first name), ``surname`` / ``given_name``
(inside an article), ``surname_title`` (a title that tells which bearer of a surname is meant)
and ``surname_prominent`` (a bare surname with no full name in its article, only for a prominent
sole bearer whose surname is nobody's given name; else it stays unlinked with its reason).
Aliases written with a title ("Ms Doe") carry the rule ``title``. Candidate pairs come from blocking keys (folded form,
surname and initials, transliteration key, acronym letters, country code), never from comparing
all pairs, so the cost grows as n log n with the number of mentions.

Submodules:

* ``rules``: the titles, entity_rules and transliteration lexicons in lookup form;
* ``keys``: comparison keys of names (``fold``, ``translit_key``, ``initials``, acronyms);
* ``persons``: person names (``PersonName``, ``parse_person``, ``same_person``);
* ``geo``: gazetteers of countries, cities and US states (``country_code``, ``city``), geocoding;
* ``extract``: the per-article step (``mentions_from_doc``: spans trimmed and repaired);
* ``graph``: nodes of mentions, their union-find and the recorded joins;
* ``merge``: the merge rules for people, longer forms, countries and acronyms;
* ``surnames``: bare surnames and given names linked to full names, titles and their gender;
* ``canonical``: the canonical name (complete, normally cased, no epithet, no role alone);
* ``resolve``: the per-corpus step (``resolve_entities``, ``add_headline_aliases``): output tables.
"""

from __future__ import annotations

from transforms.entities.extract import KEEP_LABELS, mentions_from_doc
from transforms.entities.geo import city, country_code
from transforms.entities.keys import fold, initials, translit_key
from transforms.entities.persons import PersonName, parse_person, same_person
from transforms.entities.resolve import add_headline_aliases, resolve_entities

VERSION = "2"

__all__ = [
    "KEEP_LABELS",
    "VERSION",
    "PersonName",
    "add_headline_aliases",
    "city",
    "country_code",
    "fold",
    "initials",
    "mentions_from_doc",
    "parse_person",
    "resolve_entities",
    "same_person",
    "translit_key",
]
