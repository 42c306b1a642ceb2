"""Event dates resolved against the publication date (transforms.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from transforms.dates import classify, resolve_date

PUB = dt.date(2023, 5, 18)  # a Thursday


@pytest.mark.parametrize(
    ("phrase", "expected", "method"),
    [
        ("on Tuesday", dt.date(2023, 5, 16), "relative"),
        ("Thursday", dt.date(2023, 5, 18), "relative"),
        ("yesterday", dt.date(2023, 5, 17), "relative"),
        ("last month", dt.date(2023, 4, 1), "relative"),
        ("March 9", dt.date(2023, 3, 9), "explicit"),
        ("March 9th", dt.date(2023, 3, 9), "explicit"),
        ("Dec. 30", dt.date(2022, 12, 30), "explicit"),  # would be months after publication: last year
        ("June 2, 2021", dt.date(2021, 6, 2), "explicit"),
        ("Monday (May 15th)", dt.date(2023, 5, 15), "explicit"),
    ],
)
def test_resolves_against_publication(phrase: str, expected: dt.date, method: str) -> None:
    assert resolve_date(phrase, PUB) == (expected, method)


@pytest.mark.parametrize(
    "phrase", ["every weekend", "26 years", "for more than 40 days", "1994", "in the coming days"]
)
def test_spans_and_habits_are_not_days(phrase: str) -> None:
    assert classify(phrase) == "reject"
    assert resolve_date(phrase, PUB) == (None, "none")


def test_planned_events_look_forward() -> None:
    assert resolve_date("on Tuesday", PUB, prefer="future") == (dt.date(2023, 5, 23), "relative")
    assert resolve_date("January 10", PUB, prefer="future") == (dt.date(2024, 1, 10), "explicit")


def test_undated_article_keeps_nothing_resolvable() -> None:
    assert resolve_date("on Tuesday", None) == (None, "none")
    assert resolve_date("March 9", None) == (None, "none")  # no base year
    assert resolve_date("March 9, 2020", None) == (dt.date(2020, 3, 9), "explicit")


@pytest.mark.parametrize(
    ("phrase", "expected", "method"),
    [
        ("last July", dt.date(2022, 7, 1), "relative"),
        ("last May", dt.date(2022, 5, 1), "relative"),  # the month of publication: a year back
        ("next January", dt.date(2024, 1, 1), "relative"),
        ("in January 2009", dt.date(2009, 1, 1), "explicit"),
        ("an interview last week", dt.date(2023, 5, 11), "relative"),
        ("the week of March 7", dt.date(2023, 3, 7), "explicit"),
    ],
)
def test_month_level_and_noisy_phrases(phrase: str, expected: dt.date, method: str) -> None:
    assert resolve_date(phrase, PUB) == (expected, method)


@pytest.mark.parametrize("phrase", ["last year", "late last year", "a year ago", "that year"])
def test_years_counted_from_publication_are_not_days(phrase: str) -> None:
    assert resolve_date(phrase, PUB) == (None, "none")


def test_month_and_year_resolve_without_publication() -> None:
    assert resolve_date("in January 2009", None) == (dt.date(2009, 1, 1), "explicit")
    assert resolve_date("last July", None) == (None, "none")


@pytest.mark.parametrize(
    "phrase",
    [
        "on June 5, 1650",  # a stated year outside the plausible range: no day, not this year's
        "on October 3, 1702",
        "in March 1750",
        "March 20000",
        "on June 31",  # impossible days and months
        "on April 0",
        "on 2021-14-02",
        "on 2021-02-30",
        "on 13/12/2021",
        "on 11/30/9998",
        "on June 2, 0003",
        "on June 2, 71",
    ],
)
def test_impossible_or_out_of_range_phrases_are_no_day(phrase: str) -> None:
    assert resolve_date(phrase, PUB) == (None, "none")


def test_a_stated_year_is_kept_or_nothing() -> None:
    assert resolve_date("on June 2, 1955", PUB) == (dt.date(1955, 6, 2), "explicit")
    assert resolve_date("on 2021-02-03", PUB) == (dt.date(2021, 2, 3), "explicit")
    assert resolve_date("on 4/9/2019", PUB) == (dt.date(2019, 4, 9), "explicit")


def test_leap_day_without_a_year_only_in_a_leap_year() -> None:
    assert resolve_date("on February 29", dt.date(2023, 3, 1)) == (None, "none")
    assert resolve_date("on February 29", dt.date(2024, 3, 3)) == (dt.date(2024, 2, 29), "explicit")
