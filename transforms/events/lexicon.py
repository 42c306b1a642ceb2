"""The ``event_verbs`` lexicon: which verbs and nouns code for which PLOVER category, with options."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from transforms import schema
from transforms.lexicons import load


@dataclass(frozen=True)
class Entry:
    """One lexicon entry: the category and CAMEO code a trigger codes for, and its options."""

    event_type: str
    cameo: str
    preps: tuple[str, ...] | None = None
    of_role: str | None = None
    passive: bool = True
    needs_dobj: bool = False
    no_dobj: bool = False
    actor_group: str | None = None
    needs_target: bool = False
    poss: str = "actor"
    theme_obj: bool = False
    no_clause: bool = False
    target_labels: frozenset[str] | None = None
    mode: str | None = None
    count: str | None = None
    complement: frozenset[str] | None = None
    dobj_nouns: str | None = None
    patient: str | None = None
    needs_prep: tuple[str, ...] | None = None
    physical: bool = False
    alt: str | None = None
    needs_party: bool = False
    needs_support: bool = False
    support: frozenset[str] | None = None
    subject_target: bool = False
    event_complement: bool = False
    own_clause: bool = False
    named_object: bool = False
    body_labels: frozenset[str] | None = None


@dataclass(frozen=True)
class Lexicon:
    """The ``event_verbs`` lexicon, parsed once."""

    verbs: dict[str, Entry]
    nouns: dict[str, Entry]
    target_preps: frozenset[str]
    noun_target_preps: frozenset[str]
    location_preps: frozenset[str]
    symmetric: frozenset[str]
    location_suffices: frozenset[str]
    of_role: dict[str, str]
    support_verbs: frozenset[str]
    reception: frozenset[str]
    adverbial_preps: frozenset[str]
    groups: dict[str, frozenset[str]]
    all_groups: frozenset[str]
    person_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    modality: dict[str, frozenset[str]] = field(default_factory=dict)
    speech_settings: frozenset[str] = frozenset()
    speaker_pronouns: frozenset[str] = frozenset()
    object_control: frozenset[str] = frozenset()
    open_doer: frozenset[str] = frozenset()
    recipient_verbs: frozenset[str] = frozenset()
    owner_target: frozenset[str] = frozenset()
    two_party: frozenset[str] = frozenset()
    fallback_preps: dict[str, frozenset[str]] = field(default_factory=dict)
    fallback: dict[str, frozenset[str]] = field(default_factory=dict)
    noun_classes: dict[str, frozenset[str]] = field(default_factory=dict)
    violence: frozenset[str] = frozenset()
    private: frozenset[str] = frozenset()
    vague_counts: dict[str, int] = field(default_factory=dict)
    collectives: dict[str, int] = field(default_factory=dict)
    gathering_verbs: frozenset[str] = frozenset()
    count_words: dict[str, int] = field(default_factory=dict)
    multipliers: dict[str, int] = field(default_factory=dict)
    casualty_types: frozenset[str] = frozenset()
    intent_agree: frozenset[str] = frozenset()
    intent_threaten: frozenset[str] = frozenset()
    signing: frozenset[str] = frozenset()
    obligation_verbs: frozenset[str] = frozenset()
    shares: frozenset[str] = frozenset()
    populations: frozenset[str] = frozenset()
    obligation_modals: frozenset[str] = frozenset()
    habitual_adverbs: frozenset[str] = frozenset()
    repeated_adverbs: frozenset[str] = frozenset()
    idioms: frozenset[str] = frozenset()
    aiming_verbs: frozenset[str] = frozenset()
    responsibility_nouns: frozenset[str] = frozenset()
    responsibility_verbs: frozenset[str] = frozenset()
    frame_nouns: frozenset[str] = frozenset()
    collective_nouns: frozenset[str] = frozenset()
    participation_verbs: frozenset[str] = frozenset()
    offerable: frozenset[str] = frozenset()
    attempt_nouns: frozenset[str] = frozenset()
    reaction: frozenset[str] = frozenset()
    speech_setting_preps: frozenset[str] = frozenset()


def _entry(raw: dict[str, Any]) -> Entry:
    preps = raw.get("preps")
    return Entry(
        event_type=str(raw["type"]),
        cameo=str(raw["cameo"]),
        preps=tuple(preps) if preps is not None else None,
        of_role=raw.get("of"),
        passive=bool(raw.get("passive", True)),
        needs_dobj=bool(raw.get("needs_dobj", False)),
        no_dobj=bool(raw.get("no_dobj", False)),
        actor_group=raw.get("actor_group"),
        needs_target=bool(raw.get("needs_target", False)),
        poss=str(raw.get("poss", "actor")),
        theme_obj=raw.get("obj") == "theme",
        no_clause=bool(raw.get("no_clause", False)),
        target_labels=frozenset(raw["target_labels"]) if "target_labels" in raw else None,
        mode=raw.get("mode"),
        count=raw.get("count"),
        complement=frozenset(raw["complement"]) if "complement" in raw else None,
        dobj_nouns=raw.get("dobj_nouns"),
        patient=raw.get("patient"),
        needs_prep=tuple(raw["needs_prep"]) if "needs_prep" in raw else None,
        physical=bool(raw.get("physical", False)),
        alt=raw.get("alt"),
        needs_party=bool(raw.get("needs_party", False)),
        needs_support=bool(raw.get("needs_support", False)),
        support=frozenset(raw["support"]) if "support" in raw else None,
        subject_target=raw.get("subject") == "target",
        event_complement=bool(raw.get("event_complement", False)),
        own_clause=bool(raw.get("own_clause", False)),
        named_object=bool(raw.get("named_object", False)),
        body_labels=frozenset(raw["body_labels"]) if "body_labels" in raw else None,
    )


@cache
def lexicon() -> Lexicon:
    """Returns the parsed ``event_verbs`` lexicon (cached per process)."""
    lex = load("event_verbs")
    d = lex["defaults"]
    groups = {k: frozenset(v) for k, v in lex["groups"].items()}
    for table in ("verbs", "nouns"):
        for key, raw in lex[table].items():
            if raw["type"] not in schema.PLOVER_TYPES:
                raise ValueError(f"event_verbs.{table}.{key}: unknown PLOVER type {raw['type']!r}")
            if raw.get("mode") is not None and raw["mode"] not in schema.EVENT_MODES:
                raise ValueError(f"event_verbs.{table}.{key}: unknown PLOVER mode {raw['mode']!r}")
            if raw.get("alt") is not None and raw["alt"] not in lex["verbs"]:
                raise ValueError(f"event_verbs.{table}.{key}: alt {raw['alt']!r} is no verb entry")
    counts = lex["counts"]
    return Lexicon(
        verbs={k: _entry(v) for k, v in lex["verbs"].items()},
        nouns={k: _entry(v) for k, v in lex["nouns"].items()},
        target_preps=frozenset(d["target_preps"]),
        noun_target_preps=frozenset(d["noun_target_preps"]),
        location_preps=frozenset(d["location_preps"]),
        symmetric=frozenset(d["symmetric"]),
        location_suffices=frozenset(d["location_suffices"]),
        of_role=dict(d["of_role"]),
        support_verbs=frozenset(lex["support_verbs"]["verbs"]),
        reception=frozenset(lex["support_verbs"]["reception"]),
        adverbial_preps=frozenset(lex["support_verbs"]["adverbial_preps"]),
        gathering_verbs=frozenset(lex["support_verbs"].get("gathering", ())),
        groups=groups,
        all_groups=frozenset().union(*groups.values()),
        person_pronouns=frozenset(lex["pronouns"]["person"]),
        relative_pronouns=frozenset(lex["pronouns"]["relative"]),
        modality={k: frozenset(v) for k, v in lex["modality"].items()},
        speech_settings=frozenset(lex["speech_settings"]["nouns"]),
        speaker_pronouns=frozenset(lex["pronouns"]["speaker"]),
        object_control=frozenset(lex["roles"]["object_control"]),
        open_doer=frozenset(lex["roles"]["open_doer"]),
        recipient_verbs=frozenset(lex["roles"]["recipient_verbs"]),
        owner_target=frozenset(lex["roles"]["owner_target"]),
        two_party=frozenset(lex["roles"]["two_party"]),
        fallback_preps={k: frozenset(v) for k, v in lex.get("target_preps", {}).items()},
        fallback={k: frozenset(v) for k, v in lex.get("target_fallback", {}).items()},
        noun_classes={k: frozenset(v) for k, v in lex["noun_classes"].items()},
        violence=frozenset(lex["violence"]["cues"]),
        private=frozenset(lex["violence"]["private"]),
        vague_counts={str(k): int(v) for k, v in counts["vague"].items()},
        collectives={str(k): int(v) for k, v in counts.get("collectives", {}).items()},
        count_words={str(k): int(v) for k, v in counts["words"].items()},
        multipliers={str(k): int(v) for k, v in counts["multipliers"].items()},
        casualty_types=frozenset(counts["casualty_types"]),
        intent_agree=frozenset(lex["intent"]["agree"]),
        intent_threaten=frozenset(lex["intent"]["threaten"]),
        signing=frozenset(lex["noun_classes"]["signing"]),
        obligation_verbs=frozenset(lex["obligation"]["speech_verbs"]),
        shares=frozenset(lex["generic"]["shares"]),
        populations=frozenset(lex["generic"]["populations"]),
        obligation_modals=frozenset(lex["obligation"]["modals"]),
        habitual_adverbs=frozenset(lex["generic"]["habitual_adverbs"]),
        repeated_adverbs=frozenset(lex["generic"]["repeated_adverbs"]),
        idioms=frozenset(lex["generic"]["idioms"]),
        aiming_verbs=frozenset(lex["generic"]["aiming_verbs"]),
        responsibility_nouns=frozenset(lex["generic"]["responsibility_nouns"]),
        responsibility_verbs=frozenset(lex["generic"]["responsibility_verbs"]),
        frame_nouns=frozenset(lex["support_verbs"]["frame_nouns"]),
        collective_nouns=frozenset(lex["support_verbs"]["collective_nouns"]),
        participation_verbs=frozenset(lex["support_verbs"]["participation"]),
        attempt_nouns=frozenset(lex["support_verbs"]["attempt_nouns"]),
        reaction=frozenset(lex["support_verbs"]["reaction"]),
        speech_setting_preps=frozenset(lex["support_verbs"]["speech_setting_preps"]),
        offerable=frozenset(lex["noun_classes"]["supplies"]) | frozenset(lex["noun_classes"]["personnel"]),
    )


def is_symmetric(event_type: str) -> bool:
    """Returns whether the category's parties are interchangeable (CONSULT, COOPERATE, AGREE)."""
    return event_type in lexicon().symmetric
