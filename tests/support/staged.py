"""Events a service staged in its outbox, decoded and validated as a consumer would."""
from __future__ import annotations

from sqlalchemy import select

from forumops_shared.db import readonly
from forumops_shared.events import decode_event
from forumops_shared.plumbing import outbox


def staged_events(engine, event_type: str | None = None) -> list:
    with readonly(engine).connect() as conn:
        rows = conn.execute(select(outbox.c.topic, outbox.c.payload).order_by(outbox.c.id)).all()
    found = [decode_event(row.payload.encode(), topic=row.topic) for row in rows]
    return [e for e in found if event_type is None or e.type == event_type]
