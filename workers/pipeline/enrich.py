"""Enrichment after extraction: language, entities, quotes, dates, keywords and fingerprints."""

from __future__ import annotations

import re
from typing import Any

from workers.pipeline import fingerprint, nlp
from workers.pipeline.captions import AGENCY_PATTERN
from workers.pipeline.dates import find_dates
from workers.pipeline.document import Media
from workers.pipeline.entities import EntityIndex, find_mentions
from workers.pipeline.gazetteer import place_names
from workers.pipeline.keywords import extract_keywords
from workers.pipeline.language import identify_language
from workers.pipeline.quotes import find_quotes
from workers.pipeline.settings import ANY_LANGUAGE, PipelineSettings

# Photo credits left inside a caption: "(Photo by A B / AFP)", "(A B/AP)", "(Getty Images)".
_CREDIT_IN_PARENTHESES = re.compile(
    r"\s*\((?=[^()]*(?:\bPhoto\b|\bphoto\b|\bImages?\b|\b[Cc]redit\b|/|" + AGENCY_PATTERN.pattern + r"))[^()]*\)"
)
_CREDIT_SEPARATORS = re.compile(r"\s*(?:/|;|,|\(|\)|\bvia\b|\bPhoto(?:graph)? by\b|\bPhoto credit should read\b)\s*")


def enrich(
    *,
    title: str | None,
    paragraphs: list[str],
    media: list[Media],
    published_at: str | None,
    declared_language: str | None,
    settings: PipelineSettings | None = None,
) -> dict[str, Any]:
    """Everything derived from the clean text: language, fingerprints, entities, quotes, dates, keywords."""
    body = "\n\n".join(paragraphs)
    language = identify_language(f"{title or ''}\n\n{body}", declared_language)
    warnings = list(language.warnings)
    settings = settings or PipelineSettings()
    entity_index = _entities(language.code, paragraphs, media, warnings, settings)
    is_english = language.code == "en"
    quotes: list[dict[str, Any]] = []
    if entity_index is not None or is_english:
        # The rules read English without a model; another language needs its own model, or is left alone.
        quotes, quote_warnings = find_quotes(
            paragraphs,
            entity_index.named_spans() if entity_index else [],
            entity_index.resolve if entity_index else None,
            _parser(language.code, settings) if entity_index else None,
        )
        warnings += quote_warnings
    else:
        warnings.append(f"entities and quotes were not computed: no usable spaCy model for language {language.code!r}")
    entities = entity_index.as_dicts() if entity_index else []
    if language.code and not is_english:
        warnings.append(f"dates and quote speakers are read in English only; the text is {language.code!r}")
    return {
        "language": language.code,
        "language_confidence": language.confidence,
        "entities": entities,
        "quotes": quotes,
        "dates": find_dates(paragraphs, media, published_at) if is_english else [],
        "keywords": extract_keywords(title, paragraphs, entities, language.code),
        "fingerprints": fingerprint.fingerprints(paragraphs),
        "warnings": warnings,
    }


def warm_up(settings: PipelineSettings | None = None) -> None:
    """Load the models enrichment uses lazily (spaCy, language identifier, place names), e.g. at worker start."""
    for name in (settings or PipelineSettings()).spacy_models.values():
        nlp.load_model(name)
        nlp.load_parser(name)
    identify_language("warm up")
    place_names()


def _entities(
    language: str | None, paragraphs: list[str], media: list[Media], warnings: list[str], settings: PipelineSettings
) -> EntityIndex | None:
    """Entity index from the model configured for the language, or None with a warning when there is none."""
    name = settings.spacy_model_for(language)
    if name is None:
        configured = ", ".join(f"model {model!r} is {code!r}" for code, model in settings.spacy_models.items())
        warnings.append(f"entities skipped: no entity model for language {language!r} ({configured or 'no models'})")
        return None
    model = nlp.load_model(name)
    if model.nlp is None:
        warnings.append(f"entities skipped: spaCy model {model.name!r} is unusable ({model.error})")
        return None
    # A multilingual model reads every language; any other reads only its own.
    if model.language not in (language, ANY_LANGUAGE):
        warnings.append(
            f"entities skipped: no entity model for language {language!r} (model {model.name!r} is {model.language!r})"
        )
        return None
    captions = [
        (index, caption_text(item, text))
        for index, item in enumerate(media)
        for text in [item.caption, *item.alt_captions]
        if text
    ]
    mentions = find_mentions(model.nlp, paragraphs, captions)
    return EntityIndex(mentions, excluded_people=credited_names(media))


def _parser(language: str | None, settings: PipelineSettings) -> Any | None:
    """The dependency parser of the language's model, when it has one (speakers then come from the grammar)."""
    name = settings.spacy_model_for(language)
    return nlp.load_parser(name).nlp if name else None


def caption_text(item: Media, caption: str) -> str:
    """The caption without its photo credit, so photographers do not become people of the story."""
    if item.credit:
        caption = caption.replace(item.credit, " ")
    return _CREDIT_IN_PARENTHESES.sub("", caption).strip()


def credited_names(media: list[Media]) -> set[str]:
    """Photographers and every name-like part of the photo credits."""
    names: set[str] = set()
    for item in media:
        if item.photographer:
            names.add(item.photographer.strip())
        for text in [item.credit or "", item.caption, *item.alt_captions]:
            for credit in [*re.findall(r"\(([^()]*)\)", text), item.credit or ""]:
                names.update(part.strip() for part in _CREDIT_SEPARATORS.split(credit) if part.strip())
    return names
