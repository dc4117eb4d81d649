"""The web console under /console: server-rendered pages over the same service functions the API calls.

People sign in with an API key and then act as that key: its tenant, its scopes, nothing else. Views are thin:
they read a form with the API's own schemas, call the domain's service function with the session's tenant and
render a template. Pages allow scripts and styles from this origin only (service/web/security.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response

from service.access.authentication import public


def configure_console(app: Flask) -> None:
    """Sessions, the caller of console requests (before the rate limiter keys on it) and the pages."""
    from service.console import articles, auth, base, operations, session, submit, webhooks

    if not session.configure_sessions(app):
        app.add_url_rule("/console/", endpoint="console_off", view_func=console_off)
        app.add_url_rule("/console/<path:_rest>", endpoint="console_off", view_func=console_off)
        return
    app.before_request(session.identify_console_user)
    blueprint = Blueprint(
        "console", __name__, url_prefix="/console", template_folder="templates", static_folder="static"
    )
    base.configure_blueprint(blueprint)
    for page in (auth, articles, submit, webhooks, operations):
        page.routes.register(blueprint)
    app.register_blueprint(blueprint)


@public
def console_off(**_kwargs: Any) -> Response:
    return Response(
        "The console is off: set INGEST_SECRET_KEY (the same value on every API process) and restart.\n",
        status=503,
        mimetype="text/plain",
    )
