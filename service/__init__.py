"""The article ingestion service: `create_app()` builds everything; importing this package does nothing."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, request

from service.config import is_embedded, load_config
from service.database import Database

access_log = logging.getLogger("service.access")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, database, Celery, API and error handling."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    configure_var_dir(app)
    configure_requests(app)
    configure_logging(app)
    configure_proxies(app)
    configure_database(app)
    configure_celery(app)
    # before_request hooks run in this order: the read-only session of a GET, request id, timer, console session,
    # rate limit, then authentication.
    configure_request_ids(app)
    configure_metrics(app)
    # Before access: on console routes the session names the caller, so the rate limiter counts per key there too.
    configure_console(app)
    configure_access(app)
    configure_api(app)
    return app


def configure_var_dir(app: Flask) -> None:
    """The var directory (database, queue, keys, counts) readable by its owner only, whatever the umask."""
    from service.files import private_dir

    private_dir(app.config["VAR_DIR"])


def configure_requests(app: Flask) -> None:
    """Our request class (bounded chunked bodies, strict JSON) and the headers every response carries."""
    from service.web.requests import Request
    from service.web.security import configure_security_headers

    app.request_class = Request
    configure_security_headers(app)


def configure_logging(app: Flask) -> None:
    from service.ops import logs

    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])


def configure_proxies(app: Flask) -> None:
    from service.web.proxies import TrustedProxies, parse_networks

    if networks := parse_networks(app.config["TRUSTED_PROXIES"]):
        app.wsgi_app = TrustedProxies(app.wsgi_app, networks)  # type: ignore[method-assign]


def configure_metrics(app: Flask) -> None:
    from service.ops.metrics import configure_request_metrics

    configure_request_metrics(app)


def configure_console(app: Flask) -> None:
    from service.console import configure_console as configure_web_console

    configure_web_console(app)


def configure_access(app: Flask) -> None:
    """Rate limits first (so key guessing is limited too), then the API key check every route goes through, then
    the refusal of compressed bodies."""
    from service.access.authentication import authenticate_request
    from service.access.rate_limits import configure_rate_limits
    from service.web.requests import refuse_content_encoding

    configure_rate_limits(app)
    app.before_request(authenticate_request)
    app.before_request(refuse_content_encoding)


def configure_database(app: Flask) -> None:
    from service.articles.group_commit import GroupCommitter
    from service.sealing import KEYRING_EXTENSION, keyring

    database = Database(app.config["DATABASE_URL"])
    app.extensions["db"] = database
    app.extensions["group_commit"] = GroupCommitter(app.config["BATCH_CHUNK_SIZE"])
    app.extensions[KEYRING_EXTENSION] = keyring(app.config["WEBHOOK_SECRETS_KEY"])

    @app.before_request
    def read_without_transaction() -> None:
        if request.method in ("GET", "HEAD"):
            database.begin_read_only_scope()

    @app.teardown_appcontext
    def remove_session(_error: BaseException | None) -> None:
        database.session.remove()


def configure_celery(app: Flask) -> None:
    from service.celery import celery_init_app

    if is_embedded(app.config):
        for folder in ("messages", "processed"):
            Path(app.config["QUEUE_DIR"], folder).mkdir(parents=True, exist_ok=True)
    celery_init_app(app)


def configure_api(app: Flask) -> None:
    from service.web.api import Api, register_blueprints
    from service.web.problems import handle_unexpected

    app.config.update(
        API_TITLE="Article ingestion service",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        # Served from the swagger-ui-bundle-v2 package by the Api subclass (service/web/docs/), never a CDN.
        OPENAPI_SWAGGER_UI_PATH="docs",
    )
    description = (
        "Send news articles; read them parsed and enriched. Every route but the probes needs an API key "
        "(Authorization: Bearer ik_live_... or X-API-Key). Send X-Request-ID (up to 64 printable ASCII characters) "
        "to trace a request into its processing; it is echoed back, or one is made up."
    )
    api = Api(app, spec_kwargs={"info": {"description": description}})
    register_blueprints(api)
    app.extensions["ingest_api"] = api
    app.register_error_handler(Exception, handle_unexpected)


def configure_request_ids(app: Flask) -> None:
    """Every request gets an id (the caller's X-Request-ID when sane), echoed back and passed to its tasks."""

    @app.before_request
    def assign_request_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        sane = 0 < len(given) <= 64 and given.isascii() and given.isprintable()
        g.request_id = given if sane else secrets.token_hex(8)

    @app.after_request
    def echo_request_id(response: Any) -> Any:
        if request_id := g.get("request_id"):
            response.headers["X-Request-ID"] = request_id
        caller = g.get("caller")
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "client": request.remote_addr,
                "key": caller.key_prefix if caller else None,
            },
        )
        return response
