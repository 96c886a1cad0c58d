"""The example HTTP API: `gunicorn 'example.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.clock import SYSTEM_CLOCK, Clock
from forumops_shared.config import ServiceSettings
from forumops_shared.service_app import create_service_app

from .api import openapi, routes
from .api.context import build_context
from .service import SERVICE


def create_app(settings: ServiceSettings | None = None, *, clock: Clock = SYSTEM_CLOCK) -> Flask:
    """Create the example app; settings come from the environment unless given."""
    return create_service_app(SERVICE, settings, context=build_context, clock=clock,
                              blueprints=[routes.bp, openapi.bp])
