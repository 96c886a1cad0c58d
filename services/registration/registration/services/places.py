"""Places at a connection point: taking one, giving one back, promoting the waiting list.

Every change goes through the point's row: a conditional UPDATE, or a read FOR UPDATE and then
an UPDATE. The row lock orders concurrent registrations at one point on PostgreSQL (SQLite
serialises writers anyway): the last place goes to exactly one person, and a freed place to
exactly the next in line.
"""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from ..domain.places import Counters, deal_places
from ..tables import points, registrations


_TAKE = (update(points).where(points.c.id == bindparam("pid"), points.c.confirmed < points.c.capacity)
         .values(confirmed=points.c.confirmed + 1).returning(points.c.id))
_WAIT = update(points).where(points.c.id == bindparam("pid")).values(waitlisted=points.c.waitlisted + 1)


def take_place(conn: Connection, point_id: int) -> str:
    """'confirmed' when a place was free, else 'waitlisted' (and counted as waiting)."""
    if conn.execute(_TAKE, {"pid": point_id}).first():
        return "confirmed"
    conn.execute(_WAIT, {"pid": point_id})
    return "waitlisted"


_COUNTERS = (select(points.c.id, points.c.capacity, points.c.confirmed, points.c.waitlisted)
             .where(points.c.id.in_(bindparam("ids", expanding=True))).with_for_update())
_ADD = update(points).where(points.c.id == bindparam("pid")).values(
    confirmed=points.c.confirmed + bindparam("n_confirmed"), waitlisted=points.c.waitlisted + bindparam("n_waitlisted"))


def take_places(conn: Connection, point_ids: list[int]) -> list[tuple[str, int | None]]:
    """Places for several registrations, in order (domain/places.py deals them out): two
    statements however many there are."""
    if not point_ids:
        return []
    counters = {row.id: Counters(row.capacity, row.confirmed, row.waitlisted)
                for row in conn.execute(_COUNTERS, {"ids": sorted(set(point_ids))})}
    places = deal_places(point_ids, counters)
    taken = Counter((pid, status) for pid, (status, _) in zip(point_ids, places))
    conn.execute(_ADD, [{"pid": pid, "n_confirmed": taken[pid, "confirmed"], "n_waitlisted": taken[pid, "waitlisted"]}
                        for pid in sorted(counters)])
    return places


def give_back(conn: Connection, point_id: int, status: str) -> list[str]:
    """Release what a registration held; returns the ids promoted into a freed place."""
    if status == "waitlisted":
        conn.execute(update(points).where(points.c.id == point_id).values(waitlisted=points.c.waitlisted - 1))
        return []
    conn.execute(update(points).where(points.c.id == point_id).values(confirmed=points.c.confirmed - 1))
    return promote_waiting(conn, point_id)


def promote_waiting(conn: Connection, point_id: int) -> list[str]:
    """Confirm people from the waiting list, in order, while places are free."""
    promoted = []
    now = datetime.now(timezone.utc)
    while conn.execute(update(points)
                       .where(points.c.id == point_id, points.c.confirmed < points.c.capacity,
                              points.c.waitlisted > 0)
                       .values(confirmed=points.c.confirmed + 1, waitlisted=points.c.waitlisted - 1)
                       .returning(points.c.id)).first():
        next_id = conn.execute(
            select(registrations.c.id)
            .where(registrations.c.point_id == point_id, registrations.c.status == "waitlisted")
            .order_by(registrations.c.waitlisted_at, registrations.c.seq).limit(1)).scalar_one()
        conn.execute(update(registrations).where(registrations.c.id == next_id)
                     .values(status="confirmed", waitlisted_at=None, updated_at=now))
        promoted.append(next_id)
    return promoted
