"""Database primitives the plumbing stands on, on SQLite and on PostgreSQL."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select

from forumops_shared.db import insert_ignore, make_engine
from forumops_shared.outbox import Lease
from forumops_shared.plumbing import processed_events
from registration.migrate import upgrade


@pytest.fixture
def engine(settings_for):
    settings = settings_for("registration")
    upgrade(settings)
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


def test_only_one_holder_of_a_lease_until_it_expires(engine):
    first, second = Lease(engine, "relay", "first", 0.5), Lease(engine, "relay", "second", 0.5)
    assert first.acquire() and first.acquire()  # renewing is acquiring again
    assert not second.acquire()
    time.sleep(0.6)
    assert second.acquire()
    assert not first.acquire()


def test_a_released_lease_is_free_at_once(engine):
    first, second = Lease(engine, "relay", "first", 60), Lease(engine, "relay", "second", 60)
    assert first.acquire()
    first.release()
    assert second.acquire()


def test_migrating_twice_changes_nothing(settings_for):
    settings = settings_for("checkin")
    from checkin.migrate import upgrade as upgrade_checkin

    upgrade_checkin(settings)
    upgrade_checkin(settings)
    engine = make_engine(settings.database_url)
    assert {"outbox", "processed_events", "leases", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()
