"""The OpenAPI document, generated from the marshmallow schemas (apispec)."""
from __future__ import annotations

import re
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, jsonify

from .. import schemas as s
from ..reasons import REASONS

bp = Blueprint("openapi", __name__)

# path, method, summary, who may call, request body schema (or "csv"), answer status, answer schema
ROUTES = [
    ("/api/v1/forums", "post", "Create and publish a forum", "admin", s.ForumSchema, 201, s.ForumSchema),
    ("/api/v1/forums/{slug}", "get", "A forum with its connection points", None, None, 200, s.ForumSchema),
    ("/api/v1/forums/{slug}", "patch", "Change a forum", "admin", s.ForumChangeSchema, 200, s.ForumSchema),
    ("/api/v1/forums/{slug}/points/{code}", "put", "Create or change a connection point", "admin",
     s.PointSchema, 200, s.PointOut),
    ("/api/v1/forums/{slug}/points/import", "post", "Import points from CSV (code,name,province,capacity)",
     "admin", "csv", 200, None),
    ("/api/v1/forums/{slug}/points", "get", "Points with capacity and counts", None, None, 200, None),
    ("/api/v1/forums/{slug}/registrations", "post", "Register (public; honours Idempotency-Key)", None,
     s.RegistrationSchema, 201, s.RegistrationOut),
    ("/api/v1/forums/{slug}/registrations", "get", "Registrations, filtered, a page at a time", "admin",
     None, 200, None),
    ("/api/v1/forums/{slug}/registrations/import", "post", "Import participants from CSV", "admin", "csv",
     200, None),
    ("/api/v1/forums/{slug}/registrations/export", "get", "Registrations as CSV", "admin", None, 200, None),
    ("/api/v1/registrations/{registration_id}", "get", "A registration and its ticket", "holder", None, 200, s.RegistrationOut),
    ("/api/v1/registrations/{registration_id}", "patch", "Change a registration (re-issues the ticket on a new point)",
     "holder", s.RegistrationChangeSchema, 200, s.RegistrationOut),
    ("/api/v1/registrations/{registration_id}", "delete", "Cancel a registration", "holder", None, 200, s.RegistrationOut),
    ("/api/v1/registrations/{registration_id}/erase", "post", "Erase the person's data", "holder", None, 200, None),
]


def _operation(path, summary, who, body, status, answer) -> dict:
    op = {"summary": summary,
          "parameters": [{"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
                         for name in re.findall(r"{(\w+)}", path)],
          "responses": {str(status): {"description": "OK"}}}
    if answer is not None:
        op["responses"][str(status)]["content"] = {"application/json": {"schema": answer}}
    if body == "csv":
        op["requestBody"] = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
    elif body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if who:
        op["security"] = [{"bearer": []}]
        op["description"] = ("Organiser token." if who == "admin"
                             else "The participant's manage token, or an organiser token.")
    error = {"content": {"application/json": {"schema": s.ErrorOut}}}
    for code in sorted({REASONS[r].status for r in REASONS}):
        op["responses"].setdefault(str(code), {"description": ", ".join(
            r for r in REASONS if REASONS[r].status == code), **error})
    return op


@cache
def document() -> dict:
    spec = APISpec(title="ForumOps registration", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for path, method, summary, who, body, status, answer in ROUTES:
        spec.path(path=path, operations={method: _operation(path, summary, who, body, status, answer)})
    return spec.to_dict()


@bp.get("/api/v1/openapi.json")
def openapi_json():
    """This API's OpenAPI 3 document."""
    return jsonify(document())
