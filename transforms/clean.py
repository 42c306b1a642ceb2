"""Clean: boilerplate out (kept for audit), metadata kept, unicode fixed, language, duplicates.

Everything here is pure. Rules come from ``transforms/lexicons/boilerplate.toml``. The cleaned text
keeps the article's paragraphs separated by one blank line; lines inside a paragraph (captions) are
kept on their own lines. Quotation marks are kept as written (curly or straight).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import ftfy
import polars as pl

from transforms import lexicons, pagetext, schema
from transforms.ids import stable_id
from transforms.ingest import parse_date

# Control characters and invisible formatting: zero-width space/joiners, bidi marks, embeddings,
# overrides and isolates (they would stay inside names and titles, invisible), word joiners.
_CTRL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SENTENCE_END = re.compile(r"[.!?:;\"”’»)]\s*$")


def fix_unicode(text: str) -> str:
    """Returns the text with mojibake repaired, NFC-normalised, odd spaces made plain and control
    characters dropped; quotation marks are kept as written and line ends become ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = ftfy.fix_text(
        text, uncurl_quotes=False, fix_latin_ligatures=True, fix_character_width=True, normalization="NFC"
    )
    text = _SPACES.sub(" ", text)
    return _CTRL.sub("", text)


def clean_meta(value: str | None) -> str | None:
    """Returns a metadata string (title, publisher) without control or invisible formatting
    characters, odd spaces made plain and runs of whitespace collapsed; None when nothing is left."""
    if value is None:
        return None
    value = " ".join(_SPACES.sub(" ", _CTRL.sub("", value)).split())
    return value or None


@dataclass
class Cleaned:
    """The result of cleaning one text: the text, what was removed (and by which rule), metadata."""

    text: str
    removed: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    title: str | None = None
    publisher: str | None = None
    credits: list[str] = field(default_factory=list)
    published_at: dt.date | None = None

    def drop(self, piece: str, rule: str) -> None:
        """Records a removed piece and the rule that removed it."""
        piece = piece.strip()
        if piece:
            self.removed.append(piece)
            self.rules.append(rule)


@dataclass(frozen=True)
class _Rules:
    lines: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    single_appeal: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    appeal_name: str
    appeal_headers: tuple[re.Pattern[str], ...]
    appeal_keywords: tuple[str, ...]
    appeal_min_keywords: int
    appeal_max_share: float
    credit_name: str
    markup_name: str
    markup: re.Pattern[str]
    credit_end: re.Pattern[str]
    credit_prefixes: tuple[re.Pattern[str], ...]
    trailers: tuple[tuple[str, str, int, tuple[re.Pattern[str], ...]], ...]
    dateline_name: str
    datelines: tuple[re.Pattern[str], ...]
    widget_name: str
    widget_max_words: int
    widget_min_run: int


def _compile(patterns: Sequence[str], flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, flags) for p in patterns)


@cache
def rules() -> _Rules:
    """Returns the compiled boilerplate rules of ``lexicons/boilerplate.toml``."""
    lex: dict[str, Any] = lexicons.load("boilerplate")
    credit = lex["credit"]
    agencies = "|".join(re.escape(a) for a in sorted(credit["agencies"], key=len, reverse=True))
    name = credit["name_part"]
    # "AGENCY / Name", "Name / AGENCY" or "AGENCY / -" closing a line (at least one side an agency).
    credit_end = re.compile(
        rf"(?:^|(?<=\s))(?P<credit>(?:(?:{agencies})\s*/\s*{name}|{name}\s*/\s*(?:{agencies})))\s*$"
    )
    return _Rules(
        lines=tuple((r["name"], _compile(r["patterns"])) for r in lex["line"]),
        single_appeal=tuple((r["name"], _compile(r["patterns"], 0)) for r in lex["single_appeal"]),
        appeal_name=lex["appeal"]["name"],
        appeal_headers=_compile(lex["appeal"]["headers"]),
        appeal_keywords=tuple(k.lower() for k in lex["appeal"]["keywords"]),
        appeal_min_keywords=int(lex["appeal"]["min_keywords"]),
        appeal_max_share=float(lex["appeal"]["max_section_share"]),
        credit_name=credit["name"],
        markup_name=lex["markup"]["name"],
        markup=re.compile(lex["markup"]["pattern"]),
        credit_end=credit_end,
        credit_prefixes=_compile(credit["prefixes"]),
        trailers=tuple(
            (r["name"], r["field"], int(r.get("max_words", 10)), _compile(r["patterns"], 0))
            for r in lex["trailer"]
        ),
        dateline_name=lex["dateline"]["name"],
        datelines=_compile(lex["dateline"]["patterns"]),
        widget_name=lex["widget"]["name"],
        widget_max_words=int(lex["widget"]["max_words"]),
        widget_min_run=int(lex["widget"]["min_run"]),
    )


def _fold(line: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a line, to find repeats."""
    s = unicodedata.normalize("NFKD", line.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"\W+", " ", s).strip()


def _is_widget(line: str, r: _Rules) -> bool:
    words = line.split()
    return 0 < len(words) <= r.widget_max_words and not _SENTENCE_END.search(line) and not line.isupper()


def clean_text(text: str) -> Cleaned:
    """Returns the cleaned article: boilerplate removed into ``removed`` (with the rule of each
    piece in ``rules``), captions printed more than once kept once, and the title, publisher, credits
    and date found in the text's own dateline, credit and appeal lines."""
    r = rules()
    out = Cleaned(text="")
    text = fix_unicode(text)

    # A dateline at the very start gives published_at; only the dateline itself is removed.
    for pat in r.datelines:
        m = pat.match(text)
        if m and (date := parse_date(m.group("date"))):
            out.published_at = date
            out.drop(m.group(0), r.dateline_name)
            text = text[m.end() :]
            break

    # Paragraphs are separated by blank lines; each holds one or more lines.
    paragraphs = [[ln.strip() for ln in p.split("\n")] for p in re.split(r"\n[ \t]*\n", text)]
    lines: list[tuple[int, str]] = [(i, ln) for i, p in enumerate(paragraphs) for ln in p if ln]

    # A rendered web page: its menus, consent blocks, share bars, comments and footers go first.
    chrome = pagetext.classify(lines)
    for (_, line), rule in zip(lines, chrome, strict=True):
        if rule:
            out.drop(line, rule)
    lines = [pl for pl, rule in zip(lines, chrome, strict=True) if not rule]

    kept: list[tuple[int, str]] = []
    for para, line in lines:
        line = _strip_markup(line, out, r)
        line = _strip_credit(line, out, r)
        if not line:
            continue
        rule = _line_rule(line, out, r)
        if rule:
            out.drop(line, rule)
            continue
        kept.append((para, line))

    kept = _cut_appeal(kept, out, r)
    kept = _drop_widgets(kept, out, r)
    kept = _take_trailers(kept, out, r)
    kept = _drop_repeats(kept, out)

    if kept:
        out.title = _title(kept)
    blocks: list[list[str]] = []
    last_para = None
    for para, line in kept:
        if para != last_para:
            blocks.append([])
            last_para = para
        blocks[-1].append(line)
    out.text = "\n\n".join("\n".join(b) for b in blocks)
    return out


def _strip_markup(line: str, out: Cleaned, r: _Rules) -> str:
    if "<" not in line:
        return line
    for m in r.markup.finditer(line):
        out.drop(m.group(0), r.markup_name)
    stripped = re.sub(r"\s{2,}", " ", r.markup.sub(" ", line)).strip()
    if not re.search(r"\w", stripped):
        out.drop(stripped, r.markup_name)
        return ""
    return stripped


def _strip_credit(line: str, out: Cleaned, r: _Rules) -> str:
    m = r.credit_end.search(line)
    if m:
        out.drop(m.group("credit"), r.credit_name)
        return line[: m.start("credit")].rstrip()
    for pat in r.credit_prefixes:
        m2 = pat.search(line)
        if m2 and (m2.start() == 0 or pat.pattern.startswith("\\(")):
            out.drop(m2.group(0), r.credit_name)
            return line[: m2.start()].rstrip()
    return line


def _line_rule(line: str, out: Cleaned, r: _Rules) -> str | None:
    for name, pats in r.lines:
        if any(p.match(line) for p in pats):
            return name
    for name, pats in r.single_appeal:
        for p in pats:
            m = p.match(line)
            if m:
                pub = m.groupdict().get("publisher")
                if pub and not out.publisher:
                    out.publisher = pub.strip()
                return name
    return None


def _cut_appeal(kept: list[tuple[int, str]], out: Cleaned, r: _Rules) -> list[tuple[int, str]]:
    total = sum(len(ln) for _, ln in kept) or 1
    for i, (_, line) in enumerate(kept):
        m = next((m for p in r.appeal_headers if (m := p.match(line))), None)
        if not m:
            continue
        section = kept[i:]
        body = " ".join(ln for _, ln in section).lower()
        hits = sum(1 for k in r.appeal_keywords if k in body)
        share = sum(len(ln) for _, ln in section) / total
        if hits >= r.appeal_min_keywords and share <= r.appeal_max_share:
            pub = m.groupdict().get("publisher")
            if pub and not out.publisher:
                out.publisher = pub.strip()
            for _, ln in section:
                out.drop(ln, r.appeal_name)
            return kept[:i]
    return kept


def _drop_widgets(kept: list[tuple[int, str]], out: Cleaned, r: _Rules) -> list[tuple[int, str]]:
    flags = [_is_widget(ln, r) for _, ln in kept]
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(kept):
        j = i
        while j < len(kept) and flags[j]:
            j += 1
        if j - i >= r.widget_min_run:
            for _, ln in kept[i:j]:
                out.drop(ln, r.widget_name)
            i = j
            continue
        result.append(kept[i])
        i += 1
    return result


def _take_trailers(kept: list[tuple[int, str]], out: Cleaned, r: _Rules) -> list[tuple[int, str]]:
    # Only the last few short lines can be credit/source trailers.
    while kept:
        line = kept[-1][1]
        hit = None
        for name, fld, max_words, pats in r.trailers:
            if len(line.split()) > max_words:
                continue
            m = next((m for p in pats if (m := p.match(line))), None)
            if m:
                hit = (name, fld, m.group("value").strip())
                break
        if not hit:
            break
        name, fld, value = hit
        if fld == "publisher":
            out.publisher = out.publisher or value
        elif fld == "credits":
            parts = [p.strip() for p in re.split(r"\s*(?:,|&|/|\band\b)\s*", value) if p.strip()]
            out.credits = parts + [c for c in out.credits if c not in parts]
        out.drop(line, name)
        kept = kept[:-1]
    return kept


def _drop_repeats(kept: list[tuple[int, str]], out: Cleaned) -> list[tuple[int, str]]:
    # A line printed again (a photo caption repeated, with or without its credit) is kept once.
    seen: set[str] = set()
    result = []
    for para, line in kept:
        key = _fold(line)
        if len(key) >= 20 and key in seen:
            out.drop(line, "repeated_line")
            continue
        seen.add(key)
        result.append((para, line))
    return result


def _title(kept: list[tuple[int, str]]) -> str | None:
    """The first line when it reads as a headline: alone in its paragraph, short, no final period."""
    para, line = kept[0]
    alone = len(kept) == 1 or kept[1][0] != para
    words = line.split()
    if alone and 3 <= len(words) <= 25 and not line.endswith((".", ":", ",", ";")) and len(kept) > 1:
        return line
    return None


def related_headlines(removed: Sequence[str], removed_rules: Sequence[str]) -> list[str]:
    """Returns the headlines of the related-story links cleaning removed, their markers cut."""
    spec = lexicons.load("boilerplate")["related_headline"]
    marker = re.compile(spec["marker"], re.IGNORECASE)
    heads = (
        marker.sub("", piece, count=1).strip()
        for piece, rule in zip(removed, removed_rules, strict=True)
        if rule == spec["rule"]
    )
    return [h for h in heads if len(h.split()) >= 2]


# ---- language ----


# Samples with at least this many letters use lingua's low-accuracy mode (trigram models only:
# ~25 MB in the main process instead of ~390 MB). Measured on PolNeAR: every article and every
# paragraph of 150+ letters gets the same language both ways; shorter texts use the full models.
LOW_ACCURACY_LETTERS = 200


@cache
def _detector(low_accuracy: bool) -> Any:
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
    builder = LanguageDetectorBuilder.from_languages(*langs)
    return (builder.with_low_accuracy_mode() if low_accuracy else builder).build()


def detect_language(text: str) -> str:
    """Returns the ISO 639-1 code of the text's language (from its first 2,000 characters), or 'und'."""
    sample = text[:2000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < 20:
        return "und"
    lang = _detector(letters >= LOW_ACCURACY_LETTERS).detect_language_of(sample)
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
    values = _detector(letters >= LOW_ACCURACY_LETTERS).compute_language_confidence_values(sample[:2000])
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
    letters = sum(ch.isalpha() for ch in prose)
    if en_hits >= r.en_min_hits and en_hits >= r.en_min_share * len(words):
        return LanguageVerdict("en", False, None, letters, f"{en_hits} English function words")
    if letters < r.min_letters:
        # Nothing of its own to decide on: the whole text may still read as English.
        sample = text[: r.sample_chars]
        n = sum(ch.isalpha() for ch in sample)
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


# ---- near duplicates ----


def _shingles(text: str, k: int = 5) -> set[bytes]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < k:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}


def mark_near_duplicates(
    ids: Sequence[str], texts: Sequence[str], threshold: float = 0.8, num_perm: int = 128
) -> tuple[list[str | None], list[float | None]]:
    """Returns, per text, the id of the earlier text it near-duplicates (else None) and the
    estimated Jaccard similarity of their word 5-shingles. "Earlier" is the order given, so the
    caller passes a stable order. MinHash LSH keeps this near-linear in the number of texts."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes: dict[str, MinHash] = {}
    dup_of: list[str | None] = []
    scores: list[float | None] = []
    for art_id, text in zip(ids, texts, strict=True):
        mh = MinHash(num_perm=num_perm, seed=1)
        mh.update_batch(list(_shingles(text)))
        best: tuple[float, str] | None = None
        for other in lsh.query(mh):
            sim = mh.jaccard(hashes[other])
            if sim >= threshold and (best is None or (sim, other) > best):
                best = (sim, other)
        dup_of.append(best[1] if best else None)
        scores.append(round(best[0], 4) if best else None)
        if art_id not in hashes:
            hashes[art_id] = mh
            lsh.insert(art_id, mh)
    return dup_of, scores


# ---- the stage ----


def clean_articles(
    raw: pl.DataFrame, english_only: bool = True
) -> tuple[pl.DataFrame, list[dict[str, object]]]:
    """Returns (articles, quarantine rows) from ``schema.RAW_ARTICLES`` rows.

    Metadata given by the file wins over what the text yields. An exact duplicate of an earlier
    article (same cleaned text) and, with ``english_only``, a text not in English are quarantined;
    near-duplicates stay, with ``duplicate_of`` set. Rows are processed in (source_path, record)
    order so "earlier" is stable.
    """
    rows: list[dict[str, object]] = []
    quarantine: list[dict[str, object]] = []
    seen: dict[str, str] = {}
    for rec in raw.sort(["source_path", "record"], nulls_last=False).iter_rows(named=True):
        c = clean_text(rec["text"])
        where = rec["source_path"] + (f"#{rec['record']}" if rec["record"] is not None else "")
        if not c.text.strip():
            quarantine.append(_q(rec, "no_text", "nothing left after removing boilerplate"))
            continue
        verdict = language_verdict(c.text)
        if english_only and verdict.foreign:
            quarantine.append(_q(rec, "not_english", verdict.detail()))
            continue
        article_id = stable_id("a", c.text)
        if article_id in seen:
            quarantine.append(_q(rec, "exact_duplicate", f"same text as {seen[article_id]}"))
            continue
        seen[article_id] = where
        published = rec["published_at"] or c.published_at
        method = "metadata" if rec["published_at"] else ("dateline" if published else "none")
        if method == "none" and rec.get("published_at_problem"):
            method = "invalid_metadata"  # the file gave a date, refused at ingest (see raw_articles)
        rows.append(
            {
                "article_id": article_id,
                "source_path": rec["source_path"],
                "source_id": rec["source_id"],
                "url": rec["url"],
                "title": clean_meta(rec["title"]) or c.title,
                "publisher": clean_meta(rec["publisher"]) or c.publisher,
                "credits": c.credits,
                "published_at": published,
                "published_at_method": method,
                "language": verdict.language,
                "text": c.text,
                "raw_sha256": rec["raw_sha256"],
                "boilerplate_removed": c.removed,
                "boilerplate_rules": c.rules,
                "n_chars": len(c.text),
            }
        )
    ids = [str(r["article_id"]) for r in rows]
    dup_of, scores = mark_near_duplicates(ids, [str(r["text"]) for r in rows])
    for r, d, s in zip(rows, dup_of, scores, strict=True):
        r["duplicate_of"], r["duplicate_score"] = d, s
    frame = (
        pl.DataFrame(rows, schema=schema.ARTICLES.polars_schema) if rows else schema.empty(schema.ARTICLES)
    )
    return schema.conform(frame, schema.ARTICLES), quarantine


def _q(rec: dict[str, Any], reason: str, detail: str) -> dict[str, object]:
    return {
        "source_path": rec["source_path"],
        "record": rec["record"],
        "reason": reason,
        "detail": detail,
        "size_bytes": rec["size_bytes"],
    }
