"""Who is signed in to the console: a key checked once at sign-in, its id (never the secret) kept in the signed
session cookie, and checked again on every request so that revoking the key signs its people out.

Forms are protected against cross-site request forgery twice: the cookie is SameSite=Strict, and every POST must
carry the session's own random token (a form field, or the X-CSRF-Token header for scripts).
"""

from __future__ import annotations

import hmac
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request, session
from werkzeug.exceptions import Forbidden

from service.access.authentication import Caller
from service.access.keys import find_active_key, find_active_key_by_id
from service.config import is_embedded

KEY_ID = "key_id"
CSRF = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def configure_sessions(app: Flask) -> bool:
    """Cookie settings and the signing secret; False when there is no secret (the console is then switched off)."""
    app.config.update(
        SESSION_COOKIE_NAME="ingest_console",
        # Only the console reads it: API calls never carry it.
        SESSION_COOKIE_PATH="/console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=app.config["CONSOLE_SESSION_HOURS"]),
    )
    if not app.config["SECRET_KEY"] and is_embedded(app.config):
        app.config["SECRET_KEY"] = read_or_create_secret(Path(app.config["SECRET_KEY_FILE"]))
    # Without a secret the console answers 503 saying why; no log line here, since every CLI command and worker
    # builds the app too and none of them serves the console.
    return bool(app.config["SECRET_KEY"])


def read_or_create_secret(path: Path) -> str:
    """The secret kept in `path`, created owner-only on first use (several processes may race to create it)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        return read_or_create_secret(path)
    secret = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return secret


def database_session() -> Any:
    return current_app.extensions["db"].session


def sign_in(secret: str) -> Caller | None:
    """Start a session for the key with this secret; None (and no session) when it is not an active key."""
    record = find_active_key(database_session(), secret.strip())
    if record is None:
        return None
    # A fresh session (and CSRF token) at every sign-in, so a session fixed before sign-in is worth nothing.
    session.clear()
    session.permanent = True
    session[KEY_ID] = record.id
    session[CSRF] = secrets.token_urlsafe(32)
    g.caller = Caller.of(record)
    g.tenant_id = record.tenant_id
    return g.caller  # type: ignore[no-any-return]


def sign_out() -> None:
    session.clear()


def identify_console_user() -> None:
    """before_request, ahead of the rate limiter: on console routes the caller is the session's key, if still active."""
    if "console" not in request.blueprints:
        return
    key_id = session.get(KEY_ID)
    record = find_active_key_by_id(database_session(), key_id) if isinstance(key_id, str) else None
    if key_id and record is None:
        # Revoked or deleted since sign-in: the session ends here.
        session.clear()
    g.caller = Caller.of(record) if record else None
    if record is not None:
        g.tenant_id = record.tenant_id


def signed_in_caller() -> Caller | None:
    caller: Caller | None = g.get("caller")
    return caller


def csrf_token() -> str:
    """The session's token for forms (made on first use, so the sign-in form has one too)."""
    if CSRF not in session:
        session[CSRF] = secrets.token_urlsafe(32)
    token: str = session[CSRF]
    return token


def check_csrf() -> None:
    """before_request on console routes: every state-changing request must present the session's token."""
    if request.method in SAFE_METHODS:
        return
    expected = session.get(CSRF)
    given = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    if not expected or not hmac.compare_digest(str(expected), given):
        raise Forbidden("This form has expired or did not come from the console. Reload the page and try again.")
