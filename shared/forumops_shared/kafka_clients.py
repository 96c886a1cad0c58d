"""Kafka clients configured the ForumOps way. Create them per process, after any fork."""
from __future__ import annotations

import os
import socket
import threading
from datetime import datetime
from typing import Any, Callable

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from .clock import SYSTEM_CLOCK, Clock
from .config import ServiceSettings


def security(settings: ServiceSettings) -> dict[str, Any]:
    """How a client of `settings` proves who it is: SASL/SCRAM when it has a username."""
    if not settings.kafka_username:
        return {}
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": settings.kafka_mechanism,
            "sasl_plain_username": settings.kafka_username, "sasl_plain_password": settings.kafka_password}


def make_producer(settings: ServiceSettings, purpose: str) -> KafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, retried without duplicates."""
    return KafkaProducer(
        **security(settings),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.service}-{purpose}-{os.getpid()}",
        enable_idempotence=True,
        acks="all",
        linger_ms=5,
        max_in_flight_requests_per_connection=5,
        delivery_timeout_ms=120_000,
        max_block_ms=10_000,
    )


def make_consumer(settings: ServiceSettings, group_id: str | None = None) -> KafkaConsumer:
    """A consumer that never commits by itself: offsets move only after our transaction."""
    return KafkaConsumer(
        **security(settings),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id or settings.consumer_group,
        client_id=f"{settings.service}-consumer-{os.getpid()}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=400,  # a group's worth (consumer.ConsumerRunner.group_records)
        # The broker answers a fetch once 64 KiB have gathered or 100 ms have passed, not at the
        # first byte: fuller polls, fewer transactions and commits, for at most 100 ms more wait.
        fetch_min_bytes=64 * 1024,
        fetch_max_wait_ms=100,
        max_poll_interval_ms=300_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
    )


def make_reader(settings: ServiceSettings) -> KafkaConsumer:
    """A consumer of no group, for reading a topic through once (assign, seek, poll)."""
    return KafkaConsumer(**security(settings), bootstrap_servers=settings.kafka_bootstrap_servers,
                         client_id=f"{settings.service}-reader-{os.getpid()}", enable_auto_commit=False,
                         isolation_level="read_committed", request_timeout_ms=30_000)


def make_admin(bootstrap_servers: str, *, timeout_ms: int = 5_000, **client: Any) -> KafkaAdminClient:
    """An admin client; `client` adds settings such as `security(settings)`."""
    return KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id=f"forumops-admin-{os.getpid()}",
                            request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms, **client)


class KafkaProbe:
    """Asks the broker small questions (is it reachable? how far behind is a group?) through one
    admin client per process; each answer is cached for a moment, failures included, so probes
    and scrapes stay cheap and never wait on a broker that is away more than once per period."""

    def __init__(self, bootstrap_servers: str, cache_seconds: float = 2.0, clock: Clock = SYSTEM_CLOCK,
                 client: dict[str, Any] | None = None):
        self.bootstrap_servers = bootstrap_servers
        self.client = client or {}
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._admin: KafkaAdminClient | None = None
        self._answers: dict[str, tuple[float, datetime, tuple[bool, Any]]] = {}
        self._lock = threading.Lock()

    def check(self) -> tuple[bool, str]:
        """(reachable, detail)."""
        return self.ask("cluster", lambda admin: f"{len(admin.describe_cluster().get('brokers', []))} broker(s)")

    def ask(self, question: str, read: Callable[[KafkaAdminClient], Any]) -> tuple[bool, Any]:
        """(True, read(admin)) or (False, what failed); cached under `question`."""
        return self.ask_when(question, read)[1]

    def ask_when(self, question: str, read: Callable[[KafkaAdminClient], Any]) -> tuple[datetime, tuple[bool, Any]]:
        """The answer as `ask` gives it, with the moment the broker was asked."""
        with self._lock:
            cached = self._answers.get(question)
            if cached is None or self.clock.monotonic() - cached[0] > self.cache_seconds:
                asked_at = self.clock.now()  # the figures are at least as recent as this
                answer = self._ask_broker(read)
                cached = self._answers[question] = (self.clock.monotonic(), asked_at, answer)  # kept from the answer on
            return cached[1], cached[2]

    def _ask_broker(self, read: Callable[[KafkaAdminClient], Any]) -> tuple[bool, Any]:
        try:
            if self._admin is None:
                # A refused connection is a definite answer: kafka-python would retry it until
                # its timeout, holding every probe and scrape that long while the broker is away.
                if not any(_accepts_connections(address) for address in self.bootstrap_servers.split(",")):
                    return False, f"no broker accepts connections at {self.bootstrap_servers}"
                self._admin = make_admin(self.bootstrap_servers, timeout_ms=2_000, **self.client)
            return True, read(self._admin)
        except Exception as exc:  # noqa: BLE001 - any failure means "no answer now"
            self.close()
            return False, f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            finally:
                self._admin = None


def _accepts_connections(address: str, timeout_s: float = 1.0) -> bool:
    host, _, port = address.strip().rpartition(":")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            return True
    except (OSError, ValueError):
        return False
