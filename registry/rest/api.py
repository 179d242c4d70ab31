"""flask-smorest's Api with problem+json errors documented instead of its own."""

from __future__ import annotations

import http

import marshmallow as ma
from flask import Flask, request
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.routing import IntegerConverter

from registry.rest.fields import MAX_ID

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request() -> bool:
    """The API answers in problem+json and authenticates by token only; pages do neither."""
    return request.path.startswith(API_PREFIX)


class IdConverter(IntegerConverter):
    """``<int:...>`` bounded to 64 bits, in 0-9 without a leading zero: anything else is a 404.

    A larger id would overflow the database (500); werkzeug's ``\\d+`` matches
    any Unicode digit, and ``int()`` reads ``/filings/１２`` as filing 12.
    """

    regex = r"[1-9][0-9]*"  # no leading zero: /filings/01 is not /filings/1

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details (documentation only); rules add their figures as extra members."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Field name to messages (422)."},
    )
    code = ma.fields.String(metadata={"description": "What was refused, a stable snake_case code "
                                                     "(validation, not_found, cap_exceeded, short_cover, ...)."})
    rule = ma.fields.String(metadata={"description": "The domain rule an approval broke (409); equals code."})


class RegistryApi(Api):
    """The API; errors are handled in ``registry.errors`` for API and web alike."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app: Flask, *args, **kwargs) -> None:
        """Bind the API; every ``<int:...>`` rule registered after this is bounded (and documented so)."""
        app.url_map.converters["int"] = IdConverter
        super().init_app(app, *args, **kwargs)

    def _register_error_handlers(self) -> None:
        """Leave error handling to registry.errors (problem+json and HTML pages)."""

    def _register_responses(self) -> None:
        """Document every error response as application/problem+json."""


        for status in http.HTTPStatus:
            response: dict = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


api = RegistryApi()
