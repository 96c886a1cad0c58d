"""Kafka clients configured the ForumOps way. Create them per process, after any fork."""
from __future__ import annotations

import os
import threading
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from .config import ServiceSettings


def make_producer(settings: ServiceSettings, purpose: str) -> KafkaProducer:
    """An idempotent producer: acks from all in-sync replicas, retried without duplicates."""
    return KafkaProducer(
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
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id or settings.consumer_group,
        client_id=f"{settings.service}-consumer-{os.getpid()}",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_poll_records=200,
        max_poll_interval_ms=300_000,
        session_timeout_ms=10_000,
        heartbeat_interval_ms=3_000,
    )


def make_admin(bootstrap_servers: str, *, timeout_ms: int = 5_000) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id=f"forumops-admin-{os.getpid()}",
                            request_timeout_ms=timeout_ms, bootstrap_timeout_ms=timeout_ms)


class KafkaProbe:
    """Answers "is the broker reachable?" cheaply: one admin client per process, results cached."""

    def __init__(self, bootstrap_servers: str, cache_seconds: float = 2.0):
        self.bootstrap_servers = bootstrap_servers
        self.cache_seconds = cache_seconds
        self._admin: KafkaAdminClient | None = None
        self._checked_at = 0.0
        self._last: tuple[bool, str] = (False, "not checked")
        self._lock = threading.Lock()

    def check(self) -> tuple[bool, str]:
        with self._lock:
            if time.monotonic() - self._checked_at > self.cache_seconds:
                self._last = self._ask_broker()
                self._checked_at = time.monotonic()
            return self._last

    def _ask_broker(self) -> tuple[bool, str]:
        try:
            if self._admin is None:
                self._admin = make_admin(self.bootstrap_servers, timeout_ms=2_000)
            cluster = self._admin.describe_cluster()
            return True, f"{len(cluster.get('brokers', []))} broker(s)"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            self.close()
            return False, f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            finally:
                self._admin = None
