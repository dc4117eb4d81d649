"""Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header).

The first request with a key INSERTs a row (unique per tenant and key) and so marks the key in flight; a
concurrent request with the same key loses that INSERT and gets 409. Once the first finishes its response is
stored and, for 24 hours, the same key with the same request replays it (status, Location, body), while the
same key with a different request is 422. A request that fails with an error releases its key, so the client
can retry it. A process that dies mid-request (gunicorn timeout, OOM, deploy) cannot release it, so an in-flight
key is only held for a lease (INGEST_IDEMPOTENCY_LEASE_SECONDS); a retry after that takes it over and runs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, NoReturn, TypeVar

from flask import Response, current_app, make_response, request
from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.access.models import IdempotencyRecord, IdempotencyState
from service.access.tenancy import current_tenant_id
from service.database import current_session, utcnow
from service.web.apidoc import document
from service.web.problems import abort_problem

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Headers worth replaying; the rest (dates, rate limits, request id) belong to the replaying request.
REPLAYED_HEADERS = ("Location", "Content-Type", "ETag")
HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Any unique string (a UUID is ideal). Repeating a request with the same key within 24 h replays "
    "the first response instead of acting twice; the same key with a different body is 422, and 409 while the "
    "first request is still running.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[\\x21-\\x7e]+$"},
}


def request_fingerprint() -> str:
    """What makes two requests "the same": method, path, query, content type and body."""
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"), request.mimetype):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["IDEMPOTENCY_LEASE_SECONDS"])


def _claim(session: Session, tenant_id: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """INSERT the key as in flight; None when it already exists (then the caller looks at the existing row)."""
    now = utcnow()
    ttl = timedelta(seconds=current_app.config["IDEMPOTENCY_TTL_SECONDS"])
    record = IdempotencyRecord(
        tenant_id=tenant_id,
        key=key,
        request_fingerprint=fingerprint,
        state=IdempotencyState.IN_FLIGHT,
        created_at=now,
        expires_at=now + ttl,
        locked_until=now + _lease(),
    )
    session.add(record)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return record


def _take_over(session: Session, record: IdempotencyRecord) -> IdempotencyRecord | None:
    """Renew the lease of an in-flight key whose holder's lease lapsed; None when another request holds it."""
    now = utcnow()
    lapsed = or_(
        IdempotencyRecord.locked_until < now,
        and_(IdempotencyRecord.locked_until.is_(None), IdempotencyRecord.created_at < now - _lease()),
    )
    # Conditional, so of several retries finding the same lapsed lease exactly one UPDATE matches.
    result = session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == record.id, IdempotencyRecord.state == IdempotencyState.IN_FLIGHT, lapsed)
        .values(locked_until=now + _lease())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(record)
    log.warning("idempotency key %s taken over: its previous request's lease lapsed", record.id)
    return record


def _existing(session: Session, tenant_id: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.tenant_id == tenant_id, IdempotencyRecord.key == key)
    )


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body or b"", status=record.response_status or 200)
    for name, value in (record.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _held(record_id: int, held_until: datetime | None) -> ColumnElement[bool]:
    """Still ours: nobody took the key over since we claimed it (a takeover renews locked_until)."""
    return and_(IdempotencyRecord.id == record_id, IdempotencyRecord.locked_until == held_until)


def _release(session: Session, record_id: int, held_until: datetime | None) -> None:
    session.rollback()
    session.execute(delete(IdempotencyRecord).where(_held(record_id, held_until)))
    session.commit()


def _abort_in_flight() -> NoReturn:
    """409: the first request with this key has not finished (or vanished a moment ago); try again shortly."""
    abort_problem(
        409,
        f"A request with this {HEADER} is still being processed; retry shortly.",
        problem_type="idempotency-in-flight",
        headers={"Retry-After": "1"},
    )


def run_idempotently(key: str, handler: Callable[[], Any]) -> Response:
    """Run the request once per (tenant, key); replay, refuse (422) or report in flight (409) otherwise."""
    if not 0 < len(key) <= MAX_KEY_LENGTH or not all(0x21 <= ord(char) <= 0x7E for char in key):
        abort_problem(
            400,
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters.",
            problem_type="invalid-idempotency-key",
        )
    session = current_session()
    tenant_id = current_tenant_id()
    fingerprint = request_fingerprint()
    record = _claim(session, tenant_id, key, fingerprint)
    if record is None:
        existing = _existing(session, tenant_id, key)
        if existing is not None and existing.expires_at <= utcnow():
            # Expired: forget it and take the key afresh.
            session.delete(existing)
            session.commit()
            existing = None
            record = _claim(session, tenant_id, key, fingerprint)
        if record is None:
            if existing is None:
                # It vanished between our INSERT and SELECT (released by a failed first request): retry later.
                _abort_in_flight()
            if existing.request_fingerprint != fingerprint:
                abort_problem(
                    422,
                    f"This {HEADER} was already used for a different request; use a new key for a new request.",
                    problem_type="idempotency-key-reused",
                )
            if existing.state != IdempotencyState.IN_FLIGHT:
                return _replay(existing)
            record = _take_over(session, existing)
            if record is None:
                _abort_in_flight()
    record_id, held_until = record.id, record.locked_until
    try:
        response = make_response(handler())
    except BaseException:
        _release(session, record_id, held_until)
        raise
    if response.status_code >= 500:
        _release(session, record_id, held_until)
        return response
    # Conditional: a request that outlived its lease and was taken over leaves the key to the one that took it.
    session.execute(
        update(IdempotencyRecord)
        .where(_held(record_id, held_until))
        .values(
            state=IdempotencyState.DONE,
            locked_until=None,
            response_status=response.status_code,
            response_headers={name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers},
            response_body=response.get_data(),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return response


def idempotent(func: F) -> F:
    """Decorate a POST view: honour the Idempotency-Key header when the client sends one."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return func(*args, **kwargs)
        return run_idempotently(key, lambda: func(*args, **kwargs))

    responses = {400: "BAD_REQUEST", 409: "CONFLICT", 422: "UNPROCESSABLE_ENTITY"}
    document(wrapper, responses=responses, parameters=(HEADER_DOC,))
    return wrapper  # type: ignore[return-value]


def purge_expired_keys(session: Session, *, now: datetime) -> int:
    """Delete keys past their lifetime at `now` (a periodic task calls this)."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
