"""Shared schema pieces: the base class and the fields every resource uses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields


class Schema(ma.Schema):
    """Base schema: unknown fields are an error, so typos in requests never pass silently."""

    class Meta:
        unknown = ma.RAISE


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
