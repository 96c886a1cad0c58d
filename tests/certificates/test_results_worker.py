"""The certificates worker, as a process on the real broker, turns an awards programme's results
(published as the awards service's broker user would) into one certificate per winner, however
often they arrive, and applies a correction."""
from __future__ import annotations

from kafka import KafkaProducer

from certificates.app import create_app
from forumops_shared.access import ensure_access
from forumops_shared.events import encode_event
from forumops_shared.service_app import close_service_app
from forumops_stack.testing import service_passwords

from ..registration.conftest import ADMIN_TOKEN
from ..support.kafka_io import committed_total
from ..support.processes import service_worker
from ..support.tiers import settings_on_kafka  # noqa: F401 - these tests run on the broker
from ..support.waiting import wait_until
from .test_programme_results import programme_slug, published, winner

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def publish_as_awards(broker, prefix: str, events) -> None:
    """As the awards service's relay would: its own user, allowed to write its topic (and only that)."""
    client = {}
    if broker.client:
        password = service_passwords(broker)["awards"]
        ensure_access(broker.bootstrap, broker.client, {"awards": password}, prefix=prefix)
        client = {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "SCRAM-SHA-512",
                  "sasl_plain_username": "awards", "sasl_plain_password": password}
    producer = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all", max_block_ms=30_000, **client)
    try:
        for event in events:
            producer.send(prefix + event.topic, key=event.subject.encode(), value=encode_event(event)).get(timeout=30)
    finally:
        producer.close(timeout=5)


def test_results_published_twice_become_one_certificate_per_winner_and_a_correction_follows(
        settings_for, kafka_broker, topic_prefix, tmp_path):
    settings = settings_for("certificates", extra={"CERTIFICATES_ADMIN_TOKEN": ADMIN_TOKEN})
    slug = programme_slug()
    first = published(slug, 1, [winner("A-1", email="a1@truong.edu.vn"), winner("A-2"), winner("A-3", "innovation")])
    with service_worker(settings, tmp_path / "certificates-worker.log"):
        app = create_app(settings)
        api = app.test_client()

        def listed(status="valid"):
            answer = api.get(f"/api/v1/forums/{slug}/certificates", query_string={"kind": "award", "status": status},
                             headers=ADMIN)
            return {c["recipient_name"]: c for c in answer.json["certificates"]}

        try:
            publish_as_awards(kafka_broker, topic_prefix, [first, first, published(slug, 1, first.data["winners"])])
            wait_until(lambda: committed_total(kafka_broker.bootstrap, topic_prefix + "certificates") >= 3,
                       timeout_s=60, message="the worker done with the three deliveries")
            issued = listed()
            assert sorted(issued) == [winner(a)["name"] for a in ("A-1", "A-2", "A-3")]
            correction = published(slug, 2, [winner("A-1", email="a1@truong.edu.vn"), winner("A-3", "innovation")],
                                 reason="A-2 trùng hồ sơ")
            publish_as_awards(kafka_broker, topic_prefix, [correction, correction])
            wait_until(lambda: len(listed("revoked")) == 1, timeout_s=60, message="the removed winner's revocation")
            wait_until(lambda: committed_total(kafka_broker.bootstrap, topic_prefix + "certificates") >= 5,
                       timeout_s=60, message="the worker done with the correction's deliveries")
            after = listed()
            assert {name: c["serial"] for name, c in after.items()} == {
                name: issued[name]["serial"] for name in (winner("A-1")["name"], winner("A-3")["name"])}
            [gone] = listed("revoked").values()
            assert (gone["serial"], gone["revoke_reason"]) == (issued[winner("A-2")["name"]]["serial"], "A-2 trùng hồ sơ")
        finally:
            close_service_app(app)
