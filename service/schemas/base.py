"""Shared schema pieces: the base class and the fields every resource uses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, pre_load


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_nul(item) for item in value)
    return False


class Schema(ma.Schema):
    """Base schema: unknown fields are an error, so typos in requests never pass silently."""

    class Meta:
        unknown = ma.RAISE

    @pre_load
    def refuse_nul_characters(self, data: Any, **kwargs: Any) -> Any:
        # PostgreSQL text and JSONB cannot hold U+0000; refuse it here as a 422 rather than fail on insert.
        if _contains_nul(data):
            raise ValidationError("NUL characters (U+0000) are not accepted.", field_name="_schema")
        return data


def parse_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 date or datetime; a missing zone means UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


class Timestamp(fields.Field[str]):
    """An ISO 8601 timestamp kept as a string: validated on load, passed through (or formatted) on dump."""

    default_error_messages = {"invalid": "Not a valid ISO 8601 date or datetime, e.g. 2022-03-07T09:00:00Z."}

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.isoformat() if isinstance(value, datetime) else str(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, datetime):
            return value.isoformat()
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            parse_timestamp(value)
        except ValueError as error:
            raise self.make_error("invalid") from error
        return value.strip()


class IsoDate(Timestamp):
    """A calendar date (YYYY-MM-DD) kept as a string."""

    default_error_messages = {"invalid": "Not a valid ISO 8601 date (YYYY-MM-DD)."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        try:
            date.fromisoformat(value)
        except ValueError as error:
            raise self.make_error("invalid") from error
        return value
