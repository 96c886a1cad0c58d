"""SQLAlchemy engines (SQLite with WAL, or PostgreSQL) and dialect-neutral helpers."""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import fcntl
import functools
import itertools
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Generic, Iterable, Iterator, TypeVar

from sqlalchemy import DateTime, Engine, Table, TypeDecorator, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row, make_url
from sqlalchemy.exc import DisconnectionError

SQLITE_BUSY_TIMEOUT_MS = 10_000
I = TypeVar("I")
T = TypeVar("T")


# Engines never put a statement's values in an error's message (hide_parameters): such messages
# reach logs and dead letters' headers, which an erasure does not reach; the values are people's.
def make_engine(url: str, *, pool_size: int = 5,
                sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> Engine:
    """Create an engine; nothing connects until first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database, sqlite_busy_timeout_ms)
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


# A pooled connection back in use within this many seconds is not pinged first.
IDLE_PING_S = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it has been idle a while (SQLAlchemy's
    `pool_pre_ping` pings at every checkout: a round trip per transaction, under load 250 a
    second). A connection that fails its ping is replaced (DisconnectionError: the pool takes
    another). One that broke while in use fails its statement, and SQLAlchemy then discards
    every connection of the pool older than that failure: after a server restart under load,
    the requests in flight fail clearly and the next ones get new connections."""
    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, proxy) -> None:
        if time.monotonic() - record.info.get("returned_at", float("inf")) < IDLE_PING_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled connection failed its ping") from exc


def owner_only_file(path: Path) -> None:
    """Create `path` (and its folder) readable by its owner alone, if it does not exist yet.
    SQLite gives the -wal and -shm files the database file's permissions."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def _sqlite_engine(url: str, database: str | None, busy_timeout_ms: int) -> Engine:
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, hide_parameters=True)

    @event.listens_for(engine, "do_connect")
    def _before_connect(*_args):
        if database and database != ":memory:":
            owner_only_file(Path(database))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take transaction control from pysqlite so that BEGIN is ours (see _on_begin).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted and overwritten content is zeroed, not left in free pages: an erased person's
        # name must not stay readable in the file (the WAL keeps it until a checkpoint).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A deferred BEGIN that later upgrades to a write lock fails at once with "database is
        # locked" when another writer got there first; BEGIN IMMEDIATE waits on busy_timeout
        # instead. Reads opt out through readonly(engine).
        readonly = conn.get_execution_options().get("sqlite_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    engine.info_write_lock = SqliteWriteLock(database)
    return engine


class SqliteWriteLock:
    """Queues this machine's writers of one SQLite file before they ask SQLite.

    SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to
    100 ms each), so under load a freed lock sits idle while waiters sleep, and some starve.
    Threads of a process queue on a threading.Lock; processes on an flock() of a file beside
    the database, which the kernel hands to the next waiter at once.
    """

    def __init__(self, database: str | None):
        self.path = f"{database}.writelock" if database and database != ":memory:" else None
        # Re-entrant, so that a nested write in one thread fails on SQLite's busy timeout
        # instead of hanging here; the file lock is taken by the outermost level only.
        self.thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None
        self._pid: int | None = None

    def _file(self) -> int:
        if self._pid != os.getpid():  # a forked child needs its own open file
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        return self._fd

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self.thread_lock:
            outermost = self._depth == 0 and self.path is not None
            if outermost:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if outermost:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """engine.begin() for writing; on SQLite, queued behind SqliteWriteLock first."""
    lock = getattr(engine, "info_write_lock", None)
    if lock is None:
        with engine.begin() as conn:
            yield conn
        return
    with lock.held(), engine.begin() as conn:
        yield conn


def custom_plans(conn: Connection) -> None:
    """For the rest of this transaction, PostgreSQL plans each statement for its values and the
    tables as they are now. psycopg prepares a statement run five times, and PostgreSQL may then
    keep one generic plan for it: one made while a table was nearly empty (a projection or a
    forum's check-ins at the start of the day) reads the whole table on every run once it has
    filled, until the next ANALYZE. Batches (a worker's group of events, an import) take this:
    planning again costs little beside their statements. Requests keep their prepared plans and
    are written not to depend on a table's size (scans' first check-in by a keyed subquery)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")


def _each(conn: Connection, works: list[Callable[[Connection], T]]) -> list[T]:
    return [work(conn) for work in works]


class GroupCommit(Generic[I, T]):
    """Commits small writes of many threads together: one write lock, one transaction, one commit.

    SQLite commits one writer at a time, and taking the lock and committing cost more than the
    few statements of a registration or a scan. A thread with an item to store joins a queue; the
    first in line takes the write lock, then everyone who queued meanwhile (up to `max_units`),
    stores their items in one transaction with `store_all(conn, items)` (one result per item, in
    order), and commits. Each thread gets its own item's result only after the commit.
    `store_all` may store the items with one statement per table instead of one per item: that
    is what makes a batch cheap. If it raises, that transaction is rolled back and the batch is
    stored again one item per transaction, so that each gets exactly its own outcome:
    `store_all` must do database work only.

    On PostgreSQL, which commits concurrently, the batch saves the round trips instead: a
    transaction of its own per item cost each request a pool checkout, BEGIN, COMMIT and its own
    statements, four times the CPU of SQLite's path (docs/performance.md). Batches of other
    processes commit beside it; what two of them write at once is settled by the tables' keys, as
    between two single requests.

    The default `store_all` takes functions of the connection as the items and calls each.
    """

    def __init__(self, engine: Engine, store_all: Callable[[Connection, list[I]], list[T]] = _each,
                 max_units: int = 32):
        self.engine = engine
        self.store_all = store_all
        self.max_units = max_units
        self._queue: collections.deque[_Unit] = collections.deque()
        self._queue_lock = threading.Lock()

    def run(self, item: I) -> T:
        unit = _Unit(item)
        with self._queue_lock:
            self._queue.append(unit)
            first = len(self._queue) == 1
        if not first:  # woken once: when its batch has committed, or when it is first in line
            unit.wake.acquire()
        if not unit.done:
            self._lead(unit)
        return unit.outcome()

    def _lead(self, own: _Unit) -> None:
        batch: list[_Unit] = []
        try:
            with write_transaction(self.engine) as conn:
                with self._queue_lock:
                    batch = list(itertools.islice(self._queue, self.max_units))
                results = self.store_all(conn, [unit.item for unit in batch])
                for unit, result in zip(batch, results, strict=True):
                    unit.value = result
        except Exception as exc:  # noqa: BLE001 - handed to the unit it belongs to
            batch = batch or [own]
            if len(batch) == 1:
                batch[0].error = exc
            else:
                for unit in batch:
                    unit.store_alone(self.engine, self.store_all)
        finally:
            with self._queue_lock:
                for unit in batch or [own]:
                    unit.done = True
                    self._queue.popleft()
                next_first = self._queue[0] if self._queue else None
            # Wake only the threads with something to do: the batch's, and the next to lead.
            # (Waking every waiter, as a Condition's notify_all does, cost a scan a twentieth of its time.)
            for unit in batch:
                if unit is not own:
                    unit.wake.release()
            if next_first is not None:
                next_first.wake.release()


_NOT_RUN = object()


def _locked() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclasses.dataclass(eq=False)
class _Unit:
    item: object
    value: object = _NOT_RUN
    error: Exception | None = None
    done: bool = False
    wake: threading.Lock = dataclasses.field(default_factory=_locked)

    def store_alone(self, engine: Engine, store_all: Callable) -> None:
        try:
            with write_transaction(engine) as conn:
                self.value, self.error = store_all(conn, [self.item])[0], None
        except Exception as exc:  # noqa: BLE001 - handed to the unit's own thread
            self.error = exc

    def outcome(self):
        if self.error is not None:
            raise self.error
        if self.value is _NOT_RUN:  # the leading thread was stopped (a worker's shutdown) mid-batch
            raise RuntimeError("the write was not committed: the thread committing it stopped")
        return self.value


def readonly(engine: Engine) -> Engine:
    """The same engine and pool, for reads: on SQLite its transactions take no write lock."""
    reader = getattr(engine, "info_readonly", None)
    if reader is None:  # made once per engine: each execution_options() call builds a new one
        reader = engine.info_readonly = engine.execution_options(sqlite_readonly=True)
    return reader


def insert_ignore(conn: Connection, table: Table, values: dict):
    """Insert a row unless one with the same key exists: the new row's primary key, else None."""
    key = next(iter(table.primary_key.columns)).name
    return conn.execute(_insert_ignore_statement(conn.dialect.name, table, (key,)), values).scalar()


def insert_ignore_all(conn: Connection, table: Table, rows: list[dict], returning: tuple[str, ...]) -> list[tuple]:
    """Insert rows, skipping each whose key (any unique one) exists or comes earlier in `rows`:
    the `returning` columns of the rows inserted, in no particular order (see insert_rows)."""
    return insert_rows(conn, table, rows, returning=returning, ignore_conflicts=True)


def insert_rows(conn: Connection, table: Table, rows: list[dict], *, returning: tuple[str, ...] = (),
                ignore_conflicts: bool = False) -> list[tuple]:
    """Insert `rows` (dicts with the same keys) with multi-row INSERTs handed to the driver as
    they are: the `returning` columns of the rows inserted, as the driver gives them, in no
    particular order. With `ignore_conflicts`, a row whose key (any unique one) exists, or comes
    earlier in `rows`, is skipped.

    The same statements as `conn.execute(insert(table), rows)` with insertmanyvalues, each value
    converted by its column's type for this dialect, as SQLAlchemy would; without building and
    processing SQLAlchemy's parameters for every row, which cost more than SQLite's own work (a
    hot path: a batch of scans, 10,000 offline scans). Columns left out get their server default;
    a Python-side default would be skipped, so a table with one is refused."""
    return _insert_all(conn, table, rows, returning, " ON CONFLICT DO NOTHING" if ignore_conflicts else "")


def add_all(conn: Connection, table: Table, rows: list[dict], summed: tuple[str, ...]) -> None:
    """Counters: insert each row, or add its `summed` columns to the row with the same primary key,
    with multi-row statements (as insert_rows). Rows with one key are added up first (PostgreSQL
    refuses a statement that changes a row twice) and written in the keys' order, so that two
    writers lock rows alike; a row adding nothing is left out."""
    key_names = [c.name for c in table.primary_key.columns]
    totals: dict[tuple, dict] = {}
    for row in rows:
        total = totals.setdefault(tuple(row[k] for k in key_names), {**row, **dict.fromkeys(summed, 0)})
        for c in summed:
            total[c] += row[c]
    rows = [total for _, total in sorted(totals.items()) if any(total[c] for c in summed)]
    _insert_all(conn, table, rows, (), _adding(conn.dialect, table, summed))


@functools.cache
def _adding(dialect, table: Table, summed: tuple[str, ...]) -> str:
    """add_all's conflict clause: the existing row's `summed` columns plus the new row's."""
    quote, name = dialect.identifier_preparer.quote, dialect.identifier_preparer.format_table(table)
    keys = ", ".join(quote(c.name) for c in table.primary_key.columns)
    return (f" ON CONFLICT ({keys}) DO UPDATE SET "
            + ", ".join(f"{quote(c)} = {name}.{quote(c)} + excluded.{quote(c)}" for c in summed))


def _insert_all(conn: Connection, table: Table, rows: list[dict], returning: tuple[str, ...],
                on_conflict: str) -> list[tuple]:
    if not rows:
        return []
    plan = _insert_plan(conn.dialect, table, tuple(rows[0]), returning, on_conflict)
    found: list[tuple] = []
    for start in range(0, len(rows), plan.rows_per_statement):
        chunk = rows[start:start + plan.rows_per_statement]
        values = [convert(row[name]) if convert else row[name]
                  for row in chunk for name, convert in plan.columns]
        result = conn.exec_driver_sql(plan.statement(len(chunk)), tuple(values))
        if returning:
            found.extend(tuple(r) for r in result.all())
    return found


@dataclasses.dataclass(frozen=True)
class _InsertPlan:
    head: str  # INSERT INTO t (a, b)
    row: str  # (?, ?)
    tail: str  # ON CONFLICT DO NOTHING RETURNING ...
    columns: tuple[tuple[str, Callable | None], ...]  # name, converter
    rows_per_statement: int
    full: str = ""  # the statement for rows_per_statement rows, built once

    def statement(self, n: int) -> str:
        return self.full if n == self.rows_per_statement else self.build(n)

    def build(self, n: int) -> str:
        return f"{self.head} VALUES {', '.join([self.row] * n)}{self.tail}"


@functools.cache
def _insert_plan(dialect, table: Table, names: tuple[str, ...], returning: tuple[str, ...],
                 on_conflict: str) -> _InsertPlan:
    left_out = [c.name for c in table.columns if c.name not in names and c.default is not None]
    if left_out:
        raise ValueError(f"{table.name}: {left_out} have Python-side defaults, which insert_rows would skip")
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    tail = on_conflict
    if returning:
        tail += " RETURNING " + ", ".join(quote(name) for name in returning)
    columns = tuple((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names)
    plan = _InsertPlan(head=f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
                            f"({', '.join(quote(name) for name in names)})",
                       row=f"({', '.join([mark] * len(names))})", tail=tail, columns=columns,
                       # well under SQLite's 32,766 and PostgreSQL's 65,535 parameters per statement
                       rows_per_statement=max(1, min(1000, 30_000 // len(names))))
    return dataclasses.replace(plan, full=plan.build(plan.rows_per_statement))


def upsert(conn: Connection, table: Table, values: dict) -> None:
    """Insert a row, or overwrite the existing row with the same primary key."""
    upsert_all(conn, table, [values])


def upsert_all(conn: Connection, table: Table, rows: list[dict]) -> None:
    """`upsert` for many rows (dicts with the same keys) with one statement: of rows with the same
    primary key, the last is written (one statement may not change a row twice)."""
    if not rows:
        return
    keys = tuple(c.name for c in table.primary_key.columns)
    latest = list({tuple(row[k] for k in keys): row for row in rows}.values())
    conn.execute(_upsert_statement(conn.dialect.name, table, tuple(rows[0]), keys),
                 latest[0] if len(latest) == 1 else latest)


@functools.cache
def _upsert_statement(dialect_name: str, table: Table, names: tuple[str, ...], keys: tuple[str, ...]):
    stmt = (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
    return stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={k: stmt.excluded[k] for k in names if k not in keys})


@functools.cache
def _insert_ignore_statement(dialect_name: str, table: Table, returning: tuple[str, ...]):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    # RETURNING, not rowcount: psycopg reports -1 as the rowcount of this statement.
    return dialect.insert(table).on_conflict_do_nothing().returning(*(table.c[name] for name in returning))


KEYS_PER_QUERY = 500  # values per IN (...): well under every database's limit on bound parameters


def rows_for_keys(conn: Connection, stmt, keys: Iterable, **params) -> list[Row]:
    """Run `stmt` (with an IN over `bindparam("keys", expanding=True)`) for all `keys`, a chunk at a time.

    Build `stmt` once: an `in_(list)` built per call turns each value into a bound parameter,
    which costs more than the query itself for thousands of keys."""
    ordered, rows = sorted(set(keys)), []
    for i in range(0, len(ordered), KEYS_PER_QUERY):
        rows.extend(conn.execute(stmt, {**params, "keys": ordered[i:i + KEYS_PER_QUERY]}).all())
    return rows


class UtcDateTime(TypeDecorator):
    """A moment, stored as UTC on every database and read back aware. SQLite keeps no offset:
    08:00+07:00 stored as it is would come back as 08:00 and be taken for UTC."""

    impl = DateTime
    cache_ok = True

    def __init__(self):
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else as_utc(value).astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything ForumOps stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
