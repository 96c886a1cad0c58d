"""Alembic, driven from code: each service keeps its revisions in `<package>/migrations`."""
from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData

from .db import make_engine


def alembic_config(script_location: Path, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` to `revision`."""
    command.upgrade(alembic_config(script_location, database_url), revision)


PLUMBING_TABLES = frozenset({"outbox", "processed_events", "leases"})


def run_env(target_metadata: MetaData | None = None) -> None:
    """Body of every service's migrations/env.py (online mode only).

    Autogenerate compares only the service's own tables; the plumbing tables come from
    forumops_shared and are created by their own step.
    """
    url = context.config.attributes.get("database_url")
    if url is None:
        raise RuntimeError("run migrations through forumops_shared.migrations.upgrade()")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=conn.dialect.name == "sqlite",
                              include_name=_service_tables_only)
            with context.begin_transaction():
                context.run_migrations()
            conn.commit()
    finally:
        engine.dispose()


def _service_tables_only(name, type_, _parent_names) -> bool:
    return not (type_ == "table" and name in PLUMBING_TABLES)
