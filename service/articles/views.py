"""Articles: submit one or a batch, read one or a page (with search), reprocess, delete, fetch the raw input."""

from __future__ import annotations

import hashlib
import json
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, g, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError

from service.access import require_scope
from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id
from service.articles import queries as article_service
from service.articles.schemas import (
    ALWAYS_SELECTED,
    ArticleListQuerySchema,
    ArticlePageSchema,
    ArticleReadQuerySchema,
    ArticleSchema,
    ArticleSubmitSchema,
    BatchResultSchema,
    ReprocessSchema,
    SubmitOptionsSchema,
    SubmittedSchema,
)
from service.articles.submit import (
    CONTENT_TYPE_LENGTH,
    BatchOutcome,
    Submission,
    submission_from_json,
    submit,
    submit_many,
)
from service.web.problems import PROBLEM_TYPE_BASE, abort_problem

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


NDJSON = "application/x-ndjson"
BATCH_REQUEST_BODY = {
    "required": True,
    "content": {
        # Items are not constrained here on purpose: each should be an ArticleSubmit, and one that is not is
        # refused alone in its own result while the batch as a whole is still accepted.
        "application/json": {
            "schema": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {"description": "An ArticleSubmit object (see that schema); a bad item gets its own 4xx."},
            }
        },
        NDJSON: {"schema": {"type": "string", "minLength": 1, "description": "One ArticleSubmit object per line."}},
    },
}
ARTICLE_SCHEMA = ArticleSchema()
SUBMIT_SCHEMA = ArticleSubmitSchema()


def session() -> Any:
    return current_app.extensions["db"].session


def article_or_404(article_id: str) -> Any:
    article = article_service.get_article(session(), current_tenant_id(), article_id)
    if article is None:
        abort_problem(404, f"No article with id {article_id}.", problem_type="not-found")
    return article


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
        content_type = request.headers.get("Content-Type", media_type)
        if len(content_type) > CONTENT_TYPE_LENGTH:
            abort_problem(
                422,
                f"The Content-Type header is longer than {CONTENT_TYPE_LENGTH} characters.",
                problem_type="validation",
                errors={"headers": {"Content-Type": [f"Longer than {CONTENT_TYPE_LENGTH} characters."]}},
            )
        declared = options.get("format", "auto")
        return Submission(
            raw=raw,
            content_type=content_type,
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
    @require_scope("ingest")
    @idempotent
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

    @require_scope("read")
    @blp.arguments(ArticleListQuerySchema, location="query")
    @blp.response(200, ArticlePageSchema)
    @blp.alt_response(422, description="A query parameter or the cursor is not valid.")
    def get(self, query: dict[str, Any]) -> Any:
        """List and search articles, newest first, one page at a time."""
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


def _item_problem(status: int, detail: str, errors: dict[str, Any] | None = None) -> dict[str, Any]:
    problem = {
        "type": PROBLEM_TYPE_BASE + "validation",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        problem["errors"] = errors
    return problem


class UnreadableLine:
    """An NDJSON line that is not JSON: it becomes that item's 400, the other lines go on."""

    def __init__(self, detail: str) -> None:
        self.problem = _item_problem(400, detail)


def read_batch_items() -> list[Any]:
    """The raw items of a batch: a JSON array, or NDJSON with one object per line (a bad line is that item's 400)."""
    if request.mimetype == "application/json":
        data = request.get_json(force=True, silent=False)
        if not isinstance(data, list):
            abort_problem(422, "A JSON batch is an array of articles.", problem_type="validation")
        return data
    if request.mimetype == NDJSON:
        items: list[Any] = []
        for line in request.get_data().splitlines():
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except ValueError as error:
                items.append(UnreadableLine(f"This line is not JSON: {error}"))
        return items
    abort_problem(
        415,
        f"Content-Type {request.mimetype or '(none)'} is not accepted; send application/json or {NDJSON}.",
        problem_type="unsupported-media-type",
        headers={"Accept-Post": f"application/json, {NDJSON}"},
    )


def _batch_entry(outcome: BatchOutcome) -> dict[str, Any]:
    if outcome.problem is not None:
        return {"index": outcome.index, "status": outcome.problem["status"], "problem": outcome.problem}
    assert outcome.article is not None
    return {
        "index": outcome.index,
        "status": 200 if outcome.duplicate else 202,
        "id": outcome.article.id,
        "duplicate": outcome.duplicate,
        "links": article_service.links_for(outcome.article.id),
    }


@blp.route("/batch")
class ArticleBatch(MethodView):
    @require_scope("ingest")
    @idempotent
    @blp.doc(requestBody=BATCH_REQUEST_BODY)
    @blp.response(200, BatchResultSchema, description="One result per item, in order; a bad item fails alone.")
    @blp.alt_response(413, description="The body is larger than the configured limit.")
    @blp.alt_response(415, description="The Content-Type is not JSON or NDJSON.")
    @blp.alt_response(422, description="The body is not an array, is empty, or has too many items.")
    def post(self) -> Any:
        """Submit up to 1,000 articles at once, as a JSON array or as NDJSON."""
        items = read_batch_items()
        limit = current_app.config["BATCH_MAX_ITEMS"]
        if not items or len(items) > limit:
            abort_problem(
                422, f"A batch holds 1 to {limit} articles; this one has {len(items)}.", problem_type="validation"
            )
        context = {"tenant_id": current_tenant_id(), "request_id": g.get("request_id")}
        refused: list[BatchOutcome] = []
        valid: list[tuple[int, Submission]] = []
        for index, item in enumerate(items):
            if isinstance(item, UnreadableLine):
                refused.append(BatchOutcome(index, problem=item.problem))
                continue
            if not isinstance(item, dict):
                refused.append(BatchOutcome(index, problem=_item_problem(422, "Each item is an article object.")))
                continue
            try:
                data = SUBMIT_SCHEMA.load(item)
            except ValidationError as error:
                messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
                refused.append(BatchOutcome(index, problem=_item_problem(422, _first_message(error), messages)))
                continue
            valid.append((index, submission_from_json(data, **context)))
        stored = submit_many(session(), valid, current_app.config["BATCH_CHUNK_SIZE"]) if valid else []
        outcomes = sorted([*refused, *stored], key=lambda outcome: outcome.index)
        entries = [_batch_entry(outcome) for outcome in outcomes]
        summary = {
            "submitted": sum(entry["status"] == 202 for entry in entries),
            "duplicates": sum(entry["status"] == 200 for entry in entries),
            "failed": sum(entry["status"] >= 400 for entry in entries),
        }
        return {"items": entries, "summary": summary}


def etag_of(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:32]


@blp.route("/<string:article_id>")
class Article(MethodView):
    @require_scope("read")
    @blp.arguments(ArticleReadQuerySchema, location="query")
    @blp.response(
        200,
        ArticleSchema,
        headers={"ETag": {"description": "Send it back as If-None-Match.", "schema": {"type": "string"}}},
    )
    @blp.alt_response(304, description="Not modified since the ETag given in If-None-Match.")
    @blp.alt_response(404, description="No such article.")
    @blp.alt_response(422, description="`fields` names a part the article does not have.")
    def get(self, query: dict[str, Any], article_id: str) -> Any:
        """Read an article: its status and, once processed, the whole parsed contract (or the `fields` chosen)."""
        document = article_service.contract_document(article_or_404(article_id))
        if selected := query.get("selected"):
            wanted = set(selected) | set(ALWAYS_SELECTED)
            document = {key: value for key, value in document.items() if key in wanted}
        body = ARTICLE_SCHEMA.dump(document)
        etag = etag_of(body)
        if request.if_none_match.contains(etag):
            return Response(status=304, headers={"ETag": f'"{etag}"'})
        response = current_app.json.response(body)
        response.headers["ETag"] = f'"{etag}"'
        return response

    @require_scope("ingest")
    @blp.response(204, description="Deleted, with its raw input.")
    @blp.alt_response(404, description="No such article.")
    def delete(self, article_id: str) -> Any:
        """Delete an article and its raw input."""
        article_service.delete_article(session(), article_or_404(article_id))
        return Response(status=204)


@blp.route("/<string:article_id>/reprocess")
class ReprocessArticle(MethodView):
    @require_scope("ingest")
    @idempotent
    @blp.response(202, ReprocessSchema, description="Queued to run the current pipeline on the stored raw input.")
    @blp.alt_response(404, description="No such article.")
    def post(self, article_id: str) -> Any:
        """Run the current pipeline again on the article's stored raw input."""
        from service.articles.submit import enqueue_processing

        article = article_or_404(article_id)
        queued = article_service.request_reprocessing(session(), article)
        if queued:
            enqueue_processing(article.id, request_id=g.get("request_id"), reprocess=True)
        location = url_for("articles.Article", article_id=article.id)
        body = {
            "id": article.id,
            "status": article.status,
            "queued": queued,
            "links": article_service.links_for(article.id),
        }
        return body, 202, {"Location": location}


@blp.route("/<string:article_id>/raw")
class RawArticle(MethodView):
    @require_scope("read")
    @blp.response(200, description="The input exactly as it was received, with its original Content-Type.")
    @blp.alt_response(404, description="No such article.")
    def get(self, article_id: str) -> Response:
        """The original bytes of an article, byte for byte."""
        raw = article_service.get_raw(session(), current_tenant_id(), article_id)
        if raw is None:
            abort_problem(404, f"No article with id {article_id}.", problem_type="not-found")
        return Response(raw.body, status=200, content_type=raw.content_type)
