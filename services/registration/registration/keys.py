"""Ticket signing keys: from configuration or generated on first use; rotatable."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from forumops_shared.db import insert_ignore, readonly, write_transaction
from forumops_shared.tickets import SigningKey, b64, unb64

from .tables import ticket_keys


def _store(conn: Connection, key: SigningKey, *, active: bool) -> bool:
    return insert_ignore(conn, ticket_keys, {
        "kid": key.kid, "private_key": b64(key.seed), "public_key": b64(key.public_key),
        "active": active, "created_at": datetime.now(timezone.utc)}) is not None


def ensure_signing_key(engine: Engine, configured_seed: str | None) -> SigningKey:
    """The active key; the configured one becomes active, else one is generated once.

    Reads first: only a change (first start, a newly configured key) writes.
    """
    configured = SigningKey.from_seed(unb64(configured_seed)) if configured_seed else None
    row = _active(engine)
    if row is not None and (configured is None or row.kid == configured.kid):
        return SigningKey.from_seed(unb64(row.private_key))
    try:
        return _activate(engine, configured)
    except IntegrityError:  # another process made its key active first: use that one
        return SigningKey.from_seed(unb64(_active(engine).private_key))


def _active(engine: Engine):
    with readonly(engine).connect() as conn:
        return conn.execute(select(ticket_keys).where(ticket_keys.c.active.is_(True))).first()


def _activate(engine: Engine, configured: SigningKey | None) -> SigningKey:
    with write_transaction(engine) as conn:
        if configured is not None:
            _store(conn, configured, active=True)
            conn.execute(update(ticket_keys).where(ticket_keys.c.kid != configured.kid)
                         .where(ticket_keys.c.active.is_(True)).values(active=False))
            conn.execute(update(ticket_keys).where(ticket_keys.c.kid == configured.kid).values(active=True))
            return configured
        row = conn.execute(select(ticket_keys).where(ticket_keys.c.active.is_(True))).first()
        if row is None:  # still none: this process generates it (the transaction makes it the only one)
            _store(conn, SigningKey.generate(), active=True)
            row = conn.execute(select(ticket_keys).where(ticket_keys.c.active.is_(True))).first()
        return SigningKey.from_seed(unb64(row.private_key))


def rotate(engine: Engine) -> SigningKey:
    """Make a new key active; older keys stay published so issued tickets keep verifying."""
    key = SigningKey.generate()
    with write_transaction(engine) as conn:
        conn.execute(update(ticket_keys).where(ticket_keys.c.active.is_(True)).values(active=False))
        _store(conn, key, active=True)
    return key


def published_keys(conn: Connection) -> list[dict]:
    rows = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key)
                        .where(ticket_keys.c.retired_at.is_(None)).order_by(ticket_keys.c.created_at)).all()
    return [{"kid": r.kid, "alg": "Ed25519", "public_key": r.public_key} for r in rows]


class KeyRing:
    """The process's view of the active key, loaded on first use and re-read now and then
    so that a rotation done by another process is picked up.

    A load may write (the first key is generated and stored), in its own transaction: call
    `active()` before opening one, never inside (on SQLite it would wait on its own caller).
    """

    def __init__(self, engine: Engine, configured_seed: str | None, refresh_s: float = 60.0):
        self.engine, self.configured_seed, self.refresh_s = engine, configured_seed, refresh_s
        self._key: SigningKey | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def active(self) -> SigningKey:
        with self._lock:
            if self._key is None or time.monotonic() - self._loaded_at > self.refresh_s:
                self._key = ensure_signing_key(self.engine, self.configured_seed)
                self._loaded_at = time.monotonic()
            return self._key
