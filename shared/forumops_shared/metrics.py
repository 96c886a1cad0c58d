"""Prometheus metrics. Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes them add up across workers."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from prometheus_client import (
    CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import Engine

from .db import readonly
from .outbox import pending_count


@dataclass(frozen=True)
class HttpMetrics:
    requests: Counter
    latency: Histogram


@cache
def http_metrics() -> HttpMetrics:
    """Created on first use (not at import), once per process."""
    return HttpMetrics(
        requests=Counter("forumops_http_requests_total", "HTTP requests answered",
                         ["service", "method", "endpoint", "status"]),
        latency=Histogram("forumops_http_request_seconds", "HTTP request latency",
                          ["service", "method", "endpoint"],
                          buckets=(.005, .01, .025, .05, .1, .15, .25, .5, 1, 2.5, 5)),
    )


class OutboxBacklogCollector:
    """Reads the outbox backlog at scrape time, so the figure is never stale."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def collect(self):
        family = GaugeMetricFamily("forumops_outbox_pending_events",
                                   "Events written but not yet acknowledged by Kafka")
        try:
            with readonly(self.engine).connect() as conn:
                family.add_metric([], pending_count(conn))
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database is away
            family.add_metric([], float("nan"))
        yield family


def exposition(engine: Engine) -> tuple[bytes, str]:
    """The process's (or, under gunicorn, all workers') metrics plus the outbox backlog."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = REGISTRY
    live = CollectorRegistry()
    live.register(OutboxBacklogCollector(engine))
    return generate_latest(base) + generate_latest(live), CONTENT_TYPE_LATEST
