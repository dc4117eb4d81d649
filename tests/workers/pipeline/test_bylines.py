"""Bylines: the authors' names read out of a byline."""

from __future__ import annotations

import pytest

from workers.pipeline.bylines import authors_in_byline


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Doe, John Smith and Ann Lee | City Times", ["Jane Doe", "John Smith", "Ann Lee"]),
        (
            "By Mike Wuerthele and Malcolm Owen Monday, November 18, 2019, 04:05 pm PT",
            ["Mike Wuerthele", "Malcolm Owen"],
        ),
        ("Greg Beacham, AP Sports Writer", ["Greg Beacham"]),
        ("Bruce Y. Lee Senior Contributor", ["Bruce Y. Lee"]),
        ("By Sean Martin Sean Martin", ["Sean Martin"]),
        ("by Chaim Gartenberg@cgartenberg", ["Chaim Gartenberg"]),
        ("The council voted", []),
    ],
)
def test_authors_in_byline(line: str, authors: list[str]) -> None:
    assert authors_in_byline(line) == authors
