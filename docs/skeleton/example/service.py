"""The example service, declared: its tables, its projection, its refusals, its chores."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Service
from forumops_shared.worker import run_worker

from . import projection
from .reasons import REASONS
from .tables import metadata

SERVICE = Service(name="example", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS)


def worker() -> None:
    """`example-worker`: the outbox relay (and the consumer, once it handles events)."""
    run_worker(SERVICE)


def migrate() -> None:
    """`example-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
