"""The Alembic environment of every service: run through forumops_shared.migrations.upgrade,
which names the service's metadata (online mode only).

Autogenerate compares only the service's own tables; the plumbing tables come from
forumops_shared and are created by the shared first revision (versions/0001_plumbing.py).
"""
from alembic import context

from forumops_shared.db import make_engine
from forumops_shared.migrations import PLUMBING_TABLES


def _service_tables_only(name, type_, _parent_names) -> bool:
    return not (type_ == "table" and name in PLUMBING_TABLES)


url = context.config.attributes.get("database_url")
if url is None:
    raise RuntimeError("run migrations through forumops_shared.migrations.upgrade()")
engine = make_engine(url)
try:
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=context.config.attributes["target_metadata"],
                          render_as_batch=conn.dialect.name == "sqlite", include_name=_service_tables_only)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
finally:
    engine.dispose()
