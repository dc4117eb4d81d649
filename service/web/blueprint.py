"""The smorest Blueprint, subclassed once: query parameters we do not know are an error, JSON is read strictly, and
a blueprint may give every view one scope and every route about one resource its 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import flask_smorest
from flask import Request
from flask.views import MethodView
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from service.access.authentication import require_scope
from service.web.json_bodies import json_from

V = TypeVar("V", bound=type[MethodView])


class Parser(FlaskParser):
    # webargs drops unknown query parameters by default, so `?organization=NASA` (for `organisation`) listed every
    # article. None lets each schema's own Meta.unknown (RAISE, see service/web/schemas.py) decide everywhere.
    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": None,
        "querystring": None,
    }

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        return json_from(req.get_data(cache=True))


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args: Any, scope: str | None = None, **kwargs: Any) -> None:
        """`scope`: the one every view of this blueprint needs (otherwise each view says its own)."""
        super().__init__(*args, **kwargs)
        self.scope = scope

    def route(self, rule: str, *, missing: str | None = None, **options: Any) -> Callable[[V], V]:
        """Register a MethodView; `missing` documents the 404 of each of its methods (a route about one resource)."""
        register = super().route(rule, **options)

        def decorator(view: V) -> V:
            for name in getattr(view, "methods", None) or ():
                method = getattr(view, name.lower())
                if missing:
                    method = self.alt_response(404, description=missing)(method)
                # Outermost, as when written above each method: it documents what the decorators below it declared.
                if self.scope:
                    method = require_scope(self.scope)(method)
                setattr(view, name.lower(), method)
            return register(view)  # type: ignore[no-any-return]

        return decorator
