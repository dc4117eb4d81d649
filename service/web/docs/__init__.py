"""/docs: Swagger UI with every file served by this service (from the swagger-ui-bundle-v2 package), no CDN.

A newsroom intranet without internet must still get a working page, so the page, its initializer and Swagger UI's
own files all come from here, under a Content-Security-Policy that allows no other host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template_string, send_from_directory, url_for

from service.web.security import STRICT_POLICY, protect_page

HERE = Path(__file__).parent
ASSET_MAX_AGE_SECONDS = 24 * 3600


def swagger_ui_dir() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)


def add_docs_rules(blueprint: Blueprint, path: str, spec_endpoint: str) -> None:
    """Serve the page at `path`, its initializer and Swagger UI's files under `path`/assets/."""

    def page() -> Response:
        html = render_template_string(
            (HERE / "page.html").read_text(encoding="utf-8"),
            spec_url=url_for(spec_endpoint),
            assets=url_for(f"{blueprint.name}.swagger_ui_asset", filename="").rstrip("/"),
            initializer=url_for(f"{blueprint.name}.swagger_ui_initializer"),
        )
        response: Response = protect_page(Response(html, mimetype="text/html"), STRICT_POLICY)
        return response

    def initializer() -> Any:
        return send_from_directory(HERE, "initializer.js", max_age=ASSET_MAX_AGE_SECONDS)

    def asset(filename: str) -> Any:
        return send_from_directory(swagger_ui_dir(), filename, max_age=ASSET_MAX_AGE_SECONDS)

    path = "/" + path.strip("/")
    blueprint.add_url_rule(path, endpoint="openapi_swagger_ui", view_func=page)
    blueprint.add_url_rule(f"{path}/initializer.js", endpoint="swagger_ui_initializer", view_func=initializer)
    blueprint.add_url_rule(f"{path}/assets/<path:filename>", endpoint="swagger_ui_asset", view_func=asset)
