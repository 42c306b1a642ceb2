"""The rule data of quotes, loaded once per process: cue verbs, pronouns, roles, given names.

From ``lexicons/cue_verbs.toml``, ``lexicons/speaker_roles.toml`` and ``lexicons/given_names.toml`` (through
:mod:`transforms.names`, which also holds the gendered titles).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from transforms.lexicons import load
from transforms.names import given_names


@dataclass(frozen=True)
class _Lex:
    verbs: frozenset[str]
    particles: dict[str, frozenset[str]]
    object_speaker: frozenset[str]
    naming: frozenset[str]
    continuing: frozenset[str]
    statement_nouns: frozenset[str]
    spoken: frozenset[str]
    written_channels: frozenset[str]
    pron_male: frozenset[str]
    pron_female: frozenset[str]
    pron_thing: frozenset[str]
    pron_group: frozenset[str]
    pron_first: frozenset[str]
    gp_male: frozenset[str]
    gp_female: frozenset[str]
    roles: frozenset[str]
    role_male: frozenset[str]
    role_female: frozenset[str]
    role_class: dict[str, frozenset[str]]
    given_male: frozenset[str]
    given_female: frozenset[str]
    role_abbrev: dict[str, str]
    byline: tuple[str, ...]
    credit: tuple[str, ...]
    filed: tuple[str, ...]
    media_words: frozenset[str]
    role_leaving: frozenset[str]


@cache
def _lex() -> _Lex:
    """Returns the cue and role lexicons, loaded once per process."""
    cues: dict[str, Any] = load("cue_verbs")
    roles: dict[str, Any] = load("speaker_roles")
    given_male, given_female = given_names()
    role_class: dict[str, set[str]] = {}
    for cls, words in roles["role_synonyms"].items():
        for w in words:
            role_class.setdefault(w, set()).add(cls)
    f = frozenset
    return _Lex(
        verbs=f(cues["verbs"]),
        particles={k: f(v) for k, v in cues["particles"].items()},
        object_speaker=f(cues["phrases"]["object_speaker"]),
        naming=f(cues["phrases"]["naming"]),
        continuing=f(cues["phrases"]["continuing"]),
        statement_nouns=f(cues["phrases"]["statement_nouns"]),
        spoken=f(cues["phrases"]["spoken"]),
        written_channels=f(cues["phrases"]["written_channels"]),
        pron_male=f(roles["pronouns"]["male"]),
        pron_female=f(roles["pronouns"]["female"]),
        pron_thing=f(roles["pronouns"]["thing"]),
        pron_group=f(roles["pronouns"]["group"]),
        pron_first=f(roles["pronouns"]["first"]),
        gp_male=f(roles["gender_pronouns"]["male"]),
        gp_female=f(roles["gender_pronouns"]["female"]),
        roles=f(roles["roles"]),
        role_male=f(roles["gender_roles"]["male"]),
        role_female=f(roles["gender_roles"]["female"]),
        role_class={k: f(v) for k, v in role_class.items()},
        given_male=given_male,
        given_female=given_female,
        role_abbrev=dict(roles["role_abbreviations"]),
        byline=tuple(roles["reporters"]["byline"]),
        credit=tuple(roles["reporters"]["credit"]),
        filed=tuple(roles["reporters"]["filed"]),
        media_words=f(roles["reporters"]["media_words"]),
        role_leaving=f(roles["role_leaving"]["verbs"]),
    )
