"""Operational endpoints: liveness and readiness (public), Prometheus metrics (admin scope)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from service import health, metrics
from service.auth import public, require_scope
from service.schemas.ops import HealthSchema, ReadinessSchema

blp = Blueprint("ops", __name__, description="Liveness and readiness probes, and metrics.")


@public
@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}


@public
@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="A dependency is unreachable.")
    def get(self) -> Any:
        """The database and the broker answer."""
        checks = health.check_dependencies(current_app)
        ready = all(result == "ok" for result in checks.values())
        return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503


@blp.route("/metrics")
class Metrics(MethodView):
    @require_scope("admin")
    @blp.response(
        200,
        description="Prometheus text format: requests, latency, queue depth, articles by status.",
        content_type=metrics.CONTENT_TYPE,
    )
    def get(self) -> Response:
        """Metrics in the Prometheus text format (scrape with an admin key as bearer token)."""
        return Response(metrics.render(current_app), mimetype=None, content_type=metrics.CONTENT_TYPE)
