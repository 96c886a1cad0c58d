"""The certificates worker, as a process on the real broker: registration's forum (its hours rule
and programme) and people, then check-in's hours, each sent as its service's broker user would,
issue a certificate stating the hours; later hours re-issue it once, however often they arrive."""
from __future__ import annotations

from datetime import timedelta

from kafka import KafkaProducer
from sqlalchemy import select

from certificates.app import create_app
from forumops_shared.access import ensure_access
from forumops_shared.db import readonly
from forumops_shared.events import encode_event
from forumops_shared.plumbing import outbox
from forumops_shared.service_app import close_service_app
from forumops_stack.testing import service_passwords

from ..registration.conftest import ADMIN_TOKEN
from ..support.kafka_io import committed_total
from ..support.processes import service_worker
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until
from .conftest import hours_sent
from .test_hours_certificates import MORNING, PROGRAMME, RULE, put_session

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def publish_as(broker, prefix: str, service: str, messages: list[tuple[str, str, bytes]]) -> None:
    """As `service`'s relay would: its own broker user, allowed to write its topics (and only those)."""
    client = {}
    if broker.client:
        password = service_passwords(broker)[service]
        ensure_access(broker.bootstrap, broker.client, {service: password}, prefix=prefix)
        client = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                  "sasl_plain_username": service, "sasl_plain_password": password}
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", max_block_ms=30_000, **client)
    try:
        for topic, key, value in messages:
            producer.send(prefix + topic, key=key.encode(), value=value).get(timeout=30)
    finally:
        producer.close(timeout=5)


def registration_messages(api) -> list[tuple[str, str, bytes]]:
    """What registration's relay sends from its outbox."""
    with readonly(api.engine).connect() as conn:
        rows = conn.execute(select(outbox.c.topic, outbox.c.key, outbox.c.payload).order_by(outbox.c.id)).all()
    return [(row.topic, row.key, row.payload.encode()) for row in rows]


def as_sent(*events) -> list[tuple[str, str, bytes]]:
    return [(e.topic, e.subject, encode_event(e)) for e in events]


def test_hours_through_the_broker_issue_then_reissue_once_however_often_they_arrive(
        api, settings_for, kafka_broker, topic_prefix, tmp_path):
    settings = settings_for("certificates", extra={"CERTIFICATES_ADMIN_TOKEN": ADMIN_TOKEN})
    slug = api.create_forum(slug="dien-dan-gio-hoc", certificate_rule=RULE)
    api.put_point(slug, "HN-01", capacity=10)
    for s in PROGRAMME:
        put_session(api, slug, s)
    person = api.register(slug, api.person("HN-01", full_name="Vũ Thị Thu Hà")).json
    registration = registration_messages(api)
    first = hours_sent(person, slug, MORNING + timedelta(hours=7), PLEN=210, WS_A=90)  # 5 hours
    late = hours_sent(person, slug, MORNING + timedelta(days=1), PLEN=210, WS_A=90, AWARDS=75)  # 6 hours
    with service_worker(settings, tmp_path / "certificates-worker.log"):
        app = create_app(settings)
        client = app.test_client()

        def listed(status):
            answer = client.get(f"/api/v1/forums/{slug}/certificates", query_string={"status": status}, headers=ADMIN)
            return answer.json["certificates"]

        try:
            publish_as(kafka_broker, topic_prefix, "registration", registration)
            # The forum's whole programme first: the two topics keep no order between them, and
            # hours heard before a session would be re-issued once it comes (right, but another test).
            wait_until(lambda: committed_total(kafka_broker.bootstrap, topic_prefix + "certificates")
                       >= len(registration), timeout_s=60, message="the worker done with registration's events")
            publish_as(kafka_broker, topic_prefix, "checkin", as_sent(first, first))
            wait_until(lambda: len(listed("valid")) == 1, timeout_s=60, message="the certificate on 5 hours")
            [issued] = listed("valid")
            assert (issued["recipient_name"], issued["hours"]) == ("Vũ Thị Thu Hà", 5)
            # The late report, sent twice, and the first hours once more after it (older: ignored).
            publish_as(kafka_broker, topic_prefix, "checkin", as_sent(late, late, first))
            wait_until(lambda: committed_total(kafka_broker.bootstrap, topic_prefix + "certificates")
                       >= len(registration) + 5, timeout_s=60, message="the worker done with every delivery")
            [old], [new] = listed("revoked"), listed("valid")
            assert (old["serial"], old["revoke_reason"], old["replaced_by"]) == (issued["serial"], "hours_changed",
                                                                                 new["serial"])
            assert (new["replaces"], new["hours"], [s["code"] for s in new["sessions"]]) == (
                issued["serial"], 6, ["PLEN", "WS-A", "AWARDS"])
        finally:
            close_service_app(app)
