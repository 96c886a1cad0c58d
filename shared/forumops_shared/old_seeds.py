"""Seeds that versions before the key files stored in the signing key tables: moved out and
wiped, leaving no copy in the database's files (see forumops_shared.signing_keys)."""
from __future__ import annotations

from sqlalchemy import Engine, Table, select, update

from .db import readonly, write_transaction
from .key_files import KeyFile
from .tickets import SigningKey, unb64


def move_seeds_out(engine: Engine, table: Table, keys: KeyFile) -> None:
    """Seeds an older version stored in the database: the active one moves to the key file
    (the others sign nothing any more), then all are wiped."""
    with readonly(engine).connect() as conn:
        found = conn.execute(select(table.c.kid, table.c.private_key, table.c.active)
                             .where(table.c.private_key.isnot(None))).all()
    if not found:
        return
    for row in found:
        if row.active:
            keys.add(SigningKey.from_seed(unb64(row.private_key)))
    with write_transaction(engine) as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA secure_delete = ON")  # the old cells are zeroed, not just freed
        conn.execute(update(table).where(table.c.private_key.isnot(None)).values(private_key=None))
    _scrub(engine, table)


def _scrub(engine: Engine, table: Table) -> None:
    """Leave no copy of the wiped seeds in the database's files: SQLite's write-ahead log is
    checkpointed and emptied, PostgreSQL's table rewritten without its dead row versions."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'VACUUM FULL "{table.name}"')
