"""The pure pipeline, adapted to what the articles domain asks of a parser: raw input in, the parsed contract out,
the pipeline's and Celery's exceptions translated into the domain's."""

from __future__ import annotations

from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from service.articles.processing import Parser, ParseTimedOut, RawInput, Unparseable
from workers.pipeline import PARSER_VERSION, UnparseableDocument, parse


def parse_article(raw: RawInput) -> dict[str, Any]:
    try:
        return parse(
            raw.body,
            content_type=raw.content_type,
            declared_format=raw.declared_format,
            url=raw.url,
            published_at=raw.published_at,
            language=raw.language,
        )
    except UnparseableDocument as error:
        raise Unparseable(str(error)) from error
    except SoftTimeLimitExceeded as error:
        raise ParseTimedOut from error


PIPELINE = Parser(version=PARSER_VERSION, parse=parse_article)
