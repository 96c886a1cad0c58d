"""The registration HTTP API: `gunicorn 'registration.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.clock import SYSTEM_CLOCK, Clock
from forumops_shared.config import ServiceSettings
from forumops_shared.service_app import context_of, create_service_app

from .api import forums, messages, openapi, pages, registrations, sessions
from .api.context import build_context
from .service import SERVICE


def create_app(settings: ServiceSettings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> Flask:
    """Create the registration app; settings come from the environment unless given."""
    app = create_service_app(SERVICE, settings, context=build_context, clock=clock,
                             blueprints=[forums.bp, registrations.bp, sessions.bp, messages.bp, openapi.bp,
                                         pages.bp])
    app.config["MAX_CONTENT_LENGTH"] = context_of(app).config.import_body_limit
    return app
