"""Certificates, declared: its tables, its projection of registration's and check-in's events
(which issues certificates as they are earned), its refusals."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Service
from forumops_shared.worker import run_worker

from . import projection
from .reasons import REASONS
from .services import mail
from .tables import metadata

SERVICE = Service(name="certificates", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS, mail=mail.render)


def worker() -> None:
    """`certificates-worker`: the outbox relay and the consumer that issues certificates."""
    run_worker(SERVICE)


def migrate() -> None:
    """`certificates-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
