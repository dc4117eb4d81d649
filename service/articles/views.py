"""Articles: submit one or a batch, read one or a page (with search), reprocess, delete, fetch the raw input."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, g
from flask.views import MethodView

from service.access import require_scope
from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id, owned_or_404
from service.articles import contract, lifecycle, negotiation, queries
from service.articles.models import Article as ArticleRow
from service.articles.schemas import (
    ALWAYS_SELECTED,
    ArticleListQuerySchema,
    ArticlePageSchema,
    ArticleReadQuerySchema,
    ArticleSchema,
    BatchResultSchema,
    ReprocessSchema,
    SubmitOptionsSchema,
    SubmittedSchema,
)
from service.articles.submit import BatchOutcome, submit_many
from service.database import current_session
from service.web.blueprint import Blueprint
from service.web.dumping import compile_dump, json_body
from service.web.problems import abort_problem, not_found

blp = Blueprint("articles", __name__, url_prefix=contract.ARTICLES_PATH, description="Submit and read articles.")

SUBMIT_REQUEST_BODY = {
    "required": True,
    "content": {
        negotiation.JSON: {"schema": "ArticleSubmit"},
        "text/plain": {"schema": {"type": "string", "minLength": 1}},
        "text/html": {"schema": {"type": "string", "minLength": 1}},
    },
}
BATCH_REQUEST_BODY = {
    "required": True,
    "content": {
        # Items are not constrained here on purpose: each should be an ArticleSubmit, and one that is not is
        # refused alone in its own result while the batch as a whole is still accepted.
        negotiation.JSON: {
            "schema": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {"description": "An ArticleSubmit object (see that schema); a bad item gets its own 4xx."},
            }
        },
        negotiation.NDJSON: {
            "schema": {"type": "string", "minLength": 1, "description": "One ArticleSubmit object per line."}
        },
    },
}


# What ArticleSchema().dump gives, without marshmallow's calls per value: a read's largest cost otherwise.
dump_article = compile_dump(ArticleSchema())


def location(article_id: str) -> dict[str, str]:
    return {"Location": contract.links(article_id)["self"]}


@blp.route("")
class Articles(MethodView):
    @require_scope("ingest")
    @idempotent
    @blp.doc(requestBody=SUBMIT_REQUEST_BODY)
    @blp.arguments(SubmitOptionsSchema(), location="query")
    @blp.response(202, SubmittedSchema, description="Queued for processing; poll the Location or wait for a webhook.")
    @blp.alt_response(200, schema=SubmittedSchema, description="An exact duplicate of an article already stored.")
    @blp.alt_response(413, description="The body is larger than the configured limit.")
    @blp.alt_response(415, description="The Content-Type is not one we parse.")
    @blp.alt_response(422, description="The request is not valid; `errors` says which fields.")
    def post(self, options: dict[str, Any]) -> Any:
        """Submit an article as JSON, or as a raw text/plain or text/html body (options in the query)."""
        # Stored together with whatever other requests submit at the same moment (one commit for all of them).
        result = current_app.extensions["group_commit"].submit(current_session(), negotiation.read_submission(options))
        answer = {**contract.identity(result.article), "duplicate": result.duplicate}
        return answer, 200 if result.duplicate else 202, location(result.article.id)

    @require_scope("read")
    @blp.arguments(ArticleListQuerySchema(), location="query")
    @blp.response(200, ArticlePageSchema)
    @blp.alt_response(422, description="A query parameter or the cursor is not valid.")
    def get(self, query: dict[str, Any]) -> Any:
        """List and search articles, newest first, one page at a time."""
        try:
            page = queries.list_articles(current_session(), current_tenant_id(), **query)
        except queries.InvalidCursor as error:
            abort_problem(422, str(error), problem_type="validation", errors={"query": {"cursor": [str(error)]}})
        return {"items": [contract.summary(article) for article in page.items], "next_cursor": page.next_cursor}


def _batch_entry(outcome: BatchOutcome) -> dict[str, Any]:
    if outcome.problem is not None:
        return {"index": outcome.index, "status": outcome.problem["status"], "problem": outcome.problem}
    assert outcome.article is not None
    return {
        "index": outcome.index,
        "status": 200 if outcome.duplicate else 202,
        "id": outcome.article.id,
        "duplicate": outcome.duplicate,
        "links": contract.links(outcome.article.id),
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
        valid, refused = negotiation.read_batch(current_app.config["BATCH_MAX_ITEMS"])
        stored = submit_many(current_session(), valid, current_app.config["BATCH_CHUNK_SIZE"]) if valid else []
        entries = [_batch_entry(outcome) for outcome in sorted([*refused, *stored], key=lambda item: item.index)]
        summary = {
            "submitted": sum(entry["status"] == 202 for entry in entries),
            "duplicates": sum(entry["status"] == 200 for entry in entries),
            "failed": sum(entry["status"] >= 400 for entry in entries),
        }
        return {"items": entries, "summary": summary}


@blp.route("/<string:article_id>")
class Article(MethodView):
    @require_scope("read")
    @blp.etag
    @blp.arguments(ArticleReadQuerySchema(), location="query")
    @blp.response(200, ArticleSchema)
    @blp.alt_response(404, description="No such article.")
    @blp.alt_response(422, description="`fields` names a part the article does not have.")
    def get(self, query: dict[str, Any], article_id: str) -> Any:
        """Read an article: its status and, once processed, the whole parsed contract (or the `fields` chosen)."""
        document = contract.document(owned_or_404(ArticleRow, article_id))
        if selected := query.get("selected"):
            wanted = set(selected) | set(ALWAYS_SELECTED)
            document = {key: value for key, value in document.items() if key in wanted}
        # A Response passes through the response decorator (which still documents ArticleSchema), so the article is
        # dumped and encoded once, and its ETag is the digest of exactly the bytes sent.
        body = json_body(dump_article(document))
        blp.set_etag(hashlib.sha1(body, usedforsecurity=False).hexdigest())
        return Response(body, mimetype="application/json")

    @require_scope("ingest")
    @blp.response(204, description="Deleted, with its raw input.")
    @blp.alt_response(404, description="No such article.")
    def delete(self, article_id: str) -> Any:
        """Delete an article and its raw input."""
        lifecycle.delete_article(current_session(), owned_or_404(ArticleRow, article_id))
        return Response(status=204)


@blp.route("/<string:article_id>/reprocess")
class ReprocessArticle(MethodView):
    @require_scope("ingest")
    @idempotent
    @blp.response(202, ReprocessSchema, description="Queued to run the current pipeline on the stored raw input.")
    @blp.alt_response(404, description="No such article.")
    def post(self, article_id: str) -> Any:
        """Run the current pipeline again on the article's stored raw input."""
        article = owned_or_404(ArticleRow, article_id)
        queued = lifecycle.request_reprocessing(current_session(), article, g.get("request_id"))
        return {**contract.identity(article), "queued": queued}, 202, location(article.id)


@blp.route("/<string:article_id>/raw")
class RawArticle(MethodView):
    @require_scope("read")
    @blp.response(200, description="The input exactly as it was received, with its original Content-Type.")
    @blp.alt_response(404, description="No such article.")
    def get(self, article_id: str) -> Response:
        """The original bytes of an article, byte for byte."""
        raw = queries.get_raw(current_session(), current_tenant_id(), article_id)
        if raw is None:
            not_found("article", article_id)
        return Response(raw.body, status=200, content_type=raw.content_type)
