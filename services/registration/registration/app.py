"""The registration HTTP API: `gunicorn 'registration.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.service_app import create_service_app

SERVICE = "registration"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    """Create the registration app; settings come from the environment unless given."""
    return create_service_app(settings or load_settings(SERVICE))
