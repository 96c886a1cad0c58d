"""A forum's programme: sessions created, replaced, removed, and shown in start order."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc
from forumops_shared.payloads import point_code_problem
from forumops_shared.refusals import Refusal

from ..domain.forums import titles_of
from ..domain.sessions import check_session, forum_window
from ..tables import points, session_signups, sessions
from .forums import publish_forum
from .session_places import promote_waiting_for_session
from .signups import announce_session_promotions

FIELDS = ("kind", "starts_at", "ends_at", "points", "online_url", "capacity", "signup", "walk_in")


def find_session(conn: Connection, forum: Row, code: str) -> Row:
    row = conn.execute(select(sessions).where(sessions.c.forum_id == forum.id, sessions.c.code == code)).first()
    if row is None:
        raise Refusal("session_not_found")
    return row


def put_session(conn: Connection, forum: Row, code: str, data: dict) -> tuple[str, list[str]]:
    """Create or replace one session; ('created'|'updated'|'unchanged', the sign-ups
    promoted from its line).
    Any change publishes the forum again, so that what depends on the times is recomputed."""
    problem = point_code_problem(code)
    if problem:
        raise Refusal("validation_failed", {"code": [problem]})
    known = conn.execute(select(points.c.code).where(points.c.forum_id == forum.id)).scalars().all()
    check_session(data["starts_at"], data["ends_at"], forum_window(as_utc(forum.starts_at), as_utc(forum.ends_at),
                                                                   forum.timezone), data["points"], known)
    values = {**{k: data[k] for k in FIELDS}, "titles": json.dumps(titles_of(data["title"], forum.languages.split(",")),
                                                                   ensure_ascii=False),
              "points": json.dumps(sorted(set(data["points"]))) if data["points"] is not None else None}
    existing = conn.execute(select(sessions).where(sessions.c.forum_id == forum.id, sessions.c.code == code)).first()
    now = datetime.now(timezone.utc)
    if existing is None:
        conn.execute(sessions.insert().values(forum_id=forum.id, code=code, created_at=now, updated_at=now, **values))
        publish_forum(conn, forum)
        return "created", []
    if _same(existing, values):
        return "unchanged", []
    if not values["signup"] and _signups(conn, existing.id):
        raise Refusal("session_has_signups", {"signup": ["People signed up: it stays a sign-up session."]})
    conn.execute(update(sessions).where(sessions.c.id == existing.id).values(updated_at=now, **values))
    promoted = promote_waiting_for_session(conn, existing.id)  # a larger (or no) capacity lets people in
    announce_session_promotions(conn, promoted)
    publish_forum(conn, forum)
    return "updated", promoted


def _same(row: Row, values: dict) -> bool:
    stored = {**row._mapping, "starts_at": as_utc(row.starts_at), "ends_at": as_utc(row.ends_at)}
    return all(stored[k] == v for k, v in values.items())


def _signups(conn: Connection, session_id: int) -> int:
    return conn.execute(select(func.count()).select_from(session_signups)
                        .where(session_signups.c.session_id == session_id)).scalar_one()


def delete_session(conn: Connection, forum: Row, code: str) -> None:
    """Remove a session nobody signed up for (with sign-ups it is refused: people were promised
    a place; the organiser changes its times or title instead)."""
    row = find_session(conn, forum, code)
    if _signups(conn, row.id):
        raise Refusal("session_has_signups")
    conn.execute(delete(sessions).where(sessions.c.id == row.id))
    publish_forum(conn, forum)
