"""One word count for every script: words of spaced scripts, two CJK characters a word."""

from __future__ import annotations

import pytest

from workers.pipeline import parse
from workers.pipeline.text_stats import word_count


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The council voted on Tuesday.", 5),
        ("U.S.-led talks — again", 5),
        ("", 0),
        ("猫", 1),  # a lone character is a word
        ("  — … !", 0),
        ("北京市政府周二宣布了新的交通计划。", 8),  # 16 Han characters
        ("東京で新しい電車が走り始めました。", 8),  # 16 Han, Hiragana and Katakana characters
        ("서울시는 화요일 새 교통 계획을", 7),  # 13 Hangul syllables, rounded up
        ("Apple 在北京发布了 iPhone", 5),  # 2 Latin words, 6 Han characters
    ],
)
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words


def test_a_chinese_article_counts_its_characters_not_its_spaces() -> None:
    paragraphs = ["北京市政府周二宣布了新的交通计划，" * 10 + "。"] * 6
    parsed = parse("新的交通计划\n\n" + "\n\n".join(paragraphs), declared_format="text", language="zh")
    assert parsed["stats"]["word_count"] == word_count(parsed["body"])
    assert parsed["stats"]["word_count"] > 100
