"""One scan at a door: decided (domain.decide_scan), stored whatever the outcome, admitted once.

A scan reads first (`prepare`: the ticket's signature, what check-in knows of the person, their
first check-in) without the write lock, then records in a short write transaction (`record`):
the scan row (its (device, scan_id) key makes a retry a no-op that returns the first answer),
and for an admission the check-in row, whose primary key lets exactly one of two simultaneous
doors through, the live count and the event.
"""
from __future__ import annotations

import functools
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, insert_ignore, rows_for_keys
from forumops_shared.events import new_events
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN
from forumops_shared.outbox import stage_events
from forumops_shared.tickets import TicketClaims, unb64

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


@dataclass(frozen=True)
class Prepared:
    """What a scan's decision needs, read before the write transaction."""

    forum: ForumView
    claims: TicketClaims | None
    registration: RegistrationView | None
    full_name: str | None
    first: FirstCheckin | None
    refusal: str | None


def prepare(conn: Connection, device: Row, ticket: str) -> Prepared:
    forum = forum_view(conn, device.forum, device.forum_published_at)
    claims, by_code, refusal = read_ticket(ticket, forum, lambda code: _person(conn, device.forum, code=code))
    if refusal:
        return Prepared(forum, None, None, None, None, refusal)
    found = by_code or _person(conn, device.forum, registration_id=claims.registration_id)
    if found is None:  # the registration's event has not arrived; an admission may have
        first = first_checkins(conn, [claims.registration_id]).get(claims.registration_id)
        return Prepared(forum, claims, None, None, first, None)
    registration, full_name, first = found
    return Prepared(forum, claims, registration, full_name, first, None)


def record(conn: Connection, device: Row, prepared: Prepared, command: ScanCommand) -> dict:
    """Decide and record one scan; the same scan_id again returns the first answer, records nothing."""
    now = datetime.now(timezone.utc)
    p = prepared
    if p.refusal:
        decision = ScanDecision("rejected", p.refusal, known_to_checkin=False)
    else:
        decision = decide_scan(claims=p.claims, registration=p.registration, forum=p.forum,
                               device_point=device.point, now=now, first=p.first)
    row = {"device_id": device.id, "scan_id": command.scan_id, "forum": device.forum, "point": device.point,
           "registration_id": decision.registration_id, "outcome": decision.outcome, "reason": decision.reason,
           "known_to_checkin": decision.known_to_checkin, "scanned_at": command.scanned_at or now,
           "recorded_at": now, "offline": False, "forced": False}
    scan_pk = insert_ignore(conn, scans, row)
    if not scan_pk:  # this scan_id was recorded before: its first answer, nothing new
        stored = conn.execute(_STORED_SCAN, {"device": device.id, "scan_id": command.scan_id}).one()
        return answer(conn, stored)
    first = decision.first
    admission = (decision.registration_id, scan_pk, row["scanned_at"], False)
    if decision.outcome == "accepted" and not admit(conn, device, [admission], "scan"):
        # Another door admitted this person a moment ago: the primary key let only one through.
        conn.execute(update(scans).where(scans.c.id == scan_pk).values(outcome="duplicate", reason="already_checked_in"))
        row.update(outcome="duplicate", reason="already_checked_in")
        first = first_checkins(conn, [decision.registration_id]).get(decision.registration_id)
    return _answer(row, p.full_name, first)


def answer(conn: Connection, stored: Row) -> dict:
    """The answer to a scan recorded earlier."""
    person = conn.execute(select(registrations.c.full_name).where(registrations.c.id == stored.registration_id)).first()
    first = first_checkins(conn, [stored.registration_id]).get(stored.registration_id)
    return _answer(stored._mapping, person.full_name if person else None, first)


def _answer(row, full_name: str | None, first: FirstCheckin | None) -> dict:
    """What the scanner shows; a person's name only when they are admitted (or were) at this door."""
    text = SCAN_REASONS[row["reason"]]
    body = {"scan_id": row["scan_id"], "outcome": row["outcome"], "reason": row["reason"],
            "message": {"vi": text.vi, "en": text.en}, "known_to_checkin": row["known_to_checkin"],
            "registration": None, "first": None}
    if row["outcome"] in ("accepted", "duplicate"):
        body["registration"] = {"id": row["registration_id"], "full_name": full_name}
        if row["outcome"] == "duplicate" and first:
            body["first"] = {"point": first.point, "at": first.at.isoformat()}
    return body


_STORED_SCAN = select(scans).where(scans.c.device_id == bindparam("device"), scans.c.scan_id == bindparam("scan_id"))


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
        source=SOURCE, shape="checkin.services.scans.admit"))
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


class _ForumViews:
    """Forum views per process, reloaded when the forum's published_at changes (no staleness)."""

    def __init__(self):
        self._views: dict[str, tuple[datetime | None, ForumView]] = {}
        self._lock = threading.Lock()

    def get(self, conn: Connection, slug: str, published_at: datetime | None) -> ForumView:
        cached = self._views.get(slug)
        if cached is not None and published_at is not None and cached[0] == published_at:
            return cached[1]
        forum = conn.execute(select(forums.c.starts_at, forums.c.published_at).where(forums.c.slug == slug)).first()
        keys = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key)
                            .where(ticket_keys.c.forum == slug)).all()
        # Without the forum's event yet, nothing verifies: every QR is answered "unknown key".
        starts_at = as_utc(forum.starts_at) if forum else datetime.max.replace(tzinfo=timezone.utc)
        view = ForumView(slug, starts_at, {k.kid: unb64(k.public_key) for k in keys})
        if forum is not None:
            with self._lock:
                self._views[slug] = (forum.published_at, view)
        return view


_forum_views = _ForumViews()


def forum_view(conn: Connection, slug: str, published_at: datetime | None) -> ForumView:
    """The forum as scans need it; `published_at` (when the caller read it) allows the cached view."""
    return _forum_views.get(conn, slug, published_at)


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


_PERSON = (select(*_VIEW_COLUMNS, registrations.c.full_name, checkins.c.point.label("first_point"),
                  checkins.c.checked_in_at.label("first_at"))
           .outerjoin(checkins, checkins.c.registration_id == registrations.c.id))
_PERSON_BY_ID = _PERSON.where(registrations.c.id == bindparam("key"))
_PERSON_BY_CODE = _PERSON.where(registrations.c.forum == bindparam("forum"), registrations.c.ticket_code == bindparam("key"))


def _person(conn: Connection, forum: str, *, code: str | None = None, registration_id: str | None = None):
    """(registration, full name, first check-in) of one person of `forum` in one query, or None."""
    stmt, key = (_PERSON_BY_CODE, code) if code else (_PERSON_BY_ID, registration_id)
    row = conn.execute(stmt, {"forum": forum, "key": key}).first()
    if row is None or row.forum != forum:
        return None
    first = FirstCheckin(row.first_point, as_utc(row.first_at)) if row.first_at else None
    return RegistrationView(*row[:7]), row.full_name, first


def first_checkins(conn: Connection, registration_ids: Iterable[str | None]) -> dict[str, FirstCheckin]:
    return {rid: FirstCheckin(point, as_utc(at))
            for rid, point, at in rows_for_keys(conn, _FIRSTS, (r for r in registration_ids if r))}
