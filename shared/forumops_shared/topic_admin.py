"""Create the declared topics on a broker: `forumops-create-topics` (idempotent)."""
from __future__ import annotations

import argparse
import os

from typing import Any, Mapping

from kafka.admin import ConfigResource, KafkaAdminClient

from .topics import TOPICS, TopicSpec


class TopicCreationError(RuntimeError):
    pass


def ensure_topics(bootstrap: str, *, prefix: str = "", max_partitions: int | None = None,
                  specs: tuple[TopicSpec, ...] = TOPICS,
                  overrides: Mapping[str, str] | None = None, client: Mapping[str, Any] | None = None) -> list[str]:
    """Create the declared topics that do not exist yet, and set the declared configuration on
    those that do (a topic made by an older release gets its new settings); returns the names
    created. `overrides` (settings applied to every topic) is for tests that need the cleaner
    to act in seconds. `client` adds settings to the admin client (the admin's credentials)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000, **(client or {}))
    try:
        existing = set(admin.list_topics())
        configs = {spec.prefixed(prefix): {**spec.config, **(overrides or {})} for spec in specs}
        wanted = {
            spec.prefixed(prefix): {
                "num_partitions": min(spec.partitions, max_partitions or spec.partitions),
                "replication_factor": -1,  # the broker's default.replication.factor
                "configs": configs[spec.prefixed(prefix)],
            }
            for spec in specs if spec.prefixed(prefix) not in existing
        }
        _align_configs(admin, {name: config for name, config in configs.items() if name in existing})
        if not wanted:
            return []
        result = admin.create_topics(wanted, raise_errors=False, wait_for_metadata=True)
        failed = {t["name"]: t.get("error_message") or t["error_code"]
                  for t in result["topics"] if t["error_code"] not in (0, 36)}  # 36: already exists
        if failed:
            raise TopicCreationError(f"could not create topics: {failed}")
        return sorted(wanted)
    finally:
        admin.close()


def topic_configs(admin: KafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """The settings set on each topic (those not left at the broker's default)."""
    described = admin.describe_configs([ConfigResource("TOPIC", name) for name in names])["topic"]
    return {name: {key: entry["value"] if isinstance(entry, dict) else entry for key, entry in settings.items()}
            for name, settings in described.items()}


def _align_configs(admin: KafkaAdminClient, configs: Mapping[str, Mapping[str, str]]) -> None:
    """Set each declared setting that differs on the broker (an incremental change: settings an
    operator added stay)."""
    if not configs:
        return
    current = topic_configs(admin, list(configs))
    changes = []
    for name, wanted in configs.items():
        have = current.get(name, {})
        differ = {key: value for key, value in wanted.items() if have.get(key) != value}
        if differ:
            changes.append(ConfigResource("TOPIC", name, configs=differ))
    if changes:
        failed = {name: result for name, result in admin.alter_configs(changes).get("topic", {}).items()
                  if result != "OK"}
        if failed:
            raise TopicCreationError(f"could not set the declared settings: {failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--prefix", default=os.environ.get("FORUMOPS_TOPIC_PREFIX", ""))
    parser.add_argument("--max-partitions", type=int, default=None)
    args = parser.parse_args()
    from .access import admin_client
    from .config import secret

    password = secret(os.environ, "ADMIN_KAFKA_PASSWORD")  # the broker's super user, if it asks
    created = ensure_topics(args.bootstrap, prefix=args.prefix, max_partitions=args.max_partitions,
                            client=admin_client(password) if password else None)
    print(f"created: {', '.join(created)}" if created else "all declared topics exist")
