"""`registration-worker`: the registration outbox relay and event consumer."""
from __future__ import annotations

import threading

from forumops_shared.config import ServiceSettings, load_settings
from forumops_shared.db import make_engine, write_transaction
from forumops_shared.logs import configure_logging
from forumops_shared.runtime import Worker, stop_on_signals

from .app import SERVICE
from .services import idempotency

# Registration owns its data and consumes nothing; its worker only relays the outbox.
CONSUMED_TOPICS: list[str] = []


def purge_idempotency_answers(engine) -> None:
    """Stored answers hold manage tokens: drop them once clients have stopped retrying."""
    with write_transaction(engine) as conn:
        idempotency.purge_expired(conn)


def build_worker(settings: ServiceSettings) -> Worker:
    return Worker(settings, make_engine(settings.database_url), handlers={},
                  topics=CONSUMED_TOPICS, chores=[(600, purge_idempotency_answers)])


def main() -> None:
    settings = load_settings(SERVICE)
    configure_logging(SERVICE, settings.log_level)
    stop = threading.Event()
    stop_on_signals(stop)
    build_worker(settings).run(stop)


if __name__ == "__main__":
    main()
