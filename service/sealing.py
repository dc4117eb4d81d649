"""Webhook secrets sealed at rest with INGEST_WEBHOOK_SECRETS_KEY, when set (Fernet: AES-128-CBC, HMAC-SHA256).

Our HMAC secrets (inbound integrations, outbound subscriptions) cannot be stored hashed: verifying and signing need
the secret itself. With a key configured, a copy of the database or of a backup no longer gives them away.
`SealedSecret` is a transparent column type: a secret is sealed when written and opened when read, and a row
written before a key was configured (plaintext) is still read as it is; `ingest secrets seal` rewrites those.
Several comma-separated keys rotate: the first seals, any of them opens.
"""

from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context
from sqlalchemy import String, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.types import TypeDecorator

SEALED_PREFIX = "fernet:"
KEYRING_EXTENSION = "secrets_keyring"


class SecretsKeyError(RuntimeError):
    """A sealed secret cannot be opened: no INGEST_WEBHOOK_SECRETS_KEY, or not the key it was sealed with."""


def keyring(keys: str) -> MultiFernet | None:
    """The keys of INGEST_WEBHOOK_SECRETS_KEY (comma-separated Fernet keys); None when empty, ValueError if bad."""
    given = [key.strip() for key in keys.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in given]) if given else None


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _current_keyring() -> MultiFernet | None:
    if not has_app_context():
        return None
    found: MultiFernet | None = current_app.extensions.get(KEYRING_EXTENSION)
    return found


def seal(secret: str, keys: MultiFernet | None) -> str:
    """The value to store: sealed when there are keys, the secret itself otherwise."""
    if keys is None or secret.startswith(SEALED_PREFIX):
        return secret
    return SEALED_PREFIX + keys.encrypt(secret.encode()).decode()


def unseal(stored: str, keys: MultiFernet | None) -> str:
    """The secret of a stored value, sealed or (written before a key was set) plaintext."""
    if not stored.startswith(SEALED_PREFIX):
        return stored
    if keys is None:
        raise SecretsKeyError("a webhook secret is sealed but INGEST_WEBHOOK_SECRETS_KEY is not set")
    try:
        return keys.decrypt(stored[len(SEALED_PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise SecretsKeyError(
            "a webhook secret was sealed with a key INGEST_WEBHOOK_SECRETS_KEY does not hold"
        ) from error


class SealedSecret(TypeDecorator[str]):
    """A secret column, sealed with the app's INGEST_WEBHOOK_SECRETS_KEY on write and opened on read."""

    # A 64-character secret sealed is 7 + 184 characters.
    impl = String(200)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else seal(value, _current_keyring())

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else unseal(value, _current_keyring())


def reseal_all(session: Session) -> int:
    """Seal every stored secret again with the first key (plaintext rows, rows of an older key); returns how many.

    Each row is read (opened with any key) and written back whole, which seals it with the first key.
    """
    from service.integrations.models import Integration
    from service.subscriptions.models import Subscription

    count = 0
    for model, columns in ((Integration, ("secret",)), (Subscription, ("secret", "previous_secret"))):
        for row in session.scalars(select(model)):
            for name in columns:
                if getattr(row, name) is not None:
                    flag_modified(row, name)
                    count += 1
    session.commit()
    return count
