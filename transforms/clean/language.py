"""The article's language, decided on its own prose (quotes and name/score lines set apart), with lingua's
confidence: only text confidently in another language is foreign; short or undecidable text is ``und``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from transforms import lexicons

# lingua runs in low-accuracy mode only (trigram models: ~25 MB in the main process). Its full
# models take ~0.4 GB, held in the main process beside the parse workers while clean streams into
# the parse: that was the run's memory peak. Measured: every PolNeAR train article gets the same
# verdict both ways; of 6,000 short lines (20-400 characters, PolNeAR and web pages) 238 moved
# between 'en' and 'und' (both kept) and none to or from a foreign language. Short English-looking
# articles are mostly decided before the detector by their English function words.


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [
        Language.ENGLISH,
        Language.FRENCH,
        Language.GERMAN,
        Language.SPANISH,
        Language.ITALIAN,
        Language.PORTUGUESE,
        Language.DUTCH,
        Language.RUSSIAN,
        Language.UKRAINIAN,
        Language.POLISH,
        Language.TURKISH,
        Language.ARABIC,
        Language.CHINESE,
        Language.JAPANESE,
        Language.KOREAN,
        Language.SWEDISH,
        Language.ROMANIAN,
        Language.CZECH,
        Language.GREEK,
        Language.HEBREW,
        Language.PERSIAN,
        Language.HINDI,
        Language.INDONESIAN,
        Language.VIETNAMESE,
        Language.BELARUSIAN,
    ]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def release_models() -> None:
    """Unloads the detector's language models; the next detection loads them again. Decisions do
    not change."""
    _detector().unload_language_models()


def detect_language(text: str) -> str:
    """Returns the ISO 639-1 code of the text's language (from its first 2,000 characters), or 'und'."""
    sample = text[:2000]
    letters = sum(map(str.isalpha, sample))
    if letters < 20:
        return "und"
    lang = _detector().detect_language_of(sample)
    return lang.iso_code_639_1.name.lower() if lang is not None else "und"


@dataclass(frozen=True)
class LanguageVerdict:
    """The language decision for one article: the label, and whether it is confidently not English."""

    language: str  # ISO 639-1 code, or 'und' when undecidable
    foreign: bool  # confidently another language: an English-only run quarantines it
    confidence: float | None  # the detector's confidence in ``language``, when it was asked
    letters: int  # letters of prose the decision read
    basis: str  # what decided, for the quarantine detail and audit

    def detail(self) -> str:
        """Returns the quarantine detail: language, confidence and what it was decided on."""
        conf = f"confidence {self.confidence:.2f}, " if self.confidence is not None else ""
        return f"detected language: {self.language} ({conf}{self.letters:,} letters of prose; {self.basis})"


@dataclass(frozen=True)
class _LangRules:
    sample_chars: int
    min_words: int
    max_capitalised: float
    quoted: re.Pattern[str]
    english: frozenset[str]
    en_min_hits: int
    en_min_share: float
    min_letters: int
    long_letters: int
    long_confidence: float
    short_confidence: float
    fw_min: int
    fw_share: float
    non_latin_share: float
    function_words: dict[str, frozenset[str]]
    letters: dict[str, frozenset[str]]
    letters_share: float


@cache
def _lang_rules() -> _LangRules:
    lex: dict[str, Any] = lexicons.load("language")
    prose, en, fo = lex["prose"], lex["english"], lex["foreign"]
    n = int(prose["max_quote_chars"])
    # A quotation: paired curly, straight, guillemet or low-high marks within one paragraph.
    quoted = re.compile(
        rf"\u201c[^\u201d\n]{{0,{n}}}\u201d|\"[^\"\n]{{0,{n}}}\"|\u00ab[^\u00bb\n]{{0,{n}}}\u00bb"
        rf"|\u201e[^\u201c\u201d\n]{{0,{n}}}[\u201c\u201d]"
    )
    return _LangRules(
        sample_chars=int(prose["sample_chars"]),
        min_words=int(prose["min_words"]),
        max_capitalised=float(prose["max_capitalised"]),
        quoted=quoted,
        english=frozenset(en["function_words"]),
        en_min_hits=int(en["min_hits"]),
        en_min_share=float(en["min_share"]),
        min_letters=int(fo["min_letters"]),
        long_letters=int(fo["long_letters"]),
        long_confidence=float(fo["long_confidence"]),
        short_confidence=float(fo["short_confidence"]),
        fw_min=int(fo["min_function_words"]),
        fw_share=float(fo["min_function_share"]),
        non_latin_share=float(fo["non_latin_share"]),
        function_words={k: frozenset(v) for k, v in fo["function_words"].items()},
        letters={k: frozenset(v) for k, v in fo["letters"].items() if isinstance(v, str)},
        letters_share=float(fo["letters"]["min_share"]),
    )


_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*|\d+")


def own_prose(text: str) -> str:
    """Returns the lines of the article's own prose: quotations cut out, and lines that are mostly
    names, numbers or Title Case (results, lists, tables, headlines) and very short lines left out."""
    r = _lang_rules()
    unquoted = r.quoted.sub(" ", text[: r.sample_chars])
    kept: list[str] = []
    for line in unquoted.split("\n"):
        words = _WORD_RE.findall(line)
        if len(words) < r.min_words:
            continue
        caps = sum(1 for w in words[1:] if w[0].isupper() or w[0].isdigit())
        if caps / (len(words) - 1) >= r.max_capitalised:
            continue
        kept.append(line.strip())
    return "\n".join(kept)


def _is_latin(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00


def _confidences(sample: str, letters: int) -> list[tuple[str, float]]:
    values = _detector().compute_language_confidence_values(sample[:2000])
    return [(v.language.iso_code_639_1.name.lower(), float(v.value)) for v in values]


def language_verdict(text: str) -> LanguageVerdict:
    """Returns the article's language decision. English when its own prose (see :func:`own_prose`)
    has English function words or the detector prefers English; another language only when the
    detector is confident of it AND the prose has that language's function words (or is written
    in another script); else 'und'. Short, quote-only and name-list texts are 'und', never foreign."""
    r = _lang_rules()
    prose = own_prose(text)
    words = [w.lower() for w in _WORD_RE.findall(prose)]
    en_hits = sum(1 for w in words if w in r.english)
    letters = sum(map(str.isalpha, prose))
    if en_hits >= r.en_min_hits and en_hits >= r.en_min_share * len(words):
        return LanguageVerdict("en", False, None, letters, f"{en_hits} English function words")
    if letters < r.min_letters:
        # Nothing of its own to decide on: the whole text may still read as English.
        sample = text[: r.sample_chars]
        n = sum(map(str.isalpha, sample))
        if n >= r.min_letters:
            lang, conf = _confidences(sample, n)[0]
            if lang == "en":
                return LanguageVerdict("en", False, conf, n, "whole text, too little prose of its own")
        return LanguageVerdict("und", False, None, letters, "too little prose of its own to decide")
    lang, conf = _confidences(prose, letters)[0]
    if lang == "en":
        return LanguageVerdict("en", False, conf, letters, "detector")
    non_latin = sum(1 for ch in prose if ch.isalpha() and not _is_latin(ch)) / letters
    if non_latin >= r.non_latin_share:
        # English is not written in Cyrillic, Arabic, Han...: the script decides, the detector names.
        return LanguageVerdict(lang, True, conf, letters, f"{non_latin:.0%} non-Latin letters")
    fw = r.function_words.get(lang, frozenset())
    hits = sum(1 for w in words if w in fw)
    needed = r.long_confidence if letters >= r.long_letters else r.short_confidence
    if conf >= needed and hits >= r.fw_min and hits >= r.fw_share * len(words):
        return LanguageVerdict(lang, True, conf, letters, f"{hits} {lang} function words")
    own = r.letters.get(lang, frozenset())
    share = sum(1 for ch in prose if ch in own) / letters
    if conf >= needed and own and share >= r.letters_share:
        return LanguageVerdict(lang, True, conf, letters, f"{share:.1%} letters only {lang} uses")
    return LanguageVerdict(
        "und", False, conf, letters, f"undecided: {lang} {conf:.2f} with {hits} {lang} function words"
    )
