"""Plain-text extraction: title, paragraphs, captions, metadata and page furniture out of a text dump.

A dump is a sequence of blocks separated by blank lines (a line break inside a block is a <br>); pasted text with
single newlines gets one block per line. Each block is classified first: page furniture (`boilerplate`), photo
caption (`captions`: a credit at its end, a credit on the next line, or a twin of a credited caption), a repeat of
other blocks, a glued teaser. Then every block gets a prose score (long, sentence-like, stop-word rich text is
positive; labels, menus and furniture negative, runs of them more so) and the article is the contiguous run with the
highest total, cut at a comment section, a copyright notice or a biography header. The headline is looked for just
above the article, bylines, dates and a standfirst between the two. Nothing is dropped silently: every block that is
not a paragraph or the title is in `removed` with a reason (runs of menu labels outside the article as one entry).
"""

from __future__ import annotations

from workers.pipeline import captions, furniture
from workers.pipeline.document import Extraction, Media, Paragraph, Removed
from workers.pipeline.text_blocks import TextBlock, split_blocks
from workers.pipeline.text_captions import collect_captions, release_caption, unique_media
from workers.pipeline.text_headline import find_title, read_header
from workers.pipeline.text_prose import document_stopwords, is_glued_teaser, mark_repeats, prose_score, stopword_ratio
from workers.pipeline.text_region import article_region, label_short_lines

# A credit line standing alone is short.
CREDIT_LINE_MAX_WORDS = 12
# Where bylines, dates and a standfirst are looked for when no headline was found, and how far below the text a
# "First published ..." line may sit.
HEADER_BLOCKS = 10
FOOTER_DATE_BLOCKS = 3
# Removed blocks outside the article that are summarised, one entry per contiguous run.
SUMMARISED_REASONS = frozenset({"navigation", "outside_article", "boilerplate", "share"})


def extract_text(text: str) -> Extraction:
    """Find the title, the article paragraphs, the captions and the page furniture of a plain-text dump."""
    blocks = split_blocks(text)
    extraction = Extraction()
    if not blocks:
        return extraction
    media = _classify(blocks)
    start, end = article_region(blocks)
    without_prose = all(block.score <= 0 for block in blocks[start : end + 1])
    if without_prose:
        extraction.warnings.append("no article prose found: kept every block not recognised as page furniture")
    title_index = find_title(blocks, start, end)
    if title_index is not None:
        extraction.title = blocks[title_index].text
        start = max(start, title_index + 1)
        release_caption(blocks, blocks[title_index])
    if not without_prose:
        label_short_lines(blocks, start, end)
    extraction.paragraphs = [
        Paragraph(block.text, block.kind)
        for block in blocks[start : end + 1]
        if block.reason is None and block.media_index is None
    ]
    header = blocks[title_index + 1 if title_index is not None else max(0, start - HEADER_BLOCKS) : start]
    read_header(extraction, header, blocks[end + 1 : end + 1 + FOOTER_DATE_BLOCKS])
    # Captions far from the article belong to teasers for other stories.
    first_media_block = title_index if title_index is not None else start
    kept_media = sorted(
        {
            block.media_index
            for block in blocks
            if block.media_index is not None and first_media_block <= block.index <= end + 1
        }
    )
    extraction.removed = _removed(blocks, start, end, title_index, set(kept_media))
    extraction.media = unique_media([captions.complete_media(media[index]) for index in kept_media])
    return extraction


def _classify(blocks: list[TextBlock]) -> list[Media]:
    """Give every block its furniture reason or caption, then its prose score; return the media items found."""
    for block in blocks:
        block.reason = furniture.classify_line(block.text)
        if block.reason is None and len(block.lines) > 1:
            # Labels on separate lines of one block ("X", "Share via") are furniture when each one is.
            line_reasons = [furniture.classify_line(line) for line in block.lines]
            if all(line_reasons):
                block.reason = line_reasons[0] if len(set(line_reasons)) == 1 else "boilerplate"
    media = collect_captions(blocks)
    mark_repeats(blocks)
    stopwords = document_stopwords(blocks)
    for block in blocks:
        block.stop_ratio = stopword_ratio(block.text, stopwords)
        if block.media_index is not None:
            block.reason = None
        elif block.reason is None and is_glued_teaser(block.text):
            block.reason = "related"
        elif (
            block.reason is None
            and block.words <= CREDIT_LINE_MAX_WORDS
            and captions.looks_like_credit_line(block.text)
        ):
            block.reason = "credit"
        block.score = prose_score(block)
    return media


def _removed(
    blocks: list[TextBlock], start: int, end: int, title_index: int | None, kept_media: set[int]
) -> list[Removed]:
    """Everything not kept, with a reason.

    Outside the article, each contiguous run of menu labels and widgets becomes one entry; furniture that says
    something about the page (cookie notice, newsletter box, byline, credit, related header ...) keeps its own.
    """
    removed: list[Removed] = []
    run: list[TextBlock] = []

    def flush() -> None:
        if len(run) == 1:
            removed.append(Removed(run[0].text, run[0].reason or "navigation"))
        elif run:
            reasons = {block.reason for block in run}
            mixed = "navigation" if run[0].index < start else "outside_article"
            reason = run[0].reason if len(reasons) == 1 and run[0].reason else mixed
            removed.append(Removed(" | ".join(block.text for block in run), reason))
        run.clear()

    for block in blocks:
        inside = start <= block.index <= end
        if block.index == title_index or (inside and block.reason is None and block.media_index is None):
            flush()
            continue
        if block.media_index is not None:
            flush()
            removed.append(Removed(block.text, "caption" if block.media_index in kept_media else "related"))
            continue
        block.reason = block.reason or ("navigation" if block.index < start else "outside_article")
        if inside or block.reason not in SUMMARISED_REASONS:
            flush()
            removed.append(Removed(block.text, block.reason))
        else:
            run.append(block)
    flush()
    return removed
