"""Per-client limits (429 with Retry-After), counted in process memory.

Each gunicorn worker counts alone, so a client may get up to workers x the limit; a shared
store (Redis, memcached) would make it exact across workers and hosts.

The count is a sliding window counter, as `limits` (which parses the "100/minute" settings)
defines it: this window's hits plus the previous window's, weighted by how much of that window
the sliding one still overlaps. Two numbers per client. `limits`' own in-memory store started a
thread every 10 ms while hits arrived, to expire its keys; under scanning load that thread start
took an eighth of a check-in worker's time (docs/performance.md). Here an idle client's counts
are dropped once a window instead, on the hit that opens it.
"""
from __future__ import annotations

import math
import threading

from flask import request
from limits import parse

from .clock import SYSTEM_CLOCK, Clock
from .refusals import Refusal


class RateLimit:
    def __init__(self, spec: str, clock: Clock = SYSTEM_CLOCK):
        item = parse(spec)
        self.amount, self.window = item.amount, float(item.get_expiry())
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int, int]] = {}  # client: (window number, its hits, the previous window's)
        self._window_now = 0

    def check(self, client: str | None = None) -> None:
        """Count this request against `client` (its address unless given); 429 with Retry-After when over."""
        wait = self.hit(client or request.remote_addr or "unknown")
        if wait:
            raise Refusal("rate_limited", headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def hit(self, client: str) -> float:
        """0 when the hit is allowed (and counted); else the seconds until it would be (not counted)."""
        number, into = divmod(self._clock.monotonic(), self.window)
        number = int(number)
        with self._lock:
            if number != self._window_now:  # a new window: clients idle for two windows count nothing
                self._window_now = number
                self._counts = {c: counted for c, counted in self._counts.items() if counted[0] >= number - 1}
            current, previous = self._now(self._counts.get(client), number)
            if previous * (1 - into / self.window) + current + 1 <= self.amount:
                self._counts[client] = (number, current + 1, previous)
                return 0.0
        return self._wait(current, previous, into)

    @staticmethod
    def _now(counted: tuple[int, int, int] | None, number: int) -> tuple[int, int]:
        """(hits in window `number`, hits in the one before) from what was counted last."""
        if counted is None or counted[0] < number - 1:
            return 0, 0
        if counted[0] == number - 1:
            return 0, counted[1]
        return counted[1], counted[2]

    def _wait(self, current: int, previous: int, into: float) -> float:
        """Seconds until enough of the counted hits slide out of the window for one more."""
        if current + 1 <= self.amount:  # within this window, once enough of the previous one has slid out
            return self.window * (1 - (self.amount - 1 - current) / previous) - into
        # next window: this one's hits become the previous, weighted down as it slides
        return self.window - into + self.window * (1 - (self.amount - 1) / current)
