"""HTTP API blueprints."""

from __future__ import annotations

from service.extensions import Api


def register_blueprints(api: Api) -> None:
    from service.api import articles, integrations, ops, subscriptions, webhooks
    from service.schemas.articles import ArticleSubmitSchema

    # Request bodies documented by hand (several media types) refer to this component by name.
    api.spec.components.schema("ArticleSubmit", schema=ArticleSubmitSchema)
    api.register_blueprint(articles.blp)
    api.register_blueprint(integrations.blp)
    api.register_blueprint(webhooks.blp)
    api.register_blueprint(subscriptions.blp)
    api.register_blueprint(ops.blp)
