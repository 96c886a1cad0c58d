"""The certificates HTTP API: `gunicorn 'certificates.app:create_app()'`."""
from __future__ import annotations

from flask import Flask
from flask_cors import CORS

from forumops_shared.clock import SYSTEM_CLOCK, Clock
from forumops_shared.config import ServiceSettings
from forumops_shared.pages import origin
from forumops_shared.service_app import context_of, create_service_app

from .api import openapi, organisers, routes
from .api.context import build_context
from .service import SERVICE


def create_app(settings: ServiceSettings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> Flask:
    """Create the certificates app; settings come from the environment unless given."""
    app = create_service_app(SERVICE, settings, context=build_context, clock=clock,
                             blueprints=[routes.bp, organisers.bp, openapi.bp])
    context = context_of(app)
    app.config["MAX_CONTENT_LENGTH"] = context.config.awards_body_limit
    # The participant's page (registration service) reads their certificate with their manage token.
    CORS(app, origins=[origin(context.settings.urls["registration"])], methods=["GET"], max_age=600,
         allow_headers=["Authorization", "Accept", "Accept-Language"], expose_headers=["Content-Disposition"],
         resources=[r"/api/v1/registrations/[^/]+/certificate", r"/api/v1/certificates/[^/]+/pdf",
                    r"/api/v1/forums/[^/]+/mail"])  # and the organisers' mail page, its failed messages
    return app
