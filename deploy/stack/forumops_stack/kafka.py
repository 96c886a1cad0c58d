"""A real Apache Kafka broker (KRaft) from Maven Central jars, started by PID: alone, or one node of
a three-node cluster (`cluster`)."""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import time
import xml.etree.ElementTree as ET
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from kafka.admin import KafkaAdminClient

from forumops_shared import access

from .paths import KAFKA_DEPLOY, KAFKA_JARS

log = logging.getLogger(__name__)

CLUSTER_ID = "Rm9ydW1PcHNMb2NhbEthZg"  # any 22-char base64 id; every node of a cluster is formatted with it
POM = KAFKA_DEPLOY / "pom.xml"
C1_ONLY = ("-XX:TieredStopAtLevel=1",)
TIERED = ()  # the JVM's default: C1, then C2 for hot code


class BrokerError(RuntimeError):
    pass


def kafka_version() -> str:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    return ET.parse(POM).getroot().find("m:properties/m:kafka.version", ns).text


def jar_dir() -> Path:
    return KAFKA_JARS / kafka_version() / "lib"


def ensure_jars() -> Path:
    """Fetch the broker's jars with Maven once; later calls find them cached."""
    lib = jar_dir()
    done = lib / ".complete"
    if done.exists():
        return lib
    if shutil.which("mvn") is None:
        raise BrokerError("Maven (mvn) is needed to fetch the Kafka broker jars")
    if lib.exists():
        shutil.rmtree(lib)
    started = time.monotonic()
    subprocess.run(
        ["mvn", "-B", "-q", "-f", str(POM),
         "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
         "-DincludeScope=runtime", f"-DoutputDirectory={lib}"],
        check=True)
    size = sum(f.stat().st_size for f in lib.iterdir())
    done.write_text(f"{size}\n")
    log.info("fetched Kafka %s: %d jars, %.1f MB in %.1fs", kafka_version(),
             len(list(lib.glob('*.jar'))), size / 1e6, time.monotonic() - started)
    return lib


@dataclass
class LocalKafka:
    """One broker+controller on 127.0.0.1 with its data in `home`: alone, or node `node_id` of
    the quorum `voters` ("1@127.0.0.1:9093,2@...") whose partitions have `replicas` replicas."""

    home: Path
    port: int = 9092
    controller_port: int = 9093
    heap: str = "512m"
    node_id: int = 1
    voters: str | None = None  # None: this node alone
    replicas: int = 1
    # The JIT's optimising compiler (C2) kept compiling through the first minute and more of any
    # load, and used more CPU than the requests themselves on the cores the services share with
    # the broker. C1 alone compiles once, quickly, and serves a local broker's load as well.
    # `./forumops bench broker` measures both side by side.
    jit: tuple[str, ...] = C1_ONLY
    # The broker's super user (topics, users, ACLs); kept in the owner-only config it renders.
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def admin_client(self) -> dict:
        """Settings of a kafka-python client that acts as the broker's admin."""
        return access.admin_client(self.admin_password)

    @property
    def pid_file(self) -> Path:
        return self.home / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"

    def _java(self, *args: str) -> list[str]:
        return ["java", f"-Xms{self.heap}", f"-Xmx{self.heap}", *self.jit, "-XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
                f"-Dlog4j2.configurationFile=file:{KAFKA_DEPLOY / 'log4j2.properties'}",
                "-cp", f"{ensure_jars()}/*", *args]

    def _render_config(self) -> Path:
        config = self.home / "server.properties"
        template = (KAFKA_DEPLOY / "server.properties.template").read_text()
        text = template.format(port=self.port, controller_port=self.controller_port, log_dir=self.home / "data",
                               admin_password=self.admin_password, node_id=self.node_id,
                               voters=self.voters or f"{self.node_id}@127.0.0.1:{self.controller_port}",
                               replicas=self.replicas, min_insync=min(self.replicas, 2))
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # also one an older release wrote readable by all
        with os.fdopen(fd, "w") as f:
            f.write(text)
        return config

    def format(self) -> None:
        """Format KRaft storage once; Kafka never formats by itself."""
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        config = self._render_config()
        if (self.home / "data" / "meta.properties").exists():
            return
        subprocess.run(self._java("kafka.tools.StorageTool", "format", "-t", CLUSTER_ID,
                                  "-c", str(config)),
                       check=True, capture_output=True, timeout=120)

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
            return pid
        except (FileNotFoundError, ValueError, ProcessLookupError):
            return None

    def command(self) -> list[str]:
        """The broker's command line (its storage formatted first if needed)."""
        self.format()
        return self._java("kafka.Kafka", str(self.home / "server.properties"))

    def start(self, timeout_s: float = 90) -> float:
        """Start (formatting first if needed) and wait until the broker answers; returns seconds."""
        if self.running_pid():
            wait_until_ready(self.bootstrap, timeout_s, client=self.admin_client)
            return 0.0
        command = self.command()
        started = time.monotonic()
        with open(os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab") as out:
            proc = subprocess.Popen(command,
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, umask=0o077)
        self.pid_file.write_text(str(proc.pid))
        try:
            wait_until_ready(self.bootstrap, timeout_s, alive=lambda: proc.poll() is None, client=self.admin_client)
        except BrokerError:
            self.stop()
            raise BrokerError(f"Kafka did not start; last log lines:\n{self._log_tail()}")
        return time.monotonic() - started

    def stop(self, timeout_s: float = 30) -> None:
        """Controlled shutdown by PID (SIGTERM), SIGKILL if it does not end in time."""
        pid = self.running_pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return
        os.kill(pid, signal.SIGTERM)
        if not _wait_for_exit(pid, timeout_s):
            os.kill(pid, signal.SIGKILL)
            _wait_for_exit(pid, 10)
        self.pid_file.unlink(missing_ok=True)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def cluster(home: Path, port: int, admin_password: str, nodes: int = 3, heap: str = "384m") -> list[LocalKafka]:
    """`nodes` brokers+controllers in `home`/node-<n>: node n listens on port + 2(n-1) and its
    controller on the next port; every partition has a replica on each (at most three)."""
    ports = [(port + 2 * i, port + 2 * i + 1) for i in range(nodes)]
    voters = ",".join(f"{n}@127.0.0.1:{controller}" for n, (_, controller) in enumerate(ports, 1))
    return [LocalKafka(home / f"node-{n}", port=p, controller_port=c, heap=heap, node_id=n, voters=voters,
                       replicas=min(nodes, 3), admin_password=admin_password) for n, (p, c) in enumerate(ports, 1)]


def bootstrap_of(nodes: list[LocalKafka]) -> str:
    return ",".join(node.bootstrap for node in nodes)


def _wait_for_exit(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
            if finished == pid:
                return True
        except ChildProcessError:  # not our child: poll for existence instead
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
        time.sleep(0.1)
    return False


def wait_until_ready(bootstrap: str, timeout_s: float, alive=lambda: True, client: dict | None = None,
                     brokers: int = 1) -> None:
    """Wait until the broker answers a metadata request (protocol-level, not just a port), with
    `brokers` brokers in its cluster; `client` adds settings to the asking client, such as the
    admin's credentials."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not alive():
            raise BrokerError("the broker process exited")
        try:
            admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000,
                                     bootstrap_timeout_ms=3000, **(client or {}))
            try:
                found = len(admin.describe_cluster()["brokers"])
            finally:
                admin.close()
            if found >= brokers:
                return
            last_error = BrokerError(f"{found} of {brokers} brokers in the cluster")
            time.sleep(0.2)
        except Exception as exc:  # noqa: BLE001 - not up yet
            last_error = exc
            time.sleep(0.2)
    raise BrokerError(f"no answer from Kafka at {bootstrap} within {timeout_s}s: {last_error!r}")
