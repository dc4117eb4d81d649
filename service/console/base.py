"""What every console page shares: route collection, scope checks, rendering, and the hooks every request passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from service.access.authentication import Caller
from service.access.models import Tenant
from service.console import session as console_session
from service.database import Owned, tenant_row
from service.web.schemas import parse_utc_timestamp
from service.web.security import protect_page

F = TypeVar("F", bound=Callable[..., Any])


class Section(NamedTuple):
    """A section of the navigation, and the scope a key needs to see it."""

    endpoint: str
    label: str
    scope: str


SECTIONS = (
    Section("console.articles", "Articles", "read"),
    Section("console.submit_page", "Submit", "ingest"),
    Section("console.failures", "Failures", "read"),
    Section("console.integrations", "Integrations", "admin"),
    Section("console.subscriptions", "Subscriptions", "admin"),
    Section("console.operations", "Operations", "admin"),
)


class Routes:
    """A page module's routes, collected by decorator and added to the console blueprint by the app factory."""

    def __init__(self) -> None:
        self.rules: list[tuple[str, Callable[..., Any], dict[str, Any]]] = []

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        def decorator(view: F) -> F:
            self.rules.append((rule, view, options))
            return view

        return decorator

    def register(self, blueprint: Blueprint) -> None:
        for rule, view, options in self.rules:
            blueprint.add_url_rule(rule, view_func=view, **options)


def database() -> Any:
    return current_app.extensions["db"].session


def caller() -> Caller:
    """The signed-in caller (views behind `requires` only)."""
    signed_in = console_session.signed_in_caller()
    assert signed_in is not None, "a console view without @requires"
    return signed_in


def tenant_id() -> str:
    return caller().tenant_id


def owned_or_404(model: type[Owned], row_id: str) -> Owned:
    """The signed-in tenant's row with this id, or the 404 page (another tenant's id reads as unknown)."""
    row = tenant_row(database(), model, tenant_id(), row_id)
    if row is None:
        abort(404, f"No {model.__name__.lower()} with id {row_id}.")
    return row


def back_to(endpoint: str, message: str, category: str = "success", **values: Any) -> Any:
    """Redirect to `endpoint` after a form was handled, with `message` shown once on the page it lands on."""
    flash(message, category)
    return redirect(url_for(endpoint, **values))


def may(scope: str) -> bool:
    signed_in = console_session.signed_in_caller()
    return signed_in is not None and scope in signed_in.scopes


def requires(scope: str, *, json: bool = False) -> Callable[[F], F]:
    """Signed in, with this scope: otherwise the sign-in page (401 for scripts) or a 403 page."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if console_session.signed_in_caller() is None:
                if json:
                    return {"error": "Signed out: sign in again."}, 401
                back = request.full_path.rstrip("?") if request.method == "GET" else None
                return redirect(url_for("console.sign_in", next=back))
            if not may(scope):
                message = f"This key lacks the '{scope}' scope."
                return ({"error": message}, 403) if json else error_page(403, message)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"console/{template}", **context), status


def error_page(status: int, message: str) -> tuple[str, int]:
    return render("error.html", status=status, status_code=status, message=message)


def navigation() -> list[tuple[str, str, bool]]:
    """(endpoint, label, current) for the sections this key may open."""
    return [
        (section.endpoint, section.label, request.endpoint == section.endpoint)
        for section in SECTIONS
        if may(section.scope)
    ]


def template_context() -> dict[str, Any]:
    signed_in = console_session.signed_in_caller()
    tenant = database().get(Tenant, signed_in.tenant_id) if signed_in else None
    return {
        "signed_in": signed_in,
        "tenant_name": tenant.name if tenant else None,
        "csrf_token": console_session.csrf_token,
        "navigation": navigation,
        "may": may,
    }


def format_time(value: datetime | str | None) -> str:
    """A timestamp (a datetime, or the ISO string of a dumped document) as "2022-03-07 09:00 UTC"."""
    if isinstance(value, str):
        try:
            moment = parse_utc_timestamp(value)
        except ValueError:
            return value
    elif value is None:
        return ""
    else:
        moment = value
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def protect(response: Response) -> Response:
    protected: Response = protect_page(response)
    return protected


def show_http_error(error: HTTPException) -> Any:
    return error_page(error.code or 500, error.description or "Something went wrong.")


def configure_blueprint(blueprint: Blueprint) -> None:
    blueprint.before_request(console_session.check_csrf)
    blueprint.after_request(protect)
    blueprint.context_processor(template_context)
    blueprint.add_app_template_filter(format_time, "utc_time")
    blueprint.register_error_handler(HTTPException, show_http_error)
