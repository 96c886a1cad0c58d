"""Registration, declared: its tables, its refusals, and its worker's one chore. It owns its
data and consumes nothing: its worker relays the outbox."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Chore, Service
from forumops_shared.worker import run_worker

from . import projection
from .reasons import REASONS
from .services.idempotency import purge_expired_answers
from .services import mail
from .services.lifecycle import send_erasures_again
from .tables import metadata

SERVICE = Service(name="registration", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS, chores=(Chore(600, purge_expired_answers), Chore(600, send_erasures_again)),
                  mail=mail.render)


def worker() -> None:
    """`registration-worker`: the outbox relay, the purge of expired idempotency answers and
    erasures sent a second time."""
    run_worker(SERVICE)


def migrate() -> None:
    """`registration-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
