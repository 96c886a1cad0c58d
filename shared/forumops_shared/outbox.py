"""Transactional outbox: use cases stage events with the business rows, in their transaction;
the worker's relay (relay.py) publishes them."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .db import insert_rows
from .events import Event, encode_event
from .plumbing import outbox


def stage_event(conn: Connection, event: Event) -> None:
    """Write `event` to the outbox inside the caller's transaction."""
    stage_events(conn, [event])


def stage_events(conn: Connection, events: list[Event]) -> None:
    """Write `events` to the outbox, in this order, inside the caller's transaction."""
    if not events:
        return
    now = datetime.now(timezone.utc)
    insert_rows(conn, outbox, [{
        "event_id": event.id, "topic": event.topic, "key": event.subject, "event_type": event.type,
        "payload": encode_event(event).decode(), "created_at": now} for event in events])


def pending_count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(outbox)
                        .where(outbox.c.published_at.is_(None))).scalar_one()
