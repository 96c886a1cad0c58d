"""Bounded waiting for things that happen in other processes."""
from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(probe: Callable[[], T], *, timeout_s: float = 60, interval_s: float = 0.1,
               message: str = "condition", describe: Callable[[], str] | None = None) -> T:
    """Call `probe` until it returns something truthy; fail the test after `timeout_s`, saying
    what `describe` finds then (where things stood)."""
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval_s)
    found = f"; {describe()}" if describe else ""
    raise AssertionError(f"timed out after {timeout_s}s waiting for {message} (last: {last!r}{found})")
