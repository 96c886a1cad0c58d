"""`certificates-worker`: the certificates outbox relay and event consumer."""
from __future__ import annotations

import threading

from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.db import make_engine
from forumops_shared.logs import configure_logging
from forumops_shared.runtime import Worker, stop_on_signals

from . import projection
from .app import CONSUMED_TOPICS, SERVICE


def build_worker(settings: ServiceSettings) -> Worker:
    return Worker(settings, make_engine(settings.database_url), handlers=projection.HANDLERS,
                  topics=CONSUMED_TOPICS)


def main() -> None:
    settings = load_settings(SERVICE)
    configure_logging(SERVICE, settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    build_worker(settings).run(stop)


if __name__ == "__main__":
    main()
