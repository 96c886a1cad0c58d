"""Offline scans uploaded in a batch: facts that happened, decided as of their own time, never dropped.

Each scan is decided as it would have been online at its `scanned_at`, in time order, and then
weighed against what the door did (domain/offline.py): check-ins, forced check-ins and
conflicts follow. Everything is read and written in bulk, a thousand scans at a time, so 10,000
scans take one transaction of a few statements per thousand; re-uploading the same batch finds every
scan_id stored and changes nothing.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import insert_rows, rows_for_keys

from ..domain.offline import OfflineJudgement, judge_late, judge_offline
from ..domain.scans import (OUTCOMES, FirstCheckin, ForumView, TicketReading, decide_scan, read_scanned,
                            session_for)
from ..tables import conflicts, scans
from .scans import (Admission, admit, first_checkins, firsts_of, forum_view, mark_check_outs, mark_returns,
                    registrations_of, restate, session_firsts, signed_up)


def _any_cpu() -> None:
    """Let this thread run on every CPU. A gunicorn worker keeps its threads to one CPU
    (deploy/gunicorn.conf.py), and threads inherit that: two verifiers would take turns on it."""
    try:
        os.sched_setaffinity(0, range(os.cpu_count() or 1))  # the kernel keeps to the CPUs allowed
    except (AttributeError, OSError):  # not Linux, or not allowed: keep the CPUs inherited
        pass


# libsodium checks signatures without the GIL: a batch's 10,000 take half the time on two CPUs,
# and they are checked while the batch's thread stores what was checked before (_decide_and_record).
_VERIFIERS = ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2), thread_name_prefix="ticket-verify",
                                initializer=_any_cpu)


@dataclass(frozen=True)
class OfflineScan:
    ticket: str
    scan_id: str
    scanned_at: datetime
    admitted: bool = True
    session: str | None = None  # the session the scanner worked in; None: the one running then (session_for)
    direction: str = "in"  # "out": a check-out (the door's `admitted` does not apply)


@dataclass
class _Result:
    scan: OfflineScan
    judged: OfflineJudgement


def upload(conn: Connection, device: Row, batch: list[OfflineScan]) -> dict:
    """Record `batch`; the answer gives totals and each scan's outcome, in the order sent."""
    stored = _stored(conn, device, [s.scan_id for s in batch])
    fresh, sent = [], set(stored)
    for item in batch:
        if item.scan_id not in sent:
            sent.add(item.scan_id)
            fresh.append(item)
    fresh.sort(key=lambda s: s.scanned_at)
    results = _decide_and_record(conn, device, fresh)
    for r in results:
        j = r.judged
        stored[r.scan.scan_id] = {"scan_id": r.scan.scan_id, "outcome": j.decision.outcome,
                                  "reason": j.decision.reason, "registration_id": j.decision.registration_id,
                                  "forced": j.forced, "conflict": j.conflict_with is not None,
                                  "session": j.decision.session, "not_signed_up": j.decision.not_signed_up,
                                  "direction": j.decision.direction}
    totals = {"received": len(batch), "recorded": len(fresh), "repeated": len(batch) - len(fresh)}
    answers = [stored[s.scan_id] for s in batch]
    for key in OUTCOMES:
        totals[key] = sum(1 for r in results if r.judged.decision.outcome == key)
    totals["forced"] = sum(1 for r in results if r.judged.forced)
    totals["conflicts"] = sum(1 for r in results if r.judged.conflict_with)
    return {**totals, "results": answers}


CHUNK = 1000  # scans decided and recorded together, while the signatures of the next are checked


def _decide_and_record(conn: Connection, device: Row, fresh: list[OfflineScan]) -> list[_Result]:
    """Decide and record `fresh` (in time order) a chunk at a time. Every chunk's signatures are
    handed to the checkers at once, so while this thread decides and stores one chunk, the
    checkers work through the next ones on the other CPU. A later chunk reads the check-ins the
    earlier ones made: they are in this transaction."""
    forum = forum_view(conn, device.forum, device.forum_published_at)
    chunks = [fresh[i:i + CHUNK] for i in range(0, len(fresh), CHUNK)]
    readings = [_VERIFIERS.submit(_read_chunk, forum, [s.ticket for s in chunk]) for chunk in chunks]
    results = []
    for chunk, read in zip(chunks, readings):
        part = _decide(conn, device, forum, chunk, read.result())
        _record(conn, device, part)
        results += part
    return results


def _read_chunk(forum: ForumView, tickets: list[str]) -> list[TicketReading]:
    """Each ticket read, its signature checked on a checker thread."""
    return [read_scanned(t, forum) for t in tickets]


def _decide(conn: Connection, device: Row, forum: ForumView, fresh: list[OfflineScan],
            readings: list[TicketReading]) -> list[_Result]:
    known = registrations_of(conn, device.forum, ids=[t.claims.registration_id for t in readings if t.claims],
                             codes=[t.code for t in readings if t.code])
    people = [r.id for r in known.values()] + [t.claims.registration_id for t in readings if t.claims]
    # By (registration, session): the first check-in into each session, and the arrival under None.
    firsts = {(rid, None): first for rid, first in first_checkins(conn, people).items()}
    held = set()
    if forum.sessions or any(item.session for item in fresh):
        firsts.update(session_firsts(conn, people))
        if any(session.signup for session in forum.sessions.values()):  # only they ask for a place
            held = signed_up(conn, people)
    results = []
    for item, ticket in zip(fresh, readings):
        registration = known.get(ticket.code or (ticket.claims.registration_id if ticket.claims else None))
        rid = ticket.claims.registration_id if ticket.claims else registration.id if registration else None
        session = session_for(forum.sessions, item.session, device.point, item.scanned_at, item.direction)
        if session is not None:
            session = replace(session, signed_up=(rid, session.code) in held)
        key = (rid, session.code if session else None)
        decision = decide_scan(ticket, registration, forum=forum, device_point=device.point, now=item.scanned_at,
                               first=firsts.get(key), session=session, direction=item.direction)
        judged = judge_offline(decision, admitted=item.admitted, first=firsts.get(key), device_point=device.point)
        if judged.admits:
            firsts[key] = FirstCheckin(device.point, item.scanned_at)
            firsts.setdefault((rid, None), firsts[key])
        results.append(_Result(item, judged))
    return results


def _record(conn: Connection, device: Row, results: list[_Result]) -> None:
    if not results:
        return
    now = datetime.now(timezone.utc)
    rows = [{"device_id": device.id, "scan_id": r.scan.scan_id, "forum": device.forum, "point": device.point,
             "registration_id": r.judged.decision.registration_id, "outcome": r.judged.decision.outcome,
             "reason": r.judged.decision.reason, "known_to_checkin": r.judged.decision.known_to_checkin,
             "scanned_at": r.scan.scanned_at, "recorded_at": now, "offline": True, "forced": r.judged.forced,
             "session": r.judged.decision.session, "not_signed_up": r.judged.decision.not_signed_up,
             "direction": r.judged.decision.direction}
            for r in results]
    # All new: upload() left out the scan_ids stored before. A concurrent upload of the same scans
    # breaks the unique key instead, and the route tries again (then finds them stored).
    new = dict(insert_rows(conn, scans, rows, returning=("scan_id", "id")))
    pks = [new[r.scan.scan_id] for r in results]
    mark_check_outs(conn, [(device.forum, r.judged.decision) for r in results])
    admitted = admit(conn, [Admission(device, r.judged.decision.registration_id, pk, r.scan.scanned_at,
                                      r.judged.forced, r.judged.decision.session)
                            for r, pk in zip(results, pks) if r.judged.admits], "offline_batch")
    late = [(r, pk) for r, pk in zip(results, pks) if r.judged.admits and pk not in admitted]
    if late:  # another door admitted them while this batch was being decided
        key = lambda r: (r.judged.decision.registration_id, r.judged.decision.session)  # noqa: E731
        firsts = firsts_of(conn, [key(r) for r, _ in late])
        for r, _ in late:
            r.judged = judge_late(r.judged, firsts[key(r)], device_point=device.point)
        restate(conn, {pk: r.judged.decision for r, pk in late if not r.judged.forced})
    mark_returns(conn, [(device, r.judged.decision, r.scan.scanned_at, r.judged.forced) for r in results])
    found = [{"forum": device.forum, "registration_id": r.judged.decision.registration_id, "scan": pk,
              "point": device.point, "scanned_at": r.scan.scanned_at, "first_point": r.judged.conflict_with.point,
              "first_at": r.judged.conflict_with.at, "recorded_at": now}
             for r, pk in zip(results, pks) if r.judged.conflict_with]
    if found:
        conn.execute(conflicts.insert(), found)


_STORED = (select(scans.c.scan_id, scans.c.outcome, scans.c.reason, scans.c.registration_id, scans.c.forced,
                  conflicts.c.id.isnot(None).label("conflict"), scans.c.session, scans.c.not_signed_up,
                  scans.c.direction)
           .outerjoin(conflicts, conflicts.c.scan == scans.c.id)
           .where(scans.c.device_id == bindparam("device"), scans.c.scan_id.in_(bindparam("keys", expanding=True))))


def _stored(conn: Connection, device: Row, scan_ids: list[str]) -> dict[str, dict]:
    """What was recorded for these scan_ids of this device, as the batch answer shows each."""
    return {row.scan_id: dict(row._mapping) for row in rows_for_keys(conn, _STORED, scan_ids, device=device.id)}
