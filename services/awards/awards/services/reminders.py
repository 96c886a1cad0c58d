"""Reminders before the review closes: the worker's chore queues, for each programme in review,
one email per juror with reviews still to do, `days` before the close (3 and 1 by default,
AWARDS_REMINDER_DAYS="3,1").

Each reminder's key names the juror and the reminder ("…:3d"), so a juror gets each at most
once however often the chore runs, and on however many workers. A worker that was away past
several reminder dates sends only the latest one due: two reminders at once say nothing more.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Mapping

from sqlalchemy import Engine, and_, select
from sqlalchemy.engine import Connection

from forumops_shared.clock import SYSTEM_CLOCK
from forumops_shared.db import write_transaction
from forumops_shared.mail import request_mail

from ..tables import applications, jurors, programmes, reviews
from .jury_mail import reminder_request

DEFAULT_DAYS = (3, 1)


def reminder_days(environ: Mapping[str, str]) -> tuple[int, ...]:
    """AWARDS_REMINDER_DAYS: whole days before the review closes, comma-separated ("" for none)."""
    given = environ.get("AWARDS_REMINDER_DAYS")
    if given is None:
        return DEFAULT_DAYS
    return tuple(sorted({int(d) for d in given.split(",") if d.strip()}, reverse=True))


def due_reminder(review_close_at: datetime, now: datetime, days: tuple[int, ...]) -> int | None:
    """The latest reminder due at `now` (its days before the close), if the review is still open."""
    if now >= review_close_at:
        return None
    due = [d for d in days if now >= review_close_at - timedelta(days=d)]
    return min(due) if due else None


def queue_reminders(conn: Connection, now: datetime, days: tuple[int, ...]) -> int:
    """Queue the reminders due at `now`; how many were asked for (those queued before are skipped)."""
    open_programmes = conn.execute(select(programmes).where(programmes.c.applications_close_at <= now,
                                                             programmes.c.review_close_at > now)).all()
    asked = 0
    for programme in open_programmes:
        reminder = due_reminder(programme.review_close_at, now, days)
        if reminder is None:
            continue
        waiting = conn.execute(
            select(jurors.c.id, jurors.c.email).distinct()
            .select_from(jurors.join(reviews, reviews.c.juror_id == jurors.c.id)
                         .join(applications, and_(applications.c.id == reviews.c.application_id,
                                                  applications.c.status == "submitted")))
            .where(jurors.c.programme_id == programme.id, reviews.c.state != "submitted")).all()
        request_mail(conn, [reminder_request(j.id, j.email, programme.slug, reminder) for j in waiting], now)
        asked += len(waiting)
    return asked


def chore(engine: Engine, *, clock=SYSTEM_CLOCK, environ: Mapping[str, str] = os.environ) -> int:
    """The worker's chore (service.py)."""
    with write_transaction(engine) as conn:
        return queue_reminders(conn, clock.now(), reminder_days(environ))
