"""Reading and writing raw messages and group offsets, as an operator's tools would (as the
broker's admin)."""
from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient
from kafka.errors import CoordinatorLoadInProgressError, CoordinatorNotAvailableError

from forumops_shared.events import Event, encode_event
from forumops_shared.topic_admin import topic_configs as read_topic_configs
from forumops_stack.testing import broker_client


def produce_raw(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", **broker_client())
    try:
        for key, value in messages:
            producer.send(topic, key=key, value=value)
        producer.flush(timeout=30)
    finally:
        producer.close()


def produce_events(bootstrap: str, topic: str, events: list[Event]) -> None:
    produce_raw(bootstrap, topic, [(e.subject.encode(), encode_event(e)) for e in events])


def read_all(bootstrap: str, topic: str, expected: int, timeout_s: float = 30) -> list:
    """Read a topic from the beginning until `expected` messages arrived or time is up."""
    import time

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, **broker_client())
    found, deadline = [], time.monotonic() + timeout_s
    try:
        while len(found) < expected and time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                found.extend(records)
    finally:
        consumer.close()
    return found


def committed_total(bootstrap: str, group: str) -> int:
    """Sum of the group's committed offsets: how many messages it has finished with."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **broker_client())
    try:
        offsets = admin.list_group_offsets({group: None}).get(group, {})
    except (CoordinatorNotAvailableError, CoordinatorLoadInProgressError):
        return 0  # the offsets topic is still being created on a fresh broker: nothing committed
    finally:
        admin.close()
    return sum(max(o.offset, 0) for o in offsets.values())


def read_to_end(bootstrap: str, topic: str, timeout_s: float = 30) -> list:
    """Every message now in the topic, partition by partition (as a replaying operator would)."""
    import time

    from kafka import TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **broker_client())
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        found, deadline = [], time.monotonic() + timeout_s
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end in {timeout_s}s"
            for records in consumer.poll(timeout_ms=500).values():
                found.extend(records)
        return found
    finally:
        consumer.close()


def topic_configs(bootstrap: str, topics: list[str]) -> dict[str, dict[str, str]]:
    """The settings set on each topic (those not left at the broker's default)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, **broker_client())
    try:
        return read_topic_configs(admin, topics)
    finally:
        admin.close()
