"""Rate limits per API key (Flask-Limiter), answered as 429 problems with Retry-After and RateLimit-* headers.

When the limit store (Redis) is unreachable the API fails open to per-process in-memory counting: requests are
still served and still limited per process, a warning is logged and ingest_rate_limit_storage_errors_total counts
it. Flask-Limiter probes the store again with backoff and returns to it once it answers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter

from service.access.authentication import current_caller
from service.ops import metrics

log = logging.getLogger(__name__)


# Probes are polled by orchestrators and the OpenAPI document is static: neither is limited. Other public routes
# (the inbound webhook, which checks signatures instead of keys) are limited per client address.
UNLIMITED_ENDPOINTS = {"ops.Liveness", "ops.Readiness"}


def is_unlimited() -> bool:
    endpoint = request.endpoint
    return endpoint is None or endpoint in UNLIMITED_ENDPOINTS or endpoint.startswith("api-docs.")


def rate_limit_key() -> str:
    """The key's id once known; before that (a bad or missing key) the client address, so guessing is limited too."""
    caller = current_caller()
    return f"key:{caller.key_id}" if caller else f"addr:{request.remote_addr}"


class _StorageErrorCounter(logging.Handler):
    """Flask-Limiter reports an unreachable store only by logging; count those records as a metric."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            metrics.RATE_LIMIT_STORAGE_ERRORS.inc()


def configure_rate_limits(app: Flask) -> Limiter:
    # Registers the ingest-sqlite:// storage the embedded default counts in (see its module).
    from service.access import limit_storage  # noqa: F401

    limiter = Limiter(
        rate_limit_key,
        default_limits=[app.config["RATE_LIMIT"]],
        default_limits_exempt_when=is_unlimited,
        storage_uri=app.config["RATE_LIMIT_STORAGE_URL"],
        storage_options={"socket_timeout": 1, "socket_connect_timeout": 1},
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        # Our own headers below: the IETF draft's RateLimit-* names with a delta-seconds reset.
        headers_enabled=False,
        key_prefix="ingest",
    )
    limiter.init_app(app)
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(handler, _StorageErrorCounter) for handler in limiter_log.handlers):
        limiter_log.addHandler(_StorageErrorCounter())
    app.extensions["ingest_limiter"] = limiter

    @app.after_request
    def add_rate_limit_headers(response: Any) -> Any:
        try:
            current = limiter.current_limit
            if current is None:
                return response
            reset_in = max(0, int(current.reset_at - time.time()))
            response.headers["RateLimit-Limit"] = str(current.limit.amount)
            response.headers["RateLimit-Remaining"] = str(current.remaining)
            response.headers["RateLimit-Reset"] = str(reset_in)
            response.headers["RateLimit-Policy"] = f"{current.limit.amount};w={current.limit.get_expiry()}"
            if response.status_code == 429:
                response.headers["Retry-After"] = str(max(1, reset_in))
        except Exception as error:  # the store went away between the check and now: headers are optional
            metrics.RATE_LIMIT_STORAGE_ERRORS.inc()
            log.warning("rate limit headers unavailable: %s", error)
        return response

    return limiter
