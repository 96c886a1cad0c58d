"""Check-in, declared: its tables, its projection of registration's events, its refusals."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Chore, Service
from forumops_shared.worker import run_worker

from . import projection
from .services import hours
from .reasons import REASONS
from .tables import metadata

SERVICE = Service(name="checkin", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS,
                  chores=(Chore(every_s=1, job=hours.catch_up),))


def worker() -> None:
    """`checkin-worker`: the outbox relay, the consumer of registration's topics and the hours of
    people admitted (services/hours.catch_up)."""
    run_worker(SERVICE)


def migrate() -> None:
    """`checkin-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
