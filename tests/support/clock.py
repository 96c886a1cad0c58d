"""A clock a test moves by hand, instead of sleeping (forumops_shared.clock)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc),
                 monotonic: float = 600.0):  # a window boundary for limits "per minute"
        self._now, self._monotonic = start, monotonic

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._monotonic += seconds
