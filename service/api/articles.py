"""Articles: submit, read one, list, and fetch the raw input."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from service import articles as article_service
from service.errors import abort_problem
from service.ingest import Submission, submission_from_json, submit
from service.schemas.articles import (
    ArticleListQuerySchema,
    ArticlePageSchema,
    ArticleSchema,
    ArticleSubmitSchema,
    SubmitOptionsSchema,
    SubmittedSchema,
)
from service.tenancy import current_tenant_id

blp = Blueprint("articles", __name__, url_prefix="/v1/articles", description="Submit and read articles.")

RAW_CONTENT_TYPES = {"text/plain": "text", "text/html": "html", "application/xhtml+xml": "html"}

SUBMIT_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": "ArticleSubmit"},
        "text/plain": {"schema": {"type": "string", "minLength": 1}},
        "text/html": {"schema": {"type": "string", "minLength": 1}},
    },
}


def session() -> Any:
    return current_app.extensions["db"].session


def read_submission(options: dict[str, Any]) -> Submission:
    """Parse the request into a Submission: a JSON document, or a raw text/HTML body with options in the query."""
    media_type = request.mimetype
    context = {"tenant_id": current_tenant_id(), "request_id": g.get("request_id")}
    if media_type == "application/json":
        if request.args:
            abort_problem(
                422,
                "With a JSON body, give url, source and the other options in the body, not the query.",
                problem_type="validation",
                errors={"query": {name: ["Not allowed with a JSON body."] for name in request.args}},
            )
        try:
            data = ArticleSubmitSchema().load(request.get_json(force=True, silent=False) or {})
        except ValidationError as error:
            abort_problem(422, _first_message(error), problem_type="validation", errors={"json": error.messages})
        return submission_from_json(data, **context)
    if media_type in RAW_CONTENT_TYPES:
        raw = request.get_data(cache=False)
        if not raw.strip():
            abort_problem(
                422,
                "The request body is empty.",
                problem_type="validation",
                errors={"body": ["The document is blank."]},
            )
        declared = options.get("format", "auto")
        return Submission(
            raw=raw,
            content_type=request.headers.get("Content-Type", media_type),
            declared_format=RAW_CONTENT_TYPES[media_type] if declared == "auto" else declared,
            source=options.get("source") or "api",
            url=options.get("url"),
            external_id=options.get("external_id"),
            published_at=options.get("published_at"),
            language=options.get("language"),
            **context,
        )
    allowed = ", ".join(["application/json", *RAW_CONTENT_TYPES])
    abort_problem(
        415,
        f"Content-Type {media_type or '(none)'} is not accepted; send one of: {allowed}.",
        problem_type="unsupported-media-type",
        headers={"Accept-Post": allowed},
    )


def _first_message(error: ValidationError) -> str:
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    field, problems = next(iter(messages.items()))
    text = problems[0] if isinstance(problems, list) and problems else problems
    return f"{field}: {text}"


@blp.route("")
class Articles(MethodView):
    @blp.doc(requestBody=SUBMIT_REQUEST_BODY)
    @blp.arguments(SubmitOptionsSchema, location="query")
    @blp.response(202, SubmittedSchema, description="Queued for processing; poll the Location or wait for a webhook.")
    @blp.alt_response(200, schema=SubmittedSchema, description="An exact duplicate of an article already stored.")
    @blp.alt_response(413, description="The body is larger than the configured limit.")
    @blp.alt_response(415, description="The Content-Type is not one we parse.")
    @blp.alt_response(422, description="The request is not valid; `errors` says which fields.")
    def post(self, options: dict[str, Any]) -> Any:
        """Submit an article as JSON, or as a raw text/plain or text/html body (options in the query)."""
        submission = read_submission(options)
        result = submit(session(), submission)
        article = result.article
        location = url_for("articles.Article", article_id=article.id)
        body = {
            "id": article.id,
            "status": article.status,
            "duplicate": result.duplicate,
            "links": article_service.links_for(article.id),
        }
        return body, 200 if result.duplicate else 202, {"Location": location}

    @blp.arguments(ArticleListQuerySchema, location="query")
    @blp.response(200, ArticlePageSchema)
    @blp.alt_response(422, description="A query parameter or the cursor is not valid.")
    def get(self, query: dict[str, Any]) -> Any:
        """List articles, newest first, one page at a time."""
        try:
            page = article_service.list_articles(session(), current_tenant_id(), **query)
        except article_service.InvalidCursor as error:
            abort_problem(422, str(error), problem_type="validation", errors={"query": {"cursor": [str(error)]}})
        items = [
            {
                "id": article.id,
                "status": article.status,
                "source": article.source,
                "url": article.url,
                "title": article.title,
                "received_at": article.received_at,
                "processed_at": article.processed_at,
                "links": article_service.links_for(article.id),
            }
            for article in page.items
        ]
        return {"items": items, "next_cursor": page.next_cursor}


@blp.route("/<string:article_id>")
class Article(MethodView):
    @blp.response(200, ArticleSchema)
    @blp.alt_response(404, description="No such article.")
    def get(self, article_id: str) -> Any:
        """Read an article: its status and, once processed, the whole parsed contract."""
        article = article_service.get_article(session(), current_tenant_id(), article_id)
        if article is None:
            abort_problem(404, f"No article with id {article_id}.", problem_type="not-found")
        return article_service.contract_document(article)


@blp.route("/<string:article_id>/raw")
class RawArticle(MethodView):
    @blp.response(200, description="The input exactly as it was received, with its original Content-Type.")
    @blp.alt_response(404, description="No such article.")
    def get(self, article_id: str) -> Response:
        """The original bytes of an article, byte for byte."""
        raw = article_service.get_raw(session(), current_tenant_id(), article_id)
        if raw is None:
            abort_problem(404, f"No article with id {article_id}.", problem_type="not-found")
        return Response(raw.body, status=200, content_type=raw.content_type)
