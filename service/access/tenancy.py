"""Which tenant a request acts for: every query is scoped by it."""

from __future__ import annotations

from flask import g


class NoTenant(RuntimeError):
    """A tenant-scoped query ran in a request that no API key authenticated (a public route must not query)."""


def current_tenant_id() -> str:
    """The tenant of the API key that authenticated this request; never a default."""
    tenant_id = g.get("tenant_id")
    if not tenant_id:
        raise NoTenant("no authenticated tenant in this request")
    return str(tenant_id)
