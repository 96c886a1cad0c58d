"""The registration HTTP API: `gunicorn 'registration.app:create_app()'`."""
from __future__ import annotations

from flask import Flask

from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.http import install_refusals
from forumops_shared.service_app import create_service_app

from .config import registration_config

SERVICE = "registration"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    """Create the registration app; settings come from the environment unless given."""
    from forumops_shared.db import GroupCommit
    from forumops_shared.ratelimit import RateLimit
    from forumops_shared.signing_keys import KeyRing

    from forumops_shared.pages import install_pages

    from .api import forums, openapi, pages, registrations
    from .api.context import Context, ForumCache
    from .reasons import REASONS
    from .services.registrations import store_all
    from .tables import ticket_keys

    settings = settings or load_settings(SERVICE)
    config = registration_config(settings)
    app = create_service_app(settings, [forums.bp, registrations.bp, openapi.bp, pages.bp])
    install_pages(app)
    app.config["MAX_CONTENT_LENGTH"] = config.import_body_limit
    engine = app.extensions["forumops"]["engine"]
    app.extensions[SERVICE] = Context(engine, config, KeyRing(engine, ticket_keys, config.ticket_private_key),
                                      RateLimit(config.rate_limit), ForumCache(engine),
                                      GroupCommit(engine, store_all))
    install_refusals(app, REASONS)
    return app
