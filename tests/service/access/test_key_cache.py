"""The in-process key cache: a request does not look its key up every time, and a revocation still bites."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import update

from service.access.keys import ACTIVE_KEYS, authenticate_key, find_active_key, revoke_key
from service.access.models import ApiKey
from service.database import utcnow

TTL = 5.0


def test_a_key_is_remembered_for_its_ttl_then_looked_up_again(db_session: Any, make_key: Callable[..., str]) -> None:
    secret = make_key()
    caller = authenticate_key(db_session, secret, ttl=TTL, now=100.0)
    assert caller is not None and "ingest" in caller.scopes
    # Another process revokes it: this one believes its cache until the entry is TTL seconds old...
    db_session.execute(update(ApiKey).where(ApiKey.id == caller.key_id).values(revoked_at=utcnow()))
    assert authenticate_key(db_session, secret, ttl=TTL, now=100.0 + TTL - 0.01) == caller
    # ...and then asks the database, which refuses it.
    assert authenticate_key(db_session, secret, ttl=TTL, now=100.0 + TTL) is None


def test_revoking_in_this_process_refuses_the_key_at_once(db_session: Any, make_key: Callable[..., str]) -> None:
    secret = make_key()
    caller = authenticate_key(db_session, secret, ttl=TTL, now=200.0)
    assert caller is not None
    revoke_key(db_session, caller.key_id)
    assert authenticate_key(db_session, secret, ttl=TTL, now=200.0) is None


def test_unknown_and_revoked_keys_are_not_remembered(db_session: Any, make_key: Callable[..., str]) -> None:
    secret = make_key()
    record = find_active_key(db_session, secret)
    assert record is not None
    revoke_key(db_session, record.id)
    assert authenticate_key(db_session, secret, ttl=TTL, now=300.0) is None
    # Un-revoked (as a restore from backup would): accepted at once, no refusal was cached.
    db_session.execute(update(ApiKey).where(ApiKey.id == record.id).values(revoked_at=None))
    assert authenticate_key(db_session, secret, ttl=TTL, now=300.0) is not None


def test_a_zero_ttl_never_caches(db_session: Any, make_key: Callable[..., str]) -> None:
    secret = make_key()
    caller = authenticate_key(db_session, secret, ttl=0, now=400.0)
    assert caller is not None
    db_session.execute(update(ApiKey).where(ApiKey.id == caller.key_id).values(revoked_at=utcnow()))
    assert authenticate_key(db_session, secret, ttl=0, now=400.0) is None


def test_forgetting_one_key_keeps_the_others(db_session: Any, make_key: Callable[..., str]) -> None:
    first, second = make_key(), make_key()
    first_caller = authenticate_key(db_session, first, ttl=TTL, now=500.0)
    second_caller = authenticate_key(db_session, second, ttl=TTL, now=500.0)
    assert first_caller is not None and second_caller is not None
    ACTIVE_KEYS.forget(first_caller.key_id)
    db_session.execute(update(ApiKey).values(revoked_at=utcnow()))
    assert authenticate_key(db_session, first, ttl=TTL, now=500.0) is None
    assert authenticate_key(db_session, second, ttl=TTL, now=500.0) == second_caller
