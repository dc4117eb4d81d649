"""Dates: absolute ones as written, weekdays and relative words resolved against the publication date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from workers.pipeline.dates import dates_in_text, find_dates, parse_reference_date
from workers.pipeline.document import Media

MONDAY_7_MARCH_2022 = dt.date(2022, 3, 7)


def resolved(text: str, reference: dt.date | None = MONDAY_7_MARCH_2022) -> dict[str, str | None]:
    return {found.text: (found.date.isoformat() if found.date else None) for found in dates_in_text(text, reference)}


def test_seed_dates(seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]) -> None:
    found = {(date["text"], date["date"]) for date in seed_enrichment["dates"]}
    for text, date in seed_expected["dates_resolved_with_published_at"].items():
        assert (text, date) in found, text


def test_seed_caption_dates_point_at_their_media(seed_enrichment: dict[str, Any]) -> None:
    media_of = {date["text"]: date["media"] for date in seed_enrichment["dates"] if date["media"] is not None}
    assert media_of == {"June 15, 2019": 0, "Sunday, Feb. 27, 2022": 1, "Sunday": 1, "March 2, 2022": 2}
    for date in seed_enrichment["dates"]:
        assert set(date) == {"text", "date", "paragraph", "media"}
        assert (date["paragraph"] is None) != (date["media"] is None)


def test_a_weekday_after_a_full_date_on_that_weekday_is_that_day(seed_enrichment: dict[str, Any]) -> None:
    sunday = [date for date in seed_enrichment["dates"] if date["text"] == "Sunday"]
    assert sunday[0]["date"] == "2022-02-27"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on Monday.", {"Monday": "2022-03-07"}),
        ("It happened on Friday.", {"Friday": "2022-03-04"}),
        ("It happened last Monday.", {"last Monday": "2022-02-28"}),
        ("It will happen next Tuesday.", {"next Tuesday": "2022-03-08"}),
        ("Talks resume tomorrow, not today.", {"tomorrow": "2022-03-08", "today": "2022-03-07"}),
        ("Signed on 15 June 2019 in Dushanbe.", {"15 June 2019": "2019-06-15"}),
        ("Signed on June 15th, 2019 in Dushanbe.", {"June 15th, 2019": "2019-06-15"}),
        ("The vote is set for March 20.", {"March 20": "2022-03-20"}),
        ("The vote was held on Dec. 12.", {"Dec. 12": "2021-12-12"}),
        ("The file is dated 2021-11-30.", {"2021-11-30": "2021-11-30"}),
        ("It opened in November 2021.", {"November 2021": None}),
        ("Sunday, Feb. 27, 2022 was cold.", {"Sunday, Feb. 27, 2022": "2022-02-27"}),
        ("February 30, 2022 does not exist.", {"February 30, 2022": None}),
        ("You may 3 times ask.", {}),
        ("Filed on Nov 6, 2019.", {"Nov 6, 2019": "2019-11-06"}),
        ("Filed on Jan 1.", {"Jan 1": "2022-01-01"}),
    ],
)
def test_dates_in_text(text: str, expected: dict[str, str | None]) -> None:
    assert resolved(text) == expected


def test_relative_dates_without_a_publication_date_stay_unresolved() -> None:
    assert resolved("It happened on Monday, not on March 2, 2022.", None) == {
        "Monday": None,
        "March 2, 2022": "2022-03-02",
    }


def test_publication_date_in_its_own_offset() -> None:
    assert parse_reference_date("2022-03-07T23:30:00-05:00") == dt.date(2022, 3, 7)
    assert parse_reference_date("2022-03-07T09:00:00Z") == dt.date(2022, 3, 7)
    assert parse_reference_date("2022-03-07") == dt.date(2022, 3, 7)
    assert parse_reference_date("not a date") is None
    assert parse_reference_date(None) is None


def test_caption_variants_report_a_date_once() -> None:
    media = [Media(caption="Leaders meet on June 15, 2019.", alt_captions=["Leaders on June 15, 2019."])]
    assert find_dates([], media, None) == [
        {"text": "June 15, 2019", "date": "2019-06-15", "paragraph": None, "media": 0}
    ]
