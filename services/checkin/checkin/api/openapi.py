"""The check-in API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.audit import AuditPageOut, AuditQuerySchema
from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.", "device": "The staff device's token (enrolled for this point).",
           "participant": "The participant's manage token (from their registration)."}
ROUTES = [
    Route("/api/v1/forums/{slug}/points/{code}/devices", "post", "Enrol a staff device for one point",
          "admin", s.DeviceSchema, 201, s.DeviceOut),
    Route("/api/v1/devices/{device_id}/revoke", "post", "Revoke a device at once", "admin"),
    Route("/api/v1/forums/{slug}/points/{code}/device", "get",
          "The scanner's kit for offline decisions: ticket keys, doors' opening, its own point's roster",
          "device", answer=s.DeviceKitOut),
    Route("/api/v1/forums/{slug}/points/{code}/checkins", "post", "One scan: QR payload or typed code",
          "device", s.ScanSchema, answer=s.ScanOut),
    Route("/api/v1/forums/{slug}/points/{code}/checkins/batch", "post",
          "Scans made offline (up to 10,000), each with its time; idempotent by scan_id", "device",
          s.BatchSchema, answer=s.BatchOut),
    Route("/api/v1/forums/{slug}/online/join", "post", "Join online: an online check-in and the meeting URL",
          "participant"),
    Route("/api/v1/forums/{slug}/online/attendance/import", "post",
          "Import a Zoom or Teams attendance report (CSV as exported)", "admin", "csv",
          answer=s.AttendanceImportOut, query=s.AttendanceImportQuerySchema),
    Route("/api/v1/forums/{slug}/stats", "get", "Live counts per point, on site, online and in total; arrivals per session and point", "admin",
          answer=s.StatsOut, query=s.StatsQuerySchema),
    Route("/api/v1/forums/{slug}/hours", "get",
          "Minutes per session and hours per participant (JSON, or CSV with ?format=csv or Accept: text/csv)",
          "admin", answer=s.HoursOut, query=s.HoursQuerySchema),
    Route("/api/v1/forums/{slug}/audit", "get",
          "Who enrolled or revoked devices, imported attendance, and erasures applied here (ids only)", "admin",
          answer=AuditPageOut, query=AuditQuerySchema),
    Route("/api/v1/forums/{slug}/conflicts", "get", "People admitted at two points by offline doors", "admin",
          answer=s.ConflictPageOut, query=s.PageSchema),
]

bp = openapi_blueprint("ForumOps check-in", ROUTES, REASONS, CALLERS)
