"""The article contract document: built here, and only here, from an article row and its parsed result.

The API dumps it with `ArticleSchema`, the worker validates it with `ProcessedArticleSchema` before storing, and
events and listings take their identity fields from it, so every view of an article agrees.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from service.articles.models import Article

if TYPE_CHECKING:
    from service.articles.submit import NewArticle

ARTICLES_PATH = "/v1/articles"


def links(article_id: str, base_url: str = "") -> dict[str, str]:
    """Where to read the article and its raw input (absolute when a base URL is given)."""
    article = f"{base_url.rstrip('/')}{ARTICLES_PATH}/{article_id}"
    return {"self": article, "raw": f"{article}/raw"}


def identity(article: Article | NewArticle) -> dict[str, Any]:
    """Who the article is and where it stands: the fields every view of an article carries."""
    return {
        "id": article.id,
        "status": article.status,
        "source": article.source,
        "url": article.url,
        "external_id": article.external_id,
        "received_at": article.received_at,
        "processed_at": article.processed_at,
        "parser_version": article.parser_version,
        "metadata": article.client_metadata or {},
        "error": article.error,
        "links": links(article.id),
    }


def document(article: Article, result: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The whole contract: the parsed result (the stored one unless another is given), then identity and state."""
    parsed = article.result if result is None else result
    return {**(parsed or {}), **identity(article)}


def summary(article: Article) -> dict[str, Any]:
    """An article in a listing: its identity and title, without the parsed result."""
    return {**identity(article), "title": article.title}
