"""SQLAlchemy engines (SQLite with WAL, or PostgreSQL) and dialect-neutral helpers."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, *, pool_size: int = 5,
                sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; nothing connects until first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, sqlite_busy_timeout_ms)
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None, busy_timeout_ms: int) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from pysqlite so that BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred BEGIN that later upgrades to a write lock fails at once with "database is
        # locked" when another writer got there first; BEGIN IMMEDIATE waits on busy_timeout
        # instead. Reads opt out through readonly(engine).
        readonly = conn.get_execution_options().get("sqlite_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine


def readonly(engine: Engine) -> Engine:
    """The same engine and pool, for reads: on SQLite its transactions take no write lock."""
    return engine.execution_options(sqlite_readonly=True)


def insert_ignore(conn: Connection, table: Table, values: dict) -> bool:
    """Insert a row unless one with the same key exists; True when a row was inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    key = next(iter(table.primary_key.columns))
    # RETURNING, not rowcount: psycopg reports -1 as the rowcount of this statement.
    stmt = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return conn.execute(stmt).first() is not None


def is_postgres(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"
