"""Where the article runs in a text dump: the highest-scoring run of blocks, and what the short lines in it are."""

from __future__ import annotations

from workers.pipeline import furniture
from workers.pipeline.text_blocks import SENTENCE_END, TERMINAL_PUNCTUATION, TextBlock
from workers.pipeline.text_prose import PROSE_WORDS, headline_cased

# A link under a "Related" header is a headline, not a paragraph.
TEASER_LINK_MAX_WORDS = 16
# A list closing the article ("Ingredients:") has at most this many items.
CLOSING_LIST_MAX_ITEMS = 40
# Each further label in a run costs this much more than the one before (a menu is a long run of labels).
LABEL_RUN_ESCALATION = 0.5
# Prose (in words) that must come before a comment header or copyright notice for it to close the article.
ARTICLE_BEFORE_END_MARKER = 100


def article_region(blocks: list[TextBlock]) -> tuple[int, int]:
    """The contiguous run of blocks with the highest total prose score (Kadane), or the whole dump."""
    candidates = blocks[: _article_end_marker(blocks)]
    best_total, best_start, best_end = float("-inf"), 0, len(candidates) - 1
    total, start = 0.0, 0
    negative_run = 0
    for block in candidates:
        if total <= 0:
            total, start = 0.0, block.index
        # A run of labels is a menu or a teaser list: each further label costs more than the one before.
        negative_run = negative_run + 1 if block.score < 0 else 0
        escalation = min(1.0 + LABEL_RUN_ESCALATION * (negative_run - 1), 4.0) if negative_run else 1.0
        total += block.score * escalation
        if total > best_total:
            best_total, best_start, best_end = total, start, block.index
    if best_total <= 0:
        # No prose anywhere (a results table, a list page): the article is every block nothing recognised.
        return 0, len(candidates) - 1
    while best_start < best_end and blocks[best_start].score <= 0:
        best_start += 1
    # A last short sentence ("That's correct," he said.) adds nothing to the score but belongs to the text.
    while best_end + 1 < len(candidates) and _is_short_sentence(blocks[best_end + 1]):
        best_end += 1
    return best_start, _closing_list_end(candidates, best_end)


def _closing_list_end(blocks: list[TextBlock], end: int) -> int:
    """The last item of a list the article ends with, introduced by a line ending in a colon, or `end` itself.

    ("Ingredients:", "Here's what to know:", then short items): items score as labels, so the region stops short.
    """
    introduction = end + 1
    if introduction >= len(blocks) or not _is_list_introduction(blocks[introduction]):
        return end
    last = end
    for block in blocks[introduction + 1 : introduction + 1 + CLOSING_LIST_MAX_ITEMS]:
        if block.reason is not None or block.media_index is not None or block.words > PROSE_WORDS * 2:
            break
        last = block.index
    return last if last > introduction else end


def _is_list_introduction(block: TextBlock) -> bool:
    return block.reason is None and block.media_index is None and block.text.endswith(":") and block.words <= 15


def _is_short_sentence(block: TextBlock) -> bool:
    return (
        block.reason is None
        and block.media_index is None
        and 3 <= block.words < PROSE_WORDS
        and bool(SENTENCE_END.search(block.text))
        and not headline_cased(block.text)
    )


def _article_end_marker(blocks: list[TextBlock]) -> int:
    """Index of the first comment header or copyright notice after enough prose to be an article, else the end."""
    prose = 0.0
    for block in blocks:
        if prose >= ARTICLE_BEFORE_END_MARKER and furniture.ends_article(block.text):
            return block.index
        prose += max(block.score, 0.0)
    return len(blocks)


def _is_label(block: TextBlock) -> bool:
    return block.words < 8 and not SENTENCE_END.search(block.text)


def _is_heading(blocks: list[TextBlock], block: TextBlock, end: int) -> bool:
    """A short unpunctuated line followed by prose inside the article is a subheading."""
    if block.words < 2 or block.words > 14 or not block.text[:1].isupper() or TERMINAL_PUNCTUATION.search(block.text):
        return False
    following = next((other for other in blocks[block.index + 1 : end + 1] if other.media_index is None), None)
    return following is not None and following.score > 0


def label_short_lines(blocks: list[TextBlock], start: int, end: int) -> None:
    """Inside the article, a short line is a list item after a line ending in a colon, a subheading when prose
    follows it, else navigation."""
    in_list = after_related_header = False
    for block in blocks[start : end + 1]:
        if block.reason is not None or block.media_index is not None:
            # Short lines right under "Related articles" or "Don't miss" are the links it announces.
            after_related_header = block.reason == "related" or (after_related_header and block.media_index is not None)
            continue
        if after_related_header and block.words <= TEASER_LINK_MAX_WORDS and not SENTENCE_END.search(block.text):
            block.reason = "related"
            continue
        after_related_header = False
        if _is_list_introduction(block):
            in_list = True
        elif in_list and block.words < PROSE_WORDS:
            block.kind = "list"
        elif not _is_label(block):
            in_list = False
        elif block.kind == "heading" or _is_heading(blocks, block, end):
            block.kind = "heading"
        else:
            block.reason = "navigation"
