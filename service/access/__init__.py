"""Access: tenants, their API keys and scopes, and the per-request check that every route goes through."""

from service.access.authentication import SCOPES, public, require_scope

__all__ = ["SCOPES", "public", "require_scope"]
