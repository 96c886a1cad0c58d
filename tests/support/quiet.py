"""Waiting until the system has nothing left in flight, read off its own /metrics."""
from __future__ import annotations

import time

import requests

from .metrics import read_figures
from .system import SERVICES, System
from .waiting import wait_until


def in_flight(system: System) -> dict[str, float]:
    """Per service: events in its outbox not yet in Kafka plus messages its consumer has not committed.
    A service whose broker figures are not current counts as busy."""
    found = {}
    for service in SERVICES:  # in the order events travel
        scraped = read_figures(requests.get(system.url(service, "/metrics"), timeout=10).text)
        lag = sum(scraped.get("forumops_consumer_lag_messages", {}).values())
        stale = scraped.get("forumops_kafka_figures_up", {(): 1})[()] == 0
        found[service] = float("inf") if stale else scraped["forumops_outbox_pending_events"][()] + lag
    return found


def wait_until_quiet(system: System, timeout_s: float = 60) -> None:
    """Until two readings, further apart than the figures' cache (2 s), both find nothing in flight:
    every event written has been published, consumed and committed by every consumer."""
    def quiet_twice() -> bool:
        if any(in_flight(system).values()):
            return False
        time.sleep(2.5)
        return not any(in_flight(system).values())
    wait_until(quiet_twice, timeout_s=timeout_s, interval_s=0.3, message="nothing left in flight")
