"""What organisers watch: live counts per point and the conflicts offline doors produced."""
from __future__ import annotations

from datetime import datetime

import json

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc
from forumops_shared.refusals import Refusal

from ..tables import ONLINE, conflicts, forums, point_counts, points, registrations, session_checkins, sessions

_COUNTS = ("registered", "waitlisted", "arrived")


def stats(conn: Connection, slug: str, province: str | None, now: datetime) -> dict:
    """Registered, waitlisted and arrived per point, on site, online and in total (kept counts) as of `now`."""
    if conn.execute(select(forums.c.slug).where(forums.c.slug == slug)).first() is None:
        raise Refusal("forum_not_found")
    stmt = _POINTS if province is None else _POINTS.where(points.c.province == province)
    listed = [{"code": code, "name": name, "province": prov, "capacity": capacity,
               "registered": registered or 0, "waitlisted": waitlisted or 0, "arrived": arrived or 0}
              for code, name, prov, capacity, registered, waitlisted, arrived
              in conn.execute(stmt, {"forum": slug}).all()]
    online = conn.execute(select(*(point_counts.c[k] for k in _COUNTS))
                          .where(point_counts.c.forum == slug, point_counts.c.point == ONLINE)).first()
    online = dict(zip(_COUNTS, online)) if online else dict.fromkeys(_COUNTS, 0)
    onsite = {k: sum(p[k] for p in listed) for k in _COUNTS}
    return {"forum": slug, "total": {k: onsite[k] + online[k] for k in _COUNTS}, "onsite": onsite,
            "online": online, "points": listed, "sessions": _sessions(conn, slug), "as_of": now.isoformat()}


_PER_SESSION = (select(session_checkins.c.session, session_checkins.c.point, func.count())
                .where(session_checkins.c.forum == bindparam("forum"))
                .group_by(session_checkins.c.session, session_checkins.c.point))


def _sessions(conn: Connection, slug: str) -> list[dict]:
    """Arrivals per session of the programme, and per point within it (one grouped read)."""
    per_point: dict[str, dict[str, int]] = {}
    for code, point, n in conn.execute(_PER_SESSION, {"forum": slug}):
        per_point.setdefault(code, {})[point] = n
    programme = conn.execute(select(sessions.c.code, sessions.c.titles, sessions.c.starts_at, sessions.c.ends_at)
                             .where(sessions.c.forum == slug).order_by(sessions.c.starts_at, sessions.c.code))
    return [{"code": code, "title": json.loads(titles), "starts_at": as_utc(starts).isoformat(),
             "ends_at": as_utc(ends).isoformat(), "arrived": sum(per_point.get(code, {}).values()),
             "points": per_point.get(code, {})} for code, titles, starts, ends in programme]


_POINTS = (select(points.c.code, points.c.name, points.c.province, points.c.capacity,
                  point_counts.c.registered, point_counts.c.waitlisted, point_counts.c.arrived)
           .outerjoin(point_counts, and_(point_counts.c.forum == points.c.forum, point_counts.c.point == points.c.code))
           .where(points.c.forum == bindparam("forum")).order_by(points.c.province, points.c.code))


def list_conflicts(conn: Connection, slug: str, *, limit: int, after: int, point: str | None) -> dict:
    """Conflicts in the order found, `limit` at a time after the id `after`."""
    stmt = (select(conflicts, registrations.c.full_name)
            .outerjoin(registrations, registrations.c.id == conflicts.c.registration_id)
            .where(conflicts.c.forum == slug, conflicts.c.id > after).order_by(conflicts.c.id).limit(limit + 1))
    if point:
        stmt = stmt.where((conflicts.c.point == point) | (conflicts.c.first_point == point))
    rows = conn.execute(stmt).all()
    page = [{"id": r.id, "registration_id": r.registration_id, "full_name": r.full_name, "point": r.point,
             "scanned_at": as_utc(r.scanned_at).isoformat(), "first_point": r.first_point,
             "first_at": as_utc(r.first_at).isoformat()} for r in rows[:limit]]
    return {"conflicts": page, "next_after": page[-1]["id"] if len(rows) > limit else None}
