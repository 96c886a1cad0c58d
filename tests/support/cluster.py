"""The production shape on this machine, as `./forumops up --cluster` starts it: three brokers,
PostgreSQL, two APIs (sharing each port) and two workers per service, all under the supervisor.
A test breaks it by killing its processes by pid, as an operator's mistake or the OOM killer
would; the supervisor starts them again."""
from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import requests
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from forumops_shared.access import admin_client
from forumops_stack.apart import bootstrap, cluster_apart, urls

from .system import ADMIN
from .waiting import wait_until

SERVICES = ("registration", "checkin", "certificates", "awards")
ADMIN_TOKEN = ADMIN["Authorization"].removeprefix("Bearer ")


@dataclass
class Cluster:
    var: Path
    env: dict[str, str]
    urls: dict[str, str]
    bootstrap: str
    postgres_port: int

    # -- what tests/support/forums.py and quiet.py need of a system --------------------------
    def url(self, service: str, path: str = "") -> str:
        return self.urls[service] + path

    def admin(self, method: str, service: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        return requests.request(method, self.url(service, path), headers={**ADMIN, **(headers or {})}, timeout=30,
                                **kwargs)

    # -- its processes -------------------------------------------------------------------------
    def pid(self, name: str) -> int | None:
        """The pid of a program of the supervisor (kafka-1..3, postgres, <service>-api-1, ...)."""
        state = self.state().get(name)
        return state["pid"] if state else None

    def state(self) -> dict[str, dict]:
        from forumops_stack.supervisor import read_state

        return read_state(self.var / "run")

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> int:
        """Signal a program's process (SIGKILL: no goodbye, no flush, no commit); returns its pid."""
        pid = self.pid(name)
        assert pid, f"{name} is not running"
        os.kill(pid, sig)
        return pid

    @contextlib.contextmanager
    def supervision_paused(self) -> Iterator[None]:
        """The supervisor stopped (SIGSTOP) meanwhile: what dies stays dead until it goes on."""
        from forumops_stack.supervisor import running_pid

        pid = running_pid(self.var / "run")
        os.kill(pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(pid, signal.SIGCONT)

    def wait_restarted(self, name: str, old_pid: int, timeout_s: float = 60) -> int:
        """Until the supervisor has started `name` again; its new pid."""
        return wait_until(lambda: (pid := self.pid(name)) not in (None, old_pid) and pid, timeout_s=timeout_s,
                          interval_s=0.2, message=f"{name} started again")

    # -- its brokers ----------------------------------------------------------------------------
    def kafka_admin(self) -> KafkaAdminClient:
        return KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=10_000,
                                **admin_client(self.admin_password))

    @property
    def admin_password(self) -> str:
        return (self.var / "secrets" / "kafka" / "admin").read_text().strip()

    def partitions(self, topics) -> list[dict]:
        """Every partition of `topics` as the brokers describe it now (leader_id, -1 while none
        leads; isr_nodes, the replicas in sync; ...), with one question."""
        admin = self.kafka_admin()
        try:
            return [p for described in admin.describe_topics(list(topics)) for p in described["partitions"]]
        finally:
            admin.close()

    def leaders(self, topic: str) -> dict[int, int]:
        """Partition -> the node leading it now (-1 while none does)."""
        return {p["partition_index"]: p["leader_id"] for p in self.partitions([topic])}

    def wait_fully_replicated(self, topics: tuple[str, ...], timeout_s: float = 120) -> None:
        """Until every partition of `topics` has its three replicas in sync and a leader."""
        def whole() -> bool:
            try:
                return all(len(p["isr_nodes"]) == 3 and p["leader_id"] != -1 for p in self.partitions(topics))
            except KafkaError:  # the node asked is the one coming back: ask again
                return False
        wait_until(whole, timeout_s=timeout_s, interval_s=0.5, message="every partition with three replicas in sync")


@contextlib.contextmanager
def running_cluster(home: Path) -> Iterator[Cluster]:
    """`./forumops up --cluster --no-demo` on ports of its own, then `down`."""
    started = time.monotonic()
    with cluster_apart(home / "var", REGISTRATION_ADMIN_TOKEN=ADMIN_TOKEN, REGISTRATION_RATE_LIMIT="10000/second",
                       CHECKIN_STATS_MAX_AGE="0.5", FORUMOPS_RELAY_LEASE_SECONDS="2") as (env, printed):
        print(f"\nthe cluster came up in {time.monotonic() - started:.0f} s:\n{printed}")
        yield Cluster(home / "var", env, urls(env), bootstrap(env), int(env["FORUMOPS_POSTGRES_PORT"]))
