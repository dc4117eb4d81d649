"""Datelines: publication and update dates read out of a dateline."""

from __future__ import annotations

import pytest

from workers.pipeline.datelines import dates_in_dateline


@pytest.mark.parametrize(
    ("line", "dates"),
    [
        ("Published 11:11 PM EST Nov 19, 2019", ("2019-11-19T23:11:00-05:00", None)),
        (
            "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019",
            ("2019-11-19T10:48:00", "2019-11-19T11:05:00"),
        ),
        ("Nov. 20, 2019Updated: Nov. 20, 2019 1:35 a.m.", ("2019-11-20", "2019-11-20T01:35:00")),
        ("2019-11-19T08:57:40+01:00", ("2019-11-19T08:57:40+01:00", None)),
        ("18 NOV 2019", ("2019-11-18", None)),
        ("Last updated 10 June 2020", (None, "2020-06-10")),
        ("1 hour ago", (None, None)),
    ],
)
def test_dates_in_dateline(line: str, dates: tuple[str | None, str | None]) -> None:
    assert dates_in_dateline(line) == dates
