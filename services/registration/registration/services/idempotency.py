"""Idempotency-Key: a retried submit gets the first answer, whatever happened in between."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc, insert_ignore, insert_ignore_all, write_transaction
from forumops_shared.refusals import Refusal

from ..tables import idempotency_keys

# The stored answer holds the manage token, so it is kept only as long as a client retries.
KEEP_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: dict


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


# bindparam names differ from column names: SQLAlchemy reserves those in UPDATE statements
_SAME_KEY = (idempotency_keys.c.scope == bindparam("b_scope")) & (idempotency_keys.c.key == bindparam("b_key"))
_FIND = select(idempotency_keys).where(_SAME_KEY)
_REMEMBER = update(idempotency_keys).where(_SAME_KEY).values(
    registration_id=bindparam("b_registration_id"), status_code=bindparam("b_status_code"),
    response_body=bindparam("b_response_body"))


def claim(conn: Connection, scope: str, key: str, fingerprint: str) -> StoredAnswer | None:
    """Claim `key` for this request, or return the answer given to its first use.

    The claim row is written in the caller's transaction: a concurrent retry waits on it
    (PostgreSQL's unique index; SQLite's single writer) and then sees the stored answer.
    """
    row = {"scope": scope, "key": key, "request_hash": fingerprint, "created_at": datetime.now(timezone.utc)}
    if insert_ignore(conn, idempotency_keys, row):
        return None
    existing = conn.execute(_FIND, {"b_scope": scope, "b_key": key}).one()
    if _expired(existing):  # a key from long ago starts afresh
        conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == scope,
                                                    idempotency_keys.c.key == key))
        insert_ignore(conn, idempotency_keys, row)
        return None
    if existing.request_hash != fingerprint or existing.response_body is None:
        raise Refusal("idempotency_key_reused")
    return StoredAnswer(existing.status_code, json.loads(existing.response_body))


def claim_all(conn: Connection, claims: list[tuple[str, str, str]]) -> set[tuple[str, str]]:
    """Claim (scope, key, fingerprint)s with one statement; returns the (scope, key)s claimed now.

    The others were claimed before (or earlier in the list): `claim` each of them, once the
    answers of the ones claimed now are remembered, to get the answer given then."""
    now = datetime.now(timezone.utc)
    rows = [{"scope": scope, "key": key, "request_hash": fingerprint, "created_at": now}
            for scope, key, fingerprint in claims]
    return {(scope, key) for scope, key in insert_ignore_all(conn, idempotency_keys, rows, ("scope", "key"))}


def _expired(row) -> bool:
    return as_utc(row.created_at) < datetime.now(timezone.utc) - KEEP_FOR


def remember_all(conn: Connection, answers: list[tuple[str, str, str, int, dict]]) -> None:
    """(scope, key, registration id, status, body) of keys claimed in this transaction."""
    if answers:
        conn.execute(_REMEMBER, [{"b_scope": scope, "b_key": key, "b_registration_id": rid, "b_status_code": status,
                                  "b_response_body": json.dumps(body, ensure_ascii=False)}
                                 for scope, key, rid, status, body in answers])


def purge_expired(conn: Connection) -> int:
    cutoff = datetime.now(timezone.utc) - KEEP_FOR
    return conn.execute(delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)).rowcount


def purge_expired_answers(engine: Engine) -> None:
    """The worker's chore: stored answers hold manage tokens; drop them once clients have stopped retrying."""
    with write_transaction(engine) as conn:
        purge_expired(conn)
