"""The broker lets in only the services, each to its own topics."""
from __future__ import annotations

import uuid

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, TopicAuthorizationFailedError

from forumops_shared.access import Grant, ensure_access, grants
from forumops_shared.service import load_service
from forumops_shared.topic_admin import ensure_topics
from forumops_shared.topics import ATTENDANCE, AWARDS_RESULTS, CERTIFICATES, CHECKIN_DLQ, FORUMS, REGISTRATIONS
from forumops_stack.testing import TEST_PARTITIONS, service_passwords


def test_each_service_may_write_its_own_topics_and_read_what_it_consumes():
    checkin = grants(load_service("checkin"), "p.")
    writes = {g.name for g in checkin if g.operation == "WRITE"}
    reads = {g.name for g in checkin if g.kind == "topic" and g.operation == "READ"}
    assert writes == {"p." + ATTENDANCE, "p." + CHECKIN_DLQ}
    assert reads == {"p." + FORUMS, "p." + REGISTRATIONS, "p." + CHECKIN_DLQ}
    assert Grant("checkin", "group", "p.checkin", "READ") in checkin
    registration = grants(load_service("registration"))
    assert {g.name for g in registration if g.operation == "WRITE"} == {FORUMS, REGISTRATIONS, "registration.dlq"}
    assert not [g for g in registration if g.kind == "group"]  # it consumes nothing


def test_awards_writes_its_results_and_certificates_reads_them():
    awards = grants(load_service("awards"), "p.")
    assert {g.name for g in awards if g.operation == "WRITE"} == {"p." + AWARDS_RESULTS, "p.awards.dlq"}
    certificates = grants(load_service("certificates"), "p.")
    assert Grant("certificates", "topic", "p." + AWARDS_RESULTS, "READ") in certificates
    assert "p." + AWARDS_RESULTS not in {g.name for g in certificates if g.operation == "WRITE"}


@pytest.fixture
def secured(kafka_broker):
    if not kafka_broker.client:
        pytest.fail(f"the {kafka_broker.kind} broker asks for no credentials: these tests need the project's own",
                    pytrace=False)
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS, client=kafka_broker.client)
    passwords = service_passwords(kafka_broker)
    ensure_access(kafka_broker.bootstrap, kafka_broker.client, passwords, prefix=prefix)
    return kafka_broker.bootstrap, prefix, passwords


def as_user(user: str, password: str) -> dict:
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": user, "sasl_plain_password": password}


# A refusal comes at once (refused log-in, refused topic), but a client keeps retrying until its
# time is up: short times for what must be refused, long ones for what must succeed on a busy machine.
REFUSED_S, ALLOWED_S = 4, 30


def sends(bootstrap: str, topic: str, wait_s: float = REFUSED_S, **client) -> bool:
    producer = None
    try:
        producer = KafkaProducer(bootstrap_servers=bootstrap, max_block_ms=int(wait_s * 1000),
                                 request_timeout_ms=int(wait_s * 1000), **client)
        producer.send(topic, key=b"k", value=b"{}").get(timeout=wait_s + 1)
        return True
    except KafkaError:
        return False
    finally:
        if producer is not None:
            producer.close(timeout=2)


def reads(bootstrap: str, topic: str, wait_s: float = REFUSED_S, **client) -> bool:
    consumer = None
    try:
        consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=int(wait_s * 1000) + 1000, **client)
        partition = TopicPartition(topic, 0)
        consumer.assign([partition])
        consumer.seek_to_beginning(partition)
        consumer.poll(timeout_ms=2000)
        consumer.position(partition)
        return True
    except KafkaError:
        return False
    finally:
        if consumer is not None:
            consumer.close()


def test_a_client_without_credentials_is_refused(secured):
    bootstrap, prefix, _ = secured
    assert not sends(bootstrap, prefix + REGISTRATIONS)
    assert not reads(bootstrap, prefix + REGISTRATIONS)


def test_a_wrong_password_is_refused(secured):
    bootstrap, prefix, passwords = secured
    assert not sends(bootstrap, prefix + REGISTRATIONS, **as_user("registration", passwords["registration"] + "x"))


def test_a_service_writes_only_its_own_topics_and_reads_only_what_it_consumes(secured):
    bootstrap, prefix, passwords = secured
    registration, checkin = as_user("registration", passwords["registration"]), as_user("checkin", passwords["checkin"])
    assert sends(bootstrap, prefix + REGISTRATIONS, ALLOWED_S, **registration)
    assert sends(bootstrap, prefix + ATTENDANCE, ALLOWED_S, **checkin)
    assert reads(bootstrap, prefix + REGISTRATIONS, ALLOWED_S, **checkin)

    assert not sends(bootstrap, prefix + REGISTRATIONS, **checkin)  # nobody speaks for registration
    assert not sends(bootstrap, prefix + CERTIFICATES, **checkin)
    assert not reads(bootstrap, prefix + ATTENDANCE, **registration)  # registration consumes nothing
    producer = KafkaProducer(bootstrap_servers=bootstrap, max_block_ms=ALLOWED_S * 1000, **checkin)
    try:
        with pytest.raises(TopicAuthorizationFailedError):  # refused as not allowed, not as unreachable
            producer.send(prefix + REGISTRATIONS, b"{}").get(timeout=ALLOWED_S)
    finally:
        producer.close(timeout=2)
