"""Waiting until the system has nothing left in flight, read off its own /metrics."""
from __future__ import annotations

import time

from .metrics import read_figures
from .system import SERVICES, System
from .waiting import wait_until


def in_flight(system: System) -> tuple[dict[str, float], float]:
    """Per service: events in its outbox not yet in Kafka plus messages its consumer has not
    committed (a service whose broker figures are not current counts as busy); and when the
    oldest of the broker figures behind that was read (Unix time)."""
    found, read_at = {}, float("inf")
    for service in SERVICES:  # in the order events travel
        scraped = read_figures(system.admin("GET", service, "/metrics").text)
        lag = sum(scraped.get("forumops_consumer_lag_messages", {}).values())
        stale = scraped.get("forumops_kafka_figures_up", {(): 1})[()] == 0
        found[service] = float("inf") if stale else scraped["forumops_outbox_pending_events"][()] + lag
        read_at = min(read_at, scraped.get("forumops_kafka_figures_read_at_seconds", {(): read_at})[()])
    return found, read_at


def wait_until_quiet(system: System, timeout_s: float = 60) -> None:
    """Until nothing is in flight twice: once, and then again in broker figures read after that
    first reading (each API caches them a moment), so that every event written has been
    published, consumed and committed by every consumer."""
    quiet_since = None

    def quiet_twice() -> bool:
        nonlocal quiet_since
        counts, read_at = in_flight(system)
        if any(counts.values()):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        else:
            return read_at > quiet_since
        return False
    wait_until(quiet_twice, timeout_s=timeout_s, interval_s=0.3, message="nothing left in flight",
               describe=lambda: f"in flight per service (outbox + consumer lag): {in_flight(system)[0]}")
