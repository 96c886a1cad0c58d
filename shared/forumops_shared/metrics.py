"""Prometheus metrics. Under gunicorn, PROMETHEUS_MULTIPROC_DIR makes them add up across workers.

Figures that live elsewhere (the outbox backlog in the database; consumer lag and dead letters in
Kafka) are read at scrape time, so they are the same whichever process answers the scrape."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

from prometheus_client import (
    CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest,
    multiprocess,
)
from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import Engine, case, func, select

from .db import readonly
from .kafka_clients import KafkaProbe
from .mail import mail_outbox
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


MAIL_STATUSES = ("queued", "sent", "failed", "dropped")  # dropped: nothing left to say when it was due


def mail_figures(conn) -> tuple[dict[str, int], int]:
    """The messages of the mail outbox by status, and how many times any was tried again: each
    try (sent, refused, or no relay to talk to) adds one to `attempts`, so a message sent at
    the third try was retried twice."""
    m = mail_outbox
    tried_again = case((m.c.attempts > 1, m.c.attempts - 1), else_=0)
    rows = conn.execute(select(m.c.status, func.count(), func.coalesce(func.sum(tried_again), 0))
                        .group_by(m.c.status)).all()
    counts = {**dict.fromkeys(MAIL_STATUSES, 0), **{status: count for status, count, _ in rows}}
    return counts, sum(int(retries) for _, _, retries in rows)


class MailCollector:
    """The service's mail, read from its mail outbox at scrape time (like the outbox backlog):
    messages queued, sent and failed, and the tries beyond the first. An erasure removes a
    person's messages, so these can fall (a scraper reads a fallen counter as a reset)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def collect(self):
        messages = GaugeMetricFamily("forumops_mail_messages", "Messages in the mail outbox, by status",
                                     labels=["status"])
        retries = CounterMetricFamily("forumops_mail_retries", "Tries of a message after its first (4xx, relay away)")
        try:
            with readonly(self.engine).connect() as conn:
                counts, tried_again = mail_figures(conn)
        except Exception:  # noqa: BLE001 - no database, or no mail table yet: unknown, not an error
            counts, tried_again = dict.fromkeys(MAIL_STATUSES, float("nan")), float("nan")
        for status, count in sorted(counts.items()):
            messages.add_metric([status], count)
        retries.add_metric([], tried_again)
        yield messages
        yield retries


@dataclass(frozen=True)
class StreamWatch:
    """What a service consumes, as its /metrics reports it: the group, its topics, its dead letters."""

    group: str
    topics: tuple[str, ...]  # full names, prefix included
    dlq_topic: str | None = None

    def __post_init__(self):
        if not self.topics and self.dlq_topic:
            raise ValueError("a dead-letter topic belongs to a consumer: give its topics")


@dataclass(frozen=True)
class StreamFigures:
    lag: dict[TopicPartition, int]  # messages not yet committed by the group, per partition
    dead_letters: int


def read_streams(admin: KafkaAdminClient, watch: StreamWatch) -> StreamFigures:
    """Lag = end offset - the group's committed offset (the earliest offset when it has none)."""
    names = [*watch.topics, *([watch.dlq_topic] if watch.dlq_topic else [])]
    partitions = [TopicPartition(topic["name"], part["partition_index"])
                  for topic in admin.describe_topics(names) if topic["error_code"] == 0
                  for part in topic["partitions"]]
    latest = admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
    earliest = admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in partitions})
    committed = admin.list_group_offsets({watch.group: None}).get(watch.group, {})

    def start(tp: TopicPartition) -> int:
        mark = committed.get(tp)
        return mark.offset if mark is not None and mark.offset >= 0 else earliest[tp].offset

    return StreamFigures(
        lag={tp: max(latest[tp].offset - start(tp), 0) for tp in partitions if tp.topic != watch.dlq_topic},
        dead_letters=sum(latest[tp].offset - earliest[tp].offset for tp in partitions if tp.topic == watch.dlq_topic))


class StreamCollector:
    """Consumer lag per partition and the dead-letter count, asked of the broker at scrape time
    (cached a moment by the probe); `forumops_kafka_figures_up` is 0 when the broker did not answer."""

    def __init__(self, probe: KafkaProbe, watch: StreamWatch):
        self.probe, self.watch = probe, watch

    def collect(self):
        asked_at, (ok, figures) = self.probe.ask_when(f"streams:{self.watch.group}",
                                                      lambda admin: read_streams(admin, self.watch))
        up = GaugeMetricFamily("forumops_kafka_figures_up", "1 when the lag and dead-letter figures are current")
        up.add_metric([], 1 if ok else 0)
        yield up
        if not ok:
            return
        read_at = GaugeMetricFamily("forumops_kafka_figures_read_at_seconds",
                                    "When the lag and dead-letter figures were read from the broker (Unix time)")
        read_at.add_metric([], asked_at.timestamp())
        yield read_at
        lag = GaugeMetricFamily("forumops_consumer_lag_messages",
                                "Messages in a consumed partition not yet processed and committed by the group",
                                labels=["group", "topic", "partition"])
        for tp, behind in sorted(figures.lag.items()):
            lag.add_metric([self.watch.group, tp.topic, str(tp.partition)], behind)
        yield lag
        if self.watch.dlq_topic:
            dead = GaugeMetricFamily("forumops_dead_letter_messages",
                                     "Messages in the service's dead-letter topic (within its retention)",
                                     labels=["topic"])
            dead.add_metric([self.watch.dlq_topic], figures.dead_letters)
            yield dead


def exposition(engine: Engine, streams: StreamCollector | None = None, *, mail: bool = False) -> tuple[bytes, str]:
    """The process's (or, under gunicorn, all workers') metrics, the outbox backlog and, for a
    service that consumes, its consumer lag and dead letters; for one that sends mail, its mail."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        base = CollectorRegistry()
        multiprocess.MultiProcessCollector(base)
    else:
        base = REGISTRY
    live = CollectorRegistry()
    live.register(OutboxBacklogCollector(engine))
    if streams is not None:
        live.register(streams)
    if mail:
        live.register(MailCollector(engine))
    return generate_latest(base) + generate_latest(live), CONTENT_TYPE_LATEST
