"""Counting words in text of any script."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Number of words; Chinese, Japanese and Korean, written without spaces, count two characters a word."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) // 2
