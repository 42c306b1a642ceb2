"""Clean: general boilerplate rules, metadata kept, unicode fixed, language and duplicates."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from transforms import schema
from transforms.clean import (
    clean_articles,
    clean_text,
    detect_language,
    fix_unicode,
    language,
    mark_near_duplicates,
)

BODY = (
    "The regional parliament approved the new water law on Thursday after a heated debate.\n\n"
    "“This law protects our rivers for the next generation,” the environment minister told reporters.\n\n"
    "Opposition members said the reform came too late for farmers hit by last summer’s drought."
)


def test_keeps_quotes_and_paragraphs() -> None:
    c = clean_text(BODY)
    assert c.text == BODY
    assert c.removed == []


def test_unicode_repairs_keep_quotation_marks() -> None:
    assert fix_unicode("caf\u00c3\u00a9 \u201cquoted\u201d\u00a0here\x07") == "café “quoted” here"
    assert fix_unicode("line\r\nnext") == "line\nnext"


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("READ ALSO  Markets rally after the rate decision", "related_link"),
        (">> See also: Ministers meet in Brussels", "related_link"),
        ("Read more", "related_link"),
        ("Sign up for our free daily newsletter", "newsletter"),
        ("Subscribers agree to the Privacy Policy", "newsletter"),
        ("Follow Jane Roe on Twitter @janeroe.", "social_follow"),
        ("ABSTRACT.", "archive_label"),
        ("Remind me later.", "share_chrome"),
        ("John Doe contributed reporting.", "reporting_credit"),
    ],
)
def test_boilerplate_lines_are_removed_and_audited(line: str, rule: str) -> None:
    c = clean_text(
        f"{BODY}\n\n{line}\n\nThe vote passed by a wide margin, officials confirmed later that day."
    )
    assert line.strip() not in c.text
    assert rule in c.rules
    assert c.removed[c.rules.index(rule)] == line.strip()
    assert "approved the new water law" in c.text


def test_trailing_source_and_agency_credits_become_metadata() -> None:
    c = clean_text(f"{BODY}\n\nVia The Daily Courier")
    assert c.publisher == "The Daily Courier"
    assert "Via The Daily Courier" not in c.text
    c = clean_text(f"{BODY}\n\nWith AFP and Reuters")
    assert c.credits == ["AFP", "Reuters"]
    assert c.text == BODY


def test_leading_dateline_gives_published_at() -> None:
    c = clean_text(f" date 2019-05-06 {BODY}")
    assert c.published_at == dt.date(2019, 5, 6)
    assert c.text.startswith("The regional parliament")


def test_photo_credits_removed_and_repeated_captions_collapsed() -> None:
    caption = "Rescue workers search the rubble of the collapsed school in the northern town"
    text = (
        f"{BODY}\n\n{caption}\n{caption} EPA / John SMITH\n\nMore aid arrived on Friday, the agency said.\n\n"
    )
    text += "The minister spoke at the site. Maria Lopez / Reuters"
    c = clean_text(text)
    assert c.text.count(caption) == 1
    assert "EPA / John SMITH" not in c.text and "Maria Lopez / Reuters" not in c.text
    assert "The minister spoke at the site." in c.text
    assert c.rules.count("photo_credit") == 2
    assert "repeated_line" in c.rules


def test_donation_appeal_section_is_cut_and_names_the_publisher() -> None:
    appeal = (
        "A Message from The Valley Post:\n\nDear readers,\n\nIndependent journalism needs your support. "
        "Please contribute monthly or annually to fund our reporting.\n\nOnce\nMonthly\nAnnual\nContinue"
    )
    c = clean_text(f"Support The Valley Post!\n\n{BODY}\n\n{appeal}")
    assert c.text == BODY
    assert c.publisher == "The Valley Post"
    assert "donation_appeal" in c.rules


def test_appeal_words_inside_the_article_are_not_cut() -> None:
    text = (
        f"{BODY}\n\nDear readers, the council said, will see no change in their monthly bills.\n\n"
        "Charities that support families said the annual fund would make a difference."
    )
    assert clean_text(text).text == text


def test_title_detected_from_a_headline_line() -> None:
    c = clean_text(f"Parliament passes water law after long debate\n\n{BODY}")
    assert c.title == "Parliament passes water law after long debate"
    assert clean_text(BODY).title is None


def test_language_detection() -> None:
    assert detect_language(BODY) == "en"
    assert detect_language("Le parlement régional a approuvé jeudi la nouvelle loi sur l'eau.") == "fr"
    assert detect_language("Региональный парламент в четверг одобрил новый закон о воде.") == "ru"
    assert detect_language("123 456") == "und"


def test_language_detection_uses_the_small_models_only() -> None:

    fr = (
        "Le parlement régional a approuvé jeudi la nouvelle loi sur l'eau, après des mois de débats "
        "entre les élus de la majorité et ceux de l'opposition, qui demandaient un référendum local. "
        "Le texte entrera en vigueur au début de l'année prochaine dans toutes les communes."
    )
    ru = (
        "Региональный парламент в четверг одобрил новый закон о воде после нескольких месяцев споров "
        "между депутатами большинства и оппозиции, которые требовали провести местный референдум. "
        "Закон вступит в силу в начале следующего года во всех городах региона."
    )
    assert detect_language(fr) == "fr" and detect_language(ru) == "ru"
    assert detect_language(BODY * 3) == "en"
    # a short text too: the full models (~0.4 GB) are never needed, so never loaded
    assert detect_language(fr.split(",")[0]) == "fr"
    assert language._detector.cache_info().currsize == 1


def test_near_duplicates_marked_against_the_earlier_text() -> None:
    a = " ".join(f"word{i}" for i in range(200))
    b = a.replace("word100", "changed")
    c = " ".join(f"other{i}" for i in range(200))
    dup_of, scores = mark_near_duplicates(["x", "y", "z"], [a, b, c])
    assert dup_of == [None, "x", None]
    assert scores[1] is not None and scores[1] > 0.8


def _raw(rows: list[dict[str, object]]) -> pl.DataFrame:
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
    return schema.conform(pl.DataFrame([{**base, **r} for r in rows]), schema.RAW_ARTICLES)


def test_clean_articles_quarantines_duplicates_and_other_languages() -> None:
    french = "Le parlement régional a approuvé jeudi la nouvelle loi sur l'eau après un long débat."
    raw = _raw(
        [
            {"source_path": "a.txt", "text": BODY},
            {"source_path": "b.txt", "text": BODY + "\n"},
            {"source_path": "c.txt", "text": french},
            {"source_path": "d.txt", "text": "Read more"},
            {
                "source_path": "e.txt",
                "text": BODY,
                "record": 1,
                "title": "Given title",
                "publisher": "Meta Pub",
            },
        ]
    )
    articles, bad = clean_articles(raw)
    assert articles.height == 1
    row = articles.row(0, named=True)
    assert row["source_path"] == "a.txt" and row["language"] == "en" and row["n_chars"] == len(BODY)
    reasons = {(b["source_path"], b["reason"]) for b in bad}
    assert reasons == {
        ("b.txt", "exact_duplicate"),
        ("c.txt", "not_english"),
        ("d.txt", "no_text"),
        ("e.txt", "exact_duplicate"),
    }
    again, _ = clean_articles(raw.reverse())
    assert again.equals(articles)


def test_lists_of_an_article_stay_and_button_runs_go() -> None:
    lead = "The town council has published the programme of this summer's harbour festival on Monday."
    close = "Tickets go on sale next week at the library, the organisers said on Monday."
    lists = [
        ["Friday", "Lantern walk", "Saturday", "Rowing regatta", "Sunday", "Brass band"],  # programme
        ["District", "East 6.1%", "West 4.8%", "Centre 5.5%"],  # a table
        ["Macbeth", "Ian Hale", "Banquo", "Rob Teal", "Director", "Ada Finch"],  # a cast
    ]
    for items in lists:
        c = clean_text("\n\n".join([lead, "\n".join(items), close]))
        assert all(item in c.text.split("\n") for item in items), items
        assert c.removed == []
    buttons = ["One-time", "Monthly", "Yearly", "Continue", "Payment methods"]
    c = clean_text("\n\n".join([lead, "\n".join(buttons), close]))
    assert all(b not in c.text for b in buttons)
    assert set(c.rules) == {"widget_words"}


def test_an_author_bio_after_the_article_is_removed() -> None:
    c = clean_text(f"{BODY}\n\nJane Roe is a columnist for the Harbour Gazette and the author of two books.")
    assert "columnist" not in c.text and "author_bio" in c.rules
    assert BODY.split()[0] in c.text


@pytest.mark.parametrize(
    "text",
    [
        # a one-paragraph article is never its own trailer
        'Ana Vela was elected president of the Dock Workers Union on Friday. "I will serve every member," '
        "Vela said. The union will hold a rally on Sunday.",
        # news about a person's election is no biography
        f"{BODY}\n\nOmar Lind was elected president of the council in 2019.",
    ],
)
def test_news_about_a_role_is_not_an_author_bio(text: str) -> None:
    c = clean_text(text)
    assert "author_bio" not in c.rules
    assert "president" in c.text


def test_fix_text_skips_only_the_lines_ftfy_leaves_alone() -> None:
    import ftfy

    from transforms.clean.boilerplate import fix_text

    lines = [
        "A plain ASCII line of news.\n",
        "Fish &amp; chips, &lt;b&gt; and &#x2019;\n",
        "<p>markup turns the entities off</p>\n",
        "after markup: &amp; stays\n",
        "mojibake: caf\u00c3\u00a9 and \u00e2\u20ac\u0153quoted\u00e2\u20ac\x9d\n",
        "controls\x07 \x1b[31mred\x1b[0m and a\rreturn\x0b\n",
        "\ufb01ne \uff21\uff22 \u2028sep\n",
        "no line end at the close",
    ]
    for k in range(len(lines)):
        text = "".join(lines[k:] + lines[:k])
        assert fix_text(text) == ftfy.fix_text(
            text, uncurl_quotes=False, fix_latin_ligatures=True, fix_character_width=True, normalization="NFC"
        )
    assert fix_text("") == ""
