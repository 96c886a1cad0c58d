"""Time as the services read it: the system's clock, or one a test moves by hand.

What waits or expires (leases, caches of answers, rate limits) asks a Clock instead of the
`time` module, so that tests move time forward instead of sleeping through it.
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, aware, in UTC."""

    def monotonic(self) -> float:
        """Seconds that only go forward, for measuring intervals."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM_CLOCK = SystemClock()
