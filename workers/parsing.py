"""The pure pipeline, adapted to what the articles domain asks of a parser: raw input in, the parsed contract out,
the pipeline's and Celery's exceptions translated into the domain's, and the pipeline's settings taken from the
service's configuration (the pipeline itself reads none)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from service.articles.processing import Parser, ParseTimedOut, RawInput, Unparseable
from workers.pipeline import PARSER_VERSION, UnparseableDocument, parse
from workers.pipeline.settings import PipelineSettings


def parse_article(raw: RawInput, settings: PipelineSettings | None = None) -> dict[str, Any]:
    try:
        return parse(
            raw.body,
            content_type=raw.content_type,
            declared_format=raw.declared_format,
            url=raw.url,
            published_at=raw.published_at,
            language=raw.language,
            settings=settings,
        )
    except UnparseableDocument as error:
        raise Unparseable(str(error)) from error
    except SoftTimeLimitExceeded as error:
        raise ParseTimedOut from error


def pipeline_settings(config: Mapping[str, Any]) -> PipelineSettings:
    """The pipeline's settings from the service's: the spaCy model for each language (English's by default)."""
    return PipelineSettings(spacy_models={"en": config["SPACY_MODEL"], **config.get("SPACY_MODELS", {})})


def pipeline_parser(config: Mapping[str, Any]) -> Parser:
    """The pipeline configured by the service's settings, as the articles domain's parser."""
    return Parser(version=PARSER_VERSION, parse=functools.partial(parse_article, settings=pipeline_settings(config)))


# The pipeline with its defaults, for tests and tools that run without a service configuration.
PIPELINE = Parser(version=PARSER_VERSION, parse=parse_article)
