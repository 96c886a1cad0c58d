"""The project's own broker and the declared topics."""
import uuid
from dataclasses import replace

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient

from forumops_shared.topics import REGISTRATIONS, TOPICS, topic_spec
from forumops_shared.topic_admin import ensure_topics
from forumops_stack.testing import TEST_PARTITIONS

from .support.kafka_io import topic_configs
from .support.waiting import wait_until


def test_every_declared_topic_exists_with_its_partitions_and_settings(kafka_broker, topic_prefix):
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap, **kafka_broker.client)
    try:
        described = {t["name"]: t for t in admin.describe_topics([s.prefixed(topic_prefix) for s in TOPICS])}
    finally:
        admin.close()
    configs = topic_configs(kafka_broker.bootstrap, [s.prefixed(topic_prefix) for s in TOPICS])
    for spec in TOPICS:
        assert len(described[spec.prefixed(topic_prefix)]["partitions"]) == min(spec.partitions, TEST_PARTITIONS)
        on_broker = configs[spec.prefixed(topic_prefix)]
        assert {key: on_broker.get(key) for key in spec.config} == spec.config
    # Personal data travels only where an erasure can remove it: compacted by person, bounded in time.
    registrations = configs[topic_prefix + REGISTRATIONS]
    assert registrations["cleanup.policy"] == "compact,delete"
    assert registrations["retention.ms"] == str(365 * 24 * 3600 * 1000)


def test_a_topic_made_by_an_older_release_gets_the_declared_settings(kafka_broker):
    prefix = f"t{uuid.uuid4().hex[:10]}."
    older = tuple(replace(spec, config={"cleanup.policy": "delete", "retention.ms": "1000000"})
                  if spec.name == REGISTRATIONS else spec for spec in TOPICS)
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=1, specs=older, client=kafka_broker.client)
    assert topic_configs(kafka_broker.bootstrap, [prefix + REGISTRATIONS])[prefix + REGISTRATIONS][
        "cleanup.policy"] == "delete"

    assert ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=1, client=kafka_broker.client) == []

    now = topic_configs(kafka_broker.bootstrap, [prefix + REGISTRATIONS])[prefix + REGISTRATIONS]
    assert {key: now.get(key) for key in topic_spec(REGISTRATIONS).config} == topic_spec(REGISTRATIONS).config


def test_creating_the_topics_again_creates_nothing(kafka_broker, topic_prefix):
    assert ensure_topics(kafka_broker.bootstrap, prefix=topic_prefix, client=kafka_broker.client) == []


def test_topics_are_never_auto_created(kafka_broker, topic_prefix):
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, max_block_ms=3000, **kafka_broker.client)
    try:
        future = None
        try:
            future = producer.send(topic_prefix + "undeclared.topic", b"x")
            future.get(timeout=5)
            delivered = True
        except Exception:  # noqa: BLE001 - any refusal is the expected outcome
            delivered = False
    finally:
        producer.close(timeout=2)
    assert not delivered


def test_a_message_round_trips_through_the_broker(kafka_broker, topic_prefix):
    topic = topic_prefix + REGISTRATIONS
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, **kafka_broker.client)
    producer.send(topic, key=b"k", value="Nguyễn Thị Ánh Tuyết".encode()).get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_broker.bootstrap, auto_offset_reset="earliest", **kafka_broker.client)
    try:
        batch = wait_until(lambda: consumer.poll(timeout_ms=500), timeout_s=30, message="the message")
    finally:
        consumer.close()
    assert [m.value.decode() for records in batch.values() for m in records] == ["Nguyễn Thị Ánh Tuyết"]
