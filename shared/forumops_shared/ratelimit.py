"""Per-client limits (429 with Retry-After), counted in the service's database or in memory.

The count is a sliding window counter, as `limits` (which parses the "100/minute" settings)
defines it: this window's hits plus the previous window's, weighted by how much of that window
the sliding one still overlaps. Two numbers per client and window.

Where they are kept decides who shares them:
- `DatabaseCounts`: in the service's database (`rate_counts`), so that every gunicorn worker and
  every API instance on that database counts one address together. The public limits per address
  use it: counted per process, a client got workers x the limit. A hit is one statement that
  counts it only if there is room (so two processes cannot both take the last place), committed
  with the other hits arriving meanwhile (GroupCommit), or in the transaction of the write it
  guards (registration's submits: one commit for both). On PostgreSQL that one statement, where a
  read and a conditional write were two, took registrations from 610-640 to 780-860 a second
  (1,000 with counts in memory); each hit committing alone was slower still (480-500). The time
  is the wall clock, the only one processes share.
- A refusal is remembered by the process until it would end (`RateLimit.hit`): a client over
  its limit is refused again without a statement, and a batch is not prepared for it.
- `MemoryCounts`: in the process, by its monotonic clock. The per-device limit on scans uses it:
  a door's scans arrive on a hot path where a write per scan would cost, and a device token is
  not an address anyone multiplies by opening connections. `limits`' own in-memory store started
  a thread every 10 ms while hits arrived, to expire its keys; that thread start took an eighth of
  a check-in worker's time (docs/performance.md). Here an idle client's counts are dropped once a
  window instead, on the hit that opens it.
"""
from __future__ import annotations

import math
import threading
from collections import Counter
from typing import Protocol

from flask import request
from limits import parse
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, bindparam, delete, select, text
from sqlalchemy.engine import Connection, Engine

from .clock import SYSTEM_CLOCK, Clock
from .db import GroupCommit
from .refusals import Refusal


class Counts(Protocol):
    def seconds(self, clock: Clock) -> float:
        """The time windows are numbered by."""

    def take(self, client: str, number: int, amount: int, weight: float,
             conn: Connection | None = None, hits: int = 1) -> tuple[int, int] | None:
        """Count `hits` hits of `client` in window `number` if this window's hits are at most
        `amount - hits - previous * weight` (previous: the window before's hits): None when counted,
        else (this window's hits, the previous window's). Counts kept in a database count them in
        `conn`'s transaction when one is given (it commits, or not, with the write it guards)."""


class RateLimit:
    def __init__(self, spec: str, clock: Clock = SYSTEM_CLOCK, counts: Counts | None = None):
        item = parse(spec)
        self.amount, self.window = item.amount, float(item.get_expiry())
        self._clock = clock
        self.counts = counts if counts is not None else MemoryCounts()
        self._refused: dict[str, float] = {}  # client: until when (counts.seconds) this process refuses it

    def check(self, client: str | None = None) -> None:
        """Count this request against `client` (its address unless given); 429 with Retry-After when over."""
        refusal = self.refusal(client or client_address())
        if refusal:
            raise refusal

    def refusal(self, client: str, conn: Connection | None = None, *, final: bool = True) -> Refusal | None:
        """None when the hit is allowed (and counted, in `conn`'s transaction if given); else the
        429 to answer (not counted)."""
        wait = self.hit(client, conn, final=final)
        return _too_many(wait) if wait else None

    def refusals(self, clients: list[str], conn: Connection | None = None, *,
                 final: bool = True) -> list[Refusal | None]:
        """`refusal` for each of `clients`, in order. The hits of an address that comes more than
        once (a school's network) are counted with one statement when there is room for them
        all, else one at a time (the later ones refused)."""
        found: dict[str, list[Refusal | None]] = {}
        now = self.counts.seconds(self._clock)
        # In one order (the addresses'), so that two transactions counting the same addresses
        # take their rows' locks in the same order: no deadlock between them on PostgreSQL.
        for client, hits in sorted(Counter(clients).items()):
            if hits > 1 and self._remembered(client, now) is None and self._take(client, conn, hits, now) is None:
                found[client] = [None] * hits
            else:
                found[client] = [self.refusal(client, conn, final=final) for _ in range(hits)]
        return [found[client].pop(0) for client in clients]

    def refused(self, client: str) -> Refusal | None:
        """The 429 of a refusal this process remembers for `client` (see `hit`), without counting; else None."""
        wait = self._remembered(client, self.counts.seconds(self._clock))
        return None if wait is None else _too_many(wait)

    def hit(self, client: str, conn: Connection | None = None, *, final: bool = True) -> float:
        """0 when the hit is allowed (and counted); else the seconds until it would be (not counted).

        A `final` refusal (one not resting on hits that `conn`'s transaction counted and may yet
        roll back) is remembered: until it would end, this process refuses the client without
        counting anew. Exact, as hits only add up: no hit fits before then."""
        now = self.counts.seconds(self._clock)
        wait = self._remembered(client, now)
        if wait is not None:
            return wait
        refused = self._take(client, conn, 1, now)
        if refused is None:
            return 0.0
        wait = self._wait(*refused, now % self.window)
        if final:
            self._remember(client, now + wait)
        return wait

    def _take(self, client: str, conn: Connection | None, hits: int, now: float) -> tuple[int, int] | None:
        """Count `hits` hits if there is room for them all (see Counts.take)."""
        number, into = divmod(now, self.window)
        return self.counts.take(client, int(number), self.amount, 1 - into / self.window, conn, hits)

    def _remembered(self, client: str, now: float) -> float | None:
        until = self._refused.get(client)
        if until is None:
            return None
        if until > now:
            return until - now
        self._refused.pop(client, None)
        return None

    def _remember(self, client: str, until: float) -> None:
        if len(self._refused) >= 10_000:  # many clients refused: forget the ones whose refusal ended
            now = self.counts.seconds(self._clock)
            self._refused = {c: t for c, t in list(self._refused.items()) if t > now}
        self._refused[client] = until

    def _wait(self, current: int, previous: int, into: float) -> float:
        """Seconds until enough of the counted hits slide out of the window for one more."""
        if current + 1 <= self.amount:  # within this window, once enough of the previous one has slid out
            return self.window * (1 - (self.amount - 1 - current) / previous) - into
        # next window: this one's hits become the previous, weighted down as it slides
        return self.window - into + self.window * (1 - (self.amount - 1) / current)


def _too_many(wait: float) -> Refusal:
    return Refusal("rate_limited", headers={"Retry-After": str(max(1, math.ceil(wait)))})


def client_address() -> str:
    """The address a request's limits count it against."""
    return request.remote_addr or "unknown"


class MemoryCounts:
    """Counts of this process only (see the module's notes)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int, int]] = {}  # client: (window number, its hits, the previous window's)
        self._window_now = 0

    def seconds(self, clock: Clock) -> float:
        return clock.monotonic()

    def take(self, client: str, number: int, amount: int, weight: float,
             conn: Connection | None = None, hits: int = 1) -> tuple[int, int] | None:
        if conn is not None:  # a count in memory would stay should the transaction roll back
            raise ValueError("counts kept in memory cannot count in a database transaction")
        with self._lock:
            if number != self._window_now:  # a new window: clients idle for two windows count nothing
                self._window_now = number
                self._counts = {c: counted for c, counted in self._counts.items() if counted[0] >= number - 1}
            current, previous = self._now(self._counts.get(client), number)
            if current <= amount - hits - previous * weight:
                self._counts[client] = (number, current + hits, previous)
                return None
        return current, previous

    @staticmethod
    def _now(counted: tuple[int, int, int] | None, number: int) -> tuple[int, int]:
        """(hits in window `number`, hits in the one before) from what was counted last."""
        if counted is None or counted[0] < number - 1:
            return 0, 0
        if counted[0] == number - 1:
            return 0, counted[1]
        return counted[1], counted[2]


metadata = MetaData()


def _rate_counts_table(meta: MetaData) -> Table:
    return Table(
        "rate_counts", meta,
        Column("scope", String(40), primary_key=True),  # which limit: "register", "join", "verify"
        Column("client", String(200), primary_key=True),  # an address
        Column("period", BigInteger, primary_key=True),  # the window's number since the epoch
        Column("hits", Integer, nullable=False),
    )


rate_counts = _rate_counts_table(metadata)


def create_rate_counts_v1(op) -> None:
    """Alembic step creating the table as this version defines it (frozen, as create_audit_v1)."""
    _rate_counts_table(MetaData()).create(op.get_bind())


def drop_rate_counts_v1(op) -> None:
    op.drop_table("rate_counts")


# Built once: building a statement per hit cost more than SQLite's work on it.
_READ = select(rate_counts.c.period, rate_counts.c.hits).where(
    rate_counts.c.scope == bindparam("scope"), rate_counts.c.client == bindparam("client"),
    rate_counts.c.period >= bindparam("previous"))

# A client's hits (one, or all of one batch's), counted if there is room for them: the first of
# its window are inserted, the others added to the row, each only when the window's hits so far
# are within `room` (the limit less the hits counted now) less the previous window's weighted.
# The condition is checked on the row as it is when the statement takes it, so that on
# PostgreSQL two processes counting the last allowed hit at once cannot both have it. The same
# text on SQLite (3.35 and later) and PostgreSQL; the SELECT's WHERE also settles SQLite's
# reading of ON CONFLICT after a SELECT.
_PREVIOUS = ("coalesce((SELECT hits FROM rate_counts WHERE scope = :scope AND client = :client"
             " AND period = :previous), 0)")
_COUNT = text(
    "INSERT INTO rate_counts (scope, client, period, hits)"
    # (typed, as PostgreSQL must give each parameter one type)
    " SELECT CAST(:scope AS VARCHAR(40)), CAST(:client AS VARCHAR(200)), CAST(:period AS BIGINT),"
    " CAST(:hits AS INTEGER)"
    f" WHERE 0 <= :room - {_PREVIOUS} * :weight"
    " ON CONFLICT (scope, client, period) DO UPDATE SET hits = rate_counts.hits + excluded.hits"
    f" WHERE rate_counts.hits <= :room - {_PREVIOUS} * :weight"
    " RETURNING hits")


class DatabaseCounts:
    """Counts in the service's database, shared by every process on it (see the module's notes)."""

    def __init__(self, engine: Engine, scope: str):
        self.scope = scope
        self._swept = -1  # the window this process last dropped older windows' rows in
        self._commits = GroupCommit(engine)

    def seconds(self, clock: Clock) -> float:
        return clock.now().timestamp()

    def take(self, client: str, number: int, amount: int, weight: float,
             conn: Connection | None = None, hits: int = 1) -> tuple[int, int] | None:
        if conn is not None:
            return self._take(conn, client, number, amount, weight, hits)
        return self._commits.run(lambda conn: self._take(conn, client, number, amount, weight, hits))

    def _take(self, conn: Connection, client: str, number: int, amount: int,
              weight: float, hits: int) -> tuple[int, int] | None:
        if self._swept != number:
            conn.execute(delete(rate_counts).where(rate_counts.c.scope == self.scope, rate_counts.c.period < number - 1))
            self._swept = number
        key = {"scope": self.scope, "client": client, "previous": number - 1}
        # An integer count is within a limit x exactly when it is within floor(x): the 1e-9 keeps
        # a limit that float arithmetic put a hair under a whole number from losing that number.
        if conn.execute(_COUNT, {**key, "period": number, "hits": hits, "room": amount - hits + 1e-9,
                                 "weight": weight}).first():
            return None
        found = dict(conn.execute(_READ, key).all())
        return found.get(number, 0), found.get(number - 1, 0)
