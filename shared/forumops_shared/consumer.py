"""Consumer runner: each event applied once, in a database transaction, before its offset moves."""
from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Callable, Mapping

from kafka import KafkaConsumer, KafkaProducer, OffsetAndMetadata, TopicPartition
from kafka.errors import CommitFailedError, KafkaError
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from .dead_letters import DeadLetters
from .db import custom_plans, insert_ignore, insert_ignore_all, write_transaction
from .errors import FailureKind, classify_failure
from .events import Event, PoisonMessage, decode_event
from .events.registry import event_type
from .handlers import Handler, takes
from .plumbing import processed_events

log = logging.getLogger(__name__)


class Outcome(str, Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


class RetryLater(Exception):
    """An infrastructure failure: the message must be tried again, its offset must not move."""


@dataclass
class RunnerStats:
    applied: int = 0
    duplicate: int = 0
    ignored: int = 0
    dead_lettered: int = 0
    retried: int = 0  # times an infrastructure failure rewound the partitions to try again


class ConsumerRunner:
    """Runs handlers for the event types a service consumes.

    The decision order for one message: decode and validate (poison -> dead letter); a type
    declared for the topic but not handled here (or not wanted by its handler, handlers.wants) is
    ignored; otherwise, in one savepoint, record the event id (already there -> duplicate, no
    effect) and run the handler. Messages are applied
    in groups, one transaction each (a commit costs more than most handlers); offsets move only
    after their group committed. Consecutive events of a handler that takes them in batches
    (handlers.in_batches) share one savepoint and one statement per table.
    """

    def __init__(self, *, name: str, engine: Engine, handlers: Mapping[str, Handler],
                 topics: list[str], topic_prefix: str, dlq_topic: str,
                 consumer_factory: Callable[[], KafkaConsumer],
                 producer_factory: Callable[[], KafkaProducer],
                 reader_factory: Callable[[], KafkaConsumer] | None = None,
                 handler_attempts: int = 3, max_backoff_s: float = 30.0,
                 group_records: int = 400, group_seconds: float = 0.05):
        self.name = name
        self.engine = engine
        self.handlers = dict(handlers)
        self.topics = [topic_prefix + t for t in topics]
        self.topic_prefix = topic_prefix
        self.consumer_factory = consumer_factory
        self.handler_attempts = handler_attempts
        self.max_backoff_s = max_backoff_s
        self.group_records, self.group_seconds = group_records, group_seconds
        self.stats = RunnerStats()
        self.dead_letters = DeadLetters(dlq_topic, name, producer_factory, topic_prefix, reader_factory)
        self._erasures: list[bytes] = []  # keys of the erasures in the group being applied

    # -- a group of messages, one transaction ----------------------------------------------

    def apply_group(self, pending: list) -> list[tuple]:
        """Apply a prefix of `pending` ((partition, record) pairs) in one transaction, each record
        in its own savepoint: one commit for many events. Stops after `group_records` records or
        `group_seconds`, so that the write lock is never held long (a batch handler's run is
        taken whole). Returns (partition, record, outcome) for the records taken; raises
        RetryLater when infrastructure failed, and then nothing of the group is kept (a dead
        letter sent meanwhile may be sent again)."""
        deadline, taken = time.monotonic() + self.group_seconds, []
        self._erasures: list[bytes] = []
        try:
            with write_transaction(self.engine) as conn:
                custom_plans(conn)
                group: list[tuple] = []  # (partition, record, event), decoded as they are reached
                records = pending[:self.group_records]
                while len(taken) < len(records):
                    run = self._run_at(records, group, len(taken))
                    if len(run) > 1:
                        taken += self._apply_run(conn, run)
                    else:
                        tp, record, event = run[0]
                        taken.append((tp, record, self._apply_one(conn, record, event)))
                    if time.monotonic() >= deadline:
                        break
        except RetryLater:
            raise
        except Exception as exc:  # noqa: BLE001 - classify_failure decides what it means
            if classify_failure(exc) is FailureKind.TRANSIENT:
                raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
            raise
        # After the commit, never under the database's write lock: an erasure's dead letters get
        # their tombstone. Should the broker not take it, the group comes again (as duplicates,
        # which send the tombstone again).
        for key in self._erasures:
            self._forget_dead_letters(key)
        return taken

    def _decode(self, record) -> Event | PoisonMessage:
        try:
            return decode_event(record.value, topic=record.topic.removeprefix(self.topic_prefix))
        except PoisonMessage as exc:
            return exc

    def _run_at(self, records: list, group: list[tuple], start: int) -> list[tuple]:
        """The record at `start` with the ones after it whose events the same handler takes in
        batches (handlers.in_batches): (partition, record, event) each, decoded into `group`
        once (a group cut short by its deadline leaves the rest undecoded)."""
        def event_at(i: int) -> Event | PoisonMessage:
            while len(group) <= i:
                tp, record = records[len(group)]
                group.append((tp, record, self._decode(record)))
            return group[i][2]
        handler, end = self._batch_handler(event_at(start)), start + 1
        while handler is not None and end < len(records) and self._batch_handler(event_at(end)) is handler:
            end += 1
        return group[start:end]

    def _batch_handler(self, event: Event | PoisonMessage) -> Handler | None:
        if isinstance(event, PoisonMessage):
            return None
        handler = self.handlers.get(event.type)
        return handler if takes(handler, event) and getattr(handler, "many", None) else None

    def _apply_run(self, conn: Connection, run: list[tuple]) -> list[tuple]:
        """Records whose handler takes events in batches, applied together in one savepoint: their
        ids recorded with one statement, the new ones handed to the handler at once. Should that
        fail, the savepoint is rolled back and each is applied alone, with its own retries and
        dead letter."""
        handler, fresh = self._batch_handler(run[0][2]), []
        try:
            with conn.begin_nested():
                now = datetime.now(timezone.utc)
                new = {event_id for event_id, in insert_ignore_all(conn, processed_events, [
                    {"consumer": self.name, "event_id": event.id, "processed_at": now} for _, _, event in run],
                    ("event_id",))}
                for _, _, event in run:  # an id twice in the run: its first
                    if event.id in new:
                        new.discard(event.id)
                        fresh.append(event)
                if fresh:
                    handler.many(conn, fresh)
        except Exception as exc:  # noqa: BLE001 - classify_failure decides what it means
            if classify_failure(exc) is FailureKind.TRANSIENT:
                raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
            log.warning("batch of %d %s failed, applying each alone: %r", len(run), run[0][2].type, exc)
            return [(tp, record, self._apply_one(conn, record, event)) for tp, record, event in run]
        applied = {id(event) for event in fresh}
        for _, record, event in run:
            self._note_erasure(event, record)
        return [(tp, record, Outcome.APPLIED if id(event) in applied else Outcome.DUPLICATE)
                for tp, record, event in run]

    def _note_erasure(self, event: Event, record) -> None:
        # Also for a duplicate: an erasure sent again is what closes the segment the first one is
        # in, and so lets the cleaner remove what came before it (topics.ERASABLE).
        if event_type(event.type).erases_subject and record.key:
            self._erasures.append(record.key)

    def _apply_one(self, conn: Connection, record, event: Event | PoisonMessage) -> Outcome:
        """The decision order for one message (see the class docstring)."""
        if isinstance(event, PoisonMessage):
            return self._dead_letter(record, event, attempts=1)
        handler = self.handlers.get(event.type)
        if not takes(handler, event):
            return Outcome.IGNORED
        for attempt in range(1, self.handler_attempts + 1):
            try:
                with conn.begin_nested():  # a failing handler takes back only its own writes
                    first_time = insert_ignore(conn, processed_events, {
                        "consumer": self.name, "event_id": event.id, "processed_at": datetime.now(timezone.utc)})
                    if first_time:
                        handler(conn, event)
                break
            except Exception as exc:  # noqa: BLE001 - classify_failure decides what it means
                if classify_failure(exc) is FailureKind.TRANSIENT:
                    raise RetryLater(f"{type(exc).__name__}: {exc}") from exc
                log.warning("handler for %s failed (attempt %d): %r", event.type, attempt, exc)
                if attempt == self.handler_attempts:
                    return self._dead_letter(record, exc, attempts=attempt)
        self._note_erasure(event, record)
        return Outcome.APPLIED if first_time else Outcome.DUPLICATE

    def _forget_dead_letters(self, key: bytes) -> None:
        try:
            self.dead_letters.forget(key)
        except KafkaError as exc:
            raise RetryLater(f"dead-letter topic unavailable: {exc}") from exc

    def _dead_letter(self, record, error: BaseException, *, attempts: int) -> Outcome:
        try:
            self.dead_letters.publish(record, error, attempts=attempts)
        except KafkaError as exc:
            raise RetryLater(f"dead-letter topic unavailable: {exc}") from exc
        return Outcome.DEAD_LETTERED

    # -- the loop ----------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop` is set; the message in hand is finished before closing."""
        backoff, reconnecting = Backoff(self.max_backoff_s), Backoff(self.max_backoff_s)
        consumer = self._connect(stop, reconnecting)
        try:
            while consumer is not None and not stop.is_set():
                try:
                    batch = consumer.poll(timeout_ms=500)
                    reconnecting.reset()  # while a broker stays away, new consumers come ever more slowly
                except KafkaError as exc:
                    # The broker went away mid-poll. The consumer is closed and a new one joins
                    # the group: kafka-python 3.0.12 marks a fetch to a broker missing from its
                    # metadata (UnknownBrokerIdError) as pending and never clears it, so the
                    # partitions that broker leads were never fetched again (CI, 2026-12-07).
                    # Nothing is lost: offsets are committed only after their group's commit.
                    log.warning("poll failed: %r; consuming again with a new consumer", exc)
                    with contextlib.suppress(KafkaError):
                        consumer.close(autocommit=False)
                    consumer = None
                    reconnecting.wait(stop)
                    consumer = self._connect(stop, reconnecting)
                    continue
                done = self._process_batch(consumer, batch, stop, backoff)
                self._commit(consumer, done)
        finally:
            if consumer is not None:
                consumer.close(autocommit=False)
            self.dead_letters.close()

    def _connect(self, stop: threading.Event, backoff: "Backoff") -> KafkaConsumer | None:
        while not stop.is_set():
            try:
                consumer = self.consumer_factory()
                consumer.subscribe(self.topics)
                return consumer
            except KafkaError as exc:
                log.warning("cannot reach Kafka yet (%r); retrying", exc)
                backoff.wait(stop)
        return None

    def _process_batch(self, consumer, batch, stop, backoff) -> dict[TopicPartition, OffsetAndMetadata]:
        done: dict[TopicPartition, OffsetAndMetadata] = {}
        pending = [(tp, record) for tp, records in batch.items() for record in records]
        while pending and not stop.is_set():
            try:
                taken = self.apply_group(pending)
            except RetryLater as exc:
                # Rewind every partition to its first message not applied; never commit past it.
                log.warning("retrying from %d pending messages after %s", len(pending), exc)
                for tp, record in reversed(pending):
                    consumer.seek(tp, record.offset)  # reversed: the earliest offset of each is sought last
                self.stats.retried += 1
                backoff.wait(stop)
                return done
            backoff.reset()
            for tp, record, outcome in taken:
                setattr(self.stats, outcome.value, getattr(self.stats, outcome.value) + 1)
                done[tp] = OffsetAndMetadata(record.offset + 1, "", -1)
            pending = pending[len(taken):]
        return done

    def _commit(self, consumer: KafkaConsumer, done) -> None:
        if not done:
            return
        try:
            consumer.commit(done)
        except (CommitFailedError, KafkaError) as exc:
            # The group moved on (or the broker is away): these messages will be delivered
            # again and recognised as duplicates by their event ids.
            log.warning("offset commit failed: %r", exc)


class Backoff:
    """Exponential pause with jitter, cut short when asked to stop."""

    def __init__(self, cap_s: float, first_s: float = 0.2):
        self.cap_s, self.first_s, self.current = cap_s, first_s, first_s

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.current * random.uniform(0.8, 1.2))
        self.current = min(self.current * 2, self.cap_s)

    def reset(self) -> None:
        self.current = self.first_s
