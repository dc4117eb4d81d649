"""Key phrases: entities first, then RAKE-style phrases without stop words."""

from __future__ import annotations

from typing import Any

from workers.pipeline.keywords import extract_keywords


def test_seed_keywords(seed_enrichment: dict[str, Any]) -> None:
    keywords = seed_enrichment["keywords"]
    assert 5 <= len(keywords) <= 10
    assert len({keyword.casefold() for keyword in keywords}) == len(keywords)
    assert {"China", "Wang Yi", "Ukraine", "Russia"} <= set(keywords)


def test_keywords_of_a_short_text_without_entities() -> None:
    keywords = extract_keywords(
        "Solar panels on school roofs",
        ["Schools will install solar panels on their roofs. The solar panels cut energy bills for schools."],
        [],
    )
    assert keywords and len(keywords) <= 10
    assert any("solar panels" in keyword.casefold() for keyword in keywords)


def test_keywords_skip_contractions_of_stop_words() -> None:
    keywords = extract_keywords(None, ["It's cold. It's late. It's dark. The heating plant failed twice."], [])
    assert all(keyword.casefold() != "it's" for keyword in keywords)
