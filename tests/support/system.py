"""The services as production runs them — each an API under gunicorn and a worker, on a
real broker and database — for the tests that drive the whole system over HTTP (pages, end to
end, faults, fuzzing). A test may kill a process and start it again."""
from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import requests

from forumops_shared.access import ensure_access
from forumops_shared.config import ServiceSettings
from forumops_shared.topic_admin import ensure_topics
from forumops_stack.testing import (
    TEST_PARTITIONS, Broker, Databases, database_kind, free_port, service_passwords, settings_env,
)

from .processes import Child, wait_until_serving
from .services import migrate

ADMIN_TOKEN = "organiser-token-for-the-system-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def bearer(token: str) -> dict[str, str]:
    """The header a participant (manage token) or a door (device token) sends."""
    return {"Authorization": f"Bearer {token}"}
SERVICES = ("registration", "checkin", "certificates", "awards")


@dataclass
class System:
    urls: dict[str, str]
    home: Path
    broker: Broker
    settings: dict[str, ServiceSettings]
    env: dict[str, dict[str, str]]
    ports: dict[str, int]
    prefix: str = ""  # of its topics and consumer groups
    processes: dict[str, Child] = field(default_factory=dict)  # "<service>-api" / "<service>-worker"

    def url(self, service: str, path: str = "") -> str:
        return self.urls[service] + path

    def admin(self, method: str, service: str, path: str, headers: dict | None = None, **kwargs) -> requests.Response:
        """An organiser's API call."""
        return requests.request(method, self.url(service, path), headers={**ADMIN, **(headers or {})}, timeout=30,
                                **kwargs)

    def start(self, name: str) -> None:
        service, part = name.rsplit("-", 1)
        log = self.home / f"{name}.log"
        if part == "api":
            self.processes[name] = Child.gunicorn_api(service, self.ports[service], self.env[service], log)
            wait_until_serving(self.urls[service])
        else:
            self.processes[name] = Child.worker(service, self.env[service], log)

    def kill(self, name: str) -> None:
        """SIGKILL: no goodbye, no flush, no commit — as a crash or the OOM killer ends a process."""
        self.processes.pop(name).stop()

    def stop_all(self) -> None:
        for child in self.processes.values():
            child.stop()
        self.processes.clear()


@contextlib.contextmanager
def running_system(broker: Broker, home: Path, extra: dict[str, str] | None = None,
                   topic_settings: dict[str, str] | None = None) -> Iterator[System]:
    """Topics of its own on `broker` (with `topic_settings` over the declared ones), fresh
    databases, then every API and worker."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    ensure_topics(broker.bootstrap, prefix=prefix, max_partitions=TEST_PARTITIONS, overrides=topic_settings,
                  client=broker.client)
    # Each service is its own user of the broker, allowed only its own topics (as under `up`).
    passwords = service_passwords(broker) if broker.client else {}
    if passwords:
        ensure_access(broker.bootstrap, broker.client, passwords, prefix=prefix)
    databases = Databases(database_kind(), home, os.environ.get("FORUMOPS_TEST_POSTGRES_URL"))
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    system = System(urls, home, broker, {}, {}, ports, prefix=prefix)
    try:
        for name in SERVICES:
            key = name.upper()
            settings = ServiceSettings(
                service=name, database_url=databases.new(name), kafka_bootstrap_servers=broker.bootstrap,
                topic_prefix=prefix, var_dir=home / "var", relay_lease_seconds=2.0, urls=urls,
                kafka_username=name if passwords else None, kafka_password=passwords.get(name),
                extra={f"{key}_ADMIN_TOKEN": ADMIN_TOKEN, "REGISTRATION_RATE_LIMIT": "10000/second",
                       "AWARDS_APPLY_RATE_LIMIT": "10000/second",  # every test applies from one address
                       "CHECKIN_STATS_MAX_AGE": "0.5", **(extra or {})})
            migrate(settings)
            system.settings[name] = settings
            system.env[name] = {**settings_env(settings), "FORUMOPS_WEB_WORKERS": "1", "FORUMOPS_WEB_THREADS": "8"}
            system.start(f"{name}-api")
            system.start(f"{name}-worker")
        yield system
    finally:
        system.stop_all()
        databases.drop_all()
