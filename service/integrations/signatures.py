"""Checking a sender's signature: the HMAC helpers every adapter shares, all compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta


class SignatureInvalid(Exception):
    """The delivery is not signed by the integration's secret (or too old, or its header is malformed)."""


def hmac_digest(key: bytes, message: bytes, algorithm: str = "sha256") -> bytes:
    return hmac.new(key, message, getattr(hashlib, algorithm)).digest()


def matches(expected: bytes, given: bytes) -> bool:
    return hmac.compare_digest(expected, given)


def require_header(headers: dict[str, str], name: str) -> str:
    """A header's value (names are case-insensitive), or SignatureInvalid."""
    value = headers.get(name.lower(), "").strip()
    if not value:
        raise SignatureInvalid(f"The {name} header is missing.")
    return value


def check_timestamp(timestamp: datetime, now: datetime, tolerance: timedelta) -> None:
    """Refuse a signed timestamp too far from now: a captured delivery cannot be replayed later."""
    if timestamp < now - tolerance:
        raise SignatureInvalid("The signed timestamp is too old.")
    if timestamp > now + tolerance:
        raise SignatureInvalid("The signed timestamp is in the future.")
