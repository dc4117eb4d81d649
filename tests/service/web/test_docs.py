"""/docs is Swagger UI served entirely by this service: no CDN, no other host, no inline script."""

from __future__ import annotations

import re

from flask.testing import FlaskClient


def test_the_docs_page_loads_nothing_from_another_host(anonymous_client: FlaskClient) -> None:
    page = anonymous_client.get("/docs")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<script>" not in html
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    for reference in re.findall(r'(?:src|href)="([^"]+)"', html):
        asset = anonymous_client.get(reference)
        assert asset.status_code == 200, reference
        asset.close()


def test_swagger_ui_reads_our_own_openapi_document(anonymous_client: FlaskClient) -> None:
    html = anonymous_client.get("/docs").get_data(as_text=True)
    initializer = anonymous_client.get("/docs/initializer.js")

    assert 'data-spec-url="/openapi.json"' in html
    assert b"validatorUrl: null" in initializer.data
    initializer.close()
