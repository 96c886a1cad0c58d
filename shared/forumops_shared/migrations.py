"""Alembic, driven from code: one environment (migrations_env/) for every service; the revision
of the plumbing tables is shared (migrations_env/versions/0001_plumbing.py), the service's own
revisions follow it.

`<service>-migrate` (or `python -m forumops_shared.migrations <service>`) brings the service's
database, from its settings, to the latest revision.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from .config import load_settings
from .service import Service, service_named_on_command_line

ENVIRONMENT = Path(__file__).parent / "migrations_env"
# Tables whose shape forumops_shared defines (each service's own migrations create the last ones).
PLUMBING_TABLES = frozenset({"outbox", "processed_events", "leases", "audit_records", "rate_counts", "mail_outbox"})


def alembic_config(service: Service, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ENVIRONMENT))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join([str(ENVIRONMENT / "versions"), str(service.migrations)]))
    cfg.attributes.update(database_url=database_url, target_metadata=service.metadata)
    return cfg


def upgrade(service: Service, database_url: str, revision: str = "head") -> None:
    """Bring the service's database at `database_url` to `revision`."""
    command.upgrade(alembic_config(service, database_url), revision)


def run_migrations(service: Service) -> None:
    upgrade(service, load_settings(service.name).database_url)


def main(argv: list[str] | None = None) -> None:
    run_migrations(service_named_on_command_line("forumops_shared.migrations", argv))


if __name__ == "__main__":
    main()
