"""HTML extraction: the main content and the page's metadata."""

from __future__ import annotations

import trafilatura

from workers.pipeline.document import Extraction, Paragraph


def extract_html(page: str, url: str | None = None) -> Extraction:
    """Extract the article body and metadata from an HTML page."""
    document = trafilatura.bare_extraction(page, url=url, favor_precision=True, with_metadata=True)
    extraction = Extraction()
    if document is None:
        return extraction
    body = document.text or ""
    extraction.paragraphs = [Paragraph(line.strip()) for line in body.split("\n") if line.strip()]
    extraction.title = document.title
    extraction.authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
    extraction.site_name = document.sitename
    extraction.published_at = document.date
    extraction.canonical_url = document.url
    extraction.description = document.description
    extraction.lead_image = document.image
    extraction.language = document.language
    return extraction
