"""Sorting an extractor's blocks into article text and furniture, each dropped block with a reason."""

from __future__ import annotations

import pytest

from workers.pipeline.html_blocks import Block
from workers.pipeline.html_filter import sort_blocks


def test_teaser_box_opening_datelines_and_contributor_lines_are_removed() -> None:
    blocks = [
        Block("Rivers rise after a week of rain", "heading", level=1),
        Block("Thursday, 2 May 2024 08:00", "body"),
        Block("The river Example rose by two metres overnight after a week of heavy rain across the valley.", "body"),
        Block("More stories", "heading", level=3),
        Block("Storm closes the coastal road for a second day", "heading", 46, 3),
        Block("Council votes to rebuild the old stone bridge", "body", 45),
        Block("Ann Lee contributed to this report.", "body"),
    ]
    verdict = sort_blocks(blocks, "Rivers rise after a week of rain", [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == [blocks[2].text]
    assert [item.reason for item in verdict.removed] == ["title", "byline", "related", "related", "related", "byline"]


def test_linked_list_closing_the_article_is_removed_as_related() -> None:
    body = "The river Example rose by two metres overnight after a week of heavy rain across the valley."
    blocks = [
        Block(body, "body"),
        Block("Engineers are checking the old stone bridge, officials said on Thursday.", "body"),
        Block("Storm closes the coastal road, again", "list", 20),
        Block("Council votes to rebuild the bridge", "list", 15),
        Block("Why the valley floods every decade", "list", 30),
    ]
    verdict = sort_blocks(blocks, None, [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == [blocks[0].text, blocks[1].text]
    assert {item.reason for item in verdict.removed} == {"related"}


def test_contact_labels_and_last_changed_dates_closing_the_text_are_removed() -> None:
    body = "The river Example rose by two metres overnight after a week of heavy rain across the valley."
    blocks = [
        Block(body, "body"),
        Block("Weitere Informationen:", "body"),
        Block("Dr. Ann Lee, Hydrology Institute, ann.lee@example.org, telephone 040 123 456 789.", "body"),
        Block("Letzte Änderung 14.02.2019", "body"),
    ]
    verdict = sort_blocks(blocks, None, [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == [blocks[0].text, blocks[2].text]


def test_a_post_s_greeting_and_sign_off_are_kept() -> None:
    body = "The river Example rose by two metres overnight after a week of heavy rain across the valley."
    blocks = [Block("Dear readers,", "body"), Block(body, "body"), Block("x Franzi", "body")]
    verdict = sort_blocks(blocks, None, [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == ["Dear readers,", body, "x Franzi"]


@pytest.mark.parametrize(
    "text",
    [
        "To view the full story, please subscribe to The Example Times. You can choose an annual subscription.",
        "If you’re seeing this message but you’re already a subscriber, you can log in for immediate access.",
        "Never miss the latest news by signing up to our newsletter today!",
        "For the latest stories and breaking news updates download the Example apps for iOS and Android.",
    ],
)
def test_paywall_notices_and_app_pitches_are_removed(text: str) -> None:
    body = "The river Example rose by two metres overnight after a week of heavy rain across the valley."
    verdict = sort_blocks([Block(body, "body"), Block(text, "body")], None, [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == [body]


def test_cjk_paragraphs_count_as_text_and_labels_above_the_text_go() -> None:
    blocks = [
        Block("Text size", "body"),
        Block("The river Example rose by two metres overnight after a week of heavy rain across the valley.", "body"),
        Block("先日、不正に改造したスマートフォンを販売したとして男性が逮捕されました。", "body"),
        Block("再起動して完了", "body"),
    ]
    verdict = sort_blocks(blocks, None, [])
    assert [paragraph.text for paragraph in verdict.paragraphs] == [block.text for block in blocks[1:]]
    assert [(item.text, item.reason) for item in verdict.removed] == [("Text size", "boilerplate")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The newsletter reported that the company lost money in the third quarter of the year.",
        "The comments violated the company policy, a spokesman for the regulator said on Monday.",
        "Topics of the summit included trade, climate, and security in the region.",
        "More than 4,000 people are expected to receive notice in the coming weeks.",
        "Reporting by the Times found that the agency had ignored three earlier warnings.",
        "He said he would share it with investors before the end of the month.",
        "Related to this, the court also ruled on the question of damages.",
        "Updated figures from 2019 show the river rose by two metres.",
    ],
)
def test_article_sentences_that_mention_boilerplate_words_are_kept(sentence: str) -> None:
    filler = "The river Example rose by two metres overnight after a week of heavy rain across the valley."
    blocks = [Block(sentence, "body"), Block(filler, "body"), Block(filler.replace("river", "lake"), "body")]
    verdict = sort_blocks(blocks, None, [])
    assert sentence in [paragraph.text for paragraph in verdict.paragraphs]
