"""Keeps the projection of forums, people and attendance, and issues certificates as they are earned;
issues awards programmes' winners theirs as results are published (services/results.py).

Each handler runs inside the consumer runner's transaction, once per event id. Forums, people
and check-ins travel on different topics and partitions, so any of them may come first: every
handler stores what it learnt and then asks whether a certificate is now earned (or, under the
hours rule, whether the one held now states other hours: then it is re-issued, issuing.py).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection

from forumops_shared import audit
from forumops_shared.db import insert_ignore_all, upsert, upsert_all
from forumops_shared.events import Event
from forumops_shared.events import registry as types
from forumops_shared.handlers import in_batches
from forumops_shared.mail import forget_mail

from .services import issuing, results
from .tables import attendance, certificates, forums, registrations


def forum_published(conn: Connection, event: Event) -> None:
    d, rule = event.data, event.data["certificate_rule"]
    hours = {"min_hours": str(rule["min_hours"]) if rule.get("min_hours") is not None else None,
             "required_sessions": json.dumps(rule.get("required_sessions") or []),
             "hours_step_minutes": rule.get("hours_step_minutes"),
             "sessions": json.dumps([_session(s) for s in d.get("sessions") or []], ensure_ascii=False)}
    before = conn.execute(select(*(forums.c[k] for k in hours)).where(forums.c.slug == d["slug"])).first()
    upsert(conn, forums, {
        "slug": d["slug"], "titles": json.dumps(d["title"], ensure_ascii=False), "timezone": d["timezone"],
        "starts_at": d["starts_at"], "ends_at": d["ends_at"], "onsite_checkin": rule["onsite_checkin"],
        "online_min_minutes": rule["online_min_minutes"], "published_at": d["published_at"], **hours})
    # A forum is published again on every change (a point, a key): what certificates state only
    # changes with the hours rule or the programme, and only then are those holding one considered.
    issuing.consider_forum(conn, d["slug"], holders_too=before is not None and tuple(before) != tuple(hours.values()))


def _session(s: dict) -> dict:
    """What certificates keep of a session: its title, its kind and its times (lengths)."""
    return {"code": s["code"], "title": s["title"], "kind": s["kind"],
            "starts_at": s["starts_at"].isoformat(), "ends_at": s["ends_at"].isoformat()}


def registration_state_all(conn: Connection, events: list[Event]) -> None:
    """Registrations arriving together (an import of thousands): each person as their last event
    says, written with one statement, then considered together."""
    upsert_all(conn, registrations, [{
        "id": d["registration_id"], "forum": d["forum"], "status": d["status"], "attendance": d["attendance"],
        "point": d.get("point"), "language": d["language"], "full_name": d["full_name"], "email": d["email"],
        "organisation": d.get("organisation"), "manage_token_hash": d.get("manage_token_hash"),
        "updated_at": event.time} for event in events for d in [event.data]])
    issuing.consider_all(conn, [e.data["registration_id"] for e in events])


@in_batches(registration_state_all)
def registration_state(conn: Connection, event: Event) -> None:
    registration_state_all(conn, [event])


def registration_cancelled(conn: Connection, event: Event) -> None:
    conn.execute(update(registrations).where(registrations.c.id == event.data["registration_id"])
                 .values(status="cancelled", updated_at=event.time))


def personal_data_erased(conn: Connection, event: Event) -> None:
    """The person is gone: their certificate is revoked, their mail (queued or sent) deleted, and
    nothing here names them any more."""
    rid, now = event.data["registration_id"], datetime.now(timezone.utc)
    conn.execute(update(registrations).where(registrations.c.id == rid)
                 .values(full_name=None, email=None, organisation=None, manage_token_hash=None, erased=True,
                         updated_at=now))
    forget_mail(conn, rid)
    audit.record(conn, at=now, actor=audit.SYSTEM, action="registration.erased", object_kind="registration",
                 object_id=rid, forum=event.data["forum"])
    # Every certificate they held: the valid one is revoked, those it replaced were already.
    for serial in conn.execute(select(certificates.c.serial).where(certificates.c.registration_id == rid)).scalars():
        if issuing.revoke(conn, serial, "personal_data_erased", now):
            audit.record(conn, at=now, actor=audit.SYSTEM, action="certificate.revoked", object_kind="certificate",
                         object_id=serial, forum=event.data["forum"], detail={"reason": "personal_data_erased"})
    conn.execute(update(certificates).where(certificates.c.registration_id == rid)
                 .values(recipient_name=None, organisation=None))


# Built once: a statement built per event costs more to build and look up than to run.
_ONSITE = (update(attendance)
           .where(attendance.c.registration_id == bindparam("rid"),
                  or_(attendance.c.onsite_at.is_(None), attendance.c.onsite_at > bindparam("at")))
           .values(onsite_at=bindparam("at"), updated_at=bindparam("now")))
_ONLINE = (update(attendance)
           .where(attendance.c.registration_id == bindparam("rid"), attendance.c.online_joined_at.is_(None))
           .values(online_joined_at=bindparam("at"), updated_at=bindparam("now")))


def checked_in_all(conn: Connection, events: list[Event]) -> None:
    """Check-ins arriving together (a door's rush): a statement per table for all of them."""
    now = datetime.now(timezone.utc)
    _seen_all(conn, [(e.data["registration_id"], e.data["forum"]) for e in events], now)
    for onsite, stmt in ((True, _ONSITE), (False, _ONLINE)):
        rows = [{"rid": e.data["registration_id"], "at": e.data["checked_in_at"], "now": now}
                for e in events if (e.data["mode"] == "onsite") is onsite]
        if rows:
            conn.execute(stmt, rows)
    issuing.consider_all(conn, [e.data["registration_id"] for e in events])


@in_batches(checked_in_all)
def checked_in(conn: Connection, event: Event) -> None:
    """The earliest on-site check-in and the first online join are kept, whatever order they come in."""
    checked_in_all(conn, [event])


def online_attendance_recorded(conn: Connection, event: Event) -> None:
    """Minutes are a running total: the largest announced wins, whatever order they arrive in."""
    d = event.data
    rid, a = d["registration_id"], attendance.c
    _seen(conn, rid, d["forum"])
    conn.execute(update(attendance).where(a.registration_id == rid, a.online_minutes < d["minutes"])
                 .values(online_minutes=d["minutes"], updated_at=datetime.now(timezone.utc)))
    issuing.consider(conn, rid)


_HOURS = (update(attendance)
          .where(attendance.c.registration_id == bindparam("rid"),
                 or_(attendance.c.hours_recorded_at.is_(None), attendance.c.hours_recorded_at < bindparam("at")))
          .values(sessions=bindparam("sessions"), minutes=bindparam("minutes"), hours_recorded_at=bindparam("at"),
                  updated_at=bindparam("now")))


def hours_recorded_all(conn: Connection, events: list[Event]) -> None:
    """Each event is the person's whole attended time: the latest recorded replaces the rest, and
    one recorded before it (or the same again) changes nothing, whatever order they come in."""
    now = datetime.now(timezone.utc)
    _seen_all(conn, [(e.data["registration_id"], e.data["forum"]) for e in events], now)
    conn.execute(_HOURS, [{"rid": d["registration_id"], "at": d["recorded_at"], "minutes": d["minutes"], "now": now,
                           "sessions": json.dumps([{"code": s["code"], "minutes": s["minutes"]}
                                                   for s in d["sessions"] if s["minutes"] > 0])}
                          for d in (e.data for e in events)])
    issuing.consider_all(conn, [e.data["registration_id"] for e in events])


@in_batches(hours_recorded_all)
def hours_recorded(conn: Connection, event: Event) -> None:
    hours_recorded_all(conn, [event])


def _seen(conn: Connection, registration_id: str, forum: str) -> None:
    """The person's attendance row, created empty the first time anything is seen of them."""
    _seen_all(conn, [(registration_id, forum)], datetime.now(timezone.utc))


def _seen_all(conn: Connection, people: list[tuple[str, str]], now: datetime) -> None:
    insert_ignore_all(conn, attendance, [
        {"registration_id": rid, "forum": forum, "online_minutes": 0, "updated_at": now} for rid, forum in people], ())


def results_published(conn: Connection, event: Event) -> None:
    """A programme's results, or their correction: each winner's award certificate, and only what changed."""
    results.apply(conn, event.data, datetime.now(timezone.utc))


HANDLERS = {
    types.FORUM_PUBLISHED: forum_published,
    types.PARTICIPANT_REGISTERED: registration_state,
    types.REGISTRATION_CHANGED: registration_state,
    types.REGISTRATION_CANCELLED: registration_cancelled,
    types.PERSONAL_DATA_ERASED: personal_data_erased,
    types.PARTICIPANT_CHECKED_IN: checked_in,
    types.ONLINE_ATTENDANCE_RECORDED: online_attendance_recorded,
    types.HOURS_RECORDED: hours_recorded,
    types.RESULTS_PUBLISHED: results_published,
}
