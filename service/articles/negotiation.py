"""Reading submissions off an HTTP request: a JSON document, or a raw text/HTML body with its options in the query;
a batch as a JSON array or as NDJSON, where a bad item is refused alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from flask import g, request
from marshmallow import ValidationError

from service.access.tenancy import current_tenant_id
from service.articles.binary import binary_reason
from service.articles.schemas import ArticleSubmitSchema
from service.articles.submit import CONTENT_TYPE_LENGTH, DEFAULT_SOURCE, BatchOutcome, Submission, submission_from_json
from service.web.json_bodies import JsonBodyError, json_from, load_json
from service.web.problems import abort_problem, first_message, problem

RAW_CONTENT_TYPES = {"text/plain": "text", "text/html": "html", "application/xhtml+xml": "html"}
JSON = "application/json"
NDJSON = "application/x-ndjson"

SUBMIT_SCHEMA = ArticleSubmitSchema()


def _context() -> dict[str, Any]:
    return {"tenant_id": current_tenant_id(), "request_id": g.get("request_id")}


def _unsupported(accepted: list[str]) -> NoReturn:
    allowed = ", ".join(accepted)
    abort_problem(
        415,
        f"Content-Type {request.mimetype or '(none)'} is not accepted; send one of: {allowed}.",
        problem_type="unsupported-media-type",
        headers={"Accept-Post": allowed},
    )


def _refuse(detail: str, errors: dict[str, Any]) -> NoReturn:
    abort_problem(422, detail, problem_type="validation", errors=errors)


def read_submission(options: dict[str, Any]) -> Submission:
    """Parse the request into a Submission: a JSON document, or a raw text/HTML body with options in the query."""
    media_type = request.mimetype
    if media_type == JSON:
        if request.args:
            _refuse(
                "With a JSON body, give url, source and the other options in the body, not the query.",
                {"query": {name: ["Not allowed with a JSON body."] for name in request.args}},
            )
        try:
            data = SUBMIT_SCHEMA.load(json_from(request.get_data(cache=False)))
        except ValidationError as error:
            _refuse(first_message(error.messages), {"json": error.messages})
        submission = submission_from_json(data, **_context())
        if errors := _binary_field(submission, data):
            _refuse(first_message(errors), {"json": errors})
        return submission
    if media_type not in RAW_CONTENT_TYPES:
        _unsupported([JSON, *RAW_CONTENT_TYPES])
    raw = request.get_data(cache=False)
    if not raw.strip():
        _refuse("The request body is empty.", {"body": ["The document is blank."]})
    content_type = request.headers.get("Content-Type", media_type)
    if len(content_type) > CONTENT_TYPE_LENGTH:
        _refuse(
            f"The Content-Type header is longer than {CONTENT_TYPE_LENGTH} characters.",
            {"headers": {"Content-Type": [f"Longer than {CONTENT_TYPE_LENGTH} characters."]}},
        )
    if reason := binary_reason(raw, content_type):
        abort_problem(415, reason, problem_type="binary-content", errors={"body": [reason]})
    declared = options.get("format", "auto")
    return Submission(
        raw=raw,
        content_type=content_type,
        declared_format=RAW_CONTENT_TYPES[media_type] if declared == "auto" else declared,
        source=options.get("source") or DEFAULT_SOURCE,
        url=options.get("url"),
        external_id=options.get("external_id"),
        published_at=options.get("published_at"),
        language=options.get("language"),
        **_context(),
    )


def _binary_field(submission: Submission, data: dict[str, Any]) -> dict[str, list[str]]:
    """{field: [reason]} when the text or html given in JSON is binary data in disguise (control characters)."""
    reason = binary_reason(submission.raw, submission.content_type)
    return {"html" if "html" in data else "text": [reason]} if reason else {}


@dataclass
class UnreadableLine:
    """An NDJSON line that is not JSON: it becomes that item's 400, the other lines go on."""

    detail: str


def _batch_items() -> list[Any]:
    if request.mimetype == JSON:
        data = json_from(request.get_data(cache=False))
        if not isinstance(data, list):
            abort_problem(422, "A JSON batch is an array of articles.", problem_type="validation")
        return data
    if request.mimetype != NDJSON:
        _unsupported([JSON, NDJSON])
    items: list[Any] = []
    for line in request.get_data().splitlines():
        if not line.strip():
            continue
        try:
            items.append(load_json(line))
        except JsonBodyError as error:
            items.append(UnreadableLine(f"This line is not JSON: {error}"))
    return items


def read_batch(max_items: int) -> tuple[list[tuple[int, Submission]], list[BatchOutcome]]:
    """The batch's valid submissions with their positions, and an outcome with its problem for each refused item."""
    items = _batch_items()
    if not items or len(items) > max_items:
        abort_problem(
            422, f"A batch holds 1 to {max_items} articles; this one has {len(items)}.", problem_type="validation"
        )
    context = _context()
    valid: list[tuple[int, Submission]] = []
    refused: list[BatchOutcome] = []
    for index, item in enumerate(items):
        if isinstance(item, UnreadableLine):
            refused.append(BatchOutcome(index, problem=problem(400, item.detail, problem_type="validation")))
        elif not isinstance(item, dict):
            refused.append(
                BatchOutcome(index, problem=problem(422, "Each item is an article object.", problem_type="validation"))
            )
        else:
            try:
                data = SUBMIT_SCHEMA.load(item)
            except ValidationError as error:
                messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
                item_problem = problem(422, first_message(messages), problem_type="validation", errors=messages)
                refused.append(BatchOutcome(index, problem=item_problem))
                continue
            submission = submission_from_json(data, **context)
            if binary := _binary_field(submission, data):
                item_problem = problem(422, first_message(binary), problem_type="validation", errors=binary)
                refused.append(BatchOutcome(index, problem=item_problem))
                continue
            valid.append((index, submission))
    return valid, refused
