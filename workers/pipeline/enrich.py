"""Enrichment after extraction: language and fingerprints (entities, quotes, dates come with issue #4)."""

from __future__ import annotations

from typing import Any

import py3langid

from workers.pipeline import fingerprint
from workers.pipeline.document import Media


def enrich(
    *,
    title: str | None,
    paragraphs: list[str],
    media: list[Media],
    published_at: str | None,
    declared_language: str | None,
) -> dict[str, Any]:
    """Everything derived from the clean text: language, fingerprints, entities, quotes, dates, keywords."""
    body = "\n\n".join(paragraphs)
    warnings: list[str] = []
    if declared_language:
        language, confidence = declared_language, 1.0
    else:
        code, probability = py3langid.classify(body)  # type: ignore[no-untyped-call]
        language, confidence = str(code), round(float(probability), 3)
    return {
        "language": language,
        "language_confidence": confidence,
        "entities": [],
        "quotes": [],
        "dates": [],
        "keywords": [],
        "fingerprints": {
            "content_sha256": fingerprint.content_sha256(body),
            "simhash": fingerprint.simhash(body),
        },
        "warnings": warnings,
    }
