"""Scoring quotes against PolNeAR-style gold: overlap, matching, speakers, offsets, the report."""

from __future__ import annotations

import polars as pl
import pytest

from transforms.evaluate import (
    GoldQuote,
    PredictedQuote,
    clean_to_raw,
    evaluate_polnear,
    format_report,
    overlap_score,
    polnear_gold,
    score_quotes,
    span_to_raw,
    speaker_matches,
)


def test_overlap_is_relative_to_gold() -> None:
    assert overlap_score((0, 10), (0, 10)) == 1.0
    assert overlap_score((0, 10), (5, 100)) == 0.5  # a long prediction still covers half the gold
    assert overlap_score((0, 10), (20, 30)) == 0.0
    assert overlap_score((5, 5), (0, 10)) == 0.0


def test_thresholds_and_one_to_one_matching() -> None:
    gold = [GoldQuote("a", 0, 100), GoldQuote("a", 200, 300)]
    pred = [PredictedQuote("a", 0, 50), PredictedQuote("a", 200, 300), PredictedQuote("a", 400, 420)]
    f = score_quotes(gold, pred)
    assert (f["0.3"]["tp"], f["0.3"]["fp"], f["0.3"]["fn"]) == (2, 1, 0)
    assert (f["0.8"]["tp"], f["0.8"]["fp"], f["0.8"]["fn"]) == (1, 2, 1)
    assert f["0.3"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert f["0.8"]["f1"] == pytest.approx(0.4, abs=1e-4)


def test_threshold_is_strict() -> None:
    f = score_quotes([GoldQuote("a", 0, 10)], [PredictedQuote("a", 7, 10)], thresholds=(0.3,))
    assert f["0.3"]["tp"] == 0  # 0.3 is not more than 0.3


def test_neutral_predictions_are_not_false_positives() -> None:
    gold = [GoldQuote("a", 0, 10)]
    pred = [PredictedQuote("a", 0, 10), PredictedQuote("a", 52, 60), PredictedQuote("a", 90, 99)]
    f = score_quotes(gold, pred, neutral=[("a", 50, 70)])
    assert f["0.3"]["fp"] == 1 and f["0.3"]["fp_neutral"] == 1
    assert f["0.3"]["precision"] == 0.5 and f["0.3"]["precision_strict"] == pytest.approx(1 / 3, abs=1e-4)


def test_speaker_by_overlap_or_by_named_antecedent() -> None:
    g = GoldQuote("a", 0, 10, source_start=40, source_end=42, antecedent="Senator Jane Miller")
    assert speaker_matches(g, PredictedQuote("a", 0, 10, 40, 42, "Jane"))  # span overlap
    assert speaker_matches(g, PredictedQuote("a", 0, 10, 5, 15, "Jane Miller"))
    assert not speaker_matches(g, PredictedQuote("a", 0, 10, 5, 15, "Tom Baker"))
    assert not speaker_matches(GoldQuote("a", 0, 10), PredictedQuote("a", 0, 10, 0, 3, "Jane Miller"))
    f = score_quotes([g], [PredictedQuote("a", 0, 10, 5, 15, "Miller")])
    assert f["0.8"]["speaker_accuracy"] == 1.0


def test_a_bare_pronoun_names_no_one() -> None:
    g = GoldQuote("a", 0, 10, source_start=40, source_end=42, antecedent=None)
    assert not speaker_matches(g, PredictedQuote("a", 0, 10, 40, 42, "he"))
    assert not speaker_matches(g, PredictedQuote("a", 0, 10, 40, 44, "They"))


def _gold_of(text: str, sources: list[tuple[str, str]]) -> list[GoldQuote]:
    """Gold quotes of a one-record corpus: each (source, quote) pair is a direct attribution."""
    attrs = []
    for src, quote in sources:
        s, q = text.index(src), text.index(quote)
        attrs.append(
            {
                "source": {"text": src, "spans": [[s, s + len(src)]]},
                "cue": {"text": "said", "spans": [[0, 0]]},
                "content": {"text": quote, "spans": [[q, q + len(quote)]]},
                "is_direct_quote": True,
            }
        )
    gold, _ = polnear_gold([{"id": "r", "text": text, "attributions": attrs}])
    return gold


def test_pronoun_source_reads_back_to_a_name_of_its_gender() -> None:
    text = (
        'Karen Holt met Mr. Osei. "We talked," Karen Holt said. "We agreed," Osei said.\n\n'
        '"It went well," she said.'
    )
    gold = _gold_of(
        text, [("Karen Holt said", '"We talked,"'), ("Osei", '"We agreed,"'), ("she", '"It went well,"')]
    )
    assert gold[-1].antecedent == "Karen Holt said"  # not the nearer "Osei", a man
    assert speaker_matches(gold[-1], PredictedQuote("r", 0, 1, 0, 1, "Karen Holt"))
    assert not speaker_matches(gold[-1], PredictedQuote("r", 0, 1, 0, 1, "Osei"))


def test_indefinite_source_has_no_antecedent_and_possessors_are_not_names() -> None:
    text = 'Osei spoke first. "No," Osei said. "Yes," a senior aide said. "Maybe," Osei\'s spokesman said.'
    gold = _gold_of(
        text, [("Osei said", '"No,"'), ("a senior aide", '"Yes,"'), ("Osei's spokesman", '"Maybe,"')]
    )
    assert gold[1].antecedent is None  # nobody named: only span overlap counts
    assert not speaker_matches(gold[1], PredictedQuote("r", 0, 1, 0, 1, "Osei"))
    assert not speaker_matches(gold[2], PredictedQuote("r", 0, 1, 0, 1, "Osei"))  # the spokesman spoke


def test_description_with_capitals_reads_back() -> None:
    text = 'Osei spoke first. "No," Osei said. "Never," the Ghanaian envoy said.'
    gold = _gold_of(text, [("Osei said", '"No,"'), ("the Ghanaian envoy", '"Never,"')])
    assert gold[1].antecedent == "Osei said"
    assert speaker_matches(gold[1], PredictedQuote("r", 0, 1, 0, 1, "Osei"))


def test_clean_to_raw_handles_removed_lines_and_nbsp() -> None:
    raw = "Headline\n\nSubscribe now!\n\nThe\u00a0mayor said “yes” today.\n\nShare this"
    clean = "Headline\n\nThe mayor said “yes” today."
    mapping = clean_to_raw(clean, raw)
    s = clean.index("yes")
    rs, re_ = span_to_raw(mapping, s, s + 3)
    assert raw[rs:re_] == "yes"
    ms = clean.index("The mayor")
    rs, re_ = span_to_raw(mapping, ms, ms + 9)
    assert raw[rs:re_] == "The\u00a0mayor"
    assert len(mapping) == len(clean) + 1


def _record(rid: str = "r1") -> dict[str, object]:
    text = (
        'Intro line.\n\n"We will build it," Mayor Ann Lee said, "and soon."\n\nShe said the plan was "bold".'
    )
    q1 = text.index('"We')
    q1e = text.index(',"') + 2
    q2 = text.index('"and')
    q2e = text.index('soon."') + 6
    src = text.index("Mayor Ann Lee")
    ind = text.index("the plan")
    return {
        "id": rid,
        "text": text,
        "attributions": [
            {
                "source": {"text": "Mayor Ann Lee", "spans": [[src, src + 13]]},
                "cue": {"text": "said", "spans": [[src + 14, src + 18]]},
                "content": {"text": "...", "spans": [[q1, q1e], [q2, q2e]]},
                "is_direct_quote": True,
            },
            {
                "source": {"text": "She", "spans": [[text.index("She"), text.index("She") + 3]]},
                "cue": {"text": "said", "spans": [[0, 0]]},
                "content": {"text": "...", "spans": [[ind, len(text) - 1]]},
                "is_direct_quote": False,
            },
        ],
        "discard_spans": [{"text": "Intro line.", "spans": [[0, 11]]}],
    }


def test_polnear_gold_splits_pieces_and_strips_marks() -> None:
    rec = _record()
    gold, neutral = polnear_gold([rec, {**rec, "annotator": "other"}])  # second annotation ignored
    text = str(rec["text"])
    assert [text[g.start : g.end] for g in gold] == ["We will build it,", "and soon."]
    assert all(g.antecedent == "Mayor Ann Lee" for g in gold)
    assert ("r1", 0, 11) in neutral and len(neutral) == 2


def test_evaluate_polnear_maps_clean_offsets_and_reports() -> None:
    rec = _record()
    raw = str(rec["text"])
    clean = raw.replace("Intro line.\n\n", "")
    s1 = clean.index("We will")
    s2 = clean.index("and soon")
    s3 = clean.index("bold")
    spk = clean.index("Ann Lee")
    articles = pl.DataFrame({"article_id": ["a_1"], "source_id": ["r1"], "text": [clean]})
    quotes = pl.DataFrame(
        {
            "article_id": ["a_1"] * 3,
            "start": [s1, s2, s3],
            "end": [s1 + len("We will build it,"), s2 + len("and soon."), s3 + 4],
            "speaker": ["Ann Lee", "Ann Lee", "Ann Lee"],
            "speaker_start": [spk, spk, spk],
            "speaker_end": [spk + 7, spk + 7, spk + 7],
        }
    )
    fig = evaluate_polnear([rec], articles, quotes)
    for th in ("0.3", "0.8"):
        assert fig[th]["tp"] == 2 and fig[th]["fp"] == 0 and fig[th]["fn"] == 0
        assert fig[th]["fp_neutral"] == 1  # "bold" lies inside an indirect attribution
        assert fig[th]["speaker_accuracy"] == 1.0
    assert fig["n_articles"] == 1 and fig["n_articles_found"] == 1
    report = format_report(fig)
    assert "@0.3" in report and "@0.8" in report and "F1 1.000" in report


def test_unpublished_articles_count_as_misses() -> None:
    rec = _record()
    empty_articles = pl.DataFrame(schema={"article_id": pl.String, "source_id": pl.String, "text": pl.String})
    empty_quotes = pl.DataFrame(
        schema={
            "article_id": pl.String,
            "start": pl.Int64,
            "end": pl.Int64,
            "speaker": pl.String,
            "speaker_start": pl.Int64,
            "speaker_end": pl.Int64,
        }
    )
    fig = evaluate_polnear([rec], empty_articles, empty_quotes)
    assert fig["0.3"]["fn"] == 2 and fig["0.3"]["recall"] == 0.0 and fig["n_articles_found"] == 0
