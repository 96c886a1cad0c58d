"""Dead letters: a message that can never be processed, kept with where it came from and why.

A dead letter from a compacted topic (one that carries personal data, keyed by the person) keeps
its key, so that the dead-letter topic, compacted too, lets the person's erasure remove it: the
consumer that learns of an erasure writes a tombstone for that key here (`forget`), if the topic
holds a dead letter of theirs (so that erasures do not show as dead letters). A dead
letter from any other topic gets a key of its own (origin key, topic, partition and offset), so
that compaction never folds two of them into one."""
from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import Callable

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, KafkaTimeoutError

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
                 topic_prefix: str = "", reader_factory: Callable[[], KafkaConsumer] | None = None):
        self.topic, self.consumer, self.producer_factory = topic, consumer, producer_factory
        self.topic_prefix, self.reader_factory = topic_prefix, reader_factory
        self._producer: KafkaProducer | None = None

    def key_of(self, record) -> bytes:
        if topics.compacted(record.topic.removeprefix(self.topic_prefix)):
            return record.key
        return b"%s@%s:%d:%d" % (record.key or b"", record.topic.encode(), record.partition, record.offset)

    def publish(self, record, error: BaseException, *, attempts: int) -> None:
        """Raises KafkaError when the dead letter could not be stored (the caller retries)."""
        headers = list(record.headers or []) + origin_headers(record, self.consumer, error, attempts)
        self._send(self.key_of(record), record.value, headers)
        log.error("dead-lettered %s[%d]@%d: %s", record.topic, record.partition, record.offset, error)

    def forget(self, key: bytes) -> None:
        """A tombstone for `key` where a dead letter of that key is kept: compaction removes every
        dead letter of that person. Raises KafkaError when the broker did not answer (the caller
        retries)."""
        if self.reader_factory is not None and not self._holds(key):
            return
        self._send(key, None)

    def _send(self, key: bytes, value: bytes | None, headers: list | None = None) -> None:
        """One record, acknowledged by the broker; on KafkaError the producer is dropped (made
        afresh at the next send) and the error raised."""
        try:
            if self._producer is None:
                self._producer = self.producer_factory()
            self._producer.send(self.topic, key=key, value=value, headers=headers).get(timeout=30)
        except KafkaError:
            self.close()
            raise

    def _holds(self, key: bytes, timeout_s: float = 30) -> bool:
        """Whether a dead letter of `key` is still kept: the topic read through (dead letters are few)."""
        reader = self.reader_factory()
        try:
            partitions = [TopicPartition(self.topic, p) for p in sorted(reader.partitions_for_topic(self.topic) or ())]
            if not partitions:
                raise KafkaTimeoutError(f"no partitions of {self.topic} known")
            reader.assign(partitions)
            reader.seek_to_beginning(*partitions)
            ends = reader.end_offsets(partitions)
            deadline = time.monotonic() + timeout_s
            while any(reader.position(tp, timeout_ms=int(timeout_s * 1000)) < ends[tp] for tp in partitions):
                if time.monotonic() > deadline:
                    raise KafkaTimeoutError(f"could not read {self.topic} through in {timeout_s}s")
                for records in reader.poll(timeout_ms=500).values():
                    if any(r.key == key and r.value is not None for r in records):
                        return True
            return False
        finally:
            reader.close()

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None
