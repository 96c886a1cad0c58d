"""The transactional outbox on a real broker: atomic with business rows, nothing lost, key order kept."""
import json
from collections import defaultdict
from datetime import datetime

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from forumops_shared.db import make_engine, readonly
from forumops_shared.outbox import pending_count, stage_event
from forumops_stack.testing import settings_env

from .support import events
from .support.processes import Child
from .support.relaying import relaying
from .support.services import migrate
from .support.sink import effect_count, effect_rows, prepare_sink
from .support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from .support.waiting import wait_until

notes_md = MetaData()
notes = Table("notes", notes_md, Column("id", Integer, primary_key=True), Column("text", String(100)))


@pytest.fixture
def producer_side(settings_for):
    """The registration service's database, migrated, with a business table for the test."""
    settings = settings_for("registration")
    migrate(settings)
    engine = make_engine(settings.database_url)
    notes_md.create_all(engine)
    yield settings, engine
    engine.dispose()


@pytest.fixture
def sink_process(settings_for, tmp_path):
    """A consumer of the registrations topic running in its own process."""
    settings = settings_for("sink")
    engine = make_engine(settings.database_url)
    prepare_sink(settings, engine)
    child = Child.python_module("tests.support.sink_worker", settings_env(settings), tmp_path / "sink.log")
    yield engine
    child.stop()
    engine.dispose()


def test_event_written_through_the_outbox_arrives_validated_in_another_process(producer_side, sink_process):
    settings, engine = producer_side
    committed = events.registered(n=0)
    rolled_back = events.registered(n=1)
    with engine.begin() as conn:
        conn.execute(notes.insert().values(text="registered"))
        stage_event(conn, committed)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(notes.insert().values(text="never"))
        stage_event(conn, rolled_back)
        raise RuntimeError("the business operation failed after staging its event")

    with relaying(settings):
        wait_until(lambda: effect_count(sink_process) >= 1, message="the event at the consumer")
        wait_until(lambda: _pending(engine) == 0, message="the outbox row marked sent")

    [row] = effect_rows(sink_process)
    assert row.event_id == committed.id
    assert row.subject == committed.subject
    data = json.loads(row.data)
    assert data["full_name"] == "Nguyễn Thị Ánh Tuyết"
    # The consumer saw the data as loaded by the event's schema: a real datetime, same instant.
    assert datetime.fromisoformat(data["occurred_at"]) == datetime.fromisoformat(committed.data["occurred_at"])
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(notes)).scalar_one() == 1


@pytest.mark.broker_restart
def test_events_written_while_the_broker_is_down_all_arrive_in_key_order(kafka_broker, producer_side, sink_process):
    if not kafka_broker.controllable:
        pytest.fail("this run does not control its broker (KAFKA_BOOTSTRAP_SERVERS is set)", pytrace=False)
    settings, engine = producer_side
    keys = [f"reg-{i}" for i in range(5)]
    staged: dict[str, list[str]] = defaultdict(list)

    def stage(rounds: int) -> None:
        for _ in range(rounds):
            for n, key in enumerate(keys):
                event = events.registered(key, n=n)
                with engine.begin() as conn:
                    stage_event(conn, event)
                staged[key].append(event.id)

    with relaying(settings):
        stage(2)
        wait_until(lambda: effect_count(sink_process) == 10, message="events sent before the outage")
        kafka_broker.stop()
        try:
            stage(20)
            assert _pending(engine) == 100  # nothing can be acknowledged while the broker is down
        finally:
            kafka_broker.start()
        wait_until(lambda: effect_count(sink_process) >= 110, timeout_s=120, message="all 110 events")

    received: dict[str, list[str]] = defaultdict(list)
    for row in effect_rows(sink_process):
        received[row.subject].append(row.event_id)
    assert dict(received) == dict(staged)  # every event, once, in the order written per key
    assert _pending(engine) == 0


def _pending(engine) -> int:
    with readonly(engine).connect() as conn:
        return pending_count(conn)
