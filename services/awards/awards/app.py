"""The awards HTTP API: `gunicorn 'awards.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.clock import SYSTEM_CLOCK, Clock
from forumops_shared.config import ServiceSettings
from forumops_shared.service_app import create_service_app

from .api import applications, jury, openapi, pages, programmes, results
from .api.context import build_context
from .config import awards_config
from .service import SERVICE


def create_app(settings: ServiceSettings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> Flask:
    """Create the awards app; settings come from the environment unless given."""
    app = create_service_app(SERVICE, settings, context=build_context, clock=clock,
                             blueprints=[programmes.bp, applications.bp, jury.bp, results.bp, openapi.bp, pages.bp])
    # An application carries up to five attachments: the body may be larger than other services'.
    app.config["MAX_CONTENT_LENGTH"] = awards_config(app.extensions["forumops"].settings).upload_body_limit
    return app
