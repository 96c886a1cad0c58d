"""Live counts per point, kept in the same transactions as the facts they count.

`/stats` reads ~600 small rows instead of counting 100k registrations. People attending online
count on the point `ONLINE` (''). A registration adds to `registered` (confirmed) or
`waitlisted` where it is now; an admission adds to `arrived` where it happened (or online).
`recount` derives the same figures from the facts, for tests and repairs.
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from forumops_shared.db import add_all

from ..tables import ONLINE, checkins, point_counts, registrations


class Place(NamedTuple):
    """Where a registration counts, and as what."""

    point: str
    status: str


def place_of(attendance: str, point: str | None, status: str) -> Place:
    return Place(ONLINE if attendance == "online" else (point or ONLINE), status)


def moved(conn: Connection, forum: str, before: Place | None, after: Place | None) -> None:
    """A registration went from `before` to `after` (None: not counted)."""
    add(conn, movement(forum, before, after))


def movement(forum: str, before: Place | None, after: Place | None) -> list[tuple[str, str, str, int]]:
    """The changes (for `add`) of a registration going from `before` to `after`."""
    if before == after:
        return []
    return [(forum, place.point, "registered" if place.status == "confirmed" else "waitlisted", sign)
            for place, sign in ((before, -1), (after, +1))
            if place is not None and place.status in ("confirmed", "waitlisted")]


_COUNTED = ("registered", "waitlisted", "arrived")


def add(conn: Connection, changes: list[tuple[str, str, str, int]]) -> None:
    """Apply (forum, point, column, delta) changes; rows are created on first use."""
    add_all(conn, point_counts, [{"forum": forum, "point": point, **dict.fromkeys(_COUNTED, 0), column: delta}
                                 for forum, point, column, delta in changes], _COUNTED)


def recount(conn: Connection, forum: str) -> dict[str, dict[str, int]]:
    """The counts as the facts give them: {point: {registered, waitlisted, arrived}} (non-zero)."""
    place = case((registrations.c.attendance == "online", ONLINE), else_=func.coalesce(registrations.c.point, ONLINE))
    found: dict[str, dict[str, int]] = {}
    for point, status, n in conn.execute(select(place, registrations.c.status, func.count())
                                         .where(registrations.c.forum == forum,
                                                registrations.c.status.in_(("confirmed", "waitlisted")))
                                         .group_by(place, registrations.c.status)):
        found.setdefault(point, {"registered": 0, "waitlisted": 0, "arrived": 0})[
            "registered" if status == "confirmed" else "waitlisted"] = n
    arrived_at = func.coalesce(checkins.c.point, ONLINE)
    for point, n in conn.execute(select(arrived_at, func.count()).where(checkins.c.forum == forum)
                                 .group_by(arrived_at)):
        found.setdefault(point, {"registered": 0, "waitlisted": 0, "arrived": 0})["arrived"] = n
    return found


def stored(conn: Connection, forum: str) -> dict[str, dict[str, int]]:
    """The kept counts, in the same shape as `recount`."""
    rows = conn.execute(select(point_counts).where(point_counts.c.forum == forum)).all()
    return {r.point: {"registered": r.registered, "waitlisted": r.waitlisted, "arrived": r.arrived}
            for r in rows if r.registered or r.waitlisted or r.arrived}
