"""Page chrome: a web page rendered as text loses its menus, banners, share bars, related links,
comments and footer (each removal audited with its rule); an ordinary article loses nothing."""

from __future__ import annotations

from transforms import pagetext
from transforms.clean import clean_text
from transforms.evaluate_cleaning import evaluate_pages, format_report, score_pair

HEADLINE = "Harbour town votes to rebuild its flooded sea wall"

BODY = [
    "Residents of the small harbour town voted on Tuesday to rebuild the sea wall that failed during "
    "the winter storms, after a long evening of debate in the old market hall.",
    "The council had proposed three designs, and the one chosen is the most expensive of them, with a "
    "higher crest and a wider base that engineers say will hold back a storm surge twice as strong.",
    "“We cannot keep pumping water out of our kitchens every January,” said the owner of a bakery on "
    "the quay, whose shop was flooded four times in the past two years.",
    "Work on the wall is expected to begin in the spring and to last for about eighteen months, during "
    "which the fishing fleet will move to a temporary mooring further along the coast.",
    "Some residents worried about the cost, which will be shared between the town and the regional "
    "government, but the vote passed by a clear margin of more than two to one.",
]

MENU = ["Home", "News", "Local", "Politics", "Business", "Sport", "Weather", "Opinion", "Contact us"]
COOKIE = (
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our "
    "use of cookies."
)
SHARE = ["Share", "Tweet", "Email", "Print"]
RELATED = [
    "Related stories",
    "Ferry timetable changes for the summer",
    "New lifeboat station opens on the headland",
    "Fish market prices fall again",
    "School roof repairs delayed by rain",
]
COMMENTS = [
    "12 Comments",
    "by seagull_watcher March 3, 2024 8:14 PM",
    "About time they fixed it, the old wall was crumbling for years and everybody knew it.",
    "Reply",
    "by harbour_mum March 3, 2024 9:02 PM",
    "Who is going to pay for all of this when the money runs out halfway through the work?",
    "Reply",
    "by old_salt March 4, 2024 7:45 AM",
    "The second design was cheaper and just as good, if you ask me, but nobody did.",
    "Reply",
]
FOOTER = ["About us", "Advertise", "Privacy Policy", "Terms of Use", "© 2024 Coastal Media Group"]


def _page() -> str:
    blocks = [
        [f"{HEADLINE} | The Coastal Times"],
        MENU,
        [COOKIE],
        ["Accept"],
        [HEADLINE],
        ["By Jane Doe"],
        SHARE,
        *[[p] for p in BODY],
        SHARE,
        RELATED,
        COMMENTS[:1],
        *[[ln] for ln in COMMENTS[1:]],
        FOOTER,
    ]
    return "\n\n".join("\n".join(b) for b in blocks)


def test_page_chrome_removed_and_article_kept() -> None:
    c = clean_text(_page())
    kept = c.text.split("\n")
    for paragraph in BODY:
        assert paragraph in kept
    assert HEADLINE in kept
    for chrome in [*MENU, COOKIE, *SHARE, *RELATED[1:], *COMMENTS, *FOOTER]:
        assert chrome not in kept, chrome
    # Every removed line is audited with the rule that removed it.
    assert len(c.removed) == len(c.rules)
    audit = dict(zip(c.removed, c.rules, strict=True))
    assert audit[COOKIE] == "page_consent"
    assert audit["Privacy Policy"] == "page_consent"
    assert audit["© 2024 Coastal Media Group"] == "page_footer"
    assert audit["Tweet"] == "page_share"
    assert audit["Related stories"] == "page_related"
    assert audit[COMMENTS[2]] == "page_comments"
    assert audit["Politics"] == "page_link_line"
    assert all(rule.startswith("page_") for rule in c.rules)


def test_plain_article_untouched() -> None:
    text = "\n\n".join([HEADLINE, *BODY])
    lines = [(i, ln) for i, ln in enumerate(text.split("\n\n"))]
    assert not pagetext.is_page([ln for _, ln in lines])
    assert pagetext.classify(lines) == [None] * len(lines)
    c = clean_text(text)
    assert c.removed == []
    assert c.text == text


def test_article_with_a_few_short_lines_is_not_a_page() -> None:
    # Subheadings and a short sign-off do not make an article a web page.
    text = "\n\n".join(
        [HEADLINE, BODY[0], "What comes next", BODY[1], BODY[2], "The vote", *BODY[3:], "Ends"]
    )
    c = clean_text(text)
    assert not any(rule.startswith("page_") for rule in c.rules)
    assert "What comes next" in c.text and "The vote" in c.text


def test_comments_link_above_the_body_opens_no_thread() -> None:
    # A "Comments" link in a share bar above the body is not a thread: the body after it is kept.
    page = _page().replace("Share\nTweet\nEmail\nPrint", "Comments", 1)
    c = clean_text(page)
    assert all(p in c.text for p in BODY)


def test_cleaning_scores_count_tokens_as_the_corpus_scorer() -> None:
    s = score_pair("The cat sat. The end", "the cat sat on the mat")
    assert s["tp"] == 4 and s["n_cleaned"] == 5 and s["n_gold"] == 6
    assert round(s["precision"], 4) == 0.8 and round(s["recall"], 4) == 0.6667
    assert score_pair("", "gold")["f1"] == 0.0
    pages = [
        {"id": "a", "text": "x y", "gold": "x y", "source_dataset": "S1"},
        {"id": "b", "text": "x", "gold": "x y", "source_dataset": "S2"},
    ]
    figures = evaluate_pages(pages, lambda t: t)
    assert figures["overall"]["recall"] == 0.75  # macro: (1.0 + 0.5) / 2
    assert figures["sources"]["S2"]["pages"] == 1
    assert "S1" in format_report(figures)


def _blocks(*blocks: list[str]) -> str:
    """A page rendered one element per line, blank lines only between blocks."""
    return "\n\n".join("\n".join(b) for b in blocks)


def test_headline_block_kept_when_the_page_title_is_a_menu_line() -> None:
    # The first line is navigation, not the title: the headline, byline and date block right above
    # the body is the head, rendered without blank lines between its lines.
    page = _blocks(
        ["Jump to navigation", *MENU],
        [COOKIE, "Accept all", "Reject all"],
        [HEADLINE, "By Jane Doe, Coast Reporter", "3 March 2024"],
        BODY,
        SHARE,
        RELATED,
        FOOTER,
    )
    kept = clean_text(page).text.split("\n")
    assert HEADLINE in kept and "3 March 2024" in kept
    assert all(p in kept for p in BODY)
    assert "Accept all" not in kept and "Reject all" not in kept and "Opinion" not in kept


def test_head_lines_in_the_body_paragraph_kept() -> None:
    # A notice's name and years, or a live blog's first time stamp, share the body's paragraph.
    for head in (["Walter James Penrose", "1940 - 2023"], [HEADLINE, "21:05"]):
        page = _blocks(MENU, [COOKIE, "Accept"], [*head, *BODY[:3], "22:40", *BODY[3:]], SHARE, FOOTER)
        kept = clean_text(page).text.split("\n")
        assert all(h in kept for h in head), head
        assert "22:40" in kept and all(p in kept for p in BODY)


def test_closing_lines_of_a_match_report_kept() -> None:
    teams = [
        "Harriers: Okafor; Brandt, Pike, Loew, Addo; Serra, Quinn; Vidal, Moss, Tembo, Hart.",
        "Rovers: Lund; Garza, Ibe, Fenwick; Marsh, Duval, Ortiz; Kowal, Sato, Beck, Nunez.",
        "Umpire: Paul Greer. Crowd: 18,340.",
    ]
    for spaced in (True, False):
        body = [[p] for p in [*BODY, *teams]] if spaced else [[*BODY, *teams]]
        page = _blocks(MENU, [COOKIE, "Accept"], [HEADLINE], *body, SHARE, RELATED, FOOTER)
        kept = clean_text(page).text.split("\n")
        assert all(t in kept for t in teams), spaced


def test_interface_lines_of_a_page_removed() -> None:
    chrome = ["Search this site", "HAR 3-1 ROV FT", "LUN 0-2 WES HT", "Tags: harbour, storms, council"]
    page = _blocks(
        MENU, chrome[:3], [COOKIE, "Accept all cookies", "Reject all"], [HEADLINE], BODY, [chrome[3]], FOOTER
    )
    c = clean_text(page)
    kept = c.text.split("\n")
    assert all(ln not in kept for ln in chrome)
    assert all(p in kept for p in BODY)
    audit = dict(zip(c.removed, c.rules, strict=True))
    assert (
        audit["Reject all"] == "page_consent" and audit["Tags: harbour, storms, council"] == "page_navigation"
    )


def test_article_with_a_list_and_a_cookie_sentence_is_not_a_page() -> None:
    # Many short lines, but no page interface: a sentence about cookies that people agree on is prose.
    items = ["Shortbread", "Oat biscuits", "Fruit loaf", "Iced buns", "Cheese straws", "Sausage rolls"]
    items += ["Treacle tart", "Jam tarts", "Apple pie", "Parkin", "Seed cake", "Tea loaf", "Eccles cakes"]
    items += ["Bread pudding", "Rhubarb crumble", "Sponge fingers"]
    text = _blocks(
        ["Church fete raises money for the roof"],
        [BODY[0]],
        ["The stalls offered:", *items],
        [
            "Cookies baked by the youth club went first, and everyone agreed they were the best, the vicar said."
        ],
        [BODY[1]],
    )
    lines = [ln for ln in text.split("\n") if ln.strip()]
    assert not pagetext.is_page(lines)
    c = clean_text(text)
    assert c.removed == []
