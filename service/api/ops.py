"""Operational endpoints: liveness and readiness."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from service import health
from service.schemas.ops import HealthSchema, ReadinessSchema

blp = Blueprint("ops", __name__, description="Liveness and readiness probes.")


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="A dependency is unreachable.")
    def get(self) -> Any:
        """The database and the broker answer."""
        checks = health.check_dependencies(current_app)
        ready = all(result == "ok" for result in checks.values())
        return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503
