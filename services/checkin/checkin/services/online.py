"""Online attendance: a participant joining through their link, and the meeting tool's report.

Joining records an online check-in (once per person, from the time the doors open) and gives
the meeting URL. The report gives minutes: every join..leave span is kept (a re-imported or
overlapping report adds nothing), spans are merged per person, and when a person's total
changes `checkin.online-attendance-recorded.v1` announces the new total.
"""
from __future__ import annotations

import functools
import secrets
from datetime import datetime, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc, insert_ignore, rows_for_keys, upsert
from forumops_shared.events import new_event, new_events
from forumops_shared.events.registry import ONLINE_ATTENDANCE_RECORDED, PARTICIPANT_CHECKED_IN
from forumops_shared.outbox import stage_event, stage_events
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token

from ..domain.attendance_reports import email_of, merged_seconds, read_report
from ..domain.meetings import session_of_meeting
from ..domain.scans import DOORS_OPEN_BEFORE_START
from ..tables import ONLINE, attendance_spans, checkins, forums, online_attendance, registrations
from . import counts, hours
from .scans import SOURCE


def join(conn: Connection, slug: str, manage_token: str | None) -> dict:
    """The participant behind `manage_token` joins `slug` online: checked in, sent to the meeting."""
    if not manage_token:
        raise Refusal("unauthenticated")
    person = conn.execute(select(registrations.c.id, registrations.c.status)
                          .where(registrations.c.forum == slug,
                                 registrations.c.manage_token_hash == hash_token(manage_token))).first()
    if person is None:
        raise Refusal("unauthenticated")
    if person.status == "cancelled":
        raise Refusal("registration_cancelled")
    forum = conn.execute(select(forums.c.online_url, forums.c.starts_at).where(forums.c.slug == slug)).first()
    if forum is None or not forum.online_url:
        raise Refusal("no_online_meeting")
    now = datetime.now(timezone.utc)
    checked_in = False
    if now >= as_utc(forum.starts_at) - DOORS_OPEN_BEFORE_START:
        checked_in = _check_in_online(conn, slug, person.id, now)
    return {"online_url": forum.online_url, "registration_id": person.id, "checked_in": checked_in}


def _arrived_online(conn: Connection, forum: str, registration_id: str, at: datetime) -> bool:
    """Record the person's arrival online and count it; False when they had arrived already
    (on site or online)."""
    if not insert_ignore(conn, checkins, {"registration_id": registration_id, "forum": forum, "mode": "online",
                                          "point": None, "checked_in_at": at}):
        return False
    counts.add(conn, [(forum, ONLINE, "arrived", 1)])
    return True


def _check_in_online(conn: Connection, forum: str, registration_id: str, at: datetime) -> bool:
    if not _arrived_online(conn, forum, registration_id, at):
        return False
    stage_event(conn, new_event(PARTICIPANT_CHECKED_IN, registration_id, {
        "checkin_id": secrets.token_hex(16), "registration_id": registration_id, "forum": forum, "mode": "online",
        "point": None, "checked_in_at": at.isoformat(), "forced": False, "source": "online_join"}, source=SOURCE))
    return True


def import_report(conn: Connection, slug: str, raw: bytes, *, day_first: bool = False,
                  session: str | None = None) -> dict:
    """Record a Zoom or Teams attendance report; the answer says what matched and what did not.

    The report is for `session` when named (a code of the programme), else for the session its
    meeting's time window overlaps most (domain/meetings.py), else for none."""
    forum = conn.execute(select(forums.c.timezone).where(forums.c.slug == slug)).first()
    if forum is None:
        raise Refusal("forum_not_found")
    plan = hours.programme(conn, slug)
    known = {s.code for s in plan.sessions} if plan else set()
    if session is not None and session not in known:
        raise Refusal("unknown_session", {"session": [f"{session!r} is not a session of this forum."]})
    report = read_report(raw, forum.timezone, day_first=day_first)
    matched = "named" if session else None
    if session is None and plan is not None:
        session = session_of_meeting(plan.sessions, [(j.joined_at, j.left_at) for j in report.joins
                                                     if j.joined_at and j.left_at and j.joined_at <= j.left_at])
        matched = "time_window" if session else None
    people = _people_by_email(conn, slug, {email_of(j) for j in report.joins if j.email})
    unmatched, spans = [], []
    for j in report.joins:
        registration_id = people.get(email_of(j)) if j.email else None
        reason = ("no_email" if not j.email else "unknown_email" if registration_id is None
                  else "unreadable_time" if j.joined_at is None or j.left_at is None
                  else "leave_before_join" if j.left_at < j.joined_at else None)
        if reason:
            unmatched.append({"row": j.row, "email": j.email, "reason": reason})
        else:
            spans.append({"registration_id": registration_id, "joined_at": j.joined_at.astimezone(timezone.utc),
                          "left_at": j.left_at.astimezone(timezone.utc), "session": session})
    if spans:
        conn.execute(_insert_spans(conn.dialect.name), spans)
    people = sorted({s["registration_id"] for s in spans})
    totals = _record_totals(conn, slug, people)
    hours.recompute(conn, slug, people)
    return {"format": report.format, "rows": len(report.joins), "matched_rows": len(spans),
            "unmatched": unmatched, "participants": totals, "session": session, "session_matched_by": matched}


_BY_EMAIL = select(registrations.c.email_key, registrations.c.id).where(
    registrations.c.forum == bindparam("forum"), registrations.c.email_key.in_(bindparam("keys", expanding=True)))
_SPANS = select(attendance_spans).where(attendance_spans.c.registration_id.in_(bindparam("keys", expanding=True)))
_MINUTES = select(online_attendance.c.registration_id, online_attendance.c.minutes).where(
    online_attendance.c.registration_id.in_(bindparam("keys", expanding=True)))


def _people_by_email(conn: Connection, forum: str, keys: set[str]) -> dict[str, str]:
    return dict(rows_for_keys(conn, _BY_EMAIL, keys, forum=forum))


def _record_totals(conn: Connection, forum: str, registration_ids: list[str]) -> list[dict]:
    """Minutes present per person from all their spans; announce the totals that changed."""
    spans: dict[str, list] = {rid: [] for rid in registration_ids}
    for row in rows_for_keys(conn, _SPANS, registration_ids):
        spans[row.registration_id].append((as_utc(row.joined_at), as_utc(row.left_at)))
    before = dict(rows_for_keys(conn, _MINUTES, registration_ids))
    now = datetime.now(timezone.utc)
    totals, changed = [], []
    for rid in registration_ids:
        minutes = merged_seconds(spans[rid]) // 60
        totals.append({"registration_id": rid, "minutes": minutes, "changed": before.get(rid) != minutes})
        if before.get(rid) != minutes:
            upsert(conn, online_attendance, {"registration_id": rid, "forum": forum, "minutes": minutes,
                                             "updated_at": now})
            changed.append((rid, {"registration_id": rid, "forum": forum, "minutes": minutes,
                                  "source": "attendance_report", "recorded_at": now.isoformat()}))
    stage_events(conn, new_events(ONLINE_ATTENDANCE_RECORDED, changed, source=SOURCE))
    for rid, data in changed:
        if data["minutes"] > 0:
            _arrived_online(conn, forum, rid, min(start for start, _ in spans[rid]))
    return totals


@functools.cache
def _insert_spans(dialect_name: str):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(attendance_spans).on_conflict_do_nothing()
