"""Headers for the pages a browser renders (the console, /docs): what they may load, and that nothing may frame them."""

from __future__ import annotations

from typing import Any

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
