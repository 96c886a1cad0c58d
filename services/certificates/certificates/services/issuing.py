"""Issuing and revoking certificates: exactly once, with their events in the same transaction."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import ColumnElement, and_, bindparam, or_, select, update
from sqlalchemy.engine import Connection

from forumops_shared.db import insert_ignore
from forumops_shared.events import new_event
from forumops_shared.events.registry import CERTIFICATE_ISSUED, CERTIFICATE_REVOKED
from forumops_shared.mail import request_mail
from forumops_shared.outbox import stage_event

from ..domain.identifiers import new_serial
from ..domain.rules import Attendance, Rule, earned_mode
from ..tables import attendance, certificates, forums, registrations
from . import mail, pdfs

SOURCE = "/forumops/certificates"


# Everything the decision needs in one read: the person, what was seen of them, their forum's
# rule, and whether they already hold a certificate.
_SUBJECT = (select(registrations.c.id, registrations.c.forum, registrations.c.erased, registrations.c.full_name,
                   registrations.c.organisation, registrations.c.language, registrations.c.email,
                   attendance.c.onsite_at, attendance.c.online_minutes, forums.c.onsite_checkin,
                   forums.c.online_min_minutes, certificates.c.serial)
            .select_from(registrations
                         .outerjoin(attendance, attendance.c.registration_id == registrations.c.id)
                         .outerjoin(forums, forums.c.slug == registrations.c.forum)
                         .outerjoin(certificates, certificates.c.registration_id == registrations.c.id))
            .where(registrations.c.id == bindparam("rid")))


def consider(conn: Connection, registration_id: str) -> str | None:
    """Issue the attendance certificate if the registration has just earned it; its serial or None."""
    person = conn.execute(_SUBJECT, {"rid": registration_id}).first()
    if person is None or person.serial is not None:
        return None  # not known yet (it will be considered when it arrives), or issued before
    rule = Rule(person.onsite_checkin, person.online_min_minutes) if person.onsite_checkin is not None else None
    seen = Attendance(person.onsite_at, person.online_minutes) if person.online_minutes is not None else None
    mode = earned_mode(rule, True, person.erased, seen)
    if mode is None:
        return None
    now = datetime.now(timezone.utc)
    serial = _insert(conn, lambda: certificates.c.registration_id == person.id, {
        "kind": "attendance", "forum": person.forum, "registration_id": person.id, "mode": mode,
        "recipient_name": person.full_name, "organisation": person.organisation, "language": person.language,
        "issued_at": now})
    if serial is None:
        return None  # issued before: the unique registration id keeps it to one
    stage_event(conn, new_event(CERTIFICATE_ISSUED, person.id, {
        "serial": serial, "kind": "attendance", "forum": person.forum, "registration_id": person.id,
        "award_id": None, "issued_at": now.isoformat()}, source=SOURCE))
    request_mail(conn, mail.certificate_requests(serial, person.email, person.forum, person.id), now)
    return serial


def issue_award(conn: Connection, forum: str, award_id: str, values: dict, now: datetime,
                email: str | None = None) -> str | None:
    """Issue an award certificate (recipient, category, language, and for a programme's winner
    the programme and the application as `award_ref`, in `values`) at `now`, emailed to `email`
    if given; None if this award id was issued before (or the winner holds a valid one)."""
    serial = _insert(conn, lambda: _award_taken(award_id, values), {
        "kind": "award", "forum": forum, "award_id": award_id, "issued_at": now, **values})
    if serial is not None:
        programme = values.get("programme")
        stage_event(conn, new_event(CERTIFICATE_ISSUED, award_id, {
            "serial": serial, "kind": "award", "forum": forum, "registration_id": None, "award_id": award_id,
            "programme": programme, "application_id": values["award_ref"] if programme else None,
            "issued_at": now.isoformat()}, source=SOURCE))
        request_mail(conn, mail.certificate_requests(serial, email, forum, award_id), now)
    return serial


def _award_taken(award_id: str, values: dict) -> ColumnElement:
    taken = certificates.c.award_id == award_id
    if values.get("programme"):  # the winner's one valid certificate (tables.py)
        taken = or_(taken, and_(certificates.c.programme == values["programme"],
                                certificates.c.award_ref == values["award_ref"], certificates.c.revoked_at.is_(None)))
    return taken


def _insert(conn: Connection, taken: Callable[[], ColumnElement], values: dict) -> str | None:
    """Insert a certificate under a fresh serial: its serial, or None if one `taken()` finds (the
    same registration id, award id) exists. A serial already taken (1 in 10^17) is drawn again."""
    while True:
        serial = insert_ignore(conn, certificates, {"serial": new_serial(), **values})
        if serial:
            return serial
        if conn.execute(select(certificates.c.serial).where(taken())).first():
            return None


def consider_forum(conn: Connection, forum: str) -> int:
    """A forum's rule arrived or changed: consider everyone seen attending it; how many were issued."""
    waiting = conn.execute(select(attendance.c.registration_id)
                           .outerjoin(certificates, certificates.c.registration_id == attendance.c.registration_id)
                           .where(attendance.c.forum == forum, certificates.c.serial.is_(None))).scalars().all()
    return sum(1 for rid in waiting if consider(conn, rid))


def revoke(conn: Connection, serial: str, reason: str, now: datetime) -> bool:
    """Revoke a certificate (once) at `now`, with its kept PDF; its event goes out with it."""
    done = conn.execute(update(certificates).where(certificates.c.serial == serial, certificates.c.revoked_at.is_(None))
                        .values(revoked_at=now, revoke_reason=reason)
                        .returning(certificates.c.forum, certificates.c.registration_id, certificates.c.award_id)).first()
    if done is None:
        return False
    pdfs.forget(conn, serial)
    stage_event(conn, new_event(CERTIFICATE_REVOKED, done.registration_id or done.award_id, {
        "serial": serial, "forum": done.forum, "reason": reason, "revoked_at": now.isoformat()}, source=SOURCE))
    return True
