"""Which tenant a request acts for: every query is scoped by it."""

from __future__ import annotations

from flask import g

from service.database import Owned, current_session, tenant_row
from service.web.problems import not_found


class NoTenant(RuntimeError):
    """A tenant-scoped query ran in a request that no API key authenticated (a public route must not query)."""


def current_tenant_id() -> str:
    """The tenant of the API key that authenticated this request; never a default."""
    tenant_id = g.get("tenant_id")
    if not tenant_id:
        raise NoTenant("no authenticated tenant in this request")
    return str(tenant_id)


def owned_or_404(model: type[Owned], row_id: str) -> Owned:
    """This request's tenant's row with this id, or a 404 problem (another tenant's id reads as unknown)."""
    row = tenant_row(current_session(), model, current_tenant_id(), row_id)
    if row is None:
        not_found(model.__name__.lower(), row_id)
    return row
