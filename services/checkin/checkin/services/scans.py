"""One scan at a door: decided (domain.decide_scan), stored whatever the outcome, admitted once."""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, rows_for_keys
from forumops_shared.events import new_events
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN
from forumops_shared.outbox import stage_events
from forumops_shared.tickets import unb64

from .. import counts
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
    admission = (decision.registration_id, scan_pk, row["scanned_at"], False)
    if decision.outcome == "accepted" and not admit(conn, device, [admission], "scan"):
        # Another door admitted this person a moment ago: the primary key let only one through.
        conn.execute(scans.update().where(scans.c.id == scan_pk)
                     .values(outcome="duplicate", reason="already_checked_in"))
    return answer(conn, conn.execute(select(scans).where(scans.c.id == scan_pk)).one())


def _decide(conn: Connection, device: Row, ticket: str, now: datetime) -> ScanDecision:
    forum = forum_view(conn, device.forum)
    claims, by_code, refusal = read_ticket(
        ticket, forum, lambda code: registrations_of(conn, device.forum, codes=[code]).get(code))
    if refusal:
        return ScanDecision("rejected", refusal, known_to_checkin=False)
    registration = by_code or registrations_of(conn, device.forum, ids=[claims.registration_id]).get(claims.registration_id)
    registration_id = registration.id if registration else claims.registration_id
    return decide_scan(claims=claims, registration=registration, forum=forum, device_point=device.point,
                       now=now, first=first_checkins(conn, [registration_id]).get(registration_id))


def admit(conn: Connection, device: Row, admissions: list[tuple[str, int, datetime, bool]], source: str) -> set[str]:
    """Check in (registration id, scan pk, time, forced) at the device's point, each person once.

    Returns the registration ids admitted now; the others were admitted already (a moment ago,
    by another door: the primary key lets one through). Counts and events go with them."""
    if not admissions:
        return set()
    rows = [{"registration_id": rid, "forum": device.forum, "mode": "onsite", "point": device.point,
             "device_id": device.id, "scan": scan_pk, "forced": forced, "checked_in_at": at}
            for rid, scan_pk, at, forced in admissions]
    if len(rows) == 1:
        admitted = set(conn.execute(_insert_checkins_returning(conn.dialect.name), rows).scalars().all())
    else:  # a plain executemany, then who got in: far quicker than RETURNING row by row
        conn.execute(_insert_checkins(conn.dialect.name), rows)
        ours = {row["scan"] for row in rows}
        admitted = {rid for rid, scan_pk in rows_for_keys(conn, _ADMITTED, [row["registration_id"] for row in rows])
                    if scan_pk in ours}
    counts.add(conn, [(device.forum, device.point, "arrived", len(admitted))])
    stage_events(conn, new_events(PARTICIPANT_CHECKED_IN, [(row["registration_id"], {
        "checkin_id": secrets.token_hex(16), "registration_id": row["registration_id"], "forum": device.forum,
        "mode": "onsite", "point": device.point, "checked_in_at": row["checked_in_at"].isoformat(),
        "forced": row["forced"], "source": source}) for row in rows if row["registration_id"] in admitted],
        source=SOURCE))
    return admitted


@functools.cache
def _insert_checkins(dialect_name: str):
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(checkins).on_conflict_do_nothing()


@functools.cache
def _insert_checkins_returning(dialect_name: str):
    return _insert_checkins(dialect_name).returning(checkins.c.registration_id)


_ADMITTED = select(checkins.c.registration_id, checkins.c.scan).where(
    checkins.c.registration_id.in_(bindparam("keys", expanding=True)))


def forum_view(conn: Connection, slug: str) -> ForumView:
    forum = conn.execute(select(forums.c.starts_at).where(forums.c.slug == slug)).first()
    keys = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key).where(ticket_keys.c.forum == slug)).all()
    # Without the forum's event yet, nothing verifies: every QR is answered "unknown key".
    starts_at = as_utc(forum.starts_at) if forum else datetime.max.replace(tzinfo=timezone.utc)
    return ForumView(slug, starts_at, {k.kid: unb64(k.public_key) for k in keys})


_VIEW_COLUMNS = [registrations.c[name] for name in ("id", "forum", "status", "attendance", "point", "ticket_code",
                                                    "ticket_version")]
# By id the primary key finds each row, and the forum is checked on the rows: a condition on it
# would lead SQLite to walk the whole forum through its index instead.
_BY_ID = select(*_VIEW_COLUMNS).where(registrations.c.id.in_(bindparam("keys", expanding=True)))
_BY_CODE = select(*_VIEW_COLUMNS).where(registrations.c.forum == bindparam("forum"),
                                        registrations.c.ticket_code.in_(bindparam("keys", expanding=True)))
_FIRSTS = select(checkins.c.registration_id, checkins.c.point, checkins.c.checked_in_at).where(
    checkins.c.registration_id.in_(bindparam("keys", expanding=True)))


def registrations_of(conn: Connection, forum: str, *, ids: Iterable[str] = (),
                     codes: Iterable[str] = ()) -> dict[str, RegistrationView]:
    """Registrations of `forum` by id and by ticket code (both as keys of one dict)."""
    found: dict[str, RegistrationView] = {}
    rows = rows_for_keys(conn, _BY_ID, ids) + rows_for_keys(conn, _BY_CODE, codes, forum=forum)
    for view in (RegistrationView(*row) for row in rows):
        if view.forum == forum:
            found[view.id] = found[view.ticket_code] = view
    return found


def first_checkins(conn: Connection, registration_ids: Iterable[str | None]) -> dict[str, FirstCheckin]:
    return {rid: FirstCheckin(point, as_utc(at))
            for rid, point, at in rows_for_keys(conn, _FIRSTS, (r for r in registration_ids if r))}


def answer(conn: Connection, row: Row) -> dict:
    """What the scanner shows; a person's name only when they are admitted (or were) at this door."""
    text = SCAN_REASONS[row.reason]
    body = {"scan_id": row.scan_id, "outcome": row.outcome, "reason": row.reason,
            "message": {"vi": text.vi, "en": text.en}, "known_to_checkin": row.known_to_checkin,
            "registration": None, "first": None}
    if row.outcome in ("accepted", "duplicate"):
        person = conn.execute(select(registrations.c.full_name).where(registrations.c.id == row.registration_id)).first()
        body["registration"] = {"id": row.registration_id, "full_name": person.full_name if person else None}
        first = first_checkins(conn, [row.registration_id]).get(row.registration_id)
        if row.outcome == "duplicate" and first:
            body["first"] = {"point": first.point, "at": first.at.isoformat()}
    return body

