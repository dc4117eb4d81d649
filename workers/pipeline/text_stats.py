"""Counting words in text of any script."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
# Han (with extension A), Hiragana, Katakana and Hangul syllables: scripts that do not space their words.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Characters of those scripts that make one word, on average.
CJK_CHARACTERS_PER_WORD = 2


def word_count(text: str) -> int:
    """Number of words in text of any script.

    Space-separated scripts count their runs of letters and digits (`\\w+`): "U.S.-led" is three words,
    punctuation none. Chinese and Japanese do not separate words, so their characters (Han, Hiragana, Katakana,
    and Hangul syllables with them) count two to a word, rounded up so that a lone character is a word: two is
    the usual length of a Chinese or Japanese word, and the convention keeps a CJK article's count and reading
    time comparable with an English one of the same content. Mixed text adds the two counts.
    """
    cjk = len(CJK.findall(text))
    return len(_WORD.findall(CJK.sub(" ", text))) + -(-cjk // CJK_CHARACTERS_PER_WORD)
