"""OpenAPI 3 documents generated from a service's marshmallow schemas (apispec).

A service declares its routes once as `Route`s; schemas become components, path parameters come
from the path, and every refusal status of the service's reasons is listed with its codes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Mapping

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from .refusals import Reason


@dataclass(frozen=True)
class Route:
    path: str
    method: str
    summary: str
    caller: str | None = None  # who may call: None is public; else described in `callers`
    body: type[Schema] | str | tuple | None = None  # a schema, "csv", or a tuple of both
    status: int = 200
    answer: type[Schema] | str | None = None  # a schema, or the media type of a file ("application/pdf")
    query: type[Schema] | None = None  # query-string parameters


class ErrorOut(Schema):
    status = fields.String()
    reason = fields.String()
    message = fields.String()
    errors = fields.Dict()
    detail = fields.Dict(metadata={"description": "Finer codes where a reason has them: a CSV refused as "
                                                  "invalid_csv lists `problems`, each {code, line?}."})


# Bodies named by a word: a CSV file, or a form with a JSON part `application` and files.
_MEDIA = {"csv": "text/csv", "multipart": "multipart/form-data"}
_BODIES = {"csv": {"schema": {"type": "string"}},
           "multipart": {"schema": {"type": "object", "required": ["application"], "properties": {
               "application": {"type": "string", "description": "The JSON body, as one part."},
               "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                         "description": "Attachments (any part name but `application`)."}}}}}


def _operation(route: Route, reasons: Mapping[str, Reason], callers: Mapping[str, str]) -> dict:
    op = {"summary": route.summary,
          "parameters": [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                         for name in re.findall(r"{(\w+)}", route.path)]
                        + ([{"in": "query", "schema": route.query}] if route.query else []),
          "responses": {str(route.status): {"description": "OK"}}}
    if isinstance(route.answer, str):
        op["responses"][str(route.status)]["content"] = {route.answer: {"schema": {"type": "string",
                                                                                    "format": "binary"}}}
    elif route.answer is not None:
        op["responses"][str(route.status)]["content"] = {"application/json": {"schema": route.answer}}
    if route.body is not None:
        bodies = route.body if isinstance(route.body, tuple) else (route.body,)
        op["requestBody"] = {"required": True, "content": {_MEDIA.get(body, "application/json"):
                                                          _BODIES.get(body) or {"schema": body} for body in bodies}}
    if route.caller:
        op["security"] = [{"bearer": []}]
        op["description"] = callers[route.caller]
    for code in sorted({reason.status for reason in reasons.values()}):
        names = ", ".join(name for name, reason in reasons.items() if reason.status == code)
        op["responses"].setdefault(str(code), {"description": names,
                                               "content": {"application/json": {"schema": ErrorOut}}})
    return op


def build_document(title: str, routes: list[Route], reasons: Mapping[str, Reason],
                   callers: Mapping[str, str]) -> dict:
    spec = APISpec(title=title, version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for route in routes:
        spec.path(path=route.path, operations={route.method: _operation(route, reasons, callers)})
    return spec.to_dict()


def openapi_blueprint(title: str, routes: list[Route], reasons: Mapping[str, Reason],
                      callers: Mapping[str, str]) -> Blueprint:
    """Serves the document at /api/v1/openapi.json, built on first request."""
    bp = Blueprint("openapi", __name__)
    document = cache(lambda: build_document(title, routes, reasons, callers))

    @bp.get("/api/v1/openapi.json")
    def openapi_json():
        """This API's OpenAPI 3 document."""
        return jsonify(document())

    return bp
