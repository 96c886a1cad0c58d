"""Create the declared topics on a broker: `forumops-create-topics` (idempotent)."""
from __future__ import annotations

import argparse
import os

from kafka.admin import KafkaAdminClient

from .topics import TOPICS, TopicSpec


class TopicCreationError(RuntimeError):
    pass


def ensure_topics(bootstrap: str, *, prefix: str = "", max_partitions: int | None = None,
                  specs: tuple[TopicSpec, ...] = TOPICS) -> list[str]:
    """Create the declared topics that do not exist yet; returns the names created."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        existing = set(admin.list_topics())
        wanted = {
            spec.prefixed(prefix): {
                "num_partitions": min(spec.partitions, max_partitions or spec.partitions),
                "replication_factor": -1,  # the broker's default.replication.factor
                "configs": dict(spec.config),
            }
            for spec in specs if spec.prefixed(prefix) not in existing
        }
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--prefix", default=os.environ.get("FORUMOPS_TOPIC_PREFIX", ""))
    parser.add_argument("--max-partitions", type=int, default=None)
    args = parser.parse_args()
    created = ensure_topics(args.bootstrap, prefix=args.prefix, max_partitions=args.max_partitions)
    print(f"created: {', '.join(created)}" if created else "all declared topics exist")
