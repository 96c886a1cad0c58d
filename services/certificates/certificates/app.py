"""The certificates HTTP API: `gunicorn 'certificates.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared import topics
from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.http import install_refusals
from forumops_shared.service_app import create_service_app

SERVICE = "certificates"
# What its worker reads; the API reports their lag and the dead letters on /metrics.
CONSUMED_TOPICS: list[str] = [topics.FORUMS, topics.REGISTRATIONS, topics.ATTENDANCE]


def create_app(settings: ServiceSettings | None = None) -> Flask:
    """Create the certificates app; settings come from the environment unless given."""
    from flask_cors import CORS

    from forumops_shared.pages import install_pages, origin

    from .api import openapi, routes
    from .config import certificates_config
    from .reasons import REASONS

    settings = settings or load_settings(SERVICE)
    app = create_service_app(settings, [openapi.bp], consumes=CONSUMED_TOPICS)
    routes.install(app, certificates_config(settings))
    install_pages(app)
    # The participant's page (registration service) reads their certificate with their manage token.
    CORS(app, origins=[origin(settings.urls["registration"])], methods=["GET"], max_age=600,
         allow_headers=["Authorization", "Accept", "Accept-Language"], expose_headers=["Content-Disposition"],
         resources=[r"/api/v1/registrations/[^/]+/certificate", r"/api/v1/certificates/[^/]+/pdf"])
    install_refusals(app, REASONS)
    return app
