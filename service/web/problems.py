"""Every error as RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, NoReturn

from flask import Response, current_app, g, json, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

log = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ingest.example/problems/"
# The database cannot be reached (down, restarting, out of connections): the request may succeed if retried.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
DATABASE_RETRY_AFTER_SECONDS = 5
# A type for the errors Flask and Werkzeug raise themselves, so no error answers with about:blank.
GENERIC_TYPES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    429: "rate-limited",
}


class Problem(HTTPException):
    """An HTTP error with a problem type, a detail for the client and optional field-level errors."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        problem_type: str | None = None,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.problem_type = problem_type
        self.errors = errors
        self.extra_headers = headers or {}


def abort_problem(status: int, detail: str, **kwargs: Any) -> NoReturn:
    raise Problem(status, detail, **kwargs)


def not_found(kind: str, identifier: str) -> NoReturn:
    """404 for a resource the caller's tenant does not have (whether or not another tenant does)."""
    abort_problem(404, f"No {kind} with id {identifier}.", problem_type="not-found")


def problem(
    status: int, detail: str | None, *, problem_type: str | None = None, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The problem document itself: a response body, or one item's result inside a batch."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem_type if problem_type else "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def first_message(messages: Any) -> str:
    """One readable sentence out of marshmallow's messages: the first field and its first problem."""
    messages = messages if isinstance(messages, dict) else {"_schema": messages}
    field, problems = next(iter(messages.items()))
    text = problems[0] if isinstance(problems, list) and problems else problems
    return f"{field}: {text}"


def problem_response(
    status: int,
    detail: str | None,
    *,
    problem_type: str | None = None,
    errors: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the problem+json response."""
    body = problem(status, detail, problem_type=problem_type, errors=errors)
    body["instance"] = request.path
    if request_id := g.get("request_id"):
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _validation_detail(errors: dict[str, Any]) -> str:
    """One readable sentence out of webargs' {location: {field: [messages]}}."""
    parts = []
    for location, fields in errors.items():
        if isinstance(fields, dict):
            for field, messages in fields.items():
                text = messages[0] if isinstance(messages, list) and messages else messages
                where = field if location in ("json", "form") else f"{location} {field}"
                parts.append(f"{where}: {text}")
    return "; ".join(parts) or "The request is not valid."


def handle_http_exception(error: HTTPException) -> Response:
    """Turn any HTTPException (ours, Flask's, webargs' 422) into a problem; a 304 stays an empty 304."""
    status = error.code or 500
    if status == 304:
        return not_modified()
    if isinstance(error, Problem):
        return problem_response(
            status,
            error.description,
            problem_type=error.problem_type,
            errors=error.errors,
            headers=error.extra_headers,
        )
    data = getattr(error, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    headers = dict(data.get("headers") or {})
    if errors:
        return problem_response(
            status, _validation_detail(errors), problem_type="validation", errors=errors, headers=headers
        )
    if isinstance(error, InternalServerError):
        return problem_response(500, "The server failed to handle this request; it has been logged.")
    if isinstance(error, RequestEntityTooLarge):
        return too_large()
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            headers[name] = value
    detail = data.get("message") or error.description
    return problem_response(status, detail, problem_type=GENERIC_TYPES.get(status), headers=headers)


def too_large() -> Response:
    """413 naming the limit, whether the body declared its length or was sent in chunks."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    detail = f"The body is larger than the limit of {limit:,} bytes; nothing was stored."
    return problem_response(413, detail, problem_type="too-large", errors={"body": [f"Larger than {limit} bytes."]})


def handle_database_unavailable(error: Exception) -> Response:
    """503 with Retry-After while the database is away: the client's retry is the right move, not a bug report."""
    log.warning("database unavailable: %s", str(error).splitlines()[0] if str(error) else type(error).__name__)
    return problem_response(
        503,
        "The database is unavailable; nothing was stored. Retry after the delay in Retry-After.",
        problem_type="database-unavailable",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def not_modified() -> Response:
    """304 for a conditional GET whose If-None-Match named the current ETag (which the response names again)."""
    response = Response(status=304)
    if len(request.if_none_match.as_set()) == 1:
        response.set_etag(next(iter(request.if_none_match.as_set())))
    return response


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, DATABASE_UNAVAILABLE):
        return handle_database_unavailable(error)
    log.exception("unhandled error", exc_info=error)
    return problem_response(500, "The server failed to handle this request; it has been logged.")
