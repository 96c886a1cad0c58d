"""The example API's OpenAPI document, generated from its marshmallow schemas."""
from __future__ import annotations

from forumops_shared.openapi import Route, openapi_blueprint

from .. import schemas as s
from ..reasons import REASONS

CALLERS = {"admin": "Organiser token."}
ROUTES = [
    Route("/api/v1/forums/{slug}/notices", "post", "Post a notice for the forum", "admin", s.NoticeSchema, 201,
          s.NoticeOut),
    Route("/api/v1/forums/{slug}/notices", "get", "The forum's notices that show now", answer=s.NoticesOut),
    Route("/api/v1/notices/{notice_id}", "get", "One notice, once it shows", answer=s.NoticeOut),
]
bp = openapi_blueprint("ForumOps example API", ROUTES, REASONS, CALLERS)
