"""HTTP API blueprints."""

from __future__ import annotations

from service.extensions import Api


def register_blueprints(api: Api) -> None:
    from service.api import articles, ops
    from service.schemas.articles import ArticleSubmitSchema

    # Request bodies documented by hand (several media types) refer to this component by name.
    api.spec.components.schema("ArticleSubmit", schema=ArticleSubmitSchema)
    api.register_blueprint(articles.blp)
    api.register_blueprint(ops.blp)
