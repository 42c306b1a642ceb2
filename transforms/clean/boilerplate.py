"""Boilerplate out (kept for audit, with the rule that removed it), metadata kept, unicode fixed.

Rules come from ``transforms/lexicons/boilerplate.toml``; web-page chrome is left to
``transforms.pagetext``. The cleaned text keeps the article's paragraphs separated by one blank line;
lines inside a paragraph (captions) are kept on their own lines. Quotation marks are kept as written.
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

from transforms import lexicons, pagetext
from transforms.ingest import parse_date

# Control characters and invisible formatting: zero-width space/joiners, bidi marks, embeddings,
# overrides and isolates (they would stay inside names and titles, invisible), word joiners.
_CTRL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
# Separators among the controls part words or lines: they become a space or a line end (dropping
# them would join "Wednesday\x0cevening" into one word).
_LINE_BREAKS = str.maketrans(
    {"\u0085": "\n", "\u2028": "\n", "\u2029": "\n\n"}
    | {chr(c): " " for c in (0x0B, 0x0C, *range(0x1C, 0x20))}
)
_SENTENCE_END = re.compile(r"[.!?:;\"”’»)]\s*$")


# ``ftfy.fix_text`` with the options of :func:`fix_unicode`.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_latin_ligatures=True,
    fix_character_width=True,
    normalization="NFC",
    explain=False,
)
# What ftfy may change in an ASCII line: an HTML entity ("&amp;"), a control character, a
# terminal escape (it starts with one) or a carriage return. A line without them is returned as
# it is by every step (no mojibake is ASCII, NFC and the width and ligature fixes leave ASCII).
_FTFY_ASCII = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")


def fix_text(text: str) -> str:
    """Returns ``ftfy.fix_text(text, ...)`` with :data:`_FTFY`'s options: ftfy's own loop over the
    text's lines (the same segments, the same sticky HTML setting), without calling ftfy on the
    ASCII lines it would return unchanged (most lines of English news; the fixer's dozen steps
    per line were about a fifth of the clean stage's CPU)."""
    config = _FTFY
    out: list[str] = []
    pos = 0
    while pos < len(text):
        textbreak = text.find("\n", pos) + 1
        if textbreak == 0:
            textbreak = len(text)
        if (textbreak - pos) > config.max_decode_length:
            textbreak = pos + config.max_decode_length
        segment = text[pos:textbreak]
        if config.unescape_html == "auto" and "<" in segment:
            config = config._replace(unescape_html=False)
        if segment.isascii() and not _FTFY_ASCII.search(segment):
            out.append(segment)
        else:
            out.append(ftfy.fix_and_explain(segment, config).text)
        pos = textbreak
    return "".join(out)


def fix_unicode(text: str) -> str:
    """Returns the text with mojibake repaired, NFC-normalised, odd spaces made plain and control
    characters dropped; quotation marks are kept as written and line ends become ``\\n``."""
    # Breaks and separators first: ftfy reads U+0085 (NEL) as a cp1252 ellipsis and drops \x0b, \x1f.
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_LINE_BREAKS)
    text = fix_text(text)
    text = _SPACES.sub(" ", text)
    return _CTRL.sub("", text)


def clean_meta(value: str | None) -> str | None:
    """Returns a metadata string (title, publisher) without control or invisible formatting
    characters, odd spaces made plain and runs of whitespace collapsed; None when nothing is left."""
    if value is None:
        return None
    value = " ".join(_SPACES.sub(" ", _CTRL.sub("", value.translate(_LINE_BREAKS))).split())
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
    widget_min_buttons: float
    widget_buttons: tuple[re.Pattern[str], ...]


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
        widget_min_buttons=float(lex["widget"]["min_button_share"]),
        widget_buttons=_compile(lex["widget"]["buttons"]),
    )


_NON_WORD = re.compile(r"\W+")


def _fold(line: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a line, to find repeats."""
    s = line.casefold()
    if not s.isascii():  # ASCII has nothing to decompose (most lines: skips a per-character loop)
        s = unicodedata.normalize("NFKD", s)
        # the combining marks dropped by one translate, looked up once per distinct character
        marks = {ord(c): None for c in set(s) if unicodedata.combining(c)}
        if marks:
            s = s.translate(marks)
    return _NON_WORD.sub(" ", s).strip()


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
    page = any(chrome)
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
    kept = _drop_widgets(kept, out, r, page)
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
        # only a bracketed credit may stand anywhere; the others count at the line's start alone,
        # where match finds what search would find first
        m2 = pat.search(line) if pat.pattern.startswith("\\(") else pat.match(line)
        if m2:
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


def _drop_widgets(kept: list[tuple[int, str]], out: Cleaned, r: _Rules, page: bool) -> list[tuple[int, str]]:
    """Returns the lines without the runs of short lines that are mostly buttons (a payment or share
    widget); a run of short lines that are not buttons (an article's list or table) stays, unless the
    text is a web page whose chrome was removed (there such a run is a menu left near the article)."""
    flags = [_is_widget(ln, r) for _, ln in kept]
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(kept):
        j = i
        while j < len(kept) and flags[j]:
            j += 1
        buttons = sum(any(p.match(ln) for p in r.widget_buttons) for _, ln in kept[i:j])
        if j - i >= r.widget_min_run and (page or buttons >= r.widget_min_buttons * (j - i)):
            for _, ln in kept[i:j]:
                out.drop(ln, r.widget_name)
            i = j
            continue
        result.append(kept[i])
        i += 1
    return result


def _take_trailers(kept: list[tuple[int, str]], out: Cleaned, r: _Rules) -> list[tuple[int, str]]:
    # Only the last few short lines can be credit/source trailers, and only after the article's
    # first paragraph: a one-paragraph article is never its own trailer.
    while len(kept) > 1 and kept[-1][0] != kept[0][0]:
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
