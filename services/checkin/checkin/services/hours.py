"""Each participant's hours per session (domain/hours.py), kept and announced when they change.

`recompute` runs in the transaction that changed what hours depend on: an imported attendance
report, a forum published with its sessions moved or its timezone changed. Admissions and
check-outs at a door or in an offline batch only mark their people due, and when (`mark_due`, in
the scan's transaction): an admission when the session it let the person into ends, since until
then their time in it is still to come (domain/scans.hours_settle_at), a check-out or a scan of
a session already over at once. The worker's chore (`catch_up`, every second) works out the
people whose time has come, many at once: a scan does not wait for it, and the time an admission
earns is announced (and certified) once attended. Nothing is lost either way: the mark
commits with the scan, and is taken off in the transaction that writes the hours.

`recompute` reads the people's scans and online spans with one query each (the whole forum's at
once after a session moves: no statement per person), works their hours out, and writes the
changed ones with their events in the same transaction (the outbox). A forum without a programme
has no hours. On PostgreSQL the recomputations of one forum take turns (a transaction-scoped
advisory lock): two instances working out one person at once could otherwise write the older
figures last.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import Engine, bindparam, delete, func, or_, select, text
from sqlalchemy.engine import Connection

from forumops_shared.db import as_utc, insert_ignore_all, rows_for_keys, upsert_all, write_transaction
from forumops_shared.events import new_events
from forumops_shared.events.registry import HOURS_RECORDED
from forumops_shared.outbox import stage_events

from ..domain.hours import Online, Programme, Scan, Session, hours_of
from ..tables import attendance_spans, forums, hours, hours_due, registrations, scans, sessions

SOURCE = "/forumops/checkin"


def programme(conn: Connection, forum: str) -> Programme | None:
    """The forum's programme for hours, None when it has no sessions (or is not known yet)."""
    zone = conn.execute(select(forums.c.timezone).where(forums.c.slug == forum)).scalar()
    rows = conn.execute(select(sessions).where(sessions.c.forum == forum)).all()
    if zone is None or not rows:
        return None
    return Programme.of([Session(r.code, as_utc(r.starts_at), as_utc(r.ends_at), r.kind,
                                 None if r.points is None else tuple(json.loads(r.points)), r.online)
                         for r in rows], zone)


# A scan is attendance when it let the person in (admitted, a repeat of an admission, or forced
# offline) or out (an accepted check-out).
_ATTENDED = or_(scans.c.outcome.in_(("accepted", "duplicate")), scans.c.forced)
_SCANS = select(scans.c.registration_id, scans.c.scanned_at, scans.c.point, scans.c.session, scans.c.direction).where(
    scans.c.forum == bindparam("forum"), scans.c.registration_id.isnot(None), _ATTENDED)
_SPANS_OF = select(attendance_spans.c.registration_id, attendance_spans.c.joined_at, attendance_spans.c.left_at,
                   attendance_spans.c.session)
# The forum's; some people's are read by their ids alone (the primary key finds them): a condition
# on the forum would lead SQLite to walk the whole forum's registrations through its index instead.
_SPANS = (_SPANS_OF.join(registrations, registrations.c.id == attendance_spans.c.registration_id)
          .where(registrations.c.forum == bindparam("forum")))
_NONE = {"sessions": [], "minutes": 0}
_KEPT = select(hours.c.registration_id, hours.c.sessions, hours.c.minutes).where(hours.c.forum == bindparam("forum"))


def _rows(conn: Connection, stmt, forum: str, ids: list[str] | None, column) -> list:
    if ids is None:
        return conn.execute(stmt, {"forum": forum}).all()
    return rows_for_keys(conn, stmt.where(column.in_(bindparam("keys", expanding=True))), ids, forum=forum)


def recompute(conn: Connection, forum: str, registration_ids: Iterable[str] | None = None) -> int:
    """Work out the hours of these people of `forum` (everyone's with None); keep and announce the
    ones that differ from what was last announced. Returns how many changed."""
    ids = None if registration_ids is None else sorted(set(registration_ids))
    if ids == []:
        return 0
    if conn.dialect.name == "postgresql":
        conn.execute(_TAKE_TURNS, {"key": f"hours:{forum}"})
    plan = programme(conn, forum)
    if plan is None:
        return 0
    on_site, online = defaultdict(list), defaultdict(list)
    for rid, at, point, session, direction in _rows(conn, _SCANS, forum, ids, scans.c.registration_id):
        on_site[rid].append(Scan(as_utc(at), point, session, direction))
    for rid, joined, left, session in _rows(conn, _SPANS if ids is None else _SPANS_OF, forum, ids,
                                            attendance_spans.c.registration_id):
        online[rid].append(Online(as_utc(joined), as_utc(left), session))
    kept = {rid: {"sessions": json.loads(found), "minutes": minutes}
            for rid, found, minutes in _rows(conn, _KEPT, forum, ids, hours.c.registration_id)}
    people = ids if ids is not None else sorted(set(on_site) | set(online) | set(kept))
    now = datetime.now(timezone.utc)
    changed = []
    for rid in people:
        data = hours_of(plan, on_site.get(rid, ()), online.get(rid, ())).as_data()
        if data != kept.get(rid, _NONE):  # nobody is announced until they have a minute
            changed.append({"registration_id": rid, "forum": forum, **data, "recorded_at": now})
    if changed:
        _keep(conn, changed)
        announce(conn, changed)
    return len(changed)


# Held until the transaction ends; hashtext gives the lock's integer key from the forum's slug.
_TAKE_TURNS = text("SELECT pg_advisory_xact_lock(hashtext(:key))")


def mark_due(conn: Connection, people: Iterable[tuple[str, str, datetime]]) -> None:
    """(forum, registration id, when) for the worker's `catch_up`: their hours are worked out once
    `when` has passed."""
    rows = [{"registration_id": rid, "forum": forum, "due_at": at} for forum, rid, at in dict.fromkeys(people)]
    if rows:
        insert_ignore_all(conn, hours_due, rows, ())


# Marks per pass: a pass is one transaction, and a scan re-marking someone it holds waits for it.
CATCH_UP_BATCH = 250


def catch_up(engine: Engine, limit: int = CATCH_UP_BATCH, now: datetime | None = None) -> int:
    """The worker's chore: work out the hours of everyone due by `now` (the clock's time by
    default), `limit` marks per transaction, until none is left; returns how many people were
    taken (one due twice, once)."""
    now = now or datetime.now(timezone.utc)
    marks, taken = _catch_up_pass(engine, limit, now)
    while marks >= limit:
        marks, people = _catch_up_pass(engine, limit, now)
        taken += people
    return taken


def _catch_up_pass(engine: Engine, limit: int, now: datetime) -> tuple[int, int]:
    """Up to `limit` marks due by `now`, earliest first, in one transaction: (marks taken, people
    worked out). The marks are deleted first, so an admission that commits meanwhile marks its
    person again, to be worked out at its time."""
    with write_transaction(engine) as conn:
        taken = (select(hours_due.c.registration_id).where(hours_due.c.due_at <= now)
                 .order_by(hours_due.c.due_at, hours_due.c.registration_id).limit(limit))
        due = conn.execute(delete(hours_due).where(hours_due.c.registration_id.in_(taken), hours_due.c.due_at <= now)
                           .returning(hours_due.c.forum, hours_due.c.registration_id)).all()
        people = defaultdict(set)
        for forum, rid in due:
            people[forum].add(rid)
        for forum in sorted(people):  # one order for every taker of the forums' turns: no deadlock
            recompute(conn, forum, people[forum])
    return len(due), sum(len(ids) for ids in people.values())


def due_count(conn: Connection, now: datetime | None = None) -> int:
    """How many marks are due by `now` and wait for the chore (the worker's backlog); marks still
    to come are not."""
    now = now or datetime.now(timezone.utc)
    return conn.execute(select(func.count()).select_from(hours_due).where(hours_due.c.due_at <= now)).scalar_one()


def _keep(conn: Connection, changed: list[dict]) -> None:
    upsert_all(conn, hours, [{**row, "sessions": json.dumps(row["sessions"])} for row in changed])


def announce(conn: Connection, changed: list[dict]) -> None:
    """Stage checkin.hours-recorded.v1 for each changed person: their whole figures, keyed by registration."""
    stage_events(conn, new_events(HOURS_RECORDED, [(row["registration_id"], {
        "registration_id": row["registration_id"], "forum": row["forum"], "sessions": row["sessions"],
        "minutes": row["minutes"], "recorded_at": row["recorded_at"].isoformat()}) for row in changed],
        source=SOURCE, shape="checkin.services.hours.announce"))
