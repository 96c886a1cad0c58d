"""A forum's programme as it is shown and published: sessions in start order."""
from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc

from ..domain.sessions import Slot
from ..tables import sessions


def programme(conn: Connection, forum_id: int) -> list[Row]:
    return conn.execute(select(sessions).where(sessions.c.forum_id == forum_id)
                        .order_by(sessions.c.starts_at, sessions.c.ends_at, sessions.c.code)).all()


def session_view(row: Row, zone: str, *, organiser: bool = False) -> dict:
    """A session as the API shows it: times with the forum's UTC offset; its meeting's address
    for organisers only (as the forum's own)."""
    view = published_session(row, zone)
    view.update(online=bool(row.online_url), confirmed=row.confirmed, waitlisted=row.waitlisted)
    if not organiser:
        del view["online_url"]
    return view


def published_session(row: Row, zone: str) -> dict:
    """A session as forum-published carries it."""
    tz = ZoneInfo(zone)
    return {"code": row.code, "title": json.loads(row.titles), "kind": row.kind,
            "starts_at": as_utc(row.starts_at).astimezone(tz), "ends_at": as_utc(row.ends_at).astimezone(tz),
            "points": json.loads(row.points) if row.points is not None else None, "online_url": row.online_url,
            "capacity": row.capacity, "signup": row.signup, "walk_in": row.walk_in}


def slot_of(row: Row) -> Slot:
    return Slot(row.code, as_utc(row.starts_at), as_utc(row.ends_at), row.signup,
                tuple(json.loads(row.points)) if row.points is not None else None, bool(row.online_url))
