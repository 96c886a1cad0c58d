"""A participant's sign-ups for sessions: the set they pick, the places it takes, what it frees."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc
from forumops_shared.events import new_event, registry as types
from forumops_shared.mail import request_mail
from forumops_shared.outbox import stage_event
from forumops_shared.refusals import Refusal

from ..domain.registrations import require_active
from ..domain.sessions import check_choice
from ..tables import session_signups, sessions
from .programme import programme, slot_of
from .mail import session_place_mail
from .registrations import SOURCE, event_data, load_registration
from .session_places import give_session_place_back, position_in_line, take_session_place


def _signup_rows(registration_id: str):
    return (select(session_signups, sessions.c.code, sessions.c.titles, sessions.c.starts_at, sessions.c.ends_at)
            .join(sessions, sessions.c.id == session_signups.c.session_id)
            .where(session_signups.c.registration_id == registration_id)
            .order_by(sessions.c.starts_at, sessions.c.code))


def signups_of(conn: Connection, registration_id: str) -> list[Row]:
    """The person's sign-ups, in the programme's order."""
    return conn.execute(_signup_rows(registration_id)).all()


def held_sessions(conn: Connection, registration_id: str) -> list[str]:
    """Codes of the sessions the person holds a confirmed place in (what registration events carry)."""
    return [r.code for r in signups_of(conn, registration_id) if r.status == "confirmed"]


def choose_sessions(conn: Connection, row: Row, codes: list[str]) -> list[Row]:
    """Replace the person's sign-ups by `codes`: kept ones keep their place (or place in line),
    dropped ones free theirs for the next in line, new ones take a place or wait."""
    require_active(row.status)
    if row.status != "confirmed":
        raise Refusal("registration_not_confirmed")
    slots = {s.code: s for s in programme(conn, row.forum_id)}
    chosen = list(dict.fromkeys(codes))
    check_choice(chosen, {code: slot_of(s) for code, s in slots.items()}, row.attendance, row.point_code)
    before = signups_of(conn, row.id)
    held_before = [r.code for r in before if r.status == "confirmed"]
    promoted: list[int] = []
    for signup in before:
        if signup.code not in chosen:
            promoted += give_session_place_back(conn, signup)
    now, kept = datetime.now(timezone.utc), {r.code for r in before}
    # Rows locked in one order (by id) by every sign-up, so two people never wait on each other.
    for session in sorted((slots[c] for c in chosen if c not in kept), key=lambda s: s.id):
        take_session_place(conn, session.id, row.id, now)
    after = signups_of(conn, row.id)
    if [r.code for r in after if r.status == "confirmed"] != held_before:
        _announce(conn, row.id)
    announce_session_promotions(conn, promoted)
    return after


def release_signups(conn: Connection, registration_id: str) -> None:
    """A cancelled registration holds no sessions: each place goes to the next in line."""
    promoted: list[int] = []
    for signup in signups_of(conn, registration_id):
        promoted += give_session_place_back(conn, signup)
    announce_session_promotions(conn, promoted)


def announce_session_promotions(conn: Connection, promoted: list[int]) -> None:
    """Each person moved into a session from its line (their sign-ups' `seq`): a
    registration-changed event, and an email for each place."""
    if not promoted:
        return
    found = conn.execute(select(session_signups.c.seq, session_signups.c.registration_id, sessions.c.code)
                         .join(sessions, sessions.c.id == session_signups.c.session_id)
                         .where(session_signups.c.seq.in_(promoted))).all()
    for registration_id in dict.fromkeys(r.registration_id for r in found):
        _announce(conn, registration_id)
    request_mail(conn, [session_place_mail(load_registration(conn, r.registration_id), r.code, r.seq) for r in found],
                 datetime.now(timezone.utc))


def _announce(conn: Connection, registration_id: str) -> None:
    row = load_registration(conn, registration_id)
    stage_event(conn, new_event(types.REGISTRATION_CHANGED, row.id,
                                event_data(row, ["sessions"], sessions=held_sessions(conn, row.id)), source=SOURCE))


def signups_view(conn: Connection, registration_id: str, rows: list[Row], zone: str) -> dict:
    """The answer: each sign-up with its session's title and times, its status and place in line."""
    tz = ZoneInfo(zone)
    return {"registration_id": registration_id, "sessions": [
        {"code": r.code, "title": json.loads(r.titles), "starts_at": as_utc(r.starts_at).astimezone(tz),
         "ends_at": as_utc(r.ends_at).astimezone(tz), "status": r.status,
         "waitlist_position": position_in_line(conn, r)} for r in rows]}
