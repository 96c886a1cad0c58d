"""Ed25519 signing keys: the seeds in configuration or in the service's key file (key_files),
their public halves and which one is active in its database. Generated on first use, rotatable,
older public keys still published. Registration signs tickets with them, certificates signs
verification documents.

The database never holds a seed: one found there (written by an older version) is moved to the
key file when the service starts and wiped from the database, its files included (old_seeds).
"""
from __future__ import annotations

import argparse
import threading
import time
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, Engine, Index, MetaData, String, Table, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from .config import load_settings
from .db import UtcDateTime, insert_ignore, make_engine, readonly, write_transaction
from .key_files import KeyFile, KeyFileError
from .old_seeds import move_seeds_out
from .tickets import SigningKey, b64, unb64


def signing_key_table(name: str, metadata: MetaData) -> Table:
    """A service's table of signing keys; at most one is active, also when several processes
    start on an empty table at once (a unique index over the active row)."""
    table = Table(
        name, metadata,
        Column("kid", String(32), primary_key=True),
        # Where older versions kept the raw seed: always NULL now (moved out by old_seeds).
        Column("private_key", String(64), nullable=True),
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
        "kid": key.kid, "public_key": b64(key.public_key), "active": active,
        "created_at": datetime.now(timezone.utc)}) is not None


def ensure_signing_key(engine: Engine, table: Table, keys: KeyFile, configured_seed: str | None) -> SigningKey:
    """The active key; the configured one becomes active, else one is generated once.

    Reads first: only a change (first start, a newly configured key, seeds to move out of the
    database) writes.
    """
    move_seeds_out(engine, table, keys)
    configured = SigningKey.from_seed(unb64(configured_seed)) if configured_seed else None
    row = _active(engine, table)
    if row is not None and (configured is None or row.kid == configured.kid):
        return _seed_of(row.kid, keys, configured)
    try:
        return _activate(engine, table, keys, configured)
    except IntegrityError:  # another process made its key active first: use that one
        return _seed_of(_active(engine, table).kid, keys, configured)


def _active(engine: Engine, table: Table):
    with readonly(engine).connect() as conn:
        return conn.execute(select(table.c.kid).where(table.c.active.is_(True))).first()


def _seed_of(kid: str, keys: KeyFile, configured: SigningKey | None) -> SigningKey:
    if configured is not None and configured.kid == kid:
        return configured
    key = keys.find(kid)
    if key is None:
        # Not made up on the spot: a new key nobody has published would sign tickets that
        # check-in cannot verify. Rotating publishes one.
        raise KeyFileError(f"the active signing key {kid} is neither configured nor in {keys.path}: restore "
                           f"that file (or configure the seed), or rotate to a new key")
    return key


def _activate(engine: Engine, table: Table, keys: KeyFile, configured: SigningKey | None) -> SigningKey:
    if configured is not None:
        with write_transaction(engine) as conn:
            _store(conn, table, configured, active=True)
            conn.execute(update(table).where(table.c.kid != configured.kid)
                         .where(table.c.active.is_(True)).values(active=False))
            conn.execute(update(table).where(table.c.kid == configured.kid).values(active=True))
        return configured
    key = SigningKey.generate()
    keys.add(key)  # before the row that makes it active: whoever reads that row finds the seed
    try:
        with write_transaction(engine) as conn:
            row = conn.execute(select(table.c.kid).where(table.c.active.is_(True))).first()
            # Still none, and the one active key is ours. On PostgreSQL another process may have
            # stored its own since the look: then the unique index kept ours out (not stored).
            if row is None and _store(conn, table, key, active=True):
                return key
    except BaseException:
        keys.discard(key.kid)
        raise
    keys.discard(key.kid)
    return _seed_of(_active(engine, table).kid, keys, None)


def rotate(engine: Engine, table: Table, keys: KeyFile) -> SigningKey:
    """Make a new key active; older keys stay published so issued tickets keep verifying, and
    their seeds, which sign nothing any more, leave the key file."""
    key = SigningKey.generate()
    keys.add(key)
    try:
        with write_transaction(engine) as conn:
            retired = conn.execute(select(table.c.kid).where(table.c.active.is_(True))).scalars().all()
            conn.execute(update(table).where(table.c.active.is_(True)).values(active=False))
            _store(conn, table, key, active=True)
    except BaseException:
        keys.discard(key.kid)
        raise
    keys.discard(*retired)
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

    def __init__(self, engine: Engine, table: Table, seeds: KeyFile, configured_seed: str | None,
                 refresh_s: float = 60.0):
        self.engine, self.table, self.seeds = engine, table, seeds
        self.configured_seed, self.refresh_s = configured_seed, refresh_s
        self._key: SigningKey | None = None
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def active(self) -> SigningKey:
        with self._lock:
            if self._key is None or time.monotonic() - self._loaded_at > self.refresh_s:
                self._key = ensure_signing_key(self.engine, self.table, self.seeds, self.configured_seed)
                self._loaded_at = time.monotonic()
            return self._key


def keys_command(doc: str, service: str, table: Table, key_file, rotate_key=None,
                 argv: list[str] | None = None) -> None:
    """`<service>-keys list | rotate`: print the keys (active or only published), rotating first
    if asked; `rotate_key(engine, keys) -> str` (the new kid, said with what else it did)
    replaces a plain rotation. `key_file(settings)` says where the service keeps its seeds."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("action", choices=("list", "rotate"))
    args = parser.parse_args(argv)
    settings = load_settings(service)
    engine, keys = make_engine(settings.database_url), KeyFile(key_file(settings))
    if args.action == "rotate":
        print(f"new signing key {rotate_key(engine, keys) if rotate_key else rotate(engine, table, keys).kid}")
    with engine.connect() as conn:
        for row in conn.execute(select(table).order_by(table.c.created_at)):
            print(f"{row.kid}  {'active' if row.active else 'published'}  created {row.created_at:%Y-%m-%d %H:%M}")
    print(f"seeds kept in {keys.path}")
