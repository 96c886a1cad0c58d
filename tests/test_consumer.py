"""The consumer runner on a real broker: once-only effects, dead letters, outages, crashes."""
import json
import signal
from contextlib import contextmanager

import pytest
from kafka.errors import UnknownBrokerIdError
from sqlalchemy import select

from forumops_shared import topics
from forumops_shared.db import make_engine, readonly
from forumops_shared.events import encode_event, new_event
from forumops_shared.events.registry import REGISTRATION_CHANGED
from forumops_shared.outbox import pending_count, stage_event
from forumops_shared.plumbing import processed_events
from forumops_stack.testing import settings_env

from .support import events
from .support.background import in_background
from .support.kafka_io import committed_total, produce_events, produce_raw, read_all
from .support.processes import Child
from .support.services import migrate
from .support.sink import effect_count, effect_rows, prepare_sink, sink_runner
from .support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from .support.waiting import wait_until


@pytest.fixture
def sink(settings_for):
    settings = settings_for("sink")
    engine = make_engine(settings.database_url, sqlite_busy_timeout_ms=200)
    prepare_sink(settings, engine)
    yield settings, engine
    engine.dispose()


@contextmanager
def running(runner):
    with in_background(runner.run):
        yield runner


def _topic(settings) -> str:
    return settings.topic_prefix + topics.REGISTRATIONS


def test_the_same_event_delivered_twice_has_one_effect(sink):
    settings, engine = sink
    first, second = events.registered(n=1), events.registered(n=2)
    produce_events(settings.kafka_bootstrap_servers, _topic(settings), [first, first, second, first])
    with running(sink_runner(settings, engine)) as runner:
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 4,
                   message="all four deliveries consumed")
    assert sorted(r.event_id for r in effect_rows(engine)) == sorted([first.id, second.id])
    assert runner.stats.duplicate == 2


class NeverFetchesAgain:
    """A consumer as kafka-python 3.0.12 leaves one whose poll failed on a broker missing from its
    metadata (UnknownBrokerIdError): still in its group, it never fetches those partitions again."""

    def __init__(self, consumer):
        self.consumer, self.failed = consumer, False

    def poll(self, timeout_ms=0):
        if not self.failed:
            self.failed = True
            raise UnknownBrokerIdError(1)
        return {}

    def __getattr__(self, name):  # subscribe, commit, seek, close: the real consumer's
        return getattr(self.consumer, name)


def test_a_consumer_whose_poll_failed_is_replaced_and_the_events_arrive(sink):
    settings, engine = sink
    sent = [events.registered(n=i) for i in range(10)]
    produce_events(settings.kafka_bootstrap_servers, _topic(settings), sent)
    runner = sink_runner(settings, engine)
    made, real = [], runner.consumer_factory

    def first_one_stuck():  # the first consumer made is left as kafka-python leaves it; the next is whole
        made.append(real())
        return NeverFetchesAgain(made[0]) if len(made) == 1 else made[-1]
    runner.consumer_factory = first_one_stuck
    with running(runner):
        wait_until(lambda: effect_count(engine) == 10, message="the ten events through a new consumer")
    assert len(made) == 2 and sorted(r.event_id for r in effect_rows(engine)) == sorted(e.id for e in sent)


def _changed_event():
    base = events.registered(n=3)
    return new_event(REGISTRATION_CHANGED, base.subject, {**base.data, "changed": ["point"]},
                     source="/forumops/tests")


POISON = {
    "undecodable bytes": lambda: b"\xff\xfe not json",
    "invalid envelope": lambda: json.dumps({"specversion": "1.0", "id": "x"}).encode(),
    "unknown event type": lambda: encode_event(events.registered()).replace(
        b"registration.participant-registered.v1", b"registration.participant-teleported.v1"),
    "newer version of a known type": lambda: encode_event(events.registered()).replace(
        b"participant-registered.v1", b"participant-registered.v2"),
    "data failing its schema": lambda: encode_event(events.registered()).replace(
        b'"attendance":"onsite"', b'"attendance":"by pigeon"'),
}


@pytest.mark.parametrize("kind", POISON)
def test_a_poison_message_is_dead_lettered_with_its_origin_and_the_next_is_processed(sink, kind):
    settings, engine = sink
    good = events.registered(n=4)
    key = good.subject.encode()  # same key, same partition: the poison sits right before the good one
    produce_raw(settings.kafka_bootstrap_servers, _topic(settings),
                [(key, POISON[kind]()), (key, encode_event(good))])
    with running(sink_runner(settings, engine)) as runner:
        wait_until(lambda: effect_count(engine) == 1, message="the message after the poison")
        [dead] = read_all(settings.kafka_bootstrap_servers, settings.dlq_topic, expected=1)
    headers = {k: v.decode() for k, v in dead.headers}
    assert headers["dlq.origin.topic"] == _topic(settings)
    assert headers["dlq.origin.offset"] == "0"
    assert headers["dlq.origin.partition"].isdigit()
    assert headers["dlq.error.class"] == "PoisonMessage"
    assert headers["dlq.consumer"] == settings.consumer_group
    assert dead.value == POISON[kind]() or kind in ("unknown event type", "newer version of a known type",
                                                    "data failing its schema")
    assert dead.key == key
    assert runner.stats.dead_lettered == 1 and runner.stats.applied == 1


def test_a_handler_failing_mid_group_takes_back_only_its_own_writes(sink):
    settings, engine = sink
    before, failing, after = (events.registered(n=i) for i in (6, 7, 8))
    key = before.subject.encode()  # one partition, one group: the failing event sits between the others
    produce_raw(settings.kafka_bootstrap_servers, _topic(settings),
                [(key, encode_event(e)) for e in (before, failing, after)])
    with running(sink_runner(settings, engine, failing_subject=failing.subject)) as runner:
        [dead] = read_all(settings.kafka_bootstrap_servers, settings.dlq_topic, expected=1)
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 3,
                   message="all three consumed")
    assert [r.event_id for r in effect_rows(engine)] == [before.id, after.id]
    assert dict(dead.headers)["dlq.error.class"] == b"IntegrityError"
    assert (runner.stats.applied, runner.stats.dead_lettered) == (2, 1)


def test_consecutive_events_of_a_batch_handler_are_applied_together_and_a_failing_batch_one_at_a_time(sink):
    settings, engine = sink
    a, b, c = (events.registered(n=i) for i in (10, 11, 12))
    key = a.subject.encode()  # one partition; each phase is produced before its runner starts: one group
    produce_raw(settings.kafka_bootstrap_servers, _topic(settings), [(key, encode_event(e)) for e in (a, b, a, c)])
    batches = []
    with running(sink_runner(settings, engine, failing_subject="failing", batches=batches)) as runner:
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 4,
                   message="the first four consumed")
    # One batch of the new ones (the repeat of a recognised in the same statement)
    assert batches == [[a.id, b.id, c.id]] and (runner.stats.applied, runner.stats.duplicate) == (3, 1)

    ok, failing, after = (events.registered(n=i) for i in (13, 14, 15))
    failing = new_event(failing.type, "failing", failing.data, source="/forumops/tests")
    produce_raw(settings.kafka_bootstrap_servers, _topic(settings),
                [(key, encode_event(e)) for e in (ok, failing, b, after)])
    with running(sink_runner(settings, engine, failing_subject="failing", batches=batches)) as runner:
        [dead] = read_all(settings.kafka_bootstrap_servers, settings.dlq_topic, expected=1)
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 8,
                   message="the next four consumed")
    # The batch failed and was taken back whole; each was then applied alone: the failing one
    # dead-lettered, the others applied once, b still recognised.
    assert batches[1:] == [[ok.id, failing.id, after.id]]
    assert [r.event_id for r in effect_rows(engine)] == [a.id, b.id, c.id, ok.id, after.id]
    assert dict(dead.headers)["dlq.error.class"] == b"IntegrityError"
    assert (runner.stats.applied, runner.stats.duplicate, runner.stats.dead_lettered) == (2, 1, 1)


def test_a_declared_type_this_consumer_does_not_handle_is_skipped_not_dead_lettered(sink):
    settings, engine = sink
    changed, registered = _changed_event(), events.registered(n=5)
    produce_events(settings.kafka_bootstrap_servers, _topic(settings), [changed, registered])
    with running(sink_runner(settings, engine)) as runner:
        wait_until(lambda: effect_count(engine) == 1, message="the handled event")
    assert runner.stats.ignored == 1 and runner.stats.dead_lettered == 0


def test_an_event_its_handler_does_not_want_is_skipped_before_any_database_work(sink):
    settings, engine = sink
    elsewhere, ours = events.registered(n=4, forum="dien-dan-khac"), events.registered(n=5)
    produce_events(settings.kafka_bootstrap_servers, _topic(settings), [elsewhere, ours])
    with running(sink_runner(settings, engine, wanted=lambda e: e.data["forum"] == "dien-dan-2026")) as runner:
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 2,
                   message="both consumed")
    assert [r.event_id for r in effect_rows(engine)] == [ours.id]
    assert (runner.stats.applied, runner.stats.ignored) == (1, 1)
    with readonly(engine).connect() as conn:  # no record of the skipped one: it cost no write
        assert conn.execute(select(processed_events.c.event_id)).scalars().all() == [ours.id]


def test_a_database_outage_is_retried_and_no_offset_moves_past_the_waiting_message(sink, databases):
    settings, engine = sink
    bootstrap, group = settings.kafka_bootstrap_servers, settings.consumer_group
    before = [events.registered(n=i) for i in range(5)]
    during = [events.registered(n=i) for i in range(5, 10)]
    with running(sink_runner(settings, engine)) as runner:
        produce_events(bootstrap, _topic(settings), before)
        wait_until(lambda: committed_total(bootstrap, group) == 5, message="first five committed")
        with database_outage(databases, settings.database_url):
            produce_events(bootstrap, _topic(settings), during)
            wait_until(lambda: runner.stats.retried >= 3, message="three tries while the database is away")
            assert committed_total(bootstrap, group) == 5
        wait_until(lambda: committed_total(bootstrap, group) == 10, message="all ten committed")
    assert effect_count(engine) == 10
    assert runner.stats.dead_lettered == 0
    assert read_all(bootstrap, settings.dlq_topic, expected=1, timeout_s=2) == []


@contextmanager
def database_outage(databases, url):
    """SQLite: another process holds the write lock past the busy timeout. PostgreSQL: the
    database refuses connections and its sessions are cut."""
    if databases.kind == "postgresql":
        databases.set_connectable(url, False)
        try:
            yield
        finally:
            databases.set_connectable(url, True)
        return
    import sqlite3

    blocker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def _start_sink(settings, tmp_path, name: str, delay_s: float) -> Child:
    env = {**settings_env(settings), "SINK_DELAY_S": str(delay_s)}
    return Child.python_module("tests.support.sink_worker", env, tmp_path / f"{name}.log")


def test_a_consumer_killed_mid_stream_and_restarted_loses_nothing_and_doubles_nothing(sink, tmp_path):
    settings, engine = sink
    sent = [events.registered(n=i) for i in range(300)]
    produce_events(settings.kafka_bootstrap_servers, _topic(settings), sent)
    first = _start_sink(settings, tmp_path, "first", delay_s=0.01)
    try:
        wait_until(lambda: effect_count(engine) >= 60, message="the consumer under way")
        first.signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.stop()
    at_kill = effect_count(engine)
    assert at_kill < 300, "the consumer finished before it could be killed"
    second = _start_sink(settings, tmp_path, "second", delay_s=0)
    try:
        wait_until(lambda: committed_total(settings.kafka_bootstrap_servers, settings.consumer_group) == 300,
                   timeout_s=90, message="every message consumed after the restart")
    finally:
        second.stop()
    ids = [r.event_id for r in effect_rows(engine)]
    assert len(ids) == 300 and set(ids) == {e.id for e in sent}


def test_sigterm_finishes_the_message_in_hand_commits_and_exits_cleanly(sink, tmp_path):
    settings, engine = sink
    bootstrap, group = settings.kafka_bootstrap_servers, settings.consumer_group
    produce_events(bootstrap, _topic(settings), [events.registered(n=i) for i in range(20)])
    worker = _start_sink(settings, tmp_path, "graceful", delay_s=0.3)
    try:
        wait_until(lambda: effect_count(engine) >= 2, message="the consumer under way")
        worker.signal(signal.SIGTERM)
        assert worker.wait(15) == 0
    finally:
        worker.stop()
    done = effect_count(engine)
    assert done < 20
    assert committed_total(bootstrap, group) == done  # everything applied was committed; nothing more
    assert "finishing the current message" in worker.log()


def test_a_relay_worker_killed_mid_stream_and_restarted_delivers_every_event_once(settings_for, sink, tmp_path):
    settings = settings_for("registration")
    migrate(settings)
    engine = make_engine(settings.database_url)
    sent = [events.registered(n=i) for i in range(4000)]
    with engine.begin() as conn:
        for event in sent:
            stage_event(conn, event)
    sink_settings, sink_engine = sink

    def pending() -> int:
        with readonly(engine).connect() as conn:
            return pending_count(conn)

    with running(sink_runner(sink_settings, sink_engine)) as runner:
        first = Child.worker("registration", settings_env(settings), tmp_path / "relay1.log")
        try:
            wait_until(lambda: pending() < 3900, interval_s=0.02, message="the relay under way")
            first.signal(signal.SIGKILL)
            first.wait(10)
        finally:
            first.stop()
        assert pending() > 0, "the relay finished before it could be killed"
        second = Child.worker("registration", settings_env(settings), tmp_path / "relay2.log")
        try:
            wait_until(lambda: pending() == 0, timeout_s=90, message="the outbox drained")
            wait_until(lambda: effect_count(sink_engine) >= 4000, timeout_s=90, message="all events consumed",
                       describe=lambda: f"{effect_count(sink_engine)} consumed, the sink's runner: {runner.stats}")
        finally:
            second.stop()
    ids = [r.event_id for r in effect_rows(sink_engine)]
    assert len(ids) == 4000 and set(ids) == {e.id for e in sent}
    engine.dispose()
