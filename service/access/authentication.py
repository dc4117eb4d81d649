"""Who is calling: every route needs an API key unless marked public, and a view states the scope it needs.

`authenticate_request` runs before every request (deny by default: a route nobody thought about still needs a
key); `require_scope("read")` on a view method refuses keys without that scope (or without any of several:
`require_scope("metrics", "admin")`) and documents it in OpenAPI.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from service.access.keys import SCOPES, Caller, authenticate_key
from service.web.apidoc import document
from service.web.problems import abort_problem

F = TypeVar("F", bound=Callable[..., Any])

SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer ik_live_..."},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
SECURITY_REQUIREMENT: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyHeader": []}]
# The OpenAPI document and its browser UI are public so clients can discover how to authenticate; the console
# authenticates people with its own signed session instead of a key per request (service/console/session.py).
PUBLIC_BLUEPRINTS = {"api-docs", "console"}
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ingest"'}

__all__ = ["SCOPES", "Caller", "authenticate_request", "current_caller", "public", "require_scope"]


def presented_key() -> str | None:
    """The key from `Authorization: Bearer <key>`, else from `X-API-Key`."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def current_caller() -> Caller | None:
    """The caller of this request, looked up once and kept on `g` (the rate limiter asks too)."""
    if "caller" not in g:
        secret = presented_key()
        session, ttl = current_app.extensions["db"].session, current_app.config["API_KEY_CACHE_SECONDS"]
        g.caller = authenticate_key(session, secret, ttl=ttl) if secret else None
        if g.caller is not None:
            g.tenant_id = g.caller.tenant_id
    caller: Caller | None = g.caller
    return caller


def public(view: F) -> F:
    """Exempt a view (function or MethodView class) from API keys: it authenticates another way, or not at all."""
    view.auth_exempt = True  # type: ignore[attr-defined]
    return view


def is_public(endpoint: str | None) -> bool:
    if endpoint is None:
        # Routing already failed (404/405): the error reveals nothing a key would protect.
        return True
    if endpoint == "static" or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    return bool(getattr(view, "auth_exempt", False) or getattr(view_class, "auth_exempt", False))


def _unauthenticated() -> None:
    given = presented_key() is not None
    abort_problem(
        401,
        "This API key is not valid or has been revoked." if given else "Send an API key: Authorization: Bearer <key>.",
        problem_type="unauthorized",
        headers=CHALLENGE,
    )


def authenticate_request() -> None:
    """before_request: a request to a non-public route without a valid key ends here with 401."""
    if not is_public(request.endpoint) and current_caller() is None:
        _unauthenticated()


def require_scope(*scopes: str) -> Callable[[F], F]:
    """Refuse (403) callers whose key has none of `scopes`; documents the security requirement and 401/403."""
    if not scopes or not set(scopes) <= set(SCOPES):
        raise ValueError(f"unknown scope in {scopes!r}")
    named = " or ".join(f"'{scope}'" for scope in scopes)
    documented = " or ".join(f"`{scope}`" for scope in scopes)

    def decorator(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            caller = current_caller()
            if caller is None:
                _unauthenticated()
            elif caller.scopes.isdisjoint(scopes):
                abort_problem(
                    403,
                    f"This API key lacks the {named} scope.",
                    problem_type="forbidden",
                )
            return func(*args, **kwargs)

        document(
            wrapper,
            responses={401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "TOO_MANY_REQUESTS"},
            security=SECURITY_REQUIREMENT,
            note=f"Needs an API key with the {documented} scope.",
        )
        return wrapper  # type: ignore[return-value]

    return decorator
