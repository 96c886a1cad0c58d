"""The registration API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.audit import AuditPageOut, AuditQuerySchema
from forumops_shared.mail_api import MAIL_ROUTE
from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.", "holder": "The participant's manage token, or an organiser token."}
ROUTES = [
    Route("/api/v1/forums", "post", "Create and publish a forum", "admin", s.ForumSchema, 201, s.ForumOut),
    Route("/api/v1/forums/{slug}", "get", "A forum with its connection points", answer=s.ForumOut),
    Route("/api/v1/forums/{slug}", "patch", "Change a forum", "admin", s.ForumChangeSchema, answer=s.ForumOut),
    Route("/api/v1/forums/{slug}/points/{code}", "put", "Create or change a connection point", "admin",
          s.PointSchema, answer=s.PointOut),
    Route("/api/v1/forums/{slug}/points/import", "post",
          "Import points from CSV (code,name,province,capacity)", "admin", "csv"),
    Route("/api/v1/forums/{slug}/points", "get", "Points with capacity and counts"),
    Route("/api/v1/forums/{slug}/sessions/{code}", "put",
          "Create or replace a session of the programme (publishes the forum again)", "admin", s.SessionSchema,
          answer=s.SessionOut),
    Route("/api/v1/forums/{slug}/sessions/{code}", "delete",
          "Remove a session; refused (session_has_signups) once anyone signed up", "admin"),
    Route("/api/v1/forums/{slug}/sessions", "get", "The programme: sessions in start order, times in the forum's offset",
          answer=s.ProgrammeOut),
    Route("/api/v1/forums/{slug}/registrations", "post", "Register (public; honours Idempotency-Key)",
          body=s.RegistrationSchema, status=201, answer=s.RegistrationOut),
    Route("/api/v1/forums/{slug}/registrations", "get", "Registrations, filtered, a page at a time", "admin"),
    Route("/api/v1/forums/{slug}/registrations/import", "post", "Import participants from CSV", "admin", "csv"),
    Route("/api/v1/forums/{slug}/registrations/export", "get", "Registrations as CSV, filtered as the list is",
          "admin", answer="text/csv", query=s.ExportQuerySchema),
    Route("/api/v1/forums/{slug}/registrations/recover", "post",
          "A lost link: a new one goes to the address if it has a registration (the same answer either way)",
          body=s.RecoverSchema, status=202, answer=s.RecoverOut),
    Route("/api/v1/forums/{slug}/announcements", "post",
          "Email the registrations `recipients` picks; answers with how many", "admin", s.AnnouncementSchema, 202,
          s.AnnouncementOut),
    Route("/api/v1/forums/{slug}/announcements/recipients", "post", "How many an announcement would reach", "admin",
          s.RecipientsSchema, answer=s.RecipientsCountOut),
    Route("/api/v1/forums/{slug}/announcements", "get", "Announcements with their progress", "admin",
          answer=s.AnnouncementListOut),
    Route("/api/v1/forums/{slug}/announcements/{announcement_id}", "get",
          "An announcement and its progress (queued, sent, failed)", "admin", answer=s.AnnouncementOut),
    MAIL_ROUTE,
    Route("/api/v1/forums/{slug}/audit", "get",
          "Who erased, exported or imported what, and when (ids only), oldest first", "admin",
          answer=AuditPageOut, query=AuditQuerySchema),
    Route("/api/v1/registrations/{registration_id}", "get", "A registration and its ticket", "holder",
          answer=s.RegistrationOut),
    Route("/api/v1/registrations/{registration_id}/ticket.svg", "get", "The ticket's QR code (SVG)", "holder",
          answer="image/svg+xml"),
    Route("/api/v1/registrations/{registration_id}", "patch",
          "Change a registration (re-issues the ticket on a new point)", "holder", s.RegistrationChangeSchema,
          answer=s.RegistrationOut),
    Route("/api/v1/registrations/{registration_id}", "delete", "Cancel a registration", "holder",
          answer=s.RegistrationOut),
    Route("/api/v1/registrations/{registration_id}/sessions", "get",
          "The sessions a participant signed up for, each confirmed or waitlisted", "holder", answer=s.SignupsOut),
    Route("/api/v1/registrations/{registration_id}/sessions", "put",
          "Sign up for sessions: the whole set, replacing the one before; full ones waitlist", "holder",
          s.SignupSchema, answer=s.SignupsOut),
    Route("/api/v1/registrations/{registration_id}/erase", "post", "Erase the person's data", "holder"),
]

bp = openapi_blueprint("ForumOps registration", ROUTES, REASONS, CALLERS)
