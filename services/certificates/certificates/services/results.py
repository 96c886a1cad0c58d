"""An awards programme's published results become award certificates: one per winner, and a
correction changes only what it changes.

A winner's address is kept only while the results give it: the mail about the certificate of a
winner no longer listed, or whose address the results no longer give (removed, changed), is
deleted, queued or sent, as an erasure deletes a participant's.

Exactly once, at three depths: the consumer applies an event id once; a version is applied once
(the programme's row moves forward only, in the handler's transaction, so the same results sent
again under another id, or an older version arriving late, change nothing); and a winner holds one
valid certificate at most (a unique index on programme and application among valid ones).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from forumops_shared import audit
from forumops_shared.db import insert_ignore, rows_for_keys
from forumops_shared.mail import mail_outbox

from ..domain.identifiers import programme_award_id
from ..domain.results import Changes, Held, Listed, Printed, changes, listed
from ..tables import certificates, programmes
from . import issuing

# What a correction revokes with when the results give no reason (a first publication never revokes).
CORRECTED = "results_corrected"


@dataclass(frozen=True)
class Applied:
    version: int
    issued: list[str]  # serials
    revoked: list[str]
    kept: int


def apply(conn: Connection, results: dict, now: datetime) -> Applied | None:
    """Apply a results-published event's data at `now`; None when these results (or newer) were
    applied before."""
    slug = results["programme"]["slug"]
    if not _advance(conn, results):
        return None
    held, winners = _held(conn, slug), listed(results)
    plan = changes(held, winners)
    forum = results["programme"]["forum"] or slug
    revoked = _revoke(conn, plan, results.get("correction_reason") or CORRECTED, now)
    _forget_old_addresses(conn, held, winners)
    issued = [serial for winner in plan.issue if (serial := _issue(conn, results, forum, winner, now))]
    audit.record(conn, at=now, actor=audit.SYSTEM, action="awards.results_applied", object_kind="programme",
                 object_id=slug, forum=forum, count=len(issued),
                 detail={"version": results["version"], "issued": len(issued), "revoked": len(revoked),
                         "kept": plan.kept})
    return Applied(results["version"], issued, revoked, plan.kept)


def _advance(conn: Connection, results: dict) -> bool:
    """Record the programme at this version if it is newer than the one applied: whether it was.
    Its row's update is the lock that orders two deliveries of the same programme."""
    p = results["programme"]
    row = {"slug": p["slug"], "titles": json.dumps(p["title"], ensure_ascii=False), "forum": p["forum"],
           "version": results["version"], "published_at": results["published_at"]}
    if insert_ignore(conn, programmes, row):
        return True
    moved = conn.execute(update(programmes).where(programmes.c.slug == p["slug"],
                                                  programmes.c.version < results["version"])
                         .values(**row).returning(programmes.c.slug)).first()
    return moved is not None


def _held(conn: Connection, slug: str) -> list[Held]:
    c = certificates.c
    rows = conn.execute(select(c.serial, c.award_ref, c.category, c.recipient_name, c.organisation,
                               c.recipient_kind, c.language, c.award_id)
                        .where(c.programme == slug, c.revoked_at.is_(None))).all()
    return [Held(r.serial, r.award_ref, Printed(json.loads(r.category), r.recipient_name, r.organisation,
                                                r.recipient_kind, r.language), r.award_id) for r in rows]


_MAIL_ABOUT = (select(mail_outbox.c.key, mail_outbox.c.subject_id, mail_outbox.c.recipient)
               .where(mail_outbox.c.subject_id.in_(bindparam("keys", expanding=True))))


def _forget_old_addresses(conn: Connection, held: list[Held], winners: list[Listed]) -> None:
    if not held:
        return  # a first publication: nothing was sent before
    address = {w.application_id: w.email for w in winners}
    holder = {h.award_id: h.application_id for h in held}
    stale = [r.key for r in rows_for_keys(conn, _MAIL_ABOUT, holder)
             if address.get(holder[r.subject_id]) != r.recipient]
    for i in range(0, len(stale), 500):
        conn.execute(delete(mail_outbox).where(mail_outbox.c.key.in_(stale[i:i + 500])))


def _revoke(conn: Connection, plan: Changes, reason: str, now: datetime) -> list[str]:
    done = []
    for serial in plan.revoke:
        if issuing.revoke(conn, serial, reason, now):
            # The reason is the organiser's free text and may name the winner: it stays with the certificate.
            forum = conn.execute(select(certificates.c.forum).where(certificates.c.serial == serial)).scalar_one()
            audit.record(conn, at=now, actor=audit.SYSTEM, action="certificate.revoked", object_kind="certificate",
                         object_id=serial, forum=forum)
            done.append(serial)
    return done


def _issue(conn: Connection, results: dict, forum: str, winner: Listed, now: datetime) -> str | None:
    slug, printed = results["programme"]["slug"], winner.printed
    return issuing.issue_award(
        conn, forum, programme_award_id(slug, winner.application_id, results["version"]), {
            "programme": slug, "award_ref": winner.application_id, "recipient_kind": printed.kind,
            "recipient_name": printed.name, "organisation": printed.organisation,
            "category": json.dumps(printed.category, ensure_ascii=False), "language": printed.language},
        now, email=winner.email)
