"""One scan at a door: decided (domain/scans.py), stored whatever the outcome, admitted once.

A scan's ticket is read ahead (`read_ahead`: its signature, with the forum's cached keys) without
any lock. The scan then joins the scans of other doors arriving meanwhile (GroupCommit): in one
short write transaction `record_all` reads their devices, people and first check-ins with a
query each, and records them: the scan rows (their (device, scan_id) key makes a retry a no-op
that returns the first answer), and for admissions the check-in rows, whose primary key lets
exactly one of two simultaneous doors through, the live counts and the events. The other door's
scan is then restated as the domain says (lost_to_another_door).
"""
from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, insert_ignore_all, rows_for_keys
from forumops_shared.events import new_events
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN
from forumops_shared.outbox import stage_events
from forumops_shared.refusals import Refusal
from forumops_shared.tickets import unb64

from ..domain.scans import (FirstCheckin, ForumView, RegistrationView, ScanDecision, SessionScan, SessionView,
                            TicketReading, decide_scan, hours_settle_at, lost_to_another_door, read_scanned,
                            session_for, shows_person)
from ..reasons import SCAN_REASONS
from ..tables import checkins, forums, registrations, scans, session_checkins, sessions, signups, ticket_keys
from . import counts, devices, hours

if TYPE_CHECKING:
    from forumops_shared.ratelimit import RateLimit

SOURCE = hours.SOURCE


@dataclass(frozen=True)
class ScanCommand:
    ticket: str
    scan_id: str
    scanned_at: datetime | None = None
    session: str | None = None  # the session the scanner works in; None: the one running (session_for)
    direction: str = "in"  # "out": a check-out


@dataclass(frozen=True)
class Prepared:
    """What a scan's decision needs: the forum, the ticket read, and what check-in holds of the
    person (registration, name, first check-in)."""

    forum: ForumView
    reading: TicketReading
    registration: RegistrationView | None = None
    full_name: str | None = None
    first: FirstCheckin | None = None  # into the scan's session when it has one
    session: SessionScan | None = None


@dataclass(frozen=True)
class Reading:
    """A scanned ticket read with the keys of one version of its forum (published_at)."""

    published_at: datetime | None
    ticket: TicketReading


@dataclass(frozen=True)
class ScanRequest:
    """A single scan as its door sent it: checked and recorded with other doors' (GroupCommit)."""

    token_hash: str
    forum: str  # the forum and point of the URL
    point: str
    command: ScanCommand
    reading: Reading | None  # read ahead, before queuing: see read_ahead


def read_ahead(forum: str, ticket: str) -> Reading | None:
    """The ticket read with this process's cached view of `forum`, before the scan queues for the
    write lock: a signature is the costly part of a scan and needs no lock. None without a view.
    record_all reads the ticket again if the forum has been published anew since."""
    cached = _forum_views.cached(forum)
    return Reading(cached[0], read_scanned(ticket, cached[1])) if cached else None


def record_all(conn: Connection, requests: list[ScanRequest], device_limit: RateLimit | None = None) -> list:
    """Check, decide and record single scans of any doors together, in one transaction with a
    few statements in all (GroupCommit). Per request, in order: the answer, or the Refusal
    (unknown, revoked or out-of-scope device; over its rate limit) to answer with instead.

    The devices are read in this transaction too: a revocation stops the next scan."""
    found = devices.by_token_hashes(conn, {r.token_hash for r in requests})
    outcomes: dict[int, object] = {}
    allowed: list[tuple[int, ScanRequest, Row]] = []
    for i, r in enumerate(requests):
        try:
            device = devices.allowed(found.get(r.token_hash), r.forum, r.point)
            if device_limit is not None:
                device_limit.check(device.id)
            allowed.append((i, r, device))
        except Refusal as refusal:
            outcomes[i] = refusal
    prepared = _prepare_all(conn, [(r, device) for _, r, device in allowed])
    pending = [PendingScan(device, p, r.command) for (_, r, device), p in zip(allowed, prepared)]
    for (i, _, _), answer_ in zip(allowed, _record(conn, pending)):
        outcomes[i] = answer_
    return [outcomes[i] for i in range(len(requests))]


def _prepare_all(conn: Connection, items: list[tuple[ScanRequest, Row]]) -> list[Prepared]:
    """What each scan's decision needs: its forum, its ticket read, the person and their first check-in."""
    readings = []
    for r, device in items:
        view = forum_view(conn, device.forum, device.forum_published_at)
        read = r.reading
        if read is None or read.published_at is None or read.published_at != device.forum_published_at:
            read = Reading(device.forum_published_at, read_scanned(r.command.ticket, view))
        readings.append((view, read.ticket))
    people = _people(conn, ids=[t.claims.registration_id for _, t in readings if t.claims],
                     codes=[(device.forum, t.code) for (_, device), (_, t) in zip(items, readings) if t.code])
    prepared = []
    for (r, device), (view, ticket) in zip(items, readings):
        key = (device.forum, ticket.code) if ticket.code else ticket.claims.registration_id if ticket.claims else None
        person = people.get(key)
        prepared.append(Prepared(view, ticket, *person) if person else Prepared(view, ticket))
    # A signed ticket whose registration's event has not arrived: its person may have been admitted.
    unknown = [p.reading.claims.registration_id for p in prepared if p.reading.claims and p.registration is None]
    if unknown:
        firsts = first_checkins(conn, unknown)
        prepared = [replace(p, first=firsts.get(p.reading.claims.registration_id))
                    if p.reading.claims and p.registration is None else p for p in prepared]
    return _with_sessions(conn, prepared, [(r.command, device) for r, device in items])


def _with_sessions(conn: Connection, prepared: list[Prepared], sent: list[tuple[ScanCommand, Row]]) -> list[Prepared]:
    """Each scan's session (session_for), whether its person signed up for it (asked only of a
    session with sign-up), and their first check-in into it. A forum without a programme costs
    nothing here."""
    now = datetime.now(timezone.utc)
    found = [session_for(p.forum.sessions, command.session, device.point, command.scanned_at or now, command.direction)
             if p.forum.sessions or command.session else None for p, (command, device) in zip(prepared, sent)]
    if not any(found):
        return prepared
    ids = [_person_id(p) for p, f in zip(prepared, found) if f]
    held = signed_up(conn, [_person_id(p) for p, f in zip(prepared, found) if f and f.session and f.session.signup])
    firsts = session_firsts(conn, ids)
    return [p if f is None else replace(p, session=replace(f, signed_up=(_person_id(p), f.code) in held),
                                        first=firsts.get((_person_id(p), f.code)))
            for p, f in zip(prepared, found)]


def _person_id(p: Prepared) -> str | None:
    return p.reading.claims.registration_id if p.reading.claims else p.registration.id if p.registration else None


@dataclass(frozen=True)
class PendingScan:
    """A single scan ready to record: its device, what was read for it, what the device sent."""

    device: Row
    prepared: Prepared
    command: ScanCommand


def _record(conn: Connection, pending: list[PendingScan]) -> list[dict]:
    """Decide and record single scans of any devices together: one statement per table.

    A scan_id recorded before (or twice in `pending`) returns its first answer and records nothing.
    Two scans admitting one person (two doors, the same instant): the first in order gets in."""
    if not pending:
        return []
    now = datetime.now(timezone.utc)
    decisions = [decide_scan(p.prepared.reading, p.prepared.registration, forum=p.prepared.forum,
                             device_point=p.device.point, now=now, first=p.prepared.first,
                             session=p.prepared.session, direction=p.command.direction) for p in pending]
    rows = [{"device_id": p.device.id, "scan_id": p.command.scan_id, "forum": p.device.forum, "point": p.device.point,
             "registration_id": d.registration_id, "outcome": d.outcome, "reason": d.reason,
             "known_to_checkin": d.known_to_checkin, "scanned_at": p.command.scanned_at or now, "recorded_at": now,
             "offline": False, "forced": False, "session": d.session, "not_signed_up": d.not_signed_up,
             "direction": d.direction}
            for p, d in zip(pending, decisions)]
    pks = store_scans(conn, rows)
    mark_check_outs(conn, [(p.device.forum, d) for p, d, pk in zip(pending, decisions, pks) if pk])
    admissions = [Admission(p.device, d.registration_id, pk, row["scanned_at"], session=d.session)
                  for p, d, row, pk in zip(pending, decisions, rows, pks) if pk and d.admits]
    admitted = admit(conn, admissions, "scan")
    # Others admitted a moment ago (another door, or earlier in this batch): the primary key let one through.
    late = {a.scan: (a.registration_id, a.session) for a in admissions if a.scan not in admitted}
    if late:
        firsts = firsts_of(conn, late.values())
        restated = {pk: lost_to_another_door(d, firsts[late[pk]]) for d, pk in zip(decisions, pks) if pk in late}
        restate(conn, restated)
        decisions = [restated.get(pk, d) for d, pk in zip(decisions, pks)]
    mark_returns(conn, [(p.device, d, row["scanned_at"], False)
                        for p, d, row, pk in zip(pending, decisions, rows, pks) if pk])
    answers = []
    for p, d, row, pk in zip(pending, decisions, rows, pks):
        if pk is None:  # this scan_id was recorded before: its first answer, nothing new
            stored = conn.execute(_STORED_SCAN, {"device": p.device.id, "scan_id": p.command.scan_id}).one()
            answers.append(answer(conn, stored))
        else:
            # The name of the registration the decision went by (not one of another forum's).
            name = p.prepared.full_name if d.known_to_checkin else None
            answers.append(_answer({**row, "outcome": d.outcome, "reason": d.reason}, name, d.first))
    return answers


def mark_check_outs(conn: Connection, decided: list[tuple[str, ScanDecision]]) -> None:
    """Accepted check-outs end someone's presence: their hours are worked out again, at once."""
    now = datetime.now(timezone.utc)
    hours.mark_due(conn, [(forum, d.registration_id, now) for forum, d in decided
                          if d.direction == "out" and d.outcome == "accepted" and _may_have_programme(forum)])


def mark_returns(conn: Connection, decided: list[tuple[Row, ScanDecision, datetime, bool]]) -> None:
    """(device, final decision, scanned at, forced): a person let in again (a re-entry, another
    day's arrival: answered duplicate, or let in anyway by an offline door) attends again: their
    hours are worked out once that is attended, as after an admission."""
    now = datetime.now(timezone.utc)
    hours.mark_due(conn, [(device.forum, d.registration_id, _hours_due_at(device, d.session, at, now))
                          for device, d, at, forced in decided
                          if (d.outcome == "duplicate" or forced) and d.direction == "in" and d.registration_id
                          and _may_have_programme(device.forum)])


def store_scans(conn: Connection, rows: list[dict]) -> list[int | None]:
    """Insert scan rows; per row, in order, its new primary key, or None when its (device, scan_id)
    was stored already (or earlier in `rows`)."""
    inserted = insert_ignore_all(conn, scans, rows, ("device_id", "scan_id", "id"))
    new = {(device, scan_id): pk for device, scan_id, pk in inserted}
    return [new.pop((row["device_id"], row["scan_id"]), None) for row in rows]


def answer(conn: Connection, stored: Row) -> dict:
    """The answer to a scan recorded earlier."""
    person = conn.execute(select(registrations.c.full_name).where(registrations.c.id == stored.registration_id)).first()
    first = firsts_of(conn, [(stored.registration_id, stored.session)]).get((stored.registration_id, stored.session))
    return _answer(stored._mapping, person.full_name if person else None, first)


def _answer(row, full_name: str | None, first: FirstCheckin | None) -> dict:
    """What the scanner shows; a person's name only when they are admitted (or were) at this door."""
    text = SCAN_REASONS[row["reason"]]
    body = {"scan_id": row["scan_id"], "outcome": row["outcome"], "reason": row["reason"],
            "message": {"vi": text.vi, "en": text.en}, "known_to_checkin": row["known_to_checkin"],
            "registration": None, "first": None, "session": row["session"],
            "not_signed_up": bool(row["not_signed_up"]), "direction": row["direction"]}
    if shows_person(row["outcome"]):
        body["registration"] = {"id": row["registration_id"], "full_name": full_name}
        if row["outcome"] == "duplicate" and first:
            body["first"] = {"point": first.point, "at": first.at.isoformat()}
    return body


_STORED_SCAN = select(scans).where(scans.c.device_id == bindparam("device"), scans.c.scan_id == bindparam("scan_id"))
_RESTATE = update(scans).where(scans.c.id == bindparam("pk")).values(outcome=bindparam("new_outcome"),
                                                                     reason=bindparam("new_reason"))


def restate(conn: Connection, decisions: dict[int, ScanDecision]) -> None:
    """Stored scans (by primary key) decided anew: another door admitted their person first."""
    if decisions:
        conn.execute(_RESTATE, [{"pk": pk, "new_outcome": d.outcome, "new_reason": d.reason}
                                for pk, d in decisions.items()])


@dataclass(frozen=True)
class Admission:
    """A check-in to make: who, at the device's point, by which stored scan, when, forced or not."""

    device: Row
    registration_id: str
    scan: int
    at: datetime
    forced: bool = False
    session: str | None = None  # admitted into this session (the person's arrival too, if their first)


def admit(conn: Connection, admissions: list[Admission], source: str) -> set[int]:
    """Check people in, each once: returns the scans (primary keys) that admitted someone now.

    The others' person was admitted already (a moment ago by another door, or by an earlier
    admission in this list): the check-in's primary key lets one through. Counts and events go
    with the admitted."""
    if not admissions:
        return set()
    into = [a for a in admissions if a.session is not None]
    admitted = {scan for scan, in insert_ignore_all(conn, session_checkins, [
        {"registration_id": a.registration_id, "session": a.session, "forum": a.device.forum, "point": a.device.point,
         "scan": a.scan, "checked_in_at": a.at} for a in into], ("scan",))} if into else set()
    # The arrival: a scan for no session, or the person's first admission into any session.
    arriving = [a for a in admissions if a.session is None or a.scan in admitted]
    rows = [{"registration_id": a.registration_id, "forum": a.device.forum, "mode": "onsite", "point": a.device.point,
             "device_id": a.device.id, "scan": a.scan, "forced": a.forced, "checked_in_at": a.at} for a in arriving]
    arrived = {scan for scan, in insert_ignore_all(conn, checkins, rows, ("scan",))} if rows else set()
    counts.add(conn, [(row["forum"], row["point"], "arrived", 1) for row in rows if row["scan"] in arrived])
    admitted |= {a.scan for a in admissions if a.session is None and a.scan in arrived}
    stage_events(conn, new_events(PARTICIPANT_CHECKED_IN, [(a.registration_id, {
        "checkin_id": secrets.token_hex(16), "registration_id": a.registration_id, "forum": a.device.forum,
        "mode": "onsite", "point": a.device.point, "checked_in_at": a.at.isoformat(), "forced": a.forced,
        "source": source, "session": a.session}) for a in admissions if a.scan in admitted],
        source=SOURCE, shape="checkin.services.scans.admit"))
    # Their time in the forum's sessions changed: the worker works it out once it is attended
    # (a forum known to have no programme has no hours).
    now = datetime.now(timezone.utc)
    hours.mark_due(conn, [(a.device.forum, a.registration_id, _hours_due_at(a.device, a.session, a.at, now))
                          for a in admissions if a.scan in admitted and _may_have_programme(a.device.forum)])
    return admitted


def _may_have_programme(forum: str) -> bool:
    cached = _forum_views.cached(forum)
    return cached is None or bool(cached[1].sessions)


def _hours_due_at(device: Row, session: str | None, at: datetime, now: datetime) -> datetime:
    """When the hours of a person let in at `at` are worked out: once what it earns is attended
    (at once if the forum's view is not at hand: never later than it should)."""
    cached = _forum_views.cached(device.forum)
    if cached is None:
        return now
    return max(now, hours_settle_at(cached[1], session, device.point, at))


class _ForumViews:
    """Forum views per process, reloaded when the forum's published_at changes (no staleness)."""

    def __init__(self):
        self._views: dict[str, tuple[datetime | None, ForumView]] = {}
        self._lock = threading.Lock()

    def cached(self, slug: str) -> tuple[datetime | None, ForumView] | None:
        """(published_at, view) as last loaded, without asking the database whether it is current."""
        return self._views.get(slug)

    def get(self, conn: Connection, slug: str, published_at: datetime | None) -> ForumView:
        cached = self._views.get(slug)
        if cached is not None and published_at is not None and cached[0] == published_at:
            return cached[1]
        forum = conn.execute(select(forums.c.starts_at, forums.c.published_at, forums.c.timezone)
                             .where(forums.c.slug == slug)).first()
        keys = conn.execute(select(ticket_keys.c.kid, ticket_keys.c.public_key)
                            .where(ticket_keys.c.forum == slug)).all()
        # Without the forum's event yet, nothing verifies: every QR is answered "unknown key".
        starts_at = as_utc(forum.starts_at) if forum else datetime.max.replace(tzinfo=timezone.utc)
        view = ForumView(slug, starts_at, {k.kid: unb64(k.public_key) for k in keys}, programme_of(conn, slug),
                         ZoneInfo(forum.timezone) if forum else ZoneInfo("UTC"))
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


def _first(column):
    return select(column).where(checkins.c.registration_id == registrations.c.id).scalar_subquery()


# The first check-in by correlated subqueries, not an outer join: on PostgreSQL a prepared
# statement keeps the plan made when `checkins` was empty (at the forum's start), and a join
# planned then reads all of `checkins` once it has filled; a subquery always probes its key.
_PERSON = select(*_VIEW_COLUMNS, registrations.c.full_name, _first(checkins.c.point).label("first_point"),
                 _first(checkins.c.checked_in_at).label("first_at"))
_PEOPLE_BY_ID = _PERSON.where(registrations.c.id.in_(bindparam("keys", expanding=True)))
_PEOPLE_BY_CODE = _PERSON.where(registrations.c.forum == bindparam("forum"),
                                registrations.c.ticket_code.in_(bindparam("keys", expanding=True)))


def _people(conn: Connection, *, ids: list[str], codes: list[tuple[str, str]]) -> dict:
    """(registration, full name, first check-in) per registration id, and per (forum, ticket code)."""
    rows = rows_for_keys(conn, _PEOPLE_BY_ID, ids) if ids else []
    for forum in {forum for forum, _ in codes}:
        rows += rows_for_keys(conn, _PEOPLE_BY_CODE, [code for f, code in codes if f == forum], forum=forum)
    found = {}
    for row in rows:
        first = FirstCheckin(row.first_point, as_utc(row.first_at)) if row.first_at else None
        person = (RegistrationView(*row[:7]), row.full_name, first)
        found[row.id] = found[(row.forum, row.ticket_code)] = person
    return found


def programme_of(conn: Connection, slug: str) -> dict[str, SessionView]:
    """The forum's sessions as doors need them, by code."""
    rows = conn.execute(select(sessions).where(sessions.c.forum == slug)).all()
    return {r.code: SessionView(r.code, as_utc(r.starts_at), as_utc(r.ends_at),
                                None if r.points is None else tuple(json.loads(r.points)), r.signup, r.walk_in)
            for r in rows}


_SIGNUPS = select(signups.c.registration_id, signups.c.session).where(
    signups.c.registration_id.in_(bindparam("keys", expanding=True)))
_SESSION_FIRSTS = select(session_checkins.c.registration_id, session_checkins.c.session, session_checkins.c.point,
                         session_checkins.c.checked_in_at).where(
    session_checkins.c.registration_id.in_(bindparam("keys", expanding=True)))


def signed_up(conn: Connection, registration_ids: Iterable[str | None]) -> set[tuple[str, str]]:
    """(registration, session) for each confirmed sign-up of these people."""
    return {(rid, code) for rid, code in rows_for_keys(conn, _SIGNUPS, (r for r in registration_ids if r))}


def session_firsts(conn: Connection, registration_ids: Iterable[str | None]) -> dict[tuple[str, str], FirstCheckin]:
    """Each of these people's first check-in into each session, by (registration, session)."""
    return {(rid, code): FirstCheckin(point, as_utc(at))
            for rid, code, point, at in rows_for_keys(conn, _SESSION_FIRSTS, (r for r in registration_ids if r))}


def firsts_of(conn: Connection, keys: Iterable[tuple[str | None, str | None]]) -> dict[tuple, FirstCheckin]:
    """The first check-in per (registration, session): into the session, or the arrival for session None."""
    keys = [k for k in keys if k[0]]
    found = {(rid, None): first for rid, first in first_checkins(conn, [r for r, s in keys if s is None]).items()}
    found.update(session_firsts(conn, [r for r, s in keys if s is not None]))
    return found


def first_checkins(conn: Connection, registration_ids: Iterable[str | None]) -> dict[str, FirstCheckin]:
    return {rid: FirstCheckin(point, as_utc(at))
            for rid, point, at in rows_for_keys(conn, _FIRSTS, (r for r in registration_ids if r))}
