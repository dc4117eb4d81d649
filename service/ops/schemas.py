"""Health and readiness responses."""

from __future__ import annotations

from marshmallow import fields

from service.web.schemas import Schema


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadinessSchema(Schema):
    status = fields.String(required=True, metadata={"description": "ready, or unavailable"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "ok or error for each dependency; the error itself goes to the log, not the public"},
    )
