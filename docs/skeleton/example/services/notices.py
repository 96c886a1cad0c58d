"""Posting notices and reading those that show."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.refusals import Refusal

from ..domain.notices import shows
from ..tables import notices


def post(conn: Connection, forum: str, text: str, visible_from: datetime | None, now: datetime) -> dict:
    values = {"forum": forum, "text": text, "visible_from": visible_from or now, "created_at": now}
    notice_id = conn.execute(notices.insert().values(**values).returning(notices.c.id)).scalar_one()
    return {"id": notice_id, "forum": forum, "text": text, "visible_from": values["visible_from"]}


def showing(conn: Connection, forum: str, now: datetime) -> list[dict]:
    rows = conn.execute(select(notices).where(notices.c.forum == forum).order_by(notices.c.visible_from)).all()
    return [{"id": r.id, "forum": r.forum, "text": r.text, "visible_from": r.visible_from}
            for r in rows if shows(r.visible_from, now)]


def one(conn: Connection, notice_id: int, now: datetime) -> dict:
    row = conn.execute(select(notices).where(notices.c.id == notice_id)).first()
    if row is None or not shows(row.visible_from, now):
        raise Refusal("notice_not_found")
    return {"id": row.id, "forum": row.forum, "text": row.text, "visible_from": row.visible_from}
