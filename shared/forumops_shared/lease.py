"""Leadership leases kept in a service's own database."""
from __future__ import annotations

from sqlalchemy import Engine, delete, update

from .clock import SYSTEM_CLOCK, Clock
from .db import insert_ignore, write_transaction
from .plumbing import leases


class Lease:
    """A leadership lease in the service's own database, so only one relay publishes at a time.

    Two relays publishing the same rows would double them and could reorder a key's events.
    A lease (not a lock held by a connection) works on SQLite and PostgreSQL alike and expires
    by itself when its holder dies.

    The holder renews it (a write transaction) only once half its time has gone: until then no
    one else can take it, and a relay asking before each pass would otherwise write twenty
    times a second while idle, queueing behind the API's writers.
    """

    def __init__(self, engine: Engine, name: str, owner: str, ttl_seconds: float, clock: Clock = SYSTEM_CLOCK):
        self.engine, self.name, self.owner, self.ttl, self.clock = engine, name, owner, ttl_seconds, clock
        self._renew_after = float("-inf")  # clock.monotonic() after which to renew; never held yet

    def acquire(self) -> bool:
        """Take or renew the lease; True while this owner holds it."""
        if self.clock.monotonic() < self._renew_after:
            return True
        started, now = self.clock.monotonic(), self.clock.now().timestamp()
        with write_transaction(self.engine) as conn:
            held = bool(insert_ignore(conn, leases, {"name": self.name, "owner": self.owner,
                                                     "expires_at": now + self.ttl}))
            if not held:
                held = conn.execute(
                    update(leases)
                    .where(leases.c.name == self.name)
                    .where((leases.c.owner == self.owner) | (leases.c.expires_at < now))
                    .values(owner=self.owner, expires_at=now + self.ttl)).rowcount == 1
        # Counted from before the write: the lease cannot have been written earlier than that.
        self._renew_after = started + self.ttl / 2 if held else float("-inf")
        return held

    def release(self) -> None:
        self._renew_after = float("-inf")
        with write_transaction(self.engine) as conn:
            conn.execute(delete(leases).where(leases.c.name == self.name)
                         .where(leases.c.owner == self.owner))
