"""Every requirement of the mission's seed fixture, checked on one parsed article document.

Used by the pipeline test and by the end-to-end tests, so the same article is held to the same fixture
whether it comes from `parse()` or from the API after a real worker processed it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURE: dict[str, Any] = json.loads((ROOT / "tests" / "fixtures" / "seed-article.expected.json").read_text())
SEED_PATH = ROOT / "seeds" / Path(FIXTURE["input"]["file"]).name
PUBLISHED_AT = FIXTURE["input"]["published_at"]


def check_extraction(document: dict[str, Any]) -> None:
    assert document["title"] == FIXTURE["title"]
    assert [paragraph["text"] for paragraph in document["paragraphs"]] == FIXTURE["body_paragraphs"]
    boilerplate = [item["text"] for item in document["removed"] if item["reason"] == "boilerplate"]
    assert boilerplate == FIXTURE["removed_as_boilerplate"]
    assert len(document["media"]) == len(FIXTURE["media"])
    for media, expected in zip(document["media"], FIXTURE["media"], strict=True):
        captions = [media["caption"], *media["alt_captions"]]
        assert media["caption"].startswith(expected["caption_starts"])
        if "also_seen_as" in expected:
            assert any(caption.startswith(expected["also_seen_as"]) for caption in captions)
        for credit in expected["credit_contains"]:
            assert credit in (media["credit"] or "")
        assert media["photographer"] == expected["photographer"]
        assert sorted(media["agencies"]) == sorted(expected["agencies"])


def check_enrichment(document: dict[str, Any]) -> None:
    assert document["language"] == FIXTURE["language"]
    quotes = document["quotes"]
    for expected in FIXTURE["quotes"]:
        found = [quote for quote in quotes if quote["text"].startswith(expected["starts"])]
        assert found, f"quote not found: {expected['starts']!r}"
        assert found[0]["speaker"] == expected["speaker"], expected["starts"]
        assert found[0]["paragraph"] == expected["paragraph"], expected["starts"]
        paragraph = document["paragraphs"][found[0]["paragraph"]]["text"]
        assert paragraph[found[0]["start"] : found[0]["end"]] == found[0]["text"]
    people = {entity["name"]: entity for entity in document["entities"] if entity["type"] == "person"}
    for expected in FIXTURE["people"]:
        assert expected["name"] in people, f"person missing: {expected['name']}"
        assert set(expected["aliases"]) <= set(people[expected["name"]]["aliases"]), expected["name"]
    named = {name for entity in document["entities"] for name in (entity["name"], *entity["aliases"])}
    for photographer in FIXTURE["photographers_not_people_of_the_story"]:
        assert photographer not in people and photographer not in named
    places = {entity["name"] for entity in document["entities"] if entity["type"] == "place"}
    assert set(FIXTURE["places_include"]) <= places, set(FIXTURE["places_include"]) - places
    organisations = {entity["name"] for entity in document["entities"] if entity["type"] == "organisation"}
    assert set(FIXTURE["organisations_include"]) <= organisations
    resolved = {(date["text"], date["date"]) for date in document["dates"]}
    for text, iso_date in FIXTURE["dates_resolved_with_published_at"].items():
        assert (text, iso_date) in resolved, f"date {text!r} not resolved to {iso_date}"


def check_seed_article(document: dict[str, Any]) -> None:
    """The whole fixture: extraction, media, quotes, people, places, organisations, dates, language."""
    check_extraction(document)
    check_enrichment(document)
