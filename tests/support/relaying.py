"""Run a service's outbox relay in a background thread for the length of a test."""
from __future__ import annotations

import contextlib
import threading

from forumops_shared.config import ServiceSettings
from forumops_shared.db import make_engine
from forumops_shared.runtime import Worker


@contextlib.contextmanager
def relaying(settings: ServiceSettings):
    engine = make_engine(settings.database_url)
    relay = Worker(settings, engine).relay()
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        stop.set()
        thread.join(timeout=30)
        engine.dispose()
