"""The certificates HTTP API: `gunicorn 'certificates.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.http import install_refusals
from forumops_shared.service_app import create_service_app

SERVICE = "certificates"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    """Create the certificates app; settings come from the environment unless given."""
    from .api import openapi, routes
    from .config import certificates_config
    from .reasons import REASONS

    settings = settings or load_settings(SERVICE)
    app = create_service_app(settings, [openapi.bp])
    routes.install(app, certificates_config(settings))
    install_refusals(app, REASONS)
    return app
