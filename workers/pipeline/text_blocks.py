"""A plain-text dump cut into blocks: blank-line separated, or one per line in text pasted with single newlines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.pipeline.normalise import clean_line
from workers.pipeline.text_stats import word_count

# A document with at most this many blank-line separated blocks is pasted text: its lines may be paragraphs.
PASTED_TEXT_MAX_BLOCKS = 3
# Hard-wrapped text is cut at a fixed width no wider than this (e-mail and terminal conventions are 72 to 80).
HARD_WRAP_MAX_WIDTH = 100

# Sentence punctuation, then maybe closing quotes and a trailing emoji or two ("See you soon! 🙂").
SENTENCE_END = re.compile(r"[.!?…。！？][”\"’')\]]*(?:\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]{1,3})?$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(\S.*?)\s*#*$")
TERMINAL_PUNCTUATION = re.compile(r"[.!?…。！？:;,][”\"’')\]]*$")


@dataclass
class TextBlock:
    """One blank-line separated block of a dump, with what the classifiers found it to be."""

    index: int
    lines: list[str]
    text: str
    words: int
    reason: str | None = None
    media_index: int | None = None
    score: float = 0.0
    stop_ratio: float = 0.0
    kind: str = "body"
    # An unpunctuated line taken for a caption because a credit follows it: a headline above a photo looks the same.
    may_be_headline: bool = False


def split_blocks(text: str) -> list[TextBlock]:
    """Blank-line separated blocks; in pasted text, a block whose lines are whole paragraphs gives one per line."""
    blocks: list[TextBlock] = []
    raw_blocks = re.split(r"\n[^\S\n]*\n", text)
    # Text pasted with single newlines between paragraphs has (almost) no blank lines at all.
    pasted = len(raw_blocks) <= PASTED_TEXT_MAX_BLOCKS
    for raw_block in raw_blocks:
        lines = [clean_line(line) for line in raw_block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        for group in _paragraph_lines(lines) if pasted else [lines]:
            joined = " ".join(group)
            # A Markdown heading ("## What happens next") is a heading whatever its wording.
            heading = _MARKDOWN_HEADING.match(joined)
            text = heading.group(1) if heading else joined
            block = TextBlock(index=len(blocks), lines=group, text=text, words=word_count(text))
            block.kind = "heading" if heading else "body"
            blocks.append(block)
    return blocks


def _paragraph_lines(lines: list[str]) -> list[list[str]]:
    """Lines of one block as separate paragraphs (text pasted with single newlines), unless the text is hard-wrapped."""
    if len(lines) < 2 or _is_hard_wrapped(lines):
        return [lines]
    return [[line] for line in lines]


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: long, of similar length, and mostly ending mid-sentence."""
    body = lines[:-1]  # the last line of a wrapped paragraph is short
    widest = max(len(line) for line in body)
    if widest > HARD_WRAP_MAX_WIDTH:
        return False
    near_width = [line for line in body if len(line) >= 0.6 * widest]
    mid_sentence = [line for line in body if not SENTENCE_END.search(line)]
    return len(near_width) >= 0.7 * len(body) and len(mid_sentence) >= 0.6 * len(body)
