"""pytest plugin: a real Kafka broker and a real database for every test that asks.

Broker, in order: KAFKA_BOOTSTRAP_SERVERS if set; else the project's own local broker (jars
from Maven Central); else the official apache/kafka image through testcontainers where a Docker
engine answers. With none of these the run fails with a message; it never skips.

Database: SQLite files by default; FORUMOPS_TEST_DATABASE=postgresql with
FORUMOPS_TEST_POSTGRES_URL (an admin URL) gives each test its own fresh PostgreSQL database.
"""
from __future__ import annotations

import os
import shutil
import uuid
from typing import Callable, Iterator

import pytest

from forumops_shared.config import ServiceSettings
from forumops_shared.topic_admin import ensure_topics

from .brokers import Broker, container_broker, docker_available, free_port, free_port_pair, jars_present, local_broker
from .databases import Databases
from .kafka import wait_until_ready

__all__ = ["Broker", "Databases", "free_port", "free_port_pair", "settings_env"]

TEST_PARTITIONS = 3


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> Iterator[Broker]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        wait_until_ready(external, 30)
        yield Broker(external, "external")
        return
    if shutil.which("java") and (shutil.which("mvn") or jars_present()):
        broker, teardown = local_broker(tmp_path_factory.mktemp("kafka"))
    elif docker_available():
        broker, teardown = container_broker()
    else:
        pytest.fail("No Kafka broker for the tests: set KAFKA_BOOTSTRAP_SERVERS, install Java 17 "
                    "and Maven (the project fetches the broker itself), or run a Docker engine.",
                    pytrace=False)
    try:
        yield broker
    finally:
        teardown()


@pytest.fixture
def topic_prefix(kafka_broker) -> str:
    """A fresh set of the declared topics, named apart from every other test's."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS)
    return prefix


def database_kind() -> str:
    kind = os.environ.get("FORUMOPS_TEST_DATABASE", "sqlite")
    if kind not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"FORUMOPS_TEST_DATABASE must be sqlite or postgresql, not {kind!r}")
    return kind


@pytest.fixture
def databases(tmp_path) -> Iterator[Databases]:
    kind = database_kind()
    admin_url = os.environ.get("FORUMOPS_TEST_POSTGRES_URL")
    if kind == "postgresql" and not admin_url:
        pytest.fail("FORUMOPS_TEST_DATABASE=postgresql needs FORUMOPS_TEST_POSTGRES_URL "
                    "(or run: ./forumops test --db postgresql)", pytrace=False)
    dbs = Databases(kind, tmp_path, admin_url)
    yield dbs
    dbs.drop_all()


@pytest.fixture
def settings_for(kafka_broker, topic_prefix, databases, tmp_path) -> Callable[..., ServiceSettings]:
    """Settings for one service on the test broker, topics and a fresh database."""
    def make(service: str, database_url: str | None = None, **overrides) -> ServiceSettings:
        return ServiceSettings(
            service=service, database_url=database_url or databases.new(service),
            kafka_bootstrap_servers=kafka_broker.bootstrap, topic_prefix=topic_prefix,
            var_dir=tmp_path / "var", relay_lease_seconds=2.0, **overrides)
    return make


def settings_env(settings: ServiceSettings) -> dict[str, str]:
    """The environment a child process needs to load the same settings."""
    key = settings.service.upper()
    return {**os.environ, **settings.extra, f"{key}_DATABASE_URL": settings.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "FORUMOPS_TOPIC_PREFIX": settings.topic_prefix, "FORUMOPS_VAR_DIR": str(settings.var_dir),
            "FORUMOPS_RELAY_LEASE_SECONDS": str(settings.relay_lease_seconds),
            **{f"FORUMOPS_{name.upper()}_URL": url for name, url in settings.urls.items()}}


def pytest_report_header(config) -> list[str]:
    return [f"forumops database: {database_kind()}",
            f"forumops kafka: {os.environ.get('KAFKA_BOOTSTRAP_SERVERS') or 'local broker from Maven Central jars'}"]
