"""Plain data the pipeline stages hand to each other (no Flask, Celery or database)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Paragraph:
    text: str
    kind: str = "body"  # body | heading | blockquote | list


@dataclass
class Removed:
    text: str
    reason: str  # boilerplate | navigation | caption | credit | duplicate | comment | share | related | ...


@dataclass
class Media:
    caption: str
    alt_captions: list[str] = field(default_factory=list)
    credit: str | None = None
    photographer: str | None = None
    agencies: list[str] = field(default_factory=list)
    url: str | None = None


@dataclass
class Extraction:
    """What an extractor (text or HTML) found in one document, before enrichment."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    site_name: str | None = None
    published_at: str | None = None  # ISO 8601 as found on the page
    modified_at: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    lead_image: str | None = None
    media: list[Media] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NamedSpan:
    """A name found in a paragraph, already resolved to its entity's canonical name and type."""

    paragraph: int
    start: int
    end: int
    name: str
    kind: str  # person | organisation | place | other
