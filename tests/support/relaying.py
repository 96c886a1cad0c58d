"""Run a service's outbox relay in a background thread for the length of a test."""
from __future__ import annotations

import contextlib

from forumops_shared.config import ServiceSettings
from forumops_shared.db import make_engine
from forumops_shared.service import load_service
from forumops_shared.worker import Worker

from .background import in_background


@contextlib.contextmanager
def relaying(settings: ServiceSettings):
    engine = make_engine(settings.database_url)
    relay = Worker(load_service(settings.service), settings, engine).relay()
    try:
        with in_background(relay.run):
            yield relay
    finally:
        engine.dispose()
