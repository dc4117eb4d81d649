"""The headline of a text dump and what stands between it and the text: bylines, dates and a standfirst."""

from __future__ import annotations

from workers.pipeline import bylines, datelines
from workers.pipeline.document import Extraction
from workers.pipeline.text_blocks import TextBlock
from workers.pipeline.text_prose import PROSE_WORDS
from workers.pipeline.text_stats import CJK

# Headline search: how many candidate blocks above the first paragraph (furniture in between not counted, up to a
# reach of blocks in all), and what each step away costs.
TITLE_SEARCH_BLOCKS = 12
TITLE_SEARCH_REACH = 40
TITLE_DISTANCE_COST = 0.15
TITLE_REPEATED_BONUS = 0.3
CAPTION_AS_TITLE_COST = 0.5


def find_title(blocks: list[TextBlock], start: int, end: int) -> int | None:
    """The block that reads best as the headline of the article region `start`..`end`.

    Candidates run from a little above the region down to its first real paragraph, since a headline right above
    the text is scored into the region as a short sentence-case line.
    """
    first_paragraph = next((block.index for block in blocks[start : end + 1] if block.score >= PROSE_WORDS / 2), start)
    texts = [block.text.casefold() for block in blocks]
    best: tuple[float, int] | None = None
    steps = 0
    for index in range(first_paragraph - 1, max(-1, first_paragraph - 1 - TITLE_SEARCH_REACH), -1):
        block = blocks[index]
        if block.reason is not None or (block.media_index is not None and not block.may_be_headline):
            continue  # bylines, dates, captions and share bars sit between a headline and its text
        steps += 1
        if steps > TITLE_SEARCH_BLOCKS:
            break
        headline = _headline_likeness(block) - (CAPTION_AS_TITLE_COST if block.may_be_headline else 0.0)
        if headline <= 0:
            continue
        repeated = texts.count(texts[index]) > 1
        score = headline - TITLE_DISTANCE_COST * (steps - 1) + (TITLE_REPEATED_BONUS if repeated else 0.0)
        if best is None or score > best[0]:
            best = (score, index)
    return best[1] if best else None


def _headline_likeness(block: TextBlock) -> float:
    text = block.text
    words = text.split()
    if not 3 <= len(words) <= 25 or len(block.lines) > 2:
        return 0.0
    if text.endswith((".", ",", ";", ":")) and not text.endswith("..."):
        return 0.0
    if not text[:1].isupper() and text[:1] not in "“\"'‘" and not CJK.match(text):
        return 0.0
    # Headlines run 5 to 14 words; a longer unpunctuated line is more often the standfirst under one.
    score = 1.0
    if 5 <= len(words) <= 14:
        score += 0.5
    elif len(words) <= 18:
        score += 0.2
    capitalised = sum(1 for word in words if word[:1].isupper())
    score += 0.5 * capitalised / len(words)
    if len(words) <= 3 and capitalised == len(words):
        score -= 0.8  # reads as a person's name: an author line, not a headline
    if text.isupper():
        score -= 0.5  # shouted labels are section names and buttons more often than headlines
    return score


def read_header(extraction: Extraction, header: list[TextBlock], after_article: list[TextBlock]) -> None:
    """Authors, dates and the standfirst from the blocks between the headline and the text (dates also below)."""
    for block in header:
        if block.reason == "byline" and not extraction.authors:
            extraction.authors = bylines.authors_in_byline(block.text)
        elif block.reason is None and block.media_index is None and block.words >= 8 and not extraction.subtitle:
            extraction.subtitle = block.text
            block.reason = "subtitle"
    for block in [*header, *after_article]:
        if block.reason in ("dateline", "byline"):
            published, modified = datelines.dates_in_dateline(block.text)
            extraction.published_at = extraction.published_at or published
            extraction.modified_at = extraction.modified_at or modified
