"""Announcements: an organiser's message to the participants a filter picks, one email each.

Each recipient's copy is queued in the mail outbox in the transaction that records the
announcement (so it goes to exactly the group picked then, once), keyed
"announcement:<id>:<registration id>"; its progress is those rows' status.
"""
from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc
from forumops_shared.mail import mail_outbox, request_mail
from forumops_shared.refusals import Refusal

from ..tables import announcements, points, registrations


def audience(forum: Row, wanted: dict):
    """The registrations an announcement's filters pick: active ones (confirmed, waiting, or the
    statuses given), at the points, in the provinces, in the attendance modes given."""
    r = registrations
    stmt = (select(r.c.id, r.c.email).outerjoin(points, points.c.id == r.c.point_id)
            .where(r.c.forum_id == forum.id, r.c.erased_at.is_(None),
                   r.c.status.in_(wanted.get("status") or ("confirmed", "waitlisted"))))
    if wanted.get("points"):
        stmt = stmt.where(points.c.code.in_(wanted["points"]))
    if wanted.get("provinces"):
        stmt = stmt.where(points.c.province.in_(wanted["provinces"]))
    if wanted.get("attendance"):
        stmt = stmt.where(r.c.attendance.in_(wanted["attendance"]))
    return stmt.order_by(r.c.seq)


def count_audience(conn: Connection, forum: Row, wanted: dict) -> int:
    return conn.execute(select(func.count()).select_from(audience(forum, wanted).subquery())).scalar_one()


def announce(conn: Connection, forum: Row, data: dict, now: datetime) -> dict:
    """Record the announcement and queue one email per recipient; its view (how many will get it)."""
    recipients = conn.execute(audience(forum, data["recipients"])).all()
    if not recipients:
        raise Refusal("no_recipients")
    announcement_id = secrets.token_hex(16)
    conn.execute(announcements.insert().values(
        id=announcement_id, forum_id=forum.id, subjects=json.dumps(data["subject"], ensure_ascii=False),
        bodies=json.dumps(data["body"], ensure_ascii=False),
        audience=json.dumps(data["recipients"], ensure_ascii=False), recipients=len(recipients), created_at=now))
    request_mail(conn, [{"key": f"announcement:{announcement_id}:{r.id}", "kind": "announcement",
                         "recipient": r.email, "forum": forum.slug, "subject_id": r.id,
                         "params": {"registration_id": r.id, "announcement_id": announcement_id}}
                        for r in recipients], now)
    return show(conn, forum, announcement_id)


def show(conn: Connection, forum: Row, announcement_id: str) -> dict:
    row = conn.execute(select(announcements).where(
        announcements.c.id == announcement_id, announcements.c.forum_id == forum.id)).first()
    if row is None:
        raise Refusal("announcement_not_found")
    return _view(row, _progress(conn, forum, [announcement_id]).get(announcement_id, {}))


def listing(conn: Connection, forum: Row) -> list[dict]:
    rows = conn.execute(select(announcements).where(announcements.c.forum_id == forum.id)
                        .order_by(announcements.c.created_at.desc())).all()
    progress = _progress(conn, forum, [r.id for r in rows])
    return [_view(r, progress.get(r.id, {})) for r in rows]


def _progress(conn: Connection, forum: Row, ids: list[str]) -> dict[str, dict[str, int]]:
    """Per announcement, its copies by status (queued, sent, failed). A person erased since has
    no copy any more."""
    if not ids:
        return {}
    m = mail_outbox
    which = func.substr(m.c.key, len("announcement:") + 1, 32)
    found: dict[str, dict[str, int]] = {}
    for announcement_id, status, count in conn.execute(
            select(which, m.c.status, func.count())
            .where(and_(m.c.forum == forum.slug, m.c.kind == "announcement", which.in_(ids)))
            .group_by(which, m.c.status)):
        found.setdefault(announcement_id, {})[status] = count
    return found


def _view(row: Row, progress: dict[str, int]) -> dict:
    return {"id": row.id, "recipients": row.recipients,
            **{status: progress.get(status, 0) for status in ("queued", "sent", "failed")},
            "subject": json.loads(row.subjects), "body": json.loads(row.bodies),
            "filter": json.loads(row.audience), "created_at": as_utc(row.created_at).isoformat()}
