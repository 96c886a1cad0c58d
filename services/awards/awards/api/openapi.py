"""The awards API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.mail_api import MAIL_ROUTE
from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token.",
           "holder": "The application's manage token (given once, at submission).",
           "holder_or_admin": "The application's manage token, or the organiser token."}
ROUTES = [
    Route("/api/v1/programmes", "post", "Create a programme", "admin", s.ProgrammeSchema, 201, s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}", "get", "The programme (organisers also see reviews per application and counts)",
          answer=s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}", "patch", "Change a programme (audited)", "admin", s.ProgrammeChangeSchema,
          answer=s.ProgrammeOut),
    Route("/api/v1/programmes/{slug}/applications", "post",
          "Apply while applications are open: a JSON part `application` and up to 5 files (PDF, JPEG, PNG); "
          "honours Idempotency-Key", body=("multipart", s.ApplicationSchema), status=201,
          answer=s.ApplicationCreatedOut),
    Route("/api/v1/programmes/{slug}/applications", "get", "The programme's applications, a page at a time", "admin",
          answer=s.ApplicationsOut, query=s.PageQuerySchema),
    Route("/api/v1/applications/{application_id}", "get", "One application", "holder_or_admin",
          answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}", "patch", "Edit the application until applications close",
          "holder", s.ApplicationChangeSchema, answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}/withdraw", "post", "Withdraw the application", "holder",
          answer=s.ApplicationOut),
    Route("/api/v1/applications/{application_id}/attachments", "post",
          "Add files until applications close (multipart; 5 in all at most)", "holder", "multipart", 201,
          s.AttachmentsOut),
    Route("/api/v1/applications/{application_id}/attachments/{attachment_id}", "get",
          "An attachment, under its original name", "holder_or_admin", answer="application/octet-stream"),
    Route("/api/v1/applications/{application_id}/attachments/{attachment_id}", "delete",
          "Remove an attachment until applications close", "holder", status=204),
    MAIL_ROUTE,  # {slug}: the programme's (receipts are filed under it)
]
bp = openapi_blueprint("ForumOps awards API", ROUTES, REASONS, CALLERS)
