"""Turning a CMS post or feed entry into one HTML page the parser reads like any other article page."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from service.articles.submit import Submission


@dataclass
class Post:
    """What a sender tells us about one article; its HTML is the body as the sender published it."""

    html: str
    title: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None
    external_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def page(post: Post) -> str:
    """A minimal article page: title, author and date as the meta tags the HTML extractor reads, then the body."""
    head = ['<meta charset="utf-8">']
    if post.title:
        head.append(f"<title>{html.escape(post.title)}</title>")
    for author in post.authors:
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    if post.published_at:
        head.append(f'<meta property="article:published_time" content="{html.escape(post.published_at)}">')
    if post.url:
        head.append(f'<link rel="canonical" href="{html.escape(post.url)}">')
    heading = f"<h1>{html.escape(post.title)}</h1>\n" if post.title else ""
    return (
        "<!DOCTYPE html>\n<html><head>"
        + "".join(head)
        + f"</head><body><article>\n{heading}{post.html}\n</article></body></html>\n"
    )


def submission(post: Post, *, source: str, tenant_id: str, request_id: str | None) -> Submission:
    """The ingest request for a post: the page as an HTML document, the rest as hints and metadata."""
    metadata: dict[str, Any] = {"title": post.title, "authors": post.authors, **post.extra}
    return Submission(
        raw=page(post).encode("utf-8"),
        content_type="text/html; charset=utf-8",
        declared_format="html",
        source=source,
        url=post.url,
        external_id=post.external_id[:500] if post.external_id else None,
        published_at=post.published_at,
        metadata=json.loads(json.dumps({key: value for key, value in metadata.items() if value})),
        tenant_id=tenant_id,
        request_id=request_id,
    )


def iso_utc(value: str | None) -> str | None:
    """An ISO 8601 timestamp in UTC ('Z' and a missing zone both mean UTC); None when it cannot be read."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat()
