"""Security headers: the defaults every response gets, and the stricter set of the pages a browser renders (the
console, /docs): what they may load, and that nothing may frame them."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

# Only our own origin: no inline script or style, no other host, no framing, forms post only to us.
STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def protect_page(response: Any, policy: str = STRICT_POLICY) -> Any:
    """Add the Content-Security-Policy and the headers that keep a page from being sniffed, framed or cached."""
    response.headers["Content-Security-Policy"] = policy
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# An API answer is data, never a page: if a browser renders one anyway (an HTML article's /raw), it may run and
# load nothing.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
DEFAULT_HEADERS = {
    "Content-Security-Policy": API_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def add_default_headers(response: Response) -> Response:
    """Defaults, never overrides: a page that set its own policy (protect_page) keeps it."""
    for name, value in DEFAULT_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def configure_security_headers(app: Flask) -> None:
    app.after_request(add_default_headers)
