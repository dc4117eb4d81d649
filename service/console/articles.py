"""Articles: the filtered list, one article read in full, its reprocessing and deletion, and the failures."""

from __future__ import annotations

import json
from typing import Any

from flask import g, redirect, request, url_for
from marshmallow import ValidationError

from service.articles import contract, lifecycle, queries
from service.articles.models import Article, ArticleStatus
from service.articles.schemas import ArticleListQuerySchema, ArticleSchema
from service.console.base import Routes, back_to, database, owned_or_404, render, requires, tenant_id
from service.console.reading import decode_raw, reading_view

routes = Routes()

PAGE_SIZE = 25
FAILURES_PAGE_SIZE = 50
MAX_POLLED_IDS = 100
# Enough of a raw input to compare with its parsed text; larger ones are cut (the API serves them whole).
RAW_DISPLAY_CHARACTERS = 200_000
FILTERS = ArticleListQuerySchema()
CONTRACT = ArticleSchema()


@routes.route("/articles")
@requires("read")
def articles() -> Any:
    """The list, with the filters and search of GET /v1/articles (the same schema reads them)."""
    given = {name: value.strip() for name, value in request.args.items() if value.strip()}
    try:
        query = FILTERS.load({"limit": PAGE_SIZE, **given})
    except ValidationError as error:
        return render("articles.html", status=422, page=None, filters=given, errors=error.messages)
    try:
        page = queries.list_articles(database(), tenant_id(), **query)
    except queries.InvalidCursor as error:
        return render("articles.html", status=422, page=None, filters=given, errors={"cursor": [str(error)]})
    filters = {name: value for name, value in given.items() if name != "cursor"}
    return render("articles.html", page=page, filters=filters, errors={}, statuses=ArticleStatus.ALL)


@routes.route("/api/statuses")
@requires("read", json=True)
def statuses() -> Any:
    """For the pages' polling: status and title of the given article ids (this tenant's only)."""
    ids = [article_id for article_id in request.args.get("ids", "").split(",") if article_id][:MAX_POLLED_IDS]
    return {"articles": queries.article_progress(database(), tenant_id(), ids) if ids else {}}


@routes.route("/articles/<article_id>")
@requires("read")
def article(article_id: str) -> Any:
    record = owned_or_404(Article, article_id)
    document = CONTRACT.dump(contract.document(record))
    raw = queries.get_raw(database(), tenant_id(), article_id)
    raw_text = decode_raw(raw.body, raw.content_type) if raw is not None else None
    is_html = document.get("format") == "html" or record.declared_format == "html"
    return render(
        "article.html",
        article=document,
        reading=reading_view(document, raw_text, is_html) if record.status == ArticleStatus.DONE else None,
        raw_text=raw_text[:RAW_DISPLAY_CHARACTERS] if raw_text is not None else None,
        raw_cut=raw_text is not None and len(raw_text) > RAW_DISPLAY_CHARACTERS,
        raw_content_type=raw.content_type if raw is not None else None,
        document_json=json.dumps(document, indent=2, ensure_ascii=False),
        entity_types=("person", "organisation", "place", "other"),
    )


@routes.route("/articles/<article_id>/reprocess", methods=["POST"])
@requires("ingest")
def reprocess(article_id: str) -> Any:
    record = owned_or_404(Article, article_id)
    if lifecycle.request_reprocessing(database(), record, g.get("request_id")):
        message, category = "Queued for reprocessing with the current pipeline.", "success"
    else:
        message, category = "This article is already queued or processing.", "info"
    if request.form.get("back") == "failures":
        return back_to("console.failures", message, category)
    return back_to("console.article", message, category, article_id=record.id)


@routes.route("/articles/<article_id>/delete", methods=["POST"])
@requires("ingest")
def delete(article_id: str) -> Any:
    lifecycle.delete_article(database(), owned_or_404(Article, article_id))
    return back_to("console.articles", "The article and its raw input are deleted.")


@routes.route("/failures")
@requires("read")
def failures() -> Any:
    cursor = request.args.get("cursor") or None
    try:
        page = queries.list_articles(
            database(), tenant_id(), limit=FAILURES_PAGE_SIZE, cursor=cursor, status=ArticleStatus.FAILED
        )
    except queries.InvalidCursor:
        return redirect(url_for("console.failures"))
    return render("failures.html", page=page)


@routes.route("/failures/reprocess", methods=["POST"])
@requires("ingest")
def reprocess_failures() -> Any:
    """Every failed article of this tenant, queued again for the current pipeline."""
    article_ids = lifecycle.reprocess_matching(database(), tenant_id=tenant_id(), statuses=(ArticleStatus.FAILED,))
    return back_to("console.failures", f"{len(article_ids)} failed articles queued for reprocessing.")
