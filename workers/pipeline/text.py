"""Plain-text extraction: title, paragraphs, boilerplate and captions out of a text dump."""

from __future__ import annotations

from workers.pipeline.document import Extraction, Paragraph
from workers.pipeline.normalise import clean_line


def extract_text(text: str) -> Extraction:
    """Split a text dump into a title and blank-line separated paragraphs."""
    blocks = [clean_line(" ".join(block.splitlines())) for block in text.split("\n\n")]
    blocks = [block for block in blocks if block]
    extraction = Extraction()
    if blocks and len(blocks[0].split()) <= 25 and not blocks[0].endswith("."):
        extraction.title = blocks.pop(0)
    extraction.paragraphs = [Paragraph(block) for block in blocks]
    return extraction
