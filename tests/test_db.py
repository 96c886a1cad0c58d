"""Database primitives the plumbing stands on, on SQLite and on PostgreSQL."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, event, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from forumops_shared.db import GroupCommit, add_all, insert_ignore, insert_rows, make_engine
from forumops_shared.lease import Lease
from forumops_shared.plumbing import leases, outbox, processed_events
from forumops_shared.worker import checkpoint_wal

from .support.clock import FakeClock
from .support.services import migrate
from .support.waiting import wait_until
from .support.writers import database_held


@pytest.fixture
def engine(settings_for):
    settings = settings_for("registration")
    migrate(settings)
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


def test_insert_ignore_tells_a_new_row_from_an_existing_one(engine):
    row = {"consumer": "c", "event_id": "e-1", "processed_at": datetime.now(timezone.utc)}
    with engine.begin() as conn:
        assert insert_ignore(conn, processed_events, row) == "c"  # the new row's key (its first column)
        assert insert_ignore(conn, processed_events, row) is None
        assert insert_ignore(conn, processed_events, {**row, "event_id": "e-2"}) == "c"


def test_a_moment_with_an_offset_is_stored_as_the_same_moment(engine):
    """08:00 in Hà Nội is 01:00 UTC on every database, and comes back as that moment, aware."""
    hanoi = datetime(2026, 12, 10, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with engine.begin() as conn:
        insert_ignore(conn, processed_events, {"consumer": "c", "event_id": "e-tz", "processed_at": hanoi})
        stored = conn.execute(select(processed_events.c.processed_at)
                              .where(processed_events.c.event_id == "e-tz")).scalar()
        later = conn.execute(select(processed_events.c.event_id)
                             .where(processed_events.c.processed_at > datetime(2026, 12, 10, 0, 30, tzinfo=timezone.utc))).all()
    assert stored == hanoi and stored.tzinfo is not None
    assert stored.astimezone(timezone.utc).hour == 1
    assert [r.event_id for r in later] == ["e-tz"]


def _outbox_rows(tag: str, n: int, at: datetime) -> list[dict]:
    return [{"event_id": f"{tag}-{i}", "topic": "t", "key": f"k{i}", "event_type": "x.v1", "payload": "{}",
             "created_at": at + timedelta(seconds=i)} for i in range(n)]


def test_rows_inserted_through_the_driver_read_back_as_sqlalchemy_stores_them(engine):
    """insert_rows converts each value as SQLAlchemy would: a moment with an offset, server
    defaults for the columns left out; 2,500 rows take three statements."""
    hanoi = datetime(2026, 12, 10, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    with engine.begin() as conn:
        conn.execute(insert(outbox), _outbox_rows("orm", 2500, hanoi))
        ids = insert_rows(conn, outbox, _outbox_rows("raw", 2500, hanoi), returning=("id",))
        stored = {row.event_id: row for row in conn.execute(select(outbox)).all()}
        after = conn.execute(select(func.count()).select_from(outbox)
                             .where(outbox.c.created_at >= datetime(2026, 12, 10, 1, 30, tzinfo=timezone.utc))).scalar()
    assert len(ids) == len({i for i, in ids}) == 2500
    assert {i for i, in ids} == {row.id for key, row in stored.items() if key.startswith("raw-")}
    for i in (0, 999, 1000, 2499):
        orm, raw = stored[f"orm-{i}"], stored[f"raw-{i}"]
        assert raw.created_at == orm.created_at == hanoi + timedelta(seconds=i)
        assert (raw.attempts, raw.published_at, raw.key) == (orm.attempts, orm.published_at, orm.key) == (0, None, f"k{i}")
    assert after == 2 * (2500 - 1800)  # compared as moments in SQL too, both ways of inserting alike


def test_rows_inserted_ignoring_conflicts_skip_keys_stored_or_earlier_in_the_list(engine):
    at = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
    with engine.begin() as conn:
        insert_rows(conn, outbox, _outbox_rows("e", 2, at))
        rows = _outbox_rows("e", 4, at)  # e-0 and e-1 stored already
        inserted = insert_rows(conn, outbox, rows + rows[3:], returning=("event_id",), ignore_conflicts=True)
        count = conn.execute(select(func.count()).select_from(outbox)).scalar()
    assert sorted(inserted) == [("e-2",), ("e-3",)] and count == 4


def test_counters_add_to_the_rows_they_find_and_start_those_they_do_not(engine):
    """add_all: each row's counts added to the stored row with its key (a column named as an SQL
    keyword included), or stored as a new row; 2,500 rows take three statements; rows with one
    key in one call are added up, and a row adding nothing starts no row."""
    counters = Table("counters", MetaData(), Column("forum", String(20), primary_key=True),
                     Column("point", String(20), primary_key=True), Column("seen", Integer, nullable=False),
                     Column("left", Integer, nullable=False))
    with engine.begin() as conn:
        counters.create(conn)
        add_all(conn, counters, [{"forum": "f", "point": f"P{i}", "seen": 1, "left": 0} for i in range(2500)],
                ("seen", "left"))
        add_all(conn, counters, [{"forum": "f", "point": f"P{i}", "seen": 2, "left": -1} for i in range(2000, 3000)],
                ("seen", "left"))
        add_all(conn, counters, [{"forum": "f", "point": "P0", "seen": 1, "left": 0},
                                 {"forum": "f", "point": "Q", "seen": 0, "left": 0},
                                 {"forum": "f", "point": "P0", "seen": 1, "left": 1}], ("seen", "left"))
        stored = {row.point: (row.seen, row.left) for row in conn.execute(select(counters))}
    assert len(stored) == 3000 and stored["P0"] == (3, 1)
    assert stored["P1"] == stored["P1999"] == (1, 0)
    assert stored["P2000"] == stored["P2499"] == (3, -1)
    assert stored["P2500"] == stored["P2999"] == (2, -1)


def test_a_table_with_python_side_defaults_is_refused_rather_than_left_without_them(engine):
    table = Table("with_default", MetaData(), Column("id", Integer, primary_key=True),
                  Column("state", String(10), default="new"))
    with engine.begin() as conn, pytest.raises(ValueError, match="Python-side defaults"):
        insert_rows(conn, table, [{"id": 1}])


def test_only_one_holder_of_a_lease_until_it_expires(engine):
    clock = FakeClock()
    first, second = Lease(engine, "relay", "first", 10, clock), Lease(engine, "relay", "second", 10, clock)
    assert first.acquire() and first.acquire()  # renewing is acquiring again
    assert not second.acquire()
    clock.advance(9.9)
    assert not second.acquire()
    clock.advance(0.2)
    assert second.acquire()
    assert not first.acquire()


def test_a_held_lease_is_renewed_in_the_database_only_after_half_its_time(engine):
    clock = FakeClock()
    first, second = Lease(engine, "relay", "first", 10, clock), Lease(engine, "relay", "second", 10, clock)

    def expiry() -> float:
        with engine.connect() as conn:
            return conn.execute(select(leases.c.expires_at).where(leases.c.name == "relay")).scalar_one()

    assert first.acquire()
    taken = expiry()
    clock.advance(4.9)
    assert first.acquire() and expiry() == taken  # still fresh: nothing written
    clock.advance(0.2)
    assert first.acquire() and expiry() == pytest.approx(taken + 5.1)  # past half its time: renewed from now
    clock.advance(9.9)
    assert not second.acquire()


def test_a_released_lease_is_free_at_once(engine):
    first, second = Lease(engine, "relay", "first", 60), Lease(engine, "relay", "second", 60)
    assert first.acquire()
    first.release()
    assert second.acquire()


def test_migrating_twice_changes_nothing(settings_for):
    settings = settings_for("checkin")

    migrate(settings)
    migrate(settings)
    engine = make_engine(settings.database_url)
    assert {"outbox", "processed_events", "leases", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def _processed(event_id: str):
    """A unit for GroupCommit: one row; a second with the same id breaks the primary key."""
    def unit(conn):
        conn.execute(processed_events.insert().values(consumer="c", event_id=event_id,
                                                      processed_at=datetime.now(timezone.utc)))
        return event_id
    return unit


def test_writes_committed_together_each_get_their_own_outcome(engine):
    commits = GroupCommit(engine)
    with engine.begin() as conn:
        conn.execute(processed_events.insert().values(consumer="c", event_id="taken", processed_at=datetime.now(timezone.utc)))
    ids = [f"e-{i}" for i in range(40)] + ["taken"]
    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(lambda i: _outcome(commits, i), ids))
    assert outcomes[:40] == ids[:40]  # every thread its own unit's result
    assert isinstance(outcomes[40], IntegrityError)  # and the one that failed its own error
    with engine.connect() as conn:
        stored = conn.execute(select(processed_events.c.event_id)).scalars().all()
    assert sorted(stored) == sorted(ids)  # the failure took nothing of the others with it


def _outcome(commits: GroupCommit, event_id: str):
    try:
        return commits.run(_processed(event_id))
    except IntegrityError as exc:
        return exc


def test_writers_who_queue_while_the_lock_is_taken_share_one_commit(engine):
    commits, count = GroupCommit(engine), []
    event.listen(engine, "commit", lambda conn: count.append(1))
    with ThreadPoolExecutor(max_workers=10) as pool:
        with database_held(engine):  # another writer holds the database: ten submits arrive meanwhile
            futures = [pool.submit(commits.run, _processed(f"q-{i}")) for i in range(10)]
            wait_until(lambda: len(commits._queue) == 10, timeout_s=10, message="ten queued writers")
        assert sorted(f.result(timeout=30) for f in futures) == sorted(f"q-{i}" for i in range(10))
    assert len(count) == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(processed_events)).scalar() == 10



def test_a_sqlite_file_is_owner_only_and_keeps_nothing_deleted_once_its_wal_is_checkpointed(tmp_path):
    path = tmp_path / "db" / "service.db"
    sqlite = make_engine(f"sqlite:///{path}")
    people = Table("people", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(200)))
    try:
        people.metadata.create_all(sqlite)
        with sqlite.begin() as conn:
            conn.execute(insert(people), [{"name": f"Nguyễn Văn Người {i}"} for i in range(50)])
        with sqlite.begin() as conn:
            conn.execute(people.delete().where(people.c.name == "Nguyễn Văn Người 7"))
        wal = tmp_path / "db" / "service.db-wal"
        assert "Nguyễn Văn Người 7".encode() in wal.read_bytes()  # the page as it was, kept in the WAL

        checkpoint_wal(sqlite)

        assert wal.stat().st_size == 0
        assert "Nguyễn Văn Người 7".encode() not in path.read_bytes()  # zeroed, not left in a free slot
        assert "Nguyễn Văn Người 8".encode() in path.read_bytes()
        assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    finally:
        sqlite.dispose()
