"""Issuing and revoking certificates: exactly once, with their events in the same transaction."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable, Iterable

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.engine import Connection

from forumops_shared import audit
from forumops_shared.db import insert_ignore, insert_ignore_all
from forumops_shared.events import new_event, new_events
from forumops_shared.events.registry import CERTIFICATE_ISSUED, CERTIFICATE_REVOKED
from forumops_shared.mail import request_mail
from forumops_shared.outbox import stage_event, stage_events

from ..domain.identifiers import new_serial
from ..domain.statement import HOURS_CHANGED, restated
from ..tables import attendance, certificates
from . import mail, pdfs, subjects

SOURCE = "/forumops/certificates"


def consider(conn: Connection, registration_id: str) -> str | None:
    """Issue the attendance certificate if the registration has just earned it, or issue it again
    if the one held would now state other hours (statement.py): the new serial, or None."""
    return next(iter(consider_all(conn, [registration_id])), None)


def consider_all(conn: Connection, registration_ids: Iterable[str]) -> list[str]:
    """`consider` for many registrations (each once), read with one query and issued with one
    statement per table: the serials issued."""
    now, earned, reissued = datetime.now(timezone.utc), [], []
    for subject in subjects.subjects(conn, list(dict.fromkeys(registration_ids))):
        if subject.decision.mode is None:
            continue  # not earned (one not known yet is considered again when it arrives)
        if subject.serial is None:
            if not subject.ever_held:  # revoked by an organiser or with an erasure: not issued again
                earned.append(subject)
        elif subject.rule.counts_hours and restated(subject.held, subject.statement):
            reissued.append(_reissue(conn, subject, now))
    return _issue_all(conn, earned, now) + [serial for serial in reissued if serial]


def _issue_all(conn: Connection, earned: list[subjects.Subject], now: datetime) -> list[str]:
    rows = [{"serial": new_serial(), **_row_of(subject, now)} for subject in earned]
    inserted = {serial for serial, in insert_ignore_all(conn, certificates, rows, ("serial",))}
    issued = [(subject, row["serial"]) for subject, row in zip(earned, rows) if row["serial"] in inserted]
    _announce(conn, issued, now)
    # Not inserted: issued meanwhile (the index on valid ones keeps it to one), or the serial
    # drawn was taken (1 in 10^17): tried again alone.
    again = [_issue(conn, subject, now) for subject, row in zip(earned, rows) if row["serial"] not in inserted]
    return [serial for _, serial in issued] + [serial for serial in again if serial]


def _issue(conn: Connection, subject: subjects.Subject, now: datetime, replaces: str | None = None) -> str | None:
    serial = _insert(conn, lambda: _valid_of(subject.person.id), _row_of(subject, now, replaces))
    if serial is None:
        return None  # issued meanwhile: the index on valid ones keeps it to one
    _announce(conn, [(subject, serial)], now)
    return serial


def _row_of(subject: subjects.Subject, now: datetime, replaces: str | None = None) -> dict:
    person = subject.person
    return {"kind": "attendance", "forum": person.forum, "registration_id": person.id, "mode": subject.decision.mode,
            "recipient_name": person.full_name, "organisation": person.organisation, "language": person.language,
            "issued_at": now, "replaces": replaces, **subjects.columns_of(subject.statement)}


def _announce(conn: Connection, issued: list[tuple[subjects.Subject, str]], now: datetime) -> None:
    """certificate-issued and the certificate's email, for attendance certificates just issued."""
    stage_events(conn, new_events(CERTIFICATE_ISSUED, [(subject.person.id, {
        "serial": serial, "kind": "attendance", "forum": subject.person.forum, "registration_id": subject.person.id,
        "award_id": None, "issued_at": now.isoformat()}) for subject, serial in issued],
        source=SOURCE, shape="certificates.services.issuing.attendance"))
    request_mail(conn, [request for subject, serial in issued for request in mail.certificate_requests(
        serial, subject.person.email, subject.person.forum, subject.person.id)], now)


def _reissue(conn: Connection, subject: subjects.Subject, now: datetime) -> str | None:
    """Revoke the certificate held (the hours it states changed) and issue its replacement, naming it."""
    old = subject.serial
    if not revoke(conn, old, HOURS_CHANGED, now):
        return None  # revoked meanwhile
    serial = _issue(conn, subject, now, replaces=old)
    audit.record(conn, at=now, actor=audit.SYSTEM, action="certificate.reissued", object_kind="certificate",
                 object_id=old, forum=subject.person.forum, detail={"reason": HOURS_CHANGED, "replaced_by": serial})
    return serial


def _valid_of(registration_id: str) -> ColumnElement:
    return and_(certificates.c.registration_id == registration_id, certificates.c.revoked_at.is_(None))


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


def consider_forum(conn: Connection, forum: str, *, holders_too: bool = False) -> int:
    """A forum's rule arrived or changed: consider everyone seen attending it who holds no
    certificate, and with `holders_too` (the hours rule or the programme changed) those who hold
    a valid one; how many were issued."""
    a, c = attendance.c, certificates.c
    waiting = (select(a.registration_id).outerjoin(certificates, c.registration_id == a.registration_id)
               .where(a.forum == forum, c.serial.is_(None)))
    rids = conn.execute(waiting).scalars().all()
    if holders_too:
        rids += conn.execute(select(c.registration_id).where(c.forum == forum, c.kind == "attendance",
                                                             c.revoked_at.is_(None))).scalars().all()
    return len(consider_all(conn, rids))


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
