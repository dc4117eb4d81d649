"""RFC 9457 problem details, the shape of every error response."""

from __future__ import annotations

from marshmallow import fields

from service.schemas.base import Schema


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
