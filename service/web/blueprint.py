"""The smorest Blueprint, subclassed once: query parameters we do not know are an error, JSON is read strictly."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from service.web.json_bodies import json_from


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
