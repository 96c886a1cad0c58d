"""One scan at a door: decided (domain.decide_scan), stored whatever the outcome, admitted once."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, insert_ignore
from forumops_shared.events import new_event
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN
from forumops_shared.outbox import stage_event
from forumops_shared.tickets import unb64

from ..domain import FirstCheckin, ForumView, RegistrationView, ScanDecision, decide_scan, read_ticket
from ..reasons import SCAN_REASONS
from ..tables import checkins, forums, registrations, scans, ticket_keys

SOURCE = "/forumops/checkin"


@dataclass(frozen=True)
class ScanCommand:
    ticket: str
    scan_id: str
    scanned_at: datetime | None = None


def scan(conn: Connection, device: Row, command: ScanCommand) -> dict:
    """Decide and record one scan; the same scan_id again returns the first answer, records nothing."""
    stored = conn.execute(select(scans).where(scans.c.device_id == device.id,
                                              scans.c.scan_id == command.scan_id)).first()
    if stored is not None:
        return answer(conn, stored)
    now = datetime.now(timezone.utc)
    decision = _decide(conn, device, command.ticket, now)
    row = {"device_id": device.id, "scan_id": command.scan_id, "forum": device.forum, "point": device.point,
           "registration_id": decision.registration_id, "outcome": decision.outcome, "reason": decision.reason,
           "known_to_checkin": decision.known_to_checkin, "scanned_at": command.scanned_at or now,
           "recorded_at": now}
    scan_pk = conn.execute(scans.insert().values(**row).returning(scans.c.id)).scalar_one()
    if decision.outcome == "accepted" and not _admit(conn, device, decision, scan_pk, row["scanned_at"]):
        # Another door admitted this person a moment ago: the primary key let only one through.
        conn.execute(scans.update().where(scans.c.id == scan_pk)
                     .values(outcome="duplicate", reason="already_checked_in"))
    return answer(conn, conn.execute(select(scans).where(scans.c.id == scan_pk)).one())


def _decide(conn: Connection, device: Row, ticket: str, now: datetime) -> ScanDecision:
    forum = _forum_view(conn, device.forum)
    claims, by_code, refusal = read_ticket(ticket, forum, lambda code: _registration(conn, device.forum, code=code))
    if refusal:
        return ScanDecision("rejected", refusal, known_to_checkin=False)
    registration = by_code or _registration(conn, device.forum, registration_id=claims.registration_id)
    registration_id = registration.id if registration else claims.registration_id
    return decide_scan(claims=claims, registration=registration, forum=forum, device_point=device.point,
                       now=now, first=_first(conn, registration_id))


def _admit(conn: Connection, device: Row, decision: ScanDecision, scan_pk: int, at: datetime) -> bool:
    if not insert_ignore(conn, checkins, {"registration_id": decision.registration_id, "forum": device.forum,
                                          "point": device.point, "device_id": device.id, "scan": scan_pk,
                                          "checked_in_at": at}):
        return False
    stage_event(conn, new_event(PARTICIPANT_CHECKED_IN, decision.registration_id, {
        "checkin_id": secrets.token_hex(16), "registration_id": decision.registration_id,
        "forum": device.forum, "mode": "onsite", "point": device.point, "checked_in_at": at.isoformat(),
        "forced": False, "source": "scan"}, source=SOURCE))
    return True


def _forum_view(conn: Connection, slug: str) -> ForumView:
    forum = conn.execute(select(forums.c.starts_at).where(forums.c.slug == slug)).first()
    keys = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key).where(ticket_keys.c.forum == slug)).all()
    # Without the forum's event yet, nothing verifies: every QR is answered "unknown key".
    starts_at = as_utc(forum.starts_at) if forum else datetime.max.replace(tzinfo=timezone.utc)
    return ForumView(slug, starts_at, {k.kid: unb64(k.public_key) for k in keys})


def _registration(conn: Connection, forum: str, *, code: str | None = None,
                  registration_id: str | None = None) -> RegistrationView | None:
    stmt = select(registrations).where(registrations.c.forum == forum)
    stmt = stmt.where(registrations.c.ticket_code == code) if code else stmt.where(registrations.c.id == registration_id)
    row = conn.execute(stmt).first()
    return None if row is None else RegistrationView(row.id, row.forum, row.status, row.attendance, row.point,
                                                     row.ticket_code, row.ticket_version)


def _first(conn: Connection, registration_id: str | None) -> FirstCheckin | None:
    row = conn.execute(select(checkins).where(checkins.c.registration_id == registration_id)).first()
    return FirstCheckin(row.point, as_utc(row.checked_in_at)) if row else None


def answer(conn: Connection, row: Row) -> dict:
    """What the scanner shows; a person's name only when they are admitted (or were) at this door."""
    text = SCAN_REASONS[row.reason]
    body = {"scan_id": row.scan_id, "outcome": row.outcome, "reason": row.reason,
            "message": {"vi": text.vi, "en": text.en}, "known_to_checkin": row.known_to_checkin,
            "registration": None, "first": None}
    if row.outcome in ("accepted", "duplicate"):
        person = conn.execute(select(registrations.c.full_name).where(registrations.c.id == row.registration_id)).first()
        body["registration"] = {"id": row.registration_id, "full_name": person.full_name if person else None}
        first = _first(conn, row.registration_id)
        if row.outcome == "duplicate" and first:
            body["first"] = {"point": first.point, "at": first.at.isoformat()}
    return body

