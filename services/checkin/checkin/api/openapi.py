"""The check-in API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.", "device": "The staff device's token (enrolled for this point)."}
ROUTES = [
    Route("/api/v1/forums/{slug}/points/{code}/devices", "post", "Enrol a staff device for one point",
          "admin", s.DeviceSchema, 201, s.DeviceOut),
    Route("/api/v1/devices/{device_id}/revoke", "post", "Revoke a device at once", "admin"),
    Route("/api/v1/forums/{slug}/points/{code}/checkins", "post", "One scan: QR payload or typed code",
          "device", s.ScanSchema, answer=s.ScanOut),
]

bp = openapi_blueprint("ForumOps check-in", ROUTES, REASONS, CALLERS)
