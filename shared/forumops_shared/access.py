"""Who may do what on the broker: a SCRAM user per service, and ACLs that let each service write
only its own topics and read only those its handlers consume.

What a service may touch follows from its declaration (forumops_shared.service): it writes the
topics of the event types named after it and its dead-letter topic, it reads the topics its
handlers' types travel on, as its own consumer group.
The broker refuses everything else (`allow.everyone.if.no.acl.found=false`); the `admin` user, a
super user, creates topics, users and these ACLs and is never given to a service.
`forumops-broker-access` sets them up.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from kafka.admin import (
    ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient, ResourcePattern, ResourceType,
)
from kafka.admin._users import UserScramCredentialUpsertion

from .config import secret
from .events.registry import EVENT_TYPES
from .service import Service, load_service

ADMIN_USER = "admin"
SERVICES = ("registration", "checkin", "certificates", "awards")
MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True, order=True)
class Grant:
    user: str
    kind: str  # "topic" or "group"
    name: str
    operation: str  # "READ", "WRITE", "DESCRIBE"


def grants(service: Service, prefix: str = "") -> list[Grant]:
    """Everything `service` needs on a broker whose topics and groups carry `prefix`."""
    own = {spec.topic for spec in EVENT_TYPES.values() if spec.name.startswith(f"{service.name}.")}
    own.add(f"{service.name}.dlq")
    found = {Grant(service.name, "topic", prefix + topic, op) for topic in own for op in ("WRITE", "DESCRIBE")}
    # its dead letters read back before an erasure's tombstone (forumops_shared.dead_letters)
    found.add(Grant(service.name, "topic", prefix + f"{service.name}.dlq", "READ"))
    found |= {Grant(service.name, "topic", prefix + topic, op) for topic in service.consumes for op in ("READ", "DESCRIBE")}
    if service.consumes:
        found |= {Grant(service.name, "group", prefix + service.name, op) for op in ("READ", "DESCRIBE")}
    return sorted(found)


def ensure_access(bootstrap: str, admin_client: Mapping[str, Any], passwords: Mapping[str, str],
                  prefix: str = "", services: Iterable[str] = SERVICES) -> None:
    """Give each service in `passwords` its SCRAM user (the password set, again if it changed)
    and its ACLs for topics carrying `prefix`. Idempotent."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10_000, **admin_client)
    try:
        names = [name for name in services if name in passwords]
        failed = {user: error for user, error in admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(name, MECHANISM, passwords[name], iterations=8192) for name in names]
        ).items() if error}
        if failed:
            raise RuntimeError(f"could not set the broker's users: {failed}")
        acls = [_acl(grant) for name in names for grant in grants(load_service(name), prefix)]
        result = admin.create_acls(acls)
        if result["failed"]:
            raise RuntimeError(f"could not set the broker's ACLs: {result['failed']}")
    finally:
        admin.close()


def _acl(grant: Grant) -> ACL:
    kind = ResourceType.TOPIC if grant.kind == "topic" else ResourceType.GROUP
    return ACL(principal=f"User:{grant.user}", host="*", operation=ACLOperation[grant.operation],
               permission_type=ACLPermissionType.ALLOW,
               resource_pattern=ResourcePattern(kind, grant.name, ACLResourcePatternType.LITERAL))


def admin_client(password: str) -> dict[str, Any]:
    """The settings of an admin client: the super user, over SASL/PLAIN (it exists before any
    SCRAM user does, so that a broker formatted earlier can be given its users)."""
    return {"security_protocol": "SASL_PLAINTEXT", "sasl_mechanism": "PLAIN",
            "sasl_plain_username": ADMIN_USER, "sasl_plain_password": password}


def main() -> None:
    """`forumops-broker-access`: as the admin (ADMIN_KAFKA_PASSWORD), give each service whose
    <SERVICE>_KAFKA_PASSWORD is set (or <SERVICE>_KAFKA_PASSWORD_FILE) its user and ACLs."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--prefix", default=os.environ.get("FORUMOPS_TOPIC_PREFIX", ""))
    args = parser.parse_args()
    admin_password = secret(os.environ, "ADMIN_KAFKA_PASSWORD")
    if not admin_password:
        raise SystemExit("set ADMIN_KAFKA_PASSWORD: the broker's admin password")
    passwords = {name: password for name in SERVICES if (password := secret(os.environ, f"{name.upper()}_KAFKA_PASSWORD"))}
    ensure_access(args.bootstrap, admin_client(admin_password), passwords, prefix=args.prefix)
    print(f"broker users and ACLs set for {', '.join(passwords) or 'no service'}")


if __name__ == "__main__":
    main()
