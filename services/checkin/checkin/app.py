"""The check-in HTTP API: `gunicorn 'checkin.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared import topics
from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.http import install_refusals
from forumops_shared.service_app import create_service_app

SERVICE = "checkin"
# What its worker reads; the API reports their lag and the dead letters on /metrics.
CONSUMED_TOPICS: list[str] = [topics.FORUMS, topics.REGISTRATIONS]


def create_app(settings: ServiceSettings | None = None) -> Flask:
    """Create the check-in app; settings come from the environment unless given."""
    from forumops_shared.pages import install_pages

    from .api import openapi, pages, routes
    from .config import checkin_config
    from .reasons import REASONS

    settings = settings or load_settings(SERVICE)
    app = create_service_app(settings, [openapi.bp, pages.bp], consumes=CONSUMED_TOPICS)
    install_pages(app)
    routes.install(app, checkin_config(settings))
    install_refusals(app, REASONS)
    return app
