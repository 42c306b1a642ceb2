"""Scoring quote extraction against gold attribution (PolNeAR format), pure functions.

The definitions follow the Gender Gap Tracker's evaluation (``evaluate_quotes.py`` of
sfu-discourse-lab/GenderGapTracker, used for its published figures):

* **Quote match.** The overlap score of a predicted span P against a gold span G is
  ``|G ∩ P| / |G|`` in characters (asymmetric: the gold span is the reference). A gold quote
  matches when its best remaining predicted quote scores strictly more than the threshold
  (0.3 and 0.8); gold quotes are taken in order and each predicted quote is used at most once.
  Unmatched gold quotes are false negatives, unmatched predicted quotes false positives.
* **Speaker accuracy.** Over matched pairs whose gold quote has a source: the share whose
  predicted speaker is right. The Tracker accepts a predicted speaker span that overlaps the
  gold source span. Our speaker span points at the named antecedent for pronouns and
  descriptions (the gold source may be "he" or "the senator"), so a speaker is also right when
  its name shares a proper-name word with the gold source's *named antecedent*: the gold
  source itself when it holds a proper name, otherwise, for an anaphoric source (a pronoun or
  a definite description), the nearest earlier gold source of the same article that does and
  whose known gender does not contradict the pronoun ("she" never reads back to "Donald …";
  gender from a title or a common given name; a bare surname takes the one that every titled or
  given-name mention of it in the article agrees on).
  To keep the figure meaning "the right person was named": an indefinite source ("a senior
  aide", "some protesters") or a possessed one ("Clinton's spokesman") has no antecedent (only
  span overlap counts), and a possessor followed by more words is not a name of the source; a
  definite description keeps reading back whatever its capitals ("the Texas senator"), and
  party words are not names; a predicted speaker that is a bare pronoun ("he", "they") names
  no one, whatever it overlaps.

PolNeAR specifics (see the corpus README):

* Gold quotes are the attributions with ``is_direct_quote`` true. Their content spans are
  merged where only whitespace separates them; each piece, stripped of its quotation marks
  and whitespace, is one gold quote ('"A," he said, "B."' gives two).
* PolNeAR annotates a sentence that quotes a fragment ('said the system is "rigged"') as an
  indirect attribution. A predicted quote wholly inside the content of such an attribution, or
  inside a span the annotators discarded, is *neutral*: neither a hit nor a false positive.
  The strict precision that counts them as false positives is reported beside it.
* Gold offsets point into the raw record text; the pipeline's point into the cleaned text.
  :func:`clean_to_raw` aligns the two (difflib), so spans are compared in raw offsets.
* Articles annotated twice are scored once, on the first record of each id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.names import given_names, proper_name_words, title_gender

THRESHOLDS: tuple[float, ...] = (0.3, 0.8)
_MARKS = "\"'“”‘’«»„‟‚`"
_NOT_NAMES = {
    "the", "a", "an", "he", "she", "they", "it", "i", "we", "you", "his", "her", "their", "its", "this",
    "that", "these", "those", "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "but", "and",
    "in", "on", "at", "for", "as", "one", "some", "many", "both", "all", "another", "other",
    "republican", "republicans", "democrat", "democrats", "democratic", "gop", "conservative",
    "conservatives", "liberal", "liberals",
}  # fmt: skip
# Words a source or predicted speaker may be that name nobody by themselves.
_PRONOUNS = {
    "he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "us", "me", "his", "its", "their",
    "himself", "herself", "themselves", "itself", "who", "one",
}  # fmt: skip
_MALE = {"he", "him", "himself"}
_FEMALE = {"she", "her", "herself"}
_DEFINITE = {"the", "this", "that", "these", "those", "his", "her", "its", "their", "our", "my", "your"}


@dataclass(frozen=True)
class GoldQuote:
    """One gold direct quote: its span and its source's span and named antecedent (raw offsets)."""

    article: str
    start: int
    end: int
    source_start: int | None = None
    source_end: int | None = None
    antecedent: str | None = None


@dataclass(frozen=True)
class PredictedQuote:
    """One predicted quote: its span, its speaker span and name (same offsets as the gold)."""

    article: str
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker: str | None = None


# ---------------------------------------------------------------- offsets


def clean_to_raw(clean: str, raw: str) -> list[int]:
    """Returns, for every offset 0..len(clean) of the cleaned text, the matching raw offset.

    Cleaning removes whole lines and paragraphs and rewrites a few characters (NBSP → space),
    so lengths differ. Each cleaned line is looked up verbatim in the raw text after the
    previous one; a line that cleaning changed is aligned with difflib against the raw stretch
    where it must lie (characters in matching blocks map one to one, replaced runs position by
    position, characters only in the cleaned text to the next raw position). Anchoring on lines
    keeps this linear where a whole-text difflib alignment is quadratic. The last entry maps
    ``len(clean)`` so that an end offset maps too.
    """
    out = [0] * (len(clean) + 1)
    cursor = 0
    pos = 0
    lines = clean.split("\n")
    for k, line in enumerate(lines):
        if line:
            found = raw.find(line, cursor)
            if found >= 0:
                for i in range(len(line)):
                    out[pos + i] = found + i
                cursor = found + len(line)
            else:
                # where the next verbatim line starts bounds this line's raw stretch
                stop = len(raw)
                for nxt in lines[k + 1 :]:
                    if nxt and (f := raw.find(nxt, cursor)) >= 0:
                        stop = f
                        break
                stop = min(stop, cursor + 2 * len(line) + 2000)
                window = raw[cursor:stop]
                _align(line, window, out, pos, cursor)
                cursor = min(out[pos + len(line) - 1] + 1, len(raw))
        nl = pos + len(line)
        if nl < len(clean):
            out[nl] = min(cursor, len(raw))  # the newline itself
        pos = nl + 1
    out[len(clean)] = len(raw)
    return out


def _align(a: str, b: str, out: list[int], a0: int, b0: int) -> None:
    """Writes into ``out[a0 + i]`` the offset ``b0 + j`` of each character of ``a`` aligned in ``b``."""
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            if tag == "equal":
                out[a0 + i1 + k] = b0 + j1 + k
            elif tag == "replace":
                out[a0 + i1 + k] = b0 + j1 + min(k, j2 - j1 - 1)
            else:  # only in the cleaned text
                out[a0 + i1 + k] = b0 + min(j1, max(len(b) - 1, 0))


def span_to_raw(mapping: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Returns the raw span of a cleaned-text span ``[start, end)`` given :func:`clean_to_raw`'s map."""
    if end <= start:
        s = mapping[start]
        return s, s
    return mapping[start], mapping[end - 1] + 1


# ---------------------------------------------------------------- scoring


def overlap_score(gold: tuple[int, int], pred: tuple[int, int]) -> float:
    """Returns ``|gold ∩ pred| / |gold|`` in characters (0 for an empty span)."""
    g = gold[1] - gold[0]
    if g <= 0 or pred[1] <= pred[0]:
        return 0.0
    inter = min(gold[1], pred[1]) - max(gold[0], pred[0])
    return max(inter, 0) / g


def _name_words(text: str | None) -> set[str]:
    """Returns the folded words of a text that look like parts of a proper name
    (:func:`transforms.names.proper_name_words`), less the words that name nobody by themselves."""
    return proper_name_words(text) - _NOT_NAMES


def _person_gender(text: str) -> tuple[str | None, str | None]:
    """Returns (surname, "m"/"f") of the first person a text names with a title or a common given
    name ("Mrs. Lee", "Carly Fiorina"), else (None, None). A possessor ("Anna Lee's aide") is skipped.
    """
    for surname, g, possessive in _titled_names(text.split(",")[0]):  # not the appositive's names
        if not possessive:
            return surname, g
    return None, None


def _titled_names(text: str) -> list[tuple[str, str, bool]]:
    """Returns (surname, "m"/"f", possessive) for each name a text gives with a title or a common
    given name: the surname is the last word of the capitalised run that follows it (words
    separated by spaces only, stopping before an abbreviated office like "Gov.")."""
    male_names, female_names = given_names()
    out: list[tuple[str, str, bool]] = []
    for run in re.finditer(r"[A-Z][\w'’.-]*(?:[ \t\u00a0]+[A-Z][\w'’.-]*)*", text):
        words = run.group().split()
        for i, w in enumerate(words[:-1]):
            low = w.lower().strip(".")
            title = title_gender(low, "evaluation")
            g = (
                "m"
                if title == "m" or low in male_names
                else "f"
                if title == "f" or low in female_names
                else None
            )
            if g is None or re.search(r"['’]s?$", w):
                continue
            j = i + 1
            while j + 1 < len(words) and not re.search(r"['’]s?$", words[j]) and not _office(words[j + 1]):
                j += 1  # middle names and initials: the surname is the last word of the run
            if _office(words[i + 1]):
                continue  # "Virginia Gov. Smith": a place, not a given name
            last = words[j]
            possessive = bool(re.search(r"['’]s?$", last))
            out.append((re.sub(r"(?:['’]s|['’])$", "", last).lower().strip("."), g, possessive))
            break
    return out


def _office(word: str) -> bool:
    """True for an abbreviated office or title ("Gov.", "Sen.", "Rep."), not an initial ("B.")."""
    return word.endswith(".") and len(word) > 2 and word[:-1].isalpha()


_INDEFINITE = {"a", "an", "some", "one", "many", "several", "few", "most", "other", "others", "another"}


def _named_antecedent(
    own: str, start: int, sources: Sequence[tuple[tuple[int, int], str]], text: str
) -> str | None:
    """Returns the named antecedent of a gold source (itself when named), or None.

    ``sources`` are the article's gold sources (span, text) in order, ``text`` the article. An
    indefinite or possessed source ("a senior aide", "Lee's aide") reads back to nobody; a pronoun
    or a description reads back to the nearest earlier named source, where a he/she skips
    sources whose gender is known and differs (a bare surname takes the gender that every
    "Mr./Ms./given name + surname" of the article agrees on).
    """
    words = own.split()
    first = words[0].lower().strip(".,") if words else ""
    head = words[-1].strip(".,;:") if words else ""
    description = first in _DEFINITE and head[:1].islower()  # "the Texas senator": no name
    if _name_words(own) and not description:
        return own
    if first in _INDEFINITE or first[:1].isdigit() or re.search(r"[A-Z]\w*(?:['’]s|s['’])\s", own):
        return None  # "a senior aide", "Clinton's spokesman": a person the gold does not name
    single = len(words) == 1
    want = "m" if single and first in _MALE else "f" if single and first in _FEMALE else None
    named = [(sp, t) for sp, t in sources if sp[0] < start and _name_words(t)]
    if want is None:
        return named[-1][1] if named else None
    by_surname: dict[str, set[str]] = {}
    for surname, sex, _ in _titled_names(text):
        by_surname.setdefault(surname, set()).add(sex)
    for _, t in reversed(named):
        g = _person_gender(t)[1]
        if g is None:
            seen: set[str] = set().union(*(by_surname.get(w, set()) for w in _name_words(t)))
            g = next(iter(seen)) if len(seen) == 1 else None
        if g is None or g == want:
            return t
    return None


def speaker_matches(gold: GoldQuote, pred: PredictedQuote) -> bool:
    """True when the predicted speaker is the gold source (span overlap or shared name word)."""
    if gold.source_start is None or gold.source_end is None:
        return False
    if (pred.speaker or "").strip().lower() in _PRONOUNS:
        return False  # "he" names no one, even where the gold source is "he"
    if (
        pred.speaker_start is not None
        and pred.speaker_end is not None
        and min(gold.source_end, pred.speaker_end) > max(gold.source_start, pred.speaker_start)
    ):
        return True
    want = _name_words(gold.antecedent)
    return bool(want and want & _name_words(pred.speaker))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_quotes(
    gold: Sequence[GoldQuote],
    predicted: Sequence[PredictedQuote],
    thresholds: Sequence[float] = THRESHOLDS,
    neutral: Sequence[tuple[str, int, int]] = (),
) -> dict[str, Any]:
    """Returns precision, recall, F1 and speaker accuracy of ``predicted`` against ``gold``.

    One entry per threshold, keyed ``"0.3"``, ``"0.8"``…, each with tp, fp, fn, fp_neutral,
    precision, recall, f1, precision_strict (neutral quotes counted as false positives),
    speaker_total (matched pairs whose gold has a source), speaker_correct and
    speaker_accuracy; plus n_gold and n_predicted. ``neutral`` holds (article, start, end)
    spans: an unmatched predicted quote wholly inside one is not counted (see module doc).
    """
    by_article_gold: dict[str, list[GoldQuote]] = {}
    by_article_pred: dict[str, list[PredictedQuote]] = {}
    for g in gold:
        by_article_gold.setdefault(g.article, []).append(g)
    for p in predicted:
        by_article_pred.setdefault(p.article, []).append(p)
    neutral_by: dict[str, list[tuple[int, int]]] = {}
    for a, s, e in neutral:
        neutral_by.setdefault(a, []).append((s, e))
    out: dict[str, Any] = {"n_gold": len(gold), "n_predicted": len(predicted)}
    for th in thresholds:
        tp = fp = fn = fp_neutral = spk_total = spk_ok = 0
        for art in sorted(set(by_article_gold) | set(by_article_pred)):
            remaining = sorted(by_article_pred.get(art, []), key=lambda p: (p.start, p.end))
            for g in sorted(by_article_gold.get(art, []), key=lambda g: (g.start, g.end)):
                best: PredictedQuote | None = None
                best_score = 0.0
                for p in remaining:
                    sc = overlap_score((g.start, g.end), (p.start, p.end))
                    if sc > th and sc > best_score:
                        best, best_score = p, sc
                if best is None:
                    fn += 1
                    continue
                remaining.remove(best)
                tp += 1
                if g.source_start is not None:
                    spk_total += 1
                    spk_ok += speaker_matches(g, best)
            for p in remaining:
                if any(s <= p.start and p.end <= e for s, e in neutral_by.get(art, [])):
                    fp_neutral += 1
                else:
                    fp += 1
        prec, rec, f1 = _prf(tp, fp, fn)
        strict, _, _ = _prf(tp, fp + fp_neutral, fn)
        out[str(th)] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "fp_neutral": fp_neutral,
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "precision_strict": round(strict, 4),
            "speaker_total": spk_total,
            "speaker_correct": spk_ok,
            "speaker_accuracy": round(spk_ok / spk_total, 4) if spk_total else 0.0,
        }
    return out


# ---------------------------------------------------------------- PolNeAR


def _merge(spans: Iterable[Sequence[int]], text: str) -> list[tuple[int, int]]:
    """Returns spans sorted and merged where only whitespace separates them."""
    out: list[tuple[int, int]] = []
    for s, e in sorted((int(a), int(b)) for a, b in spans):
        if out and not text[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _strip_marks(text: str, s: int, e: int) -> tuple[int, int]:
    """Returns the span narrowed past quotation marks and whitespace at both ends."""
    while s < e and (text[s].isspace() or text[s] in _MARKS):
        s += 1
    while e > s and (text[e - 1].isspace() or text[e - 1] in _MARKS):
        e -= 1
    return s, e


def _first_span(part: Mapping[str, Any] | None) -> tuple[int, int] | None:
    if not part or not part.get("spans"):
        return None
    spans = sorted((int(a), int(b)) for a, b in part["spans"])
    return spans[0][0], spans[-1][1]


def polnear_gold(records: Iterable[Mapping[str, Any]]) -> tuple[list[GoldQuote], list[tuple[str, int, int]]]:
    """Returns the gold direct quotes and the neutral spans of PolNeAR records (raw offsets).

    The article key is the record ``id``; only the first record of each id is read. Neutral
    spans are the contents of indirect attributions and the discarded spans.
    """
    gold: list[GoldQuote] = []
    neutral: list[tuple[str, int, int]] = []
    seen: set[str] = set()
    for rec in records:
        rid = str(rec["id"])
        if rid in seen:
            continue
        seen.add(rid)
        text = str(rec["text"])
        attrs = list(rec.get("attributions") or [])
        sources = sorted(
            (sp, str(a["source"].get("text") or ""))
            for a in attrs
            if (sp := _first_span(a.get("source"))) is not None
        )
        for a in attrs:
            content = a.get("content") or {}
            if not a.get("is_direct_quote"):
                for s, e in content.get("spans") or []:
                    neutral.append((rid, int(s), int(e)))
                continue
            src = _first_span(a.get("source"))
            antecedent: str | None = None
            if src is not None:
                antecedent = _named_antecedent(str(a["source"].get("text") or ""), src[0], sources, text)
            for s, e in _merge(content.get("spans") or [], text):
                s, e = _strip_marks(text, s, e)
                if e > s:
                    gold.append(
                        GoldQuote(rid, s, e, src[0] if src else None, src[1] if src else None, antecedent)
                    )
        for d in rec.get("discard_spans") or []:
            for s, e in d.get("spans") or []:
                neutral.append((rid, int(s), int(e)))
    return gold, neutral


def predictions_in_raw(
    records: Iterable[Mapping[str, Any]], articles: pl.DataFrame, quotes: pl.DataFrame
) -> list[PredictedQuote]:
    """Returns the published quotes of the gold articles with spans mapped to raw record offsets.

    ``articles`` needs article_id, source_id (the record id) and text (cleaned); ``quotes``
    needs article_id, start, end, speaker, speaker_start and speaker_end.
    """
    raw_of: dict[str, str] = {}
    for rec in records:
        raw_of.setdefault(str(rec["id"]), str(rec["text"]))
    arts = articles.filter(pl.col("source_id").is_in(list(raw_of))).select("article_id", "source_id", "text")
    by_article: dict[str, list[dict[str, Any]]] = {}
    for q in quotes.filter(pl.col("article_id").is_in(arts["article_id"].to_list())).to_dicts():
        by_article.setdefault(str(q["article_id"]), []).append(q)
    out: list[PredictedQuote] = []
    for art in arts.to_dicts():
        rows = by_article.get(str(art["article_id"]), [])
        if not rows:
            continue
        rid = str(art["source_id"])
        mapping = clean_to_raw(str(art["text"]), raw_of[rid])
        for q in rows:
            s, e = span_to_raw(mapping, int(q["start"]), int(q["end"]))
            ss = se = None
            if q.get("speaker_start") is not None and q.get("speaker_end") is not None:
                ss, se = span_to_raw(mapping, int(q["speaker_start"]), int(q["speaker_end"]))
            out.append(PredictedQuote(rid, s, e, ss, se, q.get("speaker")))
    return out


def evaluate_polnear(
    records: Sequence[Mapping[str, Any]],
    articles: pl.DataFrame,
    quotes: pl.DataFrame,
    thresholds: Sequence[float] = THRESHOLDS,
) -> dict[str, Any]:
    """Returns the figures of the published quotes against PolNeAR gold records.

    Articles of the gold that the pipeline did not publish (quarantined, say) still count: their
    gold quotes are misses. The dict is :func:`score_quotes`'s plus n_articles (gold) and
    n_articles_found (published).
    """
    gold, neutral = polnear_gold(records)
    predicted = predictions_in_raw(records, articles, quotes)
    figures = score_quotes(gold, predicted, thresholds, neutral)
    ids = {str(r["id"]) for r in records}
    figures["n_articles"] = len(ids)
    figures["n_articles_found"] = articles.filter(pl.col("source_id").is_in(list(ids))).height
    return figures


def format_report(figures: Mapping[str, Any], thresholds: Sequence[float] = THRESHOLDS) -> str:
    """Returns the figures as a short text report (one block per overlap threshold)."""
    lines = [
        f"direct quotes: {figures.get('n_gold', 0)} gold, {figures.get('n_predicted', 0)} predicted"
        + (
            f" ({figures['n_articles_found']}/{figures['n_articles']} articles)"
            if "n_articles" in figures
            else ""
        ),
        "overlap = |gold ∩ predicted| / |gold| (Gender Gap Tracker); match when > threshold",
    ]
    for th in thresholds:
        f = figures.get(str(th))
        if not f:
            continue
        lines.append(
            f"@{th}: precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}  "
            f"speaker accuracy {f['speaker_accuracy']:.3f} ({f['speaker_correct']}/{f['speaker_total']})  "
            f"[tp {f['tp']} fp {f['fp']} fn {f['fn']}; {f['fp_neutral']} neutral; "
            f"strict precision {f['precision_strict']:.3f}]"
        )
    return "\n".join(lines)
