"""Rate limits per API key (Flask-Limiter), answered as 429 problems with Retry-After and RateLimit-* headers.

When the limit store (Redis) is unreachable the API fails open to per-process in-memory counting: requests are
still served and still limited per process, a warning is logged and ingest_rate_limit_storage_errors_total counts
it. Flask-Limiter probes the store again with backoff and returns to it once it answers.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, g, request
from flask_limiter import Limiter
from limits import RateLimitItem
from limits.storage import RedisStorage
from limits.strategies import STRATEGIES, FixedWindowRateLimiter
from limits.typing import RedisClient
from limits.util import WindowStats

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


# INCRBY, EXPIRE on the first hit of a window, and what the headers need: one round trip instead of three.
INCR_EXPIRE_WINDOW = """
local current = redis.call("incrby", KEYS[1], ARGV[2])
if tonumber(current) == tonumber(ARGV[2]) then
    redis.call("expire", KEYS[1], ARGV[1])
end
return {current, redis.call("pttl", KEYS[1])}
"""
STRATEGY = "fixed-window-one-trip"


class OneTripFixedWindow(FixedWindowRateLimiter):
    """Flask-Limiter's fixed window, whose hit also reads back the window it counted in, so the RateLimit-* headers
    of the same request need no further round trip to Redis (before: a hit, then a GET and a TTL)."""

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        key = item.key_for(*identifiers)
        if isinstance(self.storage, RedisStorage):
            count, expires_in_ms = self._script(self.storage.get_connection())(
                [self.storage.prefixed_key(key)], [item.get_expiry(), cost]
            )
            reset_at = time.time() + max(int(expires_in_ms), 0) / 1000
        else:  # the in-process store (the embedded default, or the fallback while Redis is away): nothing to save
            count = self.storage.incr(key, item.get_expiry(), amount=cost)
            reset_at = self.storage.get_expiry(key)
        g.setdefault("rate_limit_windows", {})[key] = WindowStats(reset_at, max(0, item.amount - int(count)))
        return int(count) <= item.amount

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        seen: WindowStats | None = g.get("rate_limit_windows", {}).get(item.key_for(*identifiers))
        return seen if seen is not None else super().get_window_stats(item, *identifiers)

    def _script(self, connection: RedisClient) -> Any:
        script = getattr(self, "_incr_expire_window", None)
        if script is None:
            script = self._incr_expire_window = connection.register_script(INCR_EXPIRE_WINDOW.encode())
        return script


class _StorageErrorCounter(logging.Handler):
    """Flask-Limiter reports an unreachable store only by logging; count those records as a metric."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            metrics.RATE_LIMIT_STORAGE_ERRORS.inc()


def configure_rate_limits(app: Flask) -> Limiter:
    STRATEGIES[STRATEGY] = OneTripFixedWindow
    # Registers the ingest-sqlite:// storage the embedded default counts in (see its module).
    from service.access import limit_storage  # noqa: F401

    limiter = Limiter(
        rate_limit_key,
        default_limits=[app.config["RATE_LIMIT"]],
        default_limits_exempt_when=is_unlimited,
        storage_uri=app.config["RATE_LIMIT_STORAGE_URL"],
        storage_options={"socket_timeout": 1, "socket_connect_timeout": 1},
        strategy=STRATEGY,
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
