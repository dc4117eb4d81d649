"""Which tenant a request acts for: every query is scoped by it."""

from __future__ import annotations

from flask import g

from service.models import DEFAULT_TENANT_ID


def current_tenant_id() -> str:
    """The tenant of the authenticated caller; the default tenant until a key says otherwise."""
    return str(g.get("tenant_id") or DEFAULT_TENANT_ID)
