"""Operational endpoints: liveness and readiness (public), Prometheus metrics (metrics or admin scope)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from service.access import public, require_scope
from service.ops import health, metrics
from service.ops.schemas import HealthSchema, ReadinessSchema
from service.web.blueprint import Blueprint

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
    @blp.alt_response(503, schema=ReadinessSchema, description="A dependency is unreachable (details in the log).")
    def get(self) -> Any:
        """The database and the broker answer: `ok` or `error` for each."""
        checks = health.check_dependencies(current_app)
        ready = all(result == health.OK for result in checks.values())
        return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503


@blp.route("/metrics")
class Metrics(MethodView):
    # Operator-level: the counts cover every tenant, so any tenant's admin may read them; a dedicated `metrics`
    # key lets Prometheus scrape without holding one that can also reconfigure subscriptions and integrations.
    @require_scope("metrics", "admin")
    @blp.response(
        200,
        description="Prometheus text format: requests, latency, queue depth, articles by status.",
        content_type=metrics.CONTENT_TYPE,
    )
    def get(self) -> Response:
        """Metrics in the Prometheus text format, across all tenants (scrape with a `metrics` key as bearer token)."""
        return Response(metrics.render(current_app), mimetype=None, content_type=metrics.CONTENT_TYPE)
