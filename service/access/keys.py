"""Tenants and API keys: create, list, revoke, and find the key a request presents."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.access.models import ApiKey, Tenant
from service.database import utcnow

KEY_PREFIX = "ik_live_"
# 32 random bytes = 256 bits, base64url: far past the 128 bits that make a plain SHA-256 safe to store.
KEY_BYTES = 32
DISPLAY_PREFIX_LENGTH = len(KEY_PREFIX) + 6
# metrics: scrape /metrics and nothing else, so Prometheus holds no key that can reconfigure webhooks.
SCOPES = ("ingest", "read", "admin", "metrics")


@dataclass(frozen=True)
class Caller:
    """An active key as a request sees it: who it is, whose it is, what it may do."""

    key_id: str
    key_prefix: str
    tenant_id: str
    scopes: frozenset[str]

    @classmethod
    def of(cls, record: ApiKey) -> Caller:
        return cls(record.id, record.prefix, record.tenant_id, frozenset(record.scopes))


class KeyCache:
    """Active keys by the hash of their secret, each remembered for `ttl` seconds, so a request does not look its
    key up in the database every time.

    A revocation empties the cache of the process that revoked at once (revoke_key); other processes stop accepting
    the key within `ttl` seconds. Unknown and revoked keys are never remembered: a new key works at once.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[float, Caller]] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, now: float) -> Caller | None:
        entry = self._entries.get(digest)
        if entry is None or entry[0] <= now:
            return None
        return entry[1]

    def put(self, digest: str, caller: Caller, expires_at: float) -> None:
        with self._lock:
            self._entries[digest] = (expires_at, caller)

    def forget(self, key_id: str) -> None:
        with self._lock:
            self._entries = {digest: entry for digest, entry in self._entries.items() if entry[1].key_id != key_id}

    def clear(self) -> None:
        with self._lock:
            self._entries = {}


# One per process, so revoking a key anywhere in the process (CLI, API, tests) takes effect here at once.
ACTIVE_KEYS = KeyCache()


class UnknownTenant(LookupError):
    """No tenant by that name."""


@dataclass
class IssuedKey:
    """A key just created: the secret is only ever here, never stored."""

    record: ApiKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_tenant(session: Session, name: str) -> Tenant:
    tenant = Tenant(name=name)
    session.add(tenant)
    session.commit()
    return tenant


def get_tenant(session: Session, name: str) -> Tenant | None:
    return session.scalar(select(Tenant).where(Tenant.name == name))


def list_tenants(session: Session) -> list[Tenant]:
    return list(session.scalars(select(Tenant).order_by(Tenant.name)))


def create_key(session: Session, tenant_name: str, scopes: list[str], name: str | None = None) -> IssuedKey:
    """Issue a key for a tenant; the caller shows `secret` once."""
    tenant = get_tenant(session, tenant_name)
    if tenant is None:
        raise UnknownTenant(tenant_name)
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be some of {', '.join(SCOPES)}; got {', '.join(scopes) or 'none'}")
    secret = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    record = ApiKey(
        tenant_id=tenant.id,
        name=name,
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        key_sha256=hash_key(secret),
        scopes=sorted(set(scopes), key=SCOPES.index),
    )
    session.add(record)
    session.commit()
    return IssuedKey(record, secret)


def list_keys(session: Session, tenant_name: str | None = None) -> list[ApiKey]:
    query = select(ApiKey).join(Tenant).order_by(Tenant.name, ApiKey.created_at)
    if tenant_name:
        query = query.where(Tenant.name == tenant_name)
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: str) -> ApiKey | None:
    """Revoke a key by id (or by its display prefix); revoking twice keeps the first time."""
    record = session.get(ApiKey, key_id) or session.scalar(select(ApiKey).where(ApiKey.prefix == key_id))
    if record is None:
        return None
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.commit()
    ACTIVE_KEYS.forget(record.id)
    return record


def find_active_key_by_id(session: Session, key_id: str) -> ApiKey | None:
    """The key with this id while it is unrevoked (the console keeps the id, never the secret, in its session)."""
    record = session.get(ApiKey, key_id)
    if record is None or record.revoked_at is not None:
        return None
    return record


def find_active_key(session: Session, secret: str) -> ApiKey | None:
    """The unrevoked key with this secret, looked up by its hash."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    record = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == hash_key(secret)))
    if record is None or record.revoked_at is not None:
        return None
    return record


def authenticate_key(session: Session, secret: str, *, ttl: float, now: float | None = None) -> Caller | None:
    """The caller behind a presented secret: from the cache while its entry is younger than `ttl` seconds, else from
    the database (and remembered); None for an unknown or revoked key. `now` is a time.monotonic() reading."""
    if not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    now = time.monotonic() if now is None else now
    digest = hash_key(secret)
    if (cached := ACTIVE_KEYS.get(digest, now)) is not None:
        return cached
    record = session.scalar(select(ApiKey).where(ApiKey.key_sha256 == digest))
    if record is None or record.revoked_at is not None:
        return None
    caller = Caller.of(record)
    if ttl > 0:
        ACTIVE_KEYS.put(digest, caller, now + ttl)
    return caller
