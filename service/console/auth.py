"""Signing in with an API key and out again."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from service.console import session as console_session
from service.console.base import SECTIONS, Routes, may, render

routes = Routes()


def safe_next(target: str | None) -> str | None:
    """Only a console path of this site: a sign-in link must not send people elsewhere."""
    if target and target.startswith("/console/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def landing() -> str:
    """The first section this key may open."""
    for section in SECTIONS:
        if may(section.scope):
            return url_for(section.endpoint)
    return url_for("console.sign_in")


@routes.route("/")
def home() -> Any:
    if console_session.signed_in_caller() is None:
        return redirect(url_for("console.sign_in"))
    return redirect(landing())


@routes.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """The key goes in a POSTed form field only: never in a URL, a cookie or a log line."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if console_session.signed_in_caller() is not None:
            return redirect(target or landing())
        return render("sign_in.html", next=target)
    if console_session.sign_in(request.form.get("key", "")) is None:
        return render("sign_in.html", status=401, next=target, error="This key is not valid or has been revoked.")
    return redirect(target or landing())


@routes.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    console_session.sign_out()
    return redirect(url_for("console.sign_in", signed_out=1))
