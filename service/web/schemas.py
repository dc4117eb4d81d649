"""Shared schema pieces: the base class, the fields every resource uses, and the problem every error is."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, pre_load


def _is_unstorable(text: str) -> bool:
    """NUL (PostgreSQL text cannot hold it) or a lone surrogate (not encodable as UTF-8 at all)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _contains_unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return _is_unstorable(value)
    if isinstance(value, Mapping):
        return any(_contains_unstorable(key) or _contains_unstorable(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_contains_unstorable(item) for item in value)
    return False


UNKNOWN_FIELD = "Unknown field."


class Schema(ma.Schema):
    """Base schema: unknown fields are an error, so typos in requests never pass silently."""

    class Meta:
        unknown = ma.RAISE

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        """Name the field an unknown one was probably meant to be (`organization` for `organisation`)."""
        if not isinstance(error.messages, dict):
            return
        known = [field.data_key or name for name, field in self.load_fields.items()]
        for name, messages in error.messages.items():
            if messages == [UNKNOWN_FIELD] and (close := difflib.get_close_matches(str(name), known, n=1)):
                error.messages[name] = [f"Unknown field; did you mean '{close[0]}'?"]

    @pre_load
    def refuse_unstorable_characters(self, data: Any, **kwargs: Any) -> Any:
        # Refused here as a 422 rather than failing on insert (NUL) or on encoding (a lone surrogate from JSON's
        # "\ud800" escapes) with a 500.
        if _contains_unstorable(data):
            raise ValidationError(
                "NUL characters (U+0000) and unpaired surrogates (U+D800-U+DFFF) are not accepted.",
                field_name="_schema",
            )
        return data


def parse_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 date or datetime; a missing zone means UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def parse_utc_timestamp(value: str) -> datetime:
    """Parse an ISO 8601 timestamp into an aware UTC datetime; ValueError when it is invalid or out of range."""
    parsed = parse_timestamp(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # 9999-12-31T23:00-05:00 parses but has no UTC equivalent: refuse it here, not in the database layer.
        return parsed.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("timestamp out of range") from error


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
            parse_utc_timestamp(value)
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


# RFC 9457 problem details, the shape of every error response.
class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "A URI naming the kind of problem (about:blank when generic)."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(
        metadata={"description": "Field-level messages: {location: {field: [message, ...]}} for validation errors."}
    )
    request_id = fields.String()
