"""Dead letters: a message that can never be processed, kept with where it came from and why.

A dead letter from a compacted topic (one that carries personal data, keyed by the person) keeps
its key, so that the dead-letter topic, compacted too, lets the person's erasure remove it: the
consumer that learns of an erasure writes a tombstone for that key here (`forget`). A dead
letter from any other topic gets a key of its own (origin key, topic, partition and offset), so
that compaction never folds two of them into one."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

from kafka import KafkaProducer
from kafka.errors import KafkaError

from . import topics

log = logging.getLogger(__name__)


def origin_headers(record, consumer: str, error: BaseException, attempts: int) -> list[tuple[str, bytes]]:
    """Headers modelled on Kafka Connect's dead-letter context headers."""
    return [
        ("dlq.origin.topic", record.topic.encode()),
        ("dlq.origin.partition", str(record.partition).encode()),
        ("dlq.origin.offset", str(record.offset).encode()),
        ("dlq.origin.timestamp", str(record.timestamp).encode()),
        ("dlq.consumer", consumer.encode()),
        ("dlq.error.class", type(error).__name__.encode()),
        ("dlq.error.message", str(error)[:4000].encode()),
        ("dlq.attempts", str(attempts).encode()),
        ("dlq.failed_at", datetime.now(timezone.utc).isoformat().encode()),
    ]


class DeadLetters:
    """Publishes to one dead-letter topic and waits for the broker's acknowledgement."""

    def __init__(self, topic: str, consumer: str, producer_factory: Callable[[], KafkaProducer],
                 topic_prefix: str = ""):
        self.topic, self.consumer, self.producer_factory = topic, consumer, producer_factory
        self.topic_prefix = topic_prefix
        self._producer: KafkaProducer | None = None

    def key_of(self, record) -> bytes:
        if topics.compacted(record.topic.removeprefix(self.topic_prefix)):
            return record.key
        return b"%s@%s:%d:%d" % (record.key or b"", record.topic.encode(), record.partition, record.offset)

    def publish(self, record, error: BaseException, *, attempts: int) -> None:
        """Raises KafkaError when the dead letter could not be stored (the caller retries)."""
        headers = list(record.headers or []) + origin_headers(record, self.consumer, error, attempts)
        try:
            if self._producer is None:
                self._producer = self.producer_factory()
            self._producer.send(self.topic, key=self.key_of(record), value=record.value,
                                headers=headers).get(timeout=30)
        except KafkaError:
            self.close()
            raise
        log.error("dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, error)

    def forget(self, key: bytes) -> None:
        """A tombstone for `key`: compaction removes every dead letter of that person. Raises
        KafkaError when the broker did not take it (the caller retries)."""
        try:
            if self._producer is None:
                self._producer = self.producer_factory()
            self._producer.send(self.topic, key=key, value=None).get(timeout=30)
        except KafkaError:
            self.close()
            raise

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None
