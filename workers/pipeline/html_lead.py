"""The article's opening that the extractor left out: sentences between the headline and the first kept paragraph.

Pages often set the first paragraph or an intro apart from the article's container (an intro box, a teaser
paragraph, the article's own header), and extractors that follow the container lose it. A standfirst that repeats
the page's own description, set apart from the text, is the article's summary: it becomes the subtitle (metadata),
not body text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workers.pipeline import furniture
from workers.pipeline.document import Paragraph, Removed
from workers.pipeline.html_filter import ends_sentence, normalise_for_match
from workers.pipeline.html_page import PageBlock
from workers.pipeline.text_stats import word_count

# The lead sits within a few blocks of the headline: a byline, a date, a picture, a share bar's buttons between them.
MAX_LEAD_DISTANCE = 20
MIN_LEAD_WORDS = 8
MAX_LEAD_LINK_SHARE = 0.2
# A summary repeats the description word for word, give or take its end (descriptions are often cut short).
DESCRIPTION_PREFIX_WORDS = 8
_NOT_LEAD_TAGS = frozenset({"figcaption", "caption", "li", "td", "th", "button", "label", "time", "dt", "dd"})


@dataclass
class Lead:
    """Opening paragraphs to put in front of the body, and a summary found on the way (for the subtitle)."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    summary: str | None = None


def find_lead(
    kept: list[Paragraph], blocks: list[PageBlock], listed: list[Removed], title: str | None, description: str | None
) -> Lead:
    """Blocks between the headline and the first kept paragraph that read as the article's opening."""
    lead = Lead()
    if not kept or not title:
        return lead
    title_key = normalise_for_match(title)
    first_key = normalise_for_match(kept[0].text)
    # The text's first paragraph with a headline within reach above it: pages repeat their title (a breadcrumb, a
    # teaser card, a caption) and their first paragraph (a "read also" box) elsewhere.
    found = (
        (start, _headline_above(blocks, start, title_key))
        for start, block in enumerate(blocks)
        if block.key == first_key
    )
    start, headline = next(((start, headline) for start, headline in found if headline is not None), (0, None))
    if headline is None:
        return lead
    accounted = {normalise_for_match(paragraph.text) for paragraph in kept}
    accounted |= {normalise_for_match(item.text) for item in listed}
    summary_key = " ".join(normalise_for_match(description or "").split()[:DESCRIPTION_PREFIX_WORDS])
    for position in range(headline + 1, start):
        block = blocks[position]
        if block.key in accounted or not reads_as_lead(block):
            continue
        accounted.add(block.key)
        # A standfirst stands with the headline, set apart from the text by a byline, a date or a picture; the
        # same summary running straight into the text (a teaser paragraph) is the article's opening.
        if summary_key and block.key.startswith(summary_key) and position + 1 < start:
            lead.summary = lead.summary or block.text
        else:
            lead.paragraphs.append(Paragraph(block.text))
    return lead


def reads_as_lead(block: PageBlock) -> bool:
    """Sentences of some length in no named box (caption, byline, menu ...), with few links."""
    text = block.text
    return (
        block.region is None
        and block.element.tag not in _NOT_LEAD_TAGS
        and word_count(text) >= MIN_LEAD_WORDS
        and block.link_density < MAX_LEAD_LINK_SHARE
        and ends_sentence(text)
        and furniture.classify_line(text) is None
    )


def _headline_above(blocks: list[PageBlock], start: int, title_key: str) -> int | None:
    """The first headline within reach above the block at start: the title itself, or the title less a site name."""
    above = range(max(0, start - 1 - MAX_LEAD_DISTANCE), start)
    exact = next((index for index in above if blocks[index].key == title_key), None)
    if exact is not None:
        return exact
    return next((index for index in above if _is_headline(blocks[index], title_key)), None)


def _is_headline(block: PageBlock, title_key: str) -> bool:
    """A heading that is the title less a site name or a section label around it."""
    return block.element.tag in ("h1", "h2") and block.key.count(" ") >= 2 and block.key in title_key
