"""Where a test run gets its Kafka broker: the project's own, or a container of the official image."""
from __future__ import annotations

import random
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .kafka import LocalKafka, ensure_jars, jar_dir, kafka_version, wait_until_ready

# Where settings without a broker point: nothing listens on port 1, so a stray connection is
# refused at once instead of reaching some other test's broker.
NO_BROKER = "127.0.0.1:1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_pair() -> int:
    """A free port whose next port is free too: `up` puts the broker's controller on KAFKA_PORT + 1."""
    while True:
        with socket.socket() as first, socket.socket() as second:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            try:
                second.bind(("127.0.0.1", port + 1))
            except (OSError, OverflowError):  # taken, or past the last port
                continue
            return port


def free_port_run(length: int) -> int:
    """The first of `length` consecutive free ports, below the range the system hands out to
    outgoing connections: a port from that range may be taken by some connection's local end
    between this check and the server's bind (seen: a cluster's controller, while the other CI
    pass ran beside it)."""
    low, pick = _ephemeral_low(), random.Random()
    while True:
        first, held = pick.randrange(10_000, low - length), []
        try:
            for port in range(first, first + length):
                held.append(socket.socket())
                held[-1].bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in held:
                s.close()


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


@dataclass
class Broker:
    """The broker a test session uses; `restart` is None when this run does not control it."""

    bootstrap: str
    kind: str
    stop: Callable[[], None] | None = None
    start: Callable[[], None] | None = None
    home: Path | None = None  # the broker's folder (log, data) where this run started it
    client: dict = field(default_factory=dict, repr=False)  # settings of an admin client (credentials)

    @property
    def data_dir(self) -> Path | None:
        return None if self.home is None else self.home / "data"

    @property
    def controllable(self) -> bool:
        return self.stop is not None


def local_broker(tmp_dir) -> tuple[Broker, Callable[[], None]]:
    ensure_jars()
    port = free_port()
    kafka = LocalKafka(tmp_dir, port=port, controller_port=free_port())
    kafka.start()
    return Broker(kafka.bootstrap, "local", stop=kafka.stop, start=kafka.start, home=kafka.home,
                  client=kafka.admin_client), kafka.stop


def docker_available() -> bool:
    try:
        import docker

        docker.from_env().ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means no usable engine
        return False


def container_broker() -> tuple[Broker, Callable[[], None]]:
    from testcontainers.core.container import DockerContainer

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


def jars_present() -> bool:
    return (jar_dir() / ".complete").exists()


