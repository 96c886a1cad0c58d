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
import socket
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text

from forumops_shared.config import ServiceSettings

from forumops_shared.topic_admin import ensure_topics

from .kafka import LocalKafka, ensure_jars, wait_until_ready

TEST_PARTITIONS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Broker:
    """The broker a test session uses; `restart` is None when this run does not control it."""

    bootstrap: str
    kind: str
    stop: Callable[[], None] | None = None
    start: Callable[[], None] | None = None

    @property
    def controllable(self) -> bool:
        return self.stop is not None


def _local_broker(tmp_dir) -> tuple[Broker, Callable[[], None]]:
    ensure_jars()
    port = free_port()
    kafka = LocalKafka(tmp_dir, port=port, controller_port=free_port())
    kafka.start()
    return Broker(kafka.bootstrap, "local", stop=kafka.stop, start=kafka.start), kafka.stop


def _docker_available() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False


def _container_broker() -> tuple[Broker, Callable[[], None]]:
    from testcontainers.core.container import DockerContainer

    from .kafka import kafka_version

    port = free_port()
    container = (
        DockerContainer(f"apache/kafka:{kafka_version()}")
        .with_bind_ports(port, port)
        .with_env("KAFKA_NODE_ID", "1")
        .with_env("KAFKA_PROCESS_ROLES", "broker,controller")
        .with_env("KAFKA_LISTENERS", f"PLAINTEXT://:{port},CONTROLLER://:9093")
        .with_env("KAFKA_ADVERTISED_LISTENERS", f"PLAINTEXT://127.0.0.1:{port}")
        .with_env("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
        .with_env("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
        .with_env("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
        .with_env("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
        .with_env("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
        .with_env("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
        .with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
    )
    container.start()
    bootstrap = f"127.0.0.1:{port}"
    wait_until_ready(bootstrap, 90)

    def restart():
        container.get_wrapped_container().start()
        wait_until_ready(bootstrap, 90)

    broker = Broker(bootstrap, "container", stop=lambda: container.get_wrapped_container().stop(),
                    start=restart)
    return broker, container.stop


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory) -> Iterator[Broker]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        wait_until_ready(external, 30)
        yield Broker(external, "external")
        return
    if shutil.which("java") and (shutil.which("mvn") or _jars_present()):
        broker, teardown = _local_broker(tmp_path_factory.mktemp("kafka"))
    elif _docker_available():
        broker, teardown = _container_broker()
    else:
        pytest.fail("No Kafka broker for the tests: set KAFKA_BOOTSTRAP_SERVERS, install Java 17 "
                    "and Maven (the project fetches the broker itself), or run a Docker engine.",
                    pytrace=False)
    try:
        yield broker
    finally:
        teardown()


def _jars_present() -> bool:
    from .kafka import jar_dir

    return (jar_dir() / ".complete").exists()


@pytest.fixture
def topic_prefix(kafka_broker) -> str:
    """A fresh set of the declared topics, named apart from every other test's."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(kafka_broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS)
    return prefix


@dataclass
class Databases:
    """Makes empty databases of the kind this run tests against."""

    kind: str
    tmp_dir: object
    admin_url: str | None = None
    created: list[str] = field(default_factory=list)

    def new(self, label: str = "db") -> str:
        name = f"t_{label}_{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_dir / (name + '.db')}"
        with self._admin() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def _admin(self):
        return create_engine(self.admin_url, isolation_level="AUTOCOMMIT").connect()

    def set_connectable(self, url: str, allowed: bool) -> None:
        """PostgreSQL only: refuse (and cut) or allow connections to one database — an outage."""
        name = url.rsplit("/", 1)[1]
        with self._admin() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})

    def drop_all(self) -> None:
        if self.kind != "postgresql":
            return
        with self._admin() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


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
    return {**os.environ, f"{key}_DATABASE_URL": settings.database_url,
            "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "FORUMOPS_TOPIC_PREFIX": settings.topic_prefix, "FORUMOPS_VAR_DIR": str(settings.var_dir),
            "FORUMOPS_RELAY_LEASE_SECONDS": str(settings.relay_lease_seconds)}


def pytest_report_header(config) -> list[str]:
    return [f"forumops database: {database_kind()}",
            f"forumops kafka: {os.environ.get('KAFKA_BOOTSTRAP_SERVERS') or 'local broker from Maven Central jars'}"]
