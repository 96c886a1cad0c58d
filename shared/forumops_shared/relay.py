"""The outbox relay: publishes staged events (outbox.py) in order with an idempotent producer,
and marks them sent only once the broker has acknowledged them."""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError
from sqlalchemy import Engine, bindparam, delete, select, update

from .db import readonly, write_transaction
from .lease import Lease
from .plumbing import outbox

log = logging.getLogger(__name__)

# Built once: on hot paths building statements costs more than running them.
_PENDING = (select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.event_id, outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.published_at.is_(None)).order_by(outbox.c.id).limit(bindparam("limit")))
# Sent rows leave the pending index only when vacuumed; until then an index scan, which marks
# the ones it passes dead, skips them on its next walk. PostgreSQL would rather take a bitmap
# scan, which marks nothing: each read then visits every row sent since the last vacuum.
_WALK_THE_INDEX = "SET LOCAL enable_bitmapscan = off"
_MARK_SENT = update(outbox).where(outbox.c.id.in_(bindparam("ids", expanding=True))).values(
    published_at=bindparam("now"))


class PublishFailed(Exception):
    """The broker did not acknowledge some events; they stay pending and are retried."""


class OutboxRelay:
    """Publishes pending outbox rows in order and marks them sent once the broker has them."""

    def __init__(self, engine: Engine, producer_factory: Callable[[], KafkaProducer], *,
                 topic_prefix: str, lease: Lease, batch_size: int = 500,
                 ack_timeout_s: float = 130.0, keep_published: timedelta = timedelta(days=1)):
        self.engine = engine
        self.producer_factory = producer_factory
        self.topic_prefix = topic_prefix
        self.lease = lease
        self.batch_size = batch_size
        self.ack_timeout_s = ack_timeout_s
        self.keep_published = keep_published
        self._producer: KafkaProducer | None = None
        self._last_purge = 0.0
        self._stop = threading.Event()

    def publish_pending(self) -> int:
        """One pass: publish up to one batch; returns how many rows were acknowledged."""
        if not self.lease.acquire():
            return 0
        with readonly(self.engine).connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(_WALK_THE_INDEX)
            rows = conn.execute(_PENDING, {"limit": self.batch_size}).all()
            conn.rollback()
        if rows:
            self._send(rows)
        self._purge_published()
        return len(rows)

    def _send(self, rows) -> None:
        producer = self._producer_or_new()
        futures, send_error = [], None
        try:
            for row in rows:
                futures.append(producer.send(
                    self.topic_prefix + row.topic, key=row.key.encode(), value=row.payload.encode(),
                    headers=[("ce_id", row.event_id.encode()), ("ce_type", row.event_type.encode())]))
        except KafkaError as exc:  # metadata unavailable: the broker is away
            send_error = exc
        self._await_acks(producer, futures)
        acked, errors = [], {}
        for row, future in zip(rows, futures):
            if future.succeeded():
                acked.append(row.id)
            else:
                errors[row.id] = repr(future.exception or "not acknowledged in time")
        self._mark(acked, errors)
        if errors or send_error:
            raise PublishFailed(f"{len(rows) - len(acked)} of {len(rows)} events not acknowledged"
                                f" ({send_error or next(iter(errors.values()))})")

    def _await_acks(self, producer: KafkaProducer, futures) -> None:
        # Flush in short steps so that a stop request is honoured while the broker is away;
        # rows left unacknowledged stay pending and are sent again (consumers deduplicate).
        deadline = time.monotonic() + self.ack_timeout_s
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                producer.flush(timeout=1.0)
                return
            except KafkaTimeoutError:
                continue

    def _mark(self, acked: list[int], errors: dict[int, str]) -> None:
        now = datetime.now(timezone.utc)
        with write_transaction(self.engine) as conn:
            if acked:
                conn.execute(_MARK_SENT, {"ids": acked, "now": now})
            for row_id, error in errors.items():
                conn.execute(update(outbox).where(outbox.c.id == row_id)
                             .values(attempts=outbox.c.attempts + 1, last_error=error[:2000]))

    def _purge_published(self) -> None:
        if time.monotonic() - self._last_purge < 60:
            return
        self._last_purge = time.monotonic()
        cutoff = datetime.now(timezone.utc) - self.keep_published
        with write_transaction(self.engine) as conn:
            conn.execute(delete(outbox).where(outbox.c.published_at < cutoff))

    def _producer_or_new(self) -> KafkaProducer:
        if self._producer is None:
            self._producer = self.producer_factory()
        return self._producer

    def reset_producer(self) -> None:
        # After an indefinite error a producer's state is unknown; a new one starts clean.
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None

    def run(self, stop: threading.Event, *, idle_wait_s: float = 0.05, max_backoff_s: float = 10.0) -> None:
        """Publish until `stop` is set; back off while the broker or the database is away."""
        self._stop = stop
        backoff = 0.5
        while not stop.is_set():
            try:
                sent = self.publish_pending()
                backoff = 0.5
                if sent < self.batch_size:
                    stop.wait(idle_wait_s)
            except Exception:  # noqa: BLE001 - every failure here is retried after a pause
                log.exception("outbox relay pass failed; retrying in %.1fs", backoff)
                self.reset_producer()
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff_s)
        self.reset_producer()
        self.lease.release()
