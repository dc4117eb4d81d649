"""Security headers on every response: nothing sniffed, framed or leaking its URL; JSON answers may load nothing.

A page that sets its own Content-Security-Policy (the console) keeps it: these are defaults, never overrides.
"""

from __future__ import annotations

from flask import Flask, Response, request

# An API answer is data, never a page: if a browser renders one anyway, it may run and load nothing.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
# Swagger UI at /docs: its script and style from the CDN the page names, its inline bootstrap script, and the
# OpenAPI document from here.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; img-src 'self' data: https://cdn.jsdelivr.net; "
    "connect-src 'self'; font-src 'self' https://cdn.jsdelivr.net; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
DOCS_PATHS = ("/docs",)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def content_security_policy(path: str) -> str:
    return DOCS_POLICY if path.startswith(DOCS_PATHS) else API_POLICY


def add_security_headers(response: Response) -> Response:
    for name, value in COMMON_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", content_security_policy(request.path))
    return response


def configure_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
