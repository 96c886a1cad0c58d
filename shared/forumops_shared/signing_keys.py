"""Ed25519 signing keys kept in a service's database: from configuration or generated on first
use, rotatable, older public keys still published. Registration signs tickets with them,
certificates signs verification documents."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, Engine, Index, MetaData, String, Table, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .db import UtcDateTime, insert_ignore, readonly, write_transaction
from .tickets import SigningKey, b64, unb64


def signing_key_table(name: str, metadata: MetaData) -> Table:
    """A service's table of signing keys; at most one is active, also when several processes
    start on an empty table at once (a unique index over the active row)."""
    table = Table(
        name, metadata,
        Column("kid", String(32), primary_key=True),
        Column("private_key", String(64), nullable=False),  # raw Ed25519 seed, base64url
        Column("public_key", String(64), nullable=False),
        Column("active", Boolean, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("retired_at", UtcDateTime(), nullable=True),
    )
    Index(f"uq_{name}_one_active", table.c.active, unique=True,
          sqlite_where=text("active"), postgresql_where=text("active"))
    return table



def _store(conn: Connection, table: Table, key: SigningKey, *, active: bool) -> bool:
    return insert_ignore(conn, table, {
        "kid": key.kid, "private_key": b64(key.seed), "public_key": b64(key.public_key),
        "active": active, "created_at": datetime.now(timezone.utc)}) is not None


def ensure_signing_key(engine: Engine, table: Table, configured_seed: str | None) -> SigningKey:
    """The active key; the configured one becomes active, else one is generated once.

    Reads first: only a change (first start, a newly configured key) writes.
    """
    configured = SigningKey.from_seed(unb64(configured_seed)) if configured_seed else None
    row = _active(engine, table)
    if row is not None and (configured is None or row.kid == configured.kid):
        return SigningKey.from_seed(unb64(row.private_key))
    try:
        return _activate(engine, table, configured)
    except IntegrityError:  # another process made its key active first: use that one
        return SigningKey.from_seed(unb64(_active(engine, table).private_key))


def _active(engine: Engine, table: Table):
    with readonly(engine).connect() as conn:
        return conn.execute(select(table).where(table.c.active.is_(True))).first()


def _activate(engine: Engine, table: Table, configured: SigningKey | None) -> SigningKey:
    with write_transaction(engine) as conn:
        if configured is not None:
            _store(conn, table, configured, active=True)
            conn.execute(update(table).where(table.c.kid != configured.kid)
                         .where(table.c.active.is_(True)).values(active=False))
            conn.execute(update(table).where(table.c.kid == configured.kid).values(active=True))
            return configured
        row = conn.execute(select(table).where(table.c.active.is_(True))).first()
        if row is None:  # still none: this process generates it (the transaction makes it the only one)
            _store(conn, table, SigningKey.generate(), active=True)
            row = conn.execute(select(table).where(table.c.active.is_(True))).first()
        return SigningKey.from_seed(unb64(row.private_key))


def rotate(engine: Engine, table: Table) -> SigningKey:
    """Make a new key active; older keys stay published so issued tickets keep verifying."""
    key = SigningKey.generate()
    with write_transaction(engine) as conn:
        conn.execute(update(table).where(table.c.active.is_(True)).values(active=False))
        _store(conn, table, key, active=True)
    return key


def published_keys(conn: Connection, table: Table) -> list[dict]:
    rows = conn.execute(select(table.c.kid, table.c.public_key)
                        .where(table.c.retired_at.is_(None)).order_by(table.c.created_at)).all()
    return [{"kid": r.kid, "alg": "Ed25519", "public_key": r.public_key} for r in rows]


class KeyRing:
    """The process's view of the active key, loaded on first use and re-read now and then
    so that a rotation done by another process is picked up.

    A load may write (the first key is generated and stored), in its own transaction: call
    `active()` before opening one, never inside (on SQLite it would wait on its own caller).
    """

    def __init__(self, engine: Engine, table: Table, configured_seed: str | None, refresh_s: float = 60.0):
        self.engine, self.table, self.configured_seed, self.refresh_s = engine, table, configured_seed, refresh_s
        self._key: SigningKey | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def active(self) -> SigningKey:
        with self._lock:
            if self._key is None or time.monotonic() - self._loaded_at > self.refresh_s:
                self._key = ensure_signing_key(self.engine, self.table, self.configured_seed)
                self._loaded_at = time.monotonic()
            return self._key
