"""Enrichment after extraction: language and fingerprints (entities, quotes, dates come with issue #4)."""

from __future__ import annotations

from functools import cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from workers.pipeline import fingerprint
from workers.pipeline.document import Media


@cache
def language_identifier() -> LanguageIdentifier:
    """The language model, loaded once per process, with probabilities normalised to 0..1."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
        code, probability = language_identifier().classify(body)
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
