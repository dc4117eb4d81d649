"""Standard Webhooks signing (https://www.standardwebhooks.com): secrets, and the v1 HMAC-SHA256 signature."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for at least 24 random bytes


def generate_secret() -> str:
    """A new secret in the spec's format: whsec_ and the base64 of random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a whsec_ secret stands for."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except binascii.Error as error:
        raise ValueError("a Standard Webhooks secret is whsec_ followed by base64") from error
    if not key:
        raise ValueError("the secret is empty")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One v1 signature: base64 HMAC-SHA256 of `id.timestamp.body`."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(signing_secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature value: one signature per active secret, space-separated (key rotation)."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in signing_secrets)


def webhook_headers(signing_secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(signing_secrets, message_id, timestamp, body),
    }
