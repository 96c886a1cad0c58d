"""Places in a sign-up session: taking one, giving one back, promoting its line.

The same way as a point's places (services/places.py): every change goes through the session's
row, with a conditional UPDATE; the row lock orders concurrent sign-ups on PostgreSQL (SQLite
serialises writers anyway), so the last place goes to exactly one person and a freed place to
exactly the next in line. A session without a capacity confirms everyone.

The line is in order of the sign-up rows (`seq`): each is inserted after its session's row was
locked, so on PostgreSQL too the order is the order the places were asked for, and a position
told is the position kept. (A clock read before the lock would not be: two people could be told
the same place.)
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.engine import Connection, Row

from ..tables import session_signups, sessions

_FREE = or_(sessions.c.capacity.is_(None), sessions.c.confirmed < sessions.c.capacity)
_TAKE = (update(sessions).where(sessions.c.id == bindparam("sid"), _FREE)
         .values(confirmed=sessions.c.confirmed + 1).returning(sessions.c.id))
_WAIT = update(sessions).where(sessions.c.id == bindparam("sid")).values(waitlisted=sessions.c.waitlisted + 1)


def take_session_place(conn: Connection, session_id: int, registration_id: str, now: datetime) -> str:
    """Sign one person up: 'confirmed' when a place was free, else 'waitlisted'."""
    status = "confirmed" if conn.execute(_TAKE, {"sid": session_id}).first() else "waitlisted"
    if status == "waitlisted":
        conn.execute(_WAIT, {"sid": session_id})
    conn.execute(session_signups.insert().values(session_id=session_id, registration_id=registration_id,
                                                 status=status, created_at=now,
                                                 waitlisted_at=now if status == "waitlisted" else None))
    return status


def give_session_place_back(conn: Connection, signup: Row) -> list[int]:
    """Remove one sign-up; returns the sign-ups (their `seq`) promoted into the place it freed."""
    conn.execute(session_signups.delete().where(session_signups.c.seq == signup.seq))
    counter = sessions.c.confirmed if signup.status == "confirmed" else sessions.c.waitlisted
    conn.execute(update(sessions).where(sessions.c.id == signup.session_id).values({counter: counter - 1}))
    return promote_waiting_for_session(conn, signup.session_id) if signup.status == "confirmed" else []


def promote_waiting_for_session(conn: Connection, session_id: int) -> list[int]:
    """Confirm people from the session's line, in order, while places are free; returns their
    sign-ups (`seq`)."""
    promoted = []
    while conn.execute(update(sessions).where(sessions.c.id == session_id, _FREE, sessions.c.waitlisted > 0)
                       .values(confirmed=sessions.c.confirmed + 1, waitlisted=sessions.c.waitlisted - 1)
                       .returning(sessions.c.id)).first():
        s = session_signups
        first = conn.execute(select(s.c.seq)
                             .where(s.c.session_id == session_id, s.c.status == "waitlisted")
                             .order_by(s.c.seq).limit(1)).one()
        conn.execute(update(session_signups).where(session_signups.c.seq == first.seq)
                     .values(status="confirmed", waitlisted_at=None))
        promoted.append(first.seq)
    return promoted


def position_in_line(conn: Connection, signup: Row) -> int | None:
    if signup.status != "waitlisted":
        return None
    s = session_signups
    ahead = conn.execute(select(func.count()).select_from(s).where(
        s.c.session_id == signup.session_id, s.c.status == "waitlisted", s.c.seq < signup.seq)).scalar_one()
    return ahead + 1
