"""The mission's seed article, parsed as plain text, matches its hand-annotated fixture."""

from __future__ import annotations

from typing import Any

import pytest

from tests.seed_expectations import FIXTURE, PUBLISHED_AT, SEED_PATH, check_seed_article
from workers.pipeline import parse


@pytest.fixture(scope="module")
def parsed() -> dict[str, Any]:
    return parse(
        SEED_PATH.read_bytes(),
        declared_format=FIXTURE["input"]["format"],
        published_at=PUBLISHED_AT,
    )


def test_format_and_title(parsed: dict[str, Any]) -> None:
    assert parsed["format"] == "text"
    assert parsed["title"] == FIXTURE["title"]


def test_body_paragraphs_exactly(parsed: dict[str, Any]) -> None:
    assert [paragraph["text"] for paragraph in parsed["paragraphs"]] == FIXTURE["body_paragraphs"]
    assert parsed["body"] == "\n\n".join(FIXTURE["body_paragraphs"])


def test_boilerplate_removed_exactly(parsed: dict[str, Any]) -> None:
    boilerplate = [item["text"] for item in parsed["removed"] if item["reason"] == "boilerplate"]
    assert boilerplate == FIXTURE["removed_as_boilerplate"]


def test_every_caption_block_is_recorded(parsed: dict[str, Any]) -> None:
    caption_blocks = [item["text"] for item in parsed["removed"] if item["reason"] == "caption"]
    assert len(caption_blocks) == 5
    for media in FIXTURE["media"]:
        assert any(block.startswith(media["caption_starts"]) for block in caption_blocks)


def test_nothing_silently_dropped(parsed: dict[str, Any]) -> None:
    kept = {paragraph["text"] for paragraph in parsed["paragraphs"]} | {parsed["title"]}
    removed = {item["text"] for item in parsed["removed"]}
    blocks = [" ".join(block.split()) for block in SEED_PATH.read_text(encoding="utf-8").split("\n\n") if block.strip()]
    assert all(block in kept or block in removed for block in blocks)


def test_media_items(parsed: dict[str, Any]) -> None:
    assert len(parsed["media"]) == len(FIXTURE["media"])
    for media, expected in zip(parsed["media"], FIXTURE["media"], strict=True):
        assert media["caption"].startswith(expected["caption_starts"])
        for credit in expected["credit_contains"]:
            assert credit in media["credit"]
        assert media["photographer"] == expected["photographer"]
        assert media["agencies"] == expected["agencies"]
        if "also_seen_as" in expected:
            assert media["alt_captions"] == [expected["also_seen_as"]]


def test_second_media_pairs_uncredited_caption_with_its_credited_twin(parsed: dict[str, Any]) -> None:
    media = parsed["media"][1]
    assert "(" not in media["caption"]
    assert len(media["alt_captions"]) == 1
    assert media["caption"].startswith(media["alt_captions"][0])


def test_seed_pasted_with_single_newlines_parses_the_same(parsed: dict[str, Any]) -> None:
    pasted = parse(
        SEED_PATH.read_text(encoding="utf-8").replace("\n\n", "\n"),
        declared_format="text",
        published_at=PUBLISHED_AT,
    )
    assert pasted["title"] == parsed["title"]
    assert pasted["paragraphs"] == parsed["paragraphs"]
    assert pasted["media"] == parsed["media"]


def test_pipeline_meets_the_whole_seed_fixture(parsed: dict[str, Any]) -> None:
    check_seed_article(parsed)
