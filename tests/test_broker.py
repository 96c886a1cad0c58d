"""The project's own broker and the declared topics."""
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from forumops_shared.topics import FORUMS, REGISTRATIONS, TOPICS
from forumops_shared.topic_admin import ensure_topics
from forumops_stack.testing import TEST_PARTITIONS

from .support.waiting import wait_until


def test_every_declared_topic_exists_with_its_partitions_and_cleanup_policy(kafka_broker, topic_prefix):
    admin = KafkaAdminClient(bootstrap_servers=kafka_broker.bootstrap)
    try:
        described = {t["name"]: t for t in admin.describe_topics([s.prefixed(topic_prefix) for s in TOPICS])}
        for spec in TOPICS:
            assert len(described[spec.prefixed(topic_prefix)]["partitions"]) == min(spec.partitions, TEST_PARTITIONS)
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic_prefix + FORUMS),
                                          ConfigResource(ConfigResourceType.TOPIC, topic_prefix + REGISTRATIONS)])
    finally:
        admin.close()
    text = repr(configs)
    assert "compact" in text  # the forums topic keeps the latest state per slug
    assert str(365 * 24 * 3600 * 1000) in text  # registrations carry personal data: bounded retention


def test_creating_the_topics_again_creates_nothing(kafka_broker, topic_prefix):
    assert ensure_topics(kafka_broker.bootstrap, prefix=topic_prefix) == []


def test_topics_are_never_auto_created(kafka_broker, topic_prefix):
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap, max_block_ms=3000)
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
    producer = KafkaProducer(bootstrap_servers=kafka_broker.bootstrap)
    producer.send(topic, key=b"k", value="Nguyễn Thị Ánh Tuyết".encode()).get(timeout=30)
    producer.close()
    consumer = KafkaConsumer(topic, bootstrap_servers=kafka_broker.bootstrap, auto_offset_reset="earliest")
    try:
        batch = wait_until(lambda: consumer.poll(timeout_ms=500), timeout_s=30, message="the message")
    finally:
        consumer.close()
    assert [m.value.decode() for records in batch.values() for m in records] == ["Nguyễn Thị Ánh Tuyết"]
