"""Idempotency-Key: a retried submission gets the first answer, whatever happened in between
(as registration's services/idempotency.py)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc, insert_ignore, write_transaction
from forumops_shared.refusals import Refusal

from ..tables import idempotency_keys

# The stored answer holds the manage token, so it is kept only as long as a client retries.
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: dict


def request_fingerprint(payload: dict, files: list[tuple[str, str]]) -> str:
    """Of the JSON part and each file (name, SHA-256), in order."""
    return hashlib.sha256(json.dumps([payload, files], sort_keys=True, default=str).encode()).hexdigest()


def _same(scope: str, key: str):
    return (idempotency_keys.c.scope == scope) & (idempotency_keys.c.key == key)


def claim(conn: Connection, scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
    """Claim `key` for this request in the caller's transaction, or return the answer given to
    its first use (a concurrent retry waits on the claim row, then sees the answer)."""
    row = {"scope": scope, "key": key, "request_hash": fingerprint, "created_at": datetime.now(timezone.utc)}
    if insert_ignore(conn, idempotency_keys, row):
        return None
    existing = conn.execute(select(idempotency_keys).where(_same(scope, key))).one()
    if as_utc(existing.created_at) < datetime.now(timezone.utc) - KEEP_FOR:  # a key from long ago starts afresh
        conn.execute(delete(idempotency_keys).where(_same(scope, key)))
        insert_ignore(conn, idempotency_keys, row)
        return None
    if existing.request_hash != fingerprint or existing.response_body is None:
        raise Refusal("idempotency_key_reused")
    return StoredAnswer(existing.status_code, json.loads(existing.response_body))


def peek(conn: Connection, scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
    """The answer given to `key` before, read only (None if there is none yet or it expired);
    refused if the key came with another request."""
    existing = conn.execute(select(idempotency_keys).where(_same(scope, key))).first()
    if existing is None or existing.response_body is None \
            or as_utc(existing.created_at) < datetime.now(timezone.utc) - KEEP_FOR:
        return None
    if existing.request_hash != fingerprint:
        raise Refusal("idempotency_key_reused")
    return StoredAnswer(existing.status_code, json.loads(existing.response_body))


def remember(conn: Connection, scope: str, key: str, status: int, body: dict) -> None:
    conn.execute(update(idempotency_keys).where(_same(scope, key)).values(
        status_code=status, response_body=json.dumps(body, ensure_ascii=False, default=str)))


def purge_expired_answers(engine: Engine) -> None:
    """The worker's chore: stored answers hold manage tokens; drop them once clients have stopped retrying."""
    with write_transaction(engine) as conn:
        conn.execute(delete(idempotency_keys).where(
            idempotency_keys.c.created_at < datetime.now(timezone.utc) - KEEP_FOR))
