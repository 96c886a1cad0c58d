"""Awards, declared: its tables, its refusals, the mail it sends (the applicant's receipt, the
jury's invitations and reminders, the decision once results are published) and its chores.

It publishes `awards.results-published.v1` (services/results.py) and keeps a copy of the award
certificates issued for its results (projection.py)."""
from __future__ import annotations

from pathlib import Path

from forumops_shared.migrations import run_migrations
from forumops_shared.service import Chore, Service
from forumops_shared.worker import run_worker

from . import projection
from .reasons import REASONS
from .services import idempotency, mail, reminders
from .tables import metadata

SERVICE = Service(name="awards", metadata=metadata, migrations=Path(__file__).parent / "migrations",
                  reasons=REASONS, handlers=projection.HANDLERS, mail=mail.render,
                  # stored answers hold manage tokens: dropped once clients have stopped retrying
                  chores=(Chore(every_s=3600, job=idempotency.purge_expired_answers),
                          # the jurors' reminders before the review closes (once each: keyed)
                          Chore(every_s=600, job=reminders.chore)))


def worker() -> None:
    """`awards-worker`: the outbox relay and the mail sender."""
    run_worker(SERVICE)


def migrate() -> None:
    """`awards-migrate`: the database to the latest revision."""
    run_migrations(SERVICE)
