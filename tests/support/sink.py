"""A consumer of registration events whose effect is an append-only row per application.

The effects table has no unique constraint on purpose: if the runner ever applied an event
twice, the tests would see two rows.
"""
from __future__ import annotations

import json
import time
from typing import Callable

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, select
from sqlalchemy.engine import Connection, Engine

from forumops_shared import topics
from forumops_shared.config import ServiceSettings
from forumops_shared.consumer import ConsumerRunner
from forumops_shared.handlers import in_batches, wants
from forumops_shared.db import readonly
from forumops_shared.events import Event
from forumops_shared.events.registry import PARTICIPANT_REGISTERED
from forumops_shared.kafka_clients import make_consumer, make_producer, security
from forumops_shared.plumbing import metadata as plumbing_metadata
from forumops_shared.topics import TopicSpec
from forumops_shared.topic_admin import ensure_topics

metadata = MetaData()
effects = Table(
    "effects", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("data", Text, nullable=False),
)


def prepare_sink(settings: ServiceSettings, engine: Engine) -> None:
    """The sink's tables, and its dead-letter topic, declared like a real service's."""
    plumbing_metadata.create_all(engine)
    metadata.create_all(engine)
    ensure_topics(settings.kafka_bootstrap_servers, prefix=settings.topic_prefix,
                  specs=(TopicSpec("sink.dlq", 1),), client=security(settings))


def record_effect(delay_s: float = 0.0, failing_subject: str | None = None):
    def handler(conn: Connection, event: Event) -> None:
        if delay_s:
            time.sleep(delay_s)
        conn.execute(effects.insert().values(
            event_id=event.id, event_type=event.type, subject=event.subject,
            data=json.dumps(event.data, default=str, ensure_ascii=False)))
        if event.subject == failing_subject:  # after its write: a constraint the data breaks
            conn.execute(effects.insert().values(seq=select(func.max(effects.c.seq)).scalar_subquery(),
                                                 event_id="x", event_type="x", subject="x", data="x"))
    return handler


def record_effects(failing_subject: str | None, calls: list[list[str]]):
    """The batch form of record_effect: one statement for all; fails as a whole if one fails.
    Each call's event ids are appended to `calls`."""
    def many(conn: Connection, batch: list[Event]) -> None:
        calls.append([event.id for event in batch])
        conn.execute(effects.insert(), [{"event_id": e.id, "event_type": e.type, "subject": e.subject,
                                         "data": json.dumps(e.data, default=str, ensure_ascii=False)} for e in batch])
        if any(event.subject == failing_subject for event in batch):
            raise ValueError("a constraint the data breaks")
    return many


def sink_runner(settings: ServiceSettings, engine: Engine, delay_s: float = 0.0,
                failing_subject: str | None = None, wanted: Callable[[Event], bool] | None = None,
                batches: list[list[str]] | None = None) -> ConsumerRunner:
    """With `batches`, the handler also takes events in batches (handlers.in_batches), noting each batch there."""
    handler = record_effect(delay_s, failing_subject)
    if wanted is not None:
        handler = wants(wanted)(handler)
    if batches is not None:
        handler = in_batches(record_effects(failing_subject, batches))(handler)
    return ConsumerRunner(
        name=settings.consumer_group, engine=engine,
        # registration-changed is left unhandled on purpose: declared for the topic, ignored here.
        handlers={PARTICIPANT_REGISTERED: handler},
        topics=[topics.REGISTRATIONS], topic_prefix=settings.topic_prefix, dlq_topic=settings.dlq_topic,
        consumer_factory=lambda: make_consumer(settings),
        producer_factory=lambda: make_producer(settings, "dlq"))


def effect_rows(engine: Engine) -> list:
    with readonly(engine).connect() as conn:
        return conn.execute(select(effects).order_by(effects.c.seq)).all()


def effect_count(engine: Engine) -> int:
    with readonly(engine).connect() as conn:
        return conn.execute(select(func.count()).select_from(effects)).scalar_one()


