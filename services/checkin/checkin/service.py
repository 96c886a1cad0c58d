"""Check-in, declared: its tables, its projection of registration's events, its refusals."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Service
from forumops_shared.worker import run_worker

from . import projection
from .reasons import REASONS
from .tables import metadata

SERVICE = Service(name="checkin", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS)


def worker() -> None:
    """`checkin-worker`: the outbox relay and the consumer of registration's topics."""
    run_worker(SERVICE)


def migrate() -> None:
    """`checkin-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
