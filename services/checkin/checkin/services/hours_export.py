"""Hours per participant as organisers export them for training records: JSON and CSV."""
from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc
from forumops_shared.refusals import Refusal

from ..tables import forums, hours, registrations, sessions


def report(conn: Connection, slug: str) -> dict:
    """The programme (with minutes and people per session) and each participant's minutes per
    session and in total, as last announced; people with no minute are left out."""
    if conn.execute(select(forums.c.slug).where(forums.c.slug == slug)).first() is None:
        raise Refusal("forum_not_found")
    programme = conn.execute(select(sessions).where(sessions.c.forum == slug)
                             .order_by(sessions.c.starts_at, sessions.c.code)).all()
    rows = conn.execute(select(hours.c.registration_id, hours.c.sessions, hours.c.minutes, registrations.c.full_name,
                               registrations.c.ticket_code)
                        .outerjoin(registrations, registrations.c.id == hours.c.registration_id)
                        .where(hours.c.forum == slug, hours.c.minutes > 0)
                        .order_by(registrations.c.full_name, hours.c.registration_id)).all()
    people = [{"registration_id": r.registration_id, "full_name": r.full_name, "ticket_code": r.ticket_code,
               "sessions": {s["code"]: s["minutes"] for s in json.loads(r.sessions)}, "minutes": r.minutes,
               "hours": round(r.minutes / 60, 2)} for r in rows]
    listed = [{"code": s.code, "title": json.loads(s.titles), "kind": s.kind,
               "starts_at": as_utc(s.starts_at).isoformat(), "ends_at": as_utc(s.ends_at).isoformat(),
               "participants": sum(1 for p in people if p["sessions"].get(s.code)),
               "minutes": sum(p["sessions"].get(s.code, 0) for p in people)} for s in programme]
    return {"forum": slug, "sessions": listed, "participants": people}


def csv_columns(found: dict) -> list[str]:
    """The export's header: who, a column of minutes per session code, total minutes and hours."""
    return ["registration_id", "full_name", "ticket_code", *(s["code"] for s in found["sessions"]), "minutes", "hours"]


def csv_rows(found: dict):
    codes = [s["code"] for s in found["sessions"]]
    for p in found["participants"]:
        yield [p["registration_id"], p["full_name"] or "", p["ticket_code"] or "",
               *(p["sessions"].get(code, 0) for code in codes), p["minutes"], f'{p["hours"]:.2f}']
