"""Photo captions in a text dump: a credit at a block's end, a credit on the next line, or a twin of a credited
caption; each becomes one media item."""

from __future__ import annotations

import re

from workers.pipeline import captions
from workers.pipeline.document import Media
from workers.pipeline.text_blocks import TextBlock

# A caption is a sentence or two, never a long paragraph.
CAPTION_MAX_WORDS = 90
# Above this length, a block ending in a bare agency name is a paragraph citing its source, not a caption.
SOURCE_TAGGED_PARAGRAPH_WORDS = 30
# A caption whose credit sits in its own block below is short.
CAPTION_WITH_CREDIT_BELOW_MAX_WORDS = 40
# How far (in blocks) a twin caption may sit from its sibling.
TWIN_DISTANCE = 2
_WORD = re.compile(r"\w+")
_CAPTION_LABEL = re.compile(r"^(?:image|media|video|photo|picture) caption\s*:?\s*(\S.*)$", re.IGNORECASE)
_CREDIT_LABEL = re.compile(
    r"^(?:image|photo|picture|video|media) (?:copyright|source|credit)\s*:?\s*(\S.*)$", re.IGNORECASE
)


def collect_captions(blocks: list[TextBlock]) -> list[Media]:
    """Mark caption blocks (twins become one media item) and return the media items in order."""
    media: list[Media] = []
    cores: dict[int, tuple[str, str | None]] = {}
    for block in blocks:
        if block.words <= CAPTION_MAX_WORDS and not block.text.startswith(("“", '"')):
            cores[block.index] = captions.split_credit(block.text)
    for block in blocks:
        if block.index not in cores or block.media_index is not None:
            continue
        labelled = _CAPTION_LABEL.match(block.text)
        if labelled:
            # "Image copyright Getty Images" above "Image caption ...": the label says it all.
            above = blocks[block.index - 1] if block.index else None
            credit_above = _CREDIT_LABEL.match(above.text) if above and above.media_index is None else None
            block.media_index = len(media)
            if above is not None and credit_above:
                above.media_index = len(media)
            media.append(Media(caption=labelled.group(1), credit=credit_above.group(1) if credit_above else None))
            continue
        core, credit = cores[block.index]
        twin = _twin_of(blocks, block, cores)
        if twin is None and credit is None:
            credit_below = _bare_credit_after(blocks, block)
            if credit_below is not None and 3 <= block.words <= CAPTION_WITH_CREDIT_BELOW_MAX_WORDS:
                block.media_index = credit_below.media_index = len(media)
                block.may_be_headline = True
                media.append(Media(caption=block.text, credit=credit_below.text))
            continue
        if twin is None:
            if not core or _WORD.search(core) is None or len(core.split()) < 3:
                continue  # a bare credit line, handled as furniture
            if credit and captions.canonical_agency(credit) and len(core.split()) > SOURCE_TAGGED_PARAGRAPH_WORDS:
                continue  # a paragraph that names its wire source, "... on Tuesday. (Reuters)"
            block.media_index = len(media)
            media.append(Media(caption=core, credit=credit))
            continue
        twin_core, twin_credit = cores[twin.index]
        main_core, alt_core = (core, twin_core) if len(core) >= len(twin_core) else (twin_core, core)
        credits = [c for c in (credit, twin_credit) if c]
        merged_credit = credits[0] if credits else None
        if len(credits) == 2 and _comparable(credits[1]) not in _comparable(credits[0]):
            merged_credit = f"{credits[0]}; {credits[1]}"
        block.media_index = twin.media_index = len(media)
        media.append(Media(caption=main_core, alt_captions=[alt_core], credit=merged_credit))
    return media


def _bare_credit_after(blocks: list[TextBlock], block: TextBlock) -> TextBlock | None:
    """The next block when it is nothing but a photo credit naming an agency or saying "Photo"."""
    # A parenthesised note ("(Reporting by ...; Editing by ...)") is the story's end, not a caption.
    if block.index + 1 >= len(blocks) or block.reason is not None or block.text.startswith("("):
        return None
    following = blocks[block.index + 1]
    if following.media_index is not None or following.reason not in (None, "credit"):
        return None
    if _CREDIT_LABEL.match(following.text):
        return None  # "Image copyright ..." belongs to the "Image caption ..." below it
    # An agency name alone under a paragraph is the story's source, not a photo credit.
    if captions.canonical_agency(following.text) or not captions.looks_like_credit_line(following.text):
        return None
    return following


def _twin_of(blocks: list[TextBlock], block: TextBlock, cores: dict[int, tuple[str, str | None]]) -> TextBlock | None:
    core, credit = cores[block.index]
    for other in blocks[block.index + 1 : block.index + 1 + TWIN_DISTANCE]:
        if other.index not in cores or other.media_index is not None:
            continue
        other_core, other_credit = cores[other.index]
        # Without a credit on either side, two similar blocks are a repeated paragraph, not a photo.
        if (credit or other_credit) and captions.are_twin_captions(core, other_core):
            return other
    return None


def _comparable(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def unique_media(media: list[Media]) -> list[Media]:
    """The media items with repeats (a slideshow and its thumbnail strip show the same caption) left out."""
    seen: set[tuple[str, str | None]] = set()
    unique: list[Media] = []
    for item in media:
        key = (_comparable(item.caption), item.credit)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def release_caption(blocks: list[TextBlock], headline: TextBlock) -> None:
    """A headline taken for a caption gives its media item up; the credit under it stays a credit."""
    if headline.media_index is None:
        return
    for block in blocks:
        if block.media_index == headline.media_index and block is not headline:
            block.media_index, block.reason = None, "credit"
    headline.media_index = None
