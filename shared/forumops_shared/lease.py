"""Leadership leases kept in a service's own database."""
from __future__ import annotations

import time

from sqlalchemy import Engine, delete, update

from .db import insert_ignore, write_transaction
from .plumbing import leases


class Lease:
    """A leadership lease in the service's own database, so only one relay publishes at a time.

    Two relays publishing the same rows would double them and could reorder a key's events.
    A lease (not a lock held by a connection) works on SQLite and PostgreSQL alike and expires
    by itself when its holder dies.
    """

    def __init__(self, engine: Engine, name: str, owner: str, ttl_seconds: float):
        self.engine, self.name, self.owner, self.ttl = engine, name, owner, ttl_seconds

    def acquire(self) -> bool:
        now = time.time()
        with write_transaction(self.engine) as conn:
            if insert_ignore(conn, leases, {"name": self.name, "owner": self.owner,
                                            "expires_at": now + self.ttl}):
                return True
            result = conn.execute(
                update(leases)
                .where(leases.c.name == self.name)
                .where((leases.c.owner == self.owner) | (leases.c.expires_at < now))
                .values(owner=self.owner, expires_at=now + self.ttl))
            return result.rowcount == 1

    def release(self) -> None:
        with write_transaction(self.engine) as conn:
            conn.execute(delete(leases).where(leases.c.name == self.name)
                         .where(leases.c.owner == self.owner))
