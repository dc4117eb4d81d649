"""The smorest Api, subclassed once: problem+json for every error, our security schemes and field types."""

from __future__ import annotations

import http
from typing import Any

import flask_smorest
from flask import Flask
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from service.web.problems import PROBLEM_CONTENT_TYPE, handle_http_exception
from service.web.schemas import IsoDate, ProblemSchema, Timestamp


class Api(flask_smorest.Api):  # type: ignore[misc]
    """Our Api: problem+json for every error, in the responses and in the OpenAPI document."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        self._app.register_error_handler(HTTPException, handle_http_exception)

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)

    def _register_swagger_ui_rule(self, blueprint: Any) -> None:
        """Swagger UI from files this service serves itself, instead of smorest's page that loads them from a CDN."""
        from service.web.docs import add_docs_rules

        if path := self.config.get("OPENAPI_SWAGGER_UI_PATH"):
            add_docs_rules(blueprint, path, spec_endpoint=f"{blueprint.name}.openapi_json")

    def init_app(self, app: Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None:
        from service.access.authentication import SECURITY_SCHEMES

        super().init_app(app, spec_kwargs=spec_kwargs)
        for name, scheme in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(name, scheme)
        self.register_field(Timestamp, "string", "date-time")
        self.register_field(IsoDate, "string", "date")


def register_blueprints(api: Api) -> None:
    """Every domain's views, and the request body component they document by hand."""
    from service.articles import views as articles
    from service.articles.schemas import ArticleSubmitSchema
    from service.integrations import views as integrations
    from service.integrations import webhook_views as webhooks
    from service.ops import views as ops
    from service.subscriptions import views as subscriptions

    # Request bodies documented by hand (several media types) refer to this component by name.
    api.spec.components.schema("ArticleSubmit", schema=ArticleSubmitSchema)
    api.register_blueprint(articles.blp)
    api.register_blueprint(integrations.blp)
    api.register_blueprint(webhooks.blp)
    api.register_blueprint(subscriptions.blp)
    api.register_blueprint(ops.blp)
