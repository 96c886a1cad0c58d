"""What a scanner keeps to decide at the door when the network is gone: its device kit.

The forum's public ticket keys (a QR verifies without the service), when the doors open, and
the roster of *its own point* — names, typed codes and status of the people registered there,
and who is already inside (and in which sessions), the sessions they hold a place in, and the
programme. Nothing about other points' people: a device sees only its own door.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc
from forumops_shared.refusals import Refusal

from ..domain.scans import DOORS_OPEN_BEFORE_START
from ..reasons import SCAN_REASONS
from ..tables import checkins, forums, points, registrations, session_checkins, sessions, signups, ticket_keys

_ROSTER = (select(registrations.c.id, registrations.c.full_name, registrations.c.ticket_code, registrations.c.status,
                  registrations.c.ticket_version, checkins.c.point.label("arrived_at_point"))
           .outerjoin(checkins, checkins.c.registration_id == registrations.c.id))


def kit(conn: Connection, device: Row) -> dict:
    forum = conn.execute(select(forums).where(forums.c.slug == device.forum)).first()
    if forum is None:  # the forum's event has not reached check-in yet
        raise Refusal("forum_not_found")
    point = conn.execute(select(points.c.code, points.c.name, points.c.province)
                         .where(points.c.forum == device.forum, points.c.code == device.point)).one()
    keys = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key).where(ticket_keys.c.forum == device.forum))
    here = (registrations.c.forum == device.forum, registrations.c.point == device.point,
            registrations.c.attendance == "onsite")
    roster = conn.execute(_ROSTER.where(*here))
    held, inside = _per_person(conn, signups.c.session, signups, here), _per_person(conn, session_checkins.c.session,
                                                                                    session_checkins, here)
    return {
        "device_id": device.id,
        "forum": {"slug": forum.slug, "title": json.loads(forum.titles),
                  "doors_open_at": (as_utc(forum.starts_at) - DOORS_OPEN_BEFORE_START).isoformat(),
                  "ends_at": as_utc(forum.ends_at).isoformat()},  # the scanner keeps the kit until then
        "point": dict(point._mapping),
        "keys": {k.kid: k.public_key for k in keys},
        "roster": [{"id": r.id, "full_name": r.full_name, "ticket_code": r.ticket_code, "status": r.status,
                    "ticket_version": r.ticket_version, "arrived": r.arrived_at_point is not None,
                    "sessions": held.get(r.id, []), "in_sessions": inside.get(r.id, [])} for r in roster],
        "sessions": _programme(conn, device.forum),
        "reasons": {code: {"vi": text.vi, "en": text.en} for code, text in SCAN_REASONS.items()},
        "as_of": datetime.now(timezone.utc).isoformat(),
    }


def _per_person(conn: Connection, code, table, here) -> dict[str, list[str]]:
    """Session codes per person of this point's roster, from `table` (sign-ups, or check-ins into sessions)."""
    found: dict[str, list[str]] = {}
    rows = conn.execute(select(table.c.registration_id, code)
                        .join(registrations, registrations.c.id == table.c.registration_id).where(*here))
    for rid, session in rows:
        found.setdefault(rid, []).append(session)
    return found


def _programme(conn: Connection, forum: str) -> list[dict]:
    rows = conn.execute(select(sessions).where(sessions.c.forum == forum).order_by(sessions.c.starts_at, sessions.c.code))
    return [{"code": r.code, "title": json.loads(r.titles), "starts_at": as_utc(r.starts_at).isoformat(),
             "ends_at": as_utc(r.ends_at).isoformat(), "points": None if r.points is None else json.loads(r.points),
             "signup": r.signup, "walk_in": r.walk_in} for r in rows]
