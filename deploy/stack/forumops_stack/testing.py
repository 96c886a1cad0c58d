"""pytest plugin: a real database for every test that asks, and a real Kafka broker for those
that need one.

Tests come in two tiers. A test whose fixtures reach `kafka_broker` (directly or through
`kafka_settings_for`, `topic_prefix` and the like) is marked `kafka`; one that drives Chromium is
marked `browser`. `./forumops test --fast` runs the others: rules, use cases and the services'
HTTP APIs on a real database, with no JVM and no broker (FORUMOPS_TEST_TIER=fast makes
`kafka_broker` fail at once should such a test reach for it).

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

from forumops_shared.access import admin_client
from forumops_shared.config import ServiceSettings, secret
from forumops_shared.topic_admin import ensure_topics

from .brokers import (
    NO_BROKER,
    Broker,
    container_broker,
    docker_available,
    free_port,
    free_port_pair,
    jars_present,
    local_broker,
)
from .databases import Databases
from .kafka import wait_until_ready

__all__ = ["Broker", "Databases", "NO_BROKER", "free_port", "free_port_pair", "settings_env"]

TEST_PARTITIONS = 3
BROKER_FIXTURES = frozenset({"kafka_broker", "kafka_cluster"})  # kafka_cluster: tests/system/test_cluster.py
BROWSER_FIXTURES = frozenset({"browser"})


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "kafka: reaches a real Kafka broker (added by fixture; not in --fast)")
    config.addinivalue_line("markers", "browser: drives headless Chromium (added by fixture; not in --fast)")


def pytest_collection_modifyitems(config, items) -> None:
    """Mark each test by what its fixtures reach, so that a tier is chosen with -m."""
    for item in items:
        reached = set(getattr(item, "fixturenames", ()))
        if reached & BROKER_FIXTURES:
            item.add_marker(pytest.mark.kafka)
        if reached & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)


def fast_tier() -> bool:
    return os.environ.get("FORUMOPS_TEST_TIER") == "fast"


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> Iterator[Broker]:
    if fast_tier():
        pytest.fail("the fast tier reached for a Kafka broker: this test belongs to the full suite "
                    "(its fixtures should reach kafka_broker, so that it is marked `kafka`)", pytrace=False)
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        password = secret(os.environ, "ADMIN_KAFKA_PASSWORD")
        client = admin_client(password) if password else {}
        wait_until_ready(external, 30, client=client)
        yield _in_use(Broker(external, "external", client=client))
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
        yield _in_use(broker)
    finally:
        teardown()


_SESSION_BROKER: list[Broker] = []


def _in_use(broker: Broker) -> Broker:
    _SESSION_BROKER[:] = [broker]
    return broker


_SERVICE_PASSWORDS: dict[str, dict[str, str]] = {}


def service_passwords(broker: Broker) -> dict[str, str]:
    """The services' broker passwords for this run: one set per broker, since a user's password is
    the broker's (several systems of one run share it; a new set would lock the others out)."""
    import secrets

    from forumops_shared.access import SERVICES

    return _SERVICE_PASSWORDS.setdefault(broker.bootstrap, {name: secrets.token_urlsafe(16) for name in SERVICES})


def broker_client() -> dict:
    """Settings for a test's own kafka-python client (an operator's tool): the session broker's
    admin credentials, if it asks for any."""
    return dict(_SESSION_BROKER[0].client) if _SESSION_BROKER else {}


@pytest.fixture
def topic_prefix(kafka_broker) -> str:
    """A fresh set of the declared topics, named apart from every other test's."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS, client=kafka_broker.client)
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


def _settings_maker(databases: Databases, tmp_path, bootstrap: str, prefix: str,
                    client: dict | None = None) -> Callable[..., ServiceSettings]:
    """Settings whose clients act as the broker's admin: a test of one service's parts may use
    any topics and groups. The whole system (tests/support/system.py) runs each service as its
    own user, as production does."""
    broker_user = {}
    if client:
        broker_user = {"kafka_username": client["sasl_plain_username"], "kafka_password": client["sasl_plain_password"],
                       "kafka_mechanism": client["sasl_mechanism"]}

    def make(service: str, database_url: str | None = None, **overrides) -> ServiceSettings:
        return ServiceSettings(**{
            "service": service, "database_url": database_url or databases.new(service),
            "kafka_bootstrap_servers": bootstrap, "topic_prefix": prefix,
            "var_dir": tmp_path / "var", "relay_lease_seconds": 2.0, **broker_user, **overrides})
    return make


@pytest.fixture
def settings_for(databases, tmp_path) -> Callable[..., ServiceSettings]:
    """Settings for one service on a fresh database, with no broker: for tests of rules, use
    cases and HTTP APIs. A test module that needs Kafka overrides this fixture with
    `kafka_settings_for` (so that the services' own fixtures built on it get the broker too)."""
    return _settings_maker(databases, tmp_path, NO_BROKER, f"t{uuid.uuid4().hex[:10]}.")


@pytest.fixture
def kafka_settings_for(kafka_broker, topic_prefix, databases, tmp_path) -> Callable[..., ServiceSettings]:
    """Settings for one service on the test broker, this test's own topics and a fresh database."""
    return _settings_maker(databases, tmp_path, kafka_broker.bootstrap, topic_prefix, kafka_broker.client)


def settings_env(settings: ServiceSettings) -> dict[str, str]:
    """The environment a child process needs to load the same settings."""
    key = settings.service.upper()
    return {**os.environ, **settings.extra, f"{key}_DATABASE_URL": settings.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            **({"KAFKA_SASL_USERNAME": settings.kafka_username, "KAFKA_SASL_PASSWORD": settings.kafka_password,
                "KAFKA_SASL_MECHANISM": settings.kafka_mechanism} if settings.kafka_username else {}),
            "FORUMOPS_TOPIC_PREFIX": settings.topic_prefix, "FORUMOPS_VAR_DIR": str(settings.var_dir),
            "FORUMOPS_RELAY_LEASE_SECONDS": str(settings.relay_lease_seconds),
            **{f"FORUMOPS_{name.upper()}_URL": url for name, url in settings.urls.items()}}


def pytest_report_header(config) -> list[str]:
    broker = ("none (the fast tier)" if fast_tier() else
              os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or "local broker from Maven Central jars")
    return [f"forumops database: {database_kind()}", f"forumops kafka: {broker}"]
