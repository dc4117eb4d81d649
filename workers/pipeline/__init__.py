"""The pure parsing pipeline: raw bytes in, a dict matching the article contract out.

Nothing here touches Flask, Celery or a database, so it runs the same in a worker, in `ingest parse`,
in a benchmark and in a unit test.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from workers.pipeline import captions, enrich
from workers.pipeline.detect import detect_format
from workers.pipeline.document import Extraction
from workers.pipeline.html import extract_html
from workers.pipeline.normalise import clean_text, decode
from workers.pipeline.settings import PipelineSettings
from workers.pipeline.text import extract_text
from workers.pipeline.text_stats import word_count

# Bump when the output for the same input changes, so stored articles can be reprocessed selectively.
PARSER_VERSION = "1.4.0"

WORDS_PER_MINUTE = 230


class UnparseableDocument(ValueError):
    """The input cannot be read as an article; the message says why, for the client."""


# The API takes at most 10 MiB; a document this long (in characters, after decoding) is refused before any work.
MAX_INPUT_CHARS = 12 * 1024 * 1024
# A letter or digit in any script: a document without one (1,000,000 quote marks) has no article to find.
_WORD_CHARACTER = re.compile(r"\w")


def parse(
    raw: bytes | str,
    *,
    content_type: str | None = None,
    declared_format: str = "auto",
    url: str | None = None,
    published_at: str | None = None,
    language: str | None = None,
    settings: PipelineSettings | None = None,
) -> dict[str, Any]:
    """Parse one document into the parsed part of the article contract (`settings`: the defaults when None)."""
    text = raw if isinstance(raw, str) else decode(raw, content_type)
    if len(text) > MAX_INPUT_CHARS:
        raise UnparseableDocument(f"the document is longer than {MAX_INPUT_CHARS:,} characters")
    text = clean_text(text)
    if not text.strip():
        raise UnparseableDocument("the document is empty once decoded")
    if not _WORD_CHARACTER.search(text):
        raise UnparseableDocument("the document has no letters or digits: there is no article text in it")
    document_format = detect_format(text, content_type, declared_format)
    extraction = extract_html(text, url=url) if document_format == "html" else extract_text(text)
    extraction.media = [captions.complete_media(media) for media in extraction.media]
    if not extraction.paragraphs:
        raise UnparseableDocument(f"no article text was found in this {document_format} document")
    return _assemble(
        extraction,
        document_format,
        published_at=published_at,
        language=language,
        settings=settings or PipelineSettings(),
    )


def _assemble(
    extraction: Extraction,
    document_format: str,
    *,
    published_at: str | None,
    language: str | None,
    settings: PipelineSettings,
) -> dict[str, Any]:
    paragraphs: list[dict[str, Any]] = [
        {"index": index, "text": paragraph.text, "kind": paragraph.kind}
        for index, paragraph in enumerate(extraction.paragraphs)
    ]
    body = "\n\n".join(paragraph["text"] for paragraph in paragraphs)
    words = word_count(body)
    reference_date = published_at or extraction.published_at
    enrichment = enrich.enrich(
        title=extraction.title,
        paragraphs=[paragraph["text"] for paragraph in paragraphs],
        media=extraction.media,
        published_at=reference_date,
        declared_language=language or extraction.language,
        settings=settings,
    )
    return {
        "format": document_format,
        "parser_version": PARSER_VERSION,
        "title": extraction.title,
        "subtitle": extraction.subtitle,
        "authors": extraction.authors,
        "site_name": extraction.site_name,
        "description": extraction.description,
        "canonical_url": extraction.canonical_url,
        "lead_image": extraction.lead_image,
        "published_at": published_at or extraction.published_at,
        "modified_at": extraction.modified_at,
        "body": body,
        "paragraphs": paragraphs,
        "media": [asdict(media) for media in extraction.media],
        "removed": [asdict(removed) for removed in extraction.removed],
        "stats": {
            "word_count": words,
            "paragraph_count": len(paragraphs),
            "reading_time_s": round(words * 60 / WORDS_PER_MINUTE),
        },
        "warnings": extraction.warnings + enrichment.pop("warnings"),
        **enrichment,
    }
