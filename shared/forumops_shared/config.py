"""Settings from environment variables, with local defaults; read only when asked."""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

DEFAULT_KAFKA = "127.0.0.1:9092"
# Where people's browsers reach each service: pages link to each other and call each other's APIs.
DEFAULT_URLS = {"registration": "http://127.0.0.1:8001", "checkin": "http://127.0.0.1:8002",
                "certificates": "http://127.0.0.1:8003", "awards": "http://127.0.0.1:8004"}


@dataclass(frozen=True)
class ServiceSettings:
    """What every ForumOps process needs to know about its surroundings."""

    service: str
    database_url: str
    kafka_bootstrap_servers: str = DEFAULT_KAFKA
    # Prepended to every topic and consumer group name, so that several stacks (or tests)
    # can share one broker without reading each other's events. Empty in production.
    topic_prefix: str = ""
    var_dir: Path = Path("var")
    log_level: str = "INFO"
    instance_id: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    relay_lease_seconds: float = 10.0
    extra: Mapping[str, str] = field(default_factory=dict)
    urls: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_URLS))
    # Who this process is to the broker (SASL/SCRAM); no username: a broker that asks nobody.
    kafka_username: str | None = None
    kafka_password: str | None = field(default=None, repr=False)
    kafka_mechanism: str = "SCRAM-SHA-512"
    # Where mail goes (forumops_shared.mail); no URL: messages are queued, and wait for one.
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "ForumOps <no-reply@localhost>"
    mail_rate: float = 20.0  # messages per second at most, for the relay's limits

    @property
    def consumer_group(self) -> str:
        return f"{self.topic_prefix}{self.service}"

    @property
    def dlq_topic(self) -> str:
        return f"{self.topic_prefix}{self.service}.dlq"


def load_settings(service: str, environ: Mapping[str, str] | None = None) -> ServiceSettings:
    """Build settings for `service` from `environ` (os.environ by default)."""
    env = os.environ if environ is None else environ
    var_dir = Path(env.get("FORUMOPS_VAR_DIR", "var"))
    key = service.upper()
    return ServiceSettings(
        service=service,
        database_url=env.get(f"{key}_DATABASE_URL") or default_sqlite_url(var_dir, service),
        kafka_bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_KAFKA),
        topic_prefix=env.get("FORUMOPS_TOPIC_PREFIX", ""),
        var_dir=var_dir,
        log_level=env.get("FORUMOPS_LOG_LEVEL", "INFO").upper(),
        relay_lease_seconds=float(env.get("FORUMOPS_RELAY_LEASE_SECONDS", "10")),
        extra={k: v for k, v in env.items() if k.startswith(f"{key}_")},
        urls=public_urls(env),
        kafka_username=env.get("KAFKA_SASL_USERNAME") or None,
        kafka_password=secret(env, "KAFKA_SASL_PASSWORD"),
        kafka_mechanism=env.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
        smtp_url=secret(env, "FORUMOPS_SMTP_URL"),
        mail_from=env.get("FORUMOPS_MAIL_FROM", "ForumOps <no-reply@localhost>"),
        mail_rate=float(env.get("FORUMOPS_MAIL_RATE", "20")),
    )


def secret(env: Mapping[str, str], name: str) -> str | None:
    """`name` from the environment, or read from the file `<name>_FILE` names (as Docker's
    and systemd's secrets are handed over)."""
    if env.get(name):
        return env[name]
    path = env.get(f"{name}_FILE")
    return Path(path).read_text().strip() if path else None


def public_urls(env: Mapping[str, str]) -> dict[str, str]:
    """FORUMOPS_<SERVICE>_URL for each service, as browsers reach it (no trailing slash)."""
    return {name: env.get(f"FORUMOPS_{name.upper()}_URL", default).rstrip("/") for name, default in DEFAULT_URLS.items()}


def default_sqlite_url(var_dir: Path, service: str) -> str:
    """One SQLite file per service under the git-ignored var/ folder."""
    return f"sqlite:///{(var_dir / 'db' / f'{service}.db').resolve()}"
