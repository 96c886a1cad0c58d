"""Per-client limits (429 with Retry-After), with the `limits` library in process memory.

Each gunicorn worker counts alone, so a client may get up to workers x the limit; a shared
store (Redis, memcached: `limits` supports both) would make it exact across workers and hosts.

The sliding window counter (this window's count plus the previous window's, weighted by how much
of it still overlaps) keeps two counters per client. The exact moving window kept one entry per
hit, and the in-memory store's expiry thread, which runs every 10 ms while hits arrive, walked
them all: with 600 scanning devices at 400 scans/s that thread took a quarter of a CPU in each
gunicorn worker; the counters take a twentieth (bench/README: Performance).
"""
from __future__ import annotations

import math
import time

from flask import request
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from .http import Refusal


class RateLimit:
    def __init__(self, spec: str):
        self.item = parse(spec)
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    def check(self, client: str | None = None) -> None:
        """Count this request against `client` (its address unless given); 429 with Retry-After when over."""
        client = client or request.remote_addr or "unknown"
        if self.limiter.hit(self.item, client):
            return
        reset_at, _remaining = self.limiter.get_window_stats(self.item, client)
        raise Refusal("rate_limited", headers={"Retry-After": str(max(1, math.ceil(reset_at - time.time())))})
