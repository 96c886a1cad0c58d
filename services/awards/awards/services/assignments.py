"""The jury's assignment, stored: computed by domain/assignment.py from the programme as it stands.

A computation keeps what exists (reviews under way, submitted ones never moved), releases the
reviews whose juror may no longer do them, and places only what is missing. Organisers compute
once applications have closed (before, applications still come, change and leave) and until the
review closes; withdrawn applications drop out. A declared conflict hands its review over at
once (`hand_over`): the same computation, of which only that application's changes are kept.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.engine import Connection, Row

from forumops_shared.audit import ORGANISER, SYSTEM, record
from forumops_shared.refusals import Refusal

from ..domain import assignment as rules
from ..domain.phases import phase_at
from ..tables import applications, conflicts, jurors, programmes, reviews
from .jurors import categories_of, of_programme
from .programmes import dates_of


def require_open(programme: Row, now: datetime) -> None:
    dates = dates_of(programme)
    phase = phase_at(dates, now)
    if phase in ("before", "applications"):
        raise Refusal("assignment_not_open",
                      detail={"phase": phase, "applications_close": dates.applications_close.isoformat()})
    if phase != "review":
        raise Refusal("review_closed", detail={"phase": phase, "review_closes": dates.review_closes.isoformat()})


def compute(conn: Connection, programme: Row, now: datetime) -> dict:
    """Organiser: compute (or recompute) and store; the counts, loads and shortfalls (audited)."""
    require_open(programme, now)
    _lock(conn, programme)
    result = _assign(conn, programme)
    _store(conn, result.released, result.added, now)
    record(conn, at=now, actor=ORGANISER, action="assignment.computed", object_kind="programme",
           object_id=programme.slug, forum=programme.forum, count=len(result.pairs),
           detail={"added": len(result.added), "released": len(result.released), "short": len(result.short)})
    return {**view(conn, programme), "added": len(result.added),
            "released": [{"application": r.application, "juror": r.juror, "reason": r.reason} for r in result.released],
            "short": _short(conn, result.short)}


def hand_over(conn: Connection, programme: Row, application_id: str, now: datetime) -> bool:
    """After a conflict declared on `application_id`: its review placed with another juror who
    may take it (the guarantees of domain/assignment.py hold); other applications are left as
    they are. Whether someone took it."""
    _lock(conn, programme)
    result = _assign(conn, programme)
    released = [r for r in result.released if r.application == application_id]
    added = [(a, j) for a, j in result.added if a == application_id]
    _store(conn, released, added, now)
    record(conn, at=now, actor=SYSTEM, action="assignment.conflict", object_kind="application",
           object_id=application_id, forum=programme.forum, count=len(added), detail={"programme": programme.slug})
    return bool(added)


def _lock(conn: Connection, programme: Row) -> None:
    """One computation at a time per programme (PostgreSQL: the row's lock; SQLite: one writer)."""
    conn.execute(select(programmes.c.id).where(programmes.c.id == programme.id).with_for_update())


def _assign(conn: Connection, programme: Row) -> rules.JuryAssignment:
    apps = conn.execute(select(applications.c.id, applications.c.category, applications.c.organisation,
                               applications.c.province)
                        .where(applications.c.programme_id == programme.id, applications.c.status == "submitted")).all()
    panel = of_programme(conn, programme.id)
    cats = categories_of(conn, [j.id for j in panel])
    existing = conn.execute(select(reviews.c.application_id, reviews.c.juror_id, reviews.c.state)
                            .select_from(reviews.join(jurors))
                            .where(jurors.c.programme_id == programme.id)).all()
    declared = conn.execute(select(conflicts.c.juror_id, conflicts.c.application_id)
                            .select_from(conflicts.join(jurors))
                            .where(jurors.c.programme_id == programme.id)).all()
    return rules.assign([rules.Application(a.id, a.category, a.organisation or "", a.province or "") for a in apps],
                        [rules.Juror(j.id, j.organisation or "", frozenset(cats.get(j.id, ()))) for j in panel],
                        reviews_per_application=programme.reviews_per_application,
                        conflicts={(c.juror_id, c.application_id) for c in declared},
                        existing=[rules.Review(r.application_id, r.juror_id, r.state) for r in existing],
                        seed=programme.slug)


def _store(conn: Connection, released, added, now: datetime) -> None:
    # A submitted review is never released but for an application withdrawn: its scores stay on
    # record (the ranking reads only applications not withdrawn).
    gone = [(r.application, r.juror) for r in released]
    if gone:
        conn.execute(delete(reviews).where(tuple_(reviews.c.application_id, reviews.c.juror_id).in_(gone),
                                           reviews.c.state != "submitted"))
    if added:
        conn.execute(reviews.insert(), [{"application_id": a, "juror_id": j, "state": "assigned", "assigned_at": now,
                                         "updated_at": now} for a, j in added])


def view(conn: Connection, programme: Row) -> dict:
    """The assignment as stored: each application's reviewers, each juror's load, those short."""
    apps = conn.execute(select(applications.c.id, applications.c.category)
                        .where(applications.c.programme_id == programme.id, applications.c.status == "submitted")
                        .order_by(applications.c.seq)).all()
    panel = of_programme(conn, programme.id)
    by_app: dict[str, list[dict]] = defaultdict(list)
    loads = {j.id: 0 for j in panel}
    for r in conn.execute(select(reviews.c.application_id, reviews.c.juror_id, reviews.c.state)
                          .select_from(reviews.join(applications))
                          .where(applications.c.programme_id == programme.id, applications.c.status == "submitted")
                          .order_by(reviews.c.application_id, reviews.c.juror_id)):
        by_app[r.application_id].append({"juror": r.juror_id, "state": r.state})
        loads[r.juror_id] = loads.get(r.juror_id, 0) + 1
    needed = programme.reviews_per_application
    return {"applications": len(apps), "reviews": sum(loads.values()),
            "loads": [{"juror": j.id, "name": j.name, "load": loads[j.id]} for j in panel],
            "short": [{"application": a.id, "category": a.category, "needed": needed, "assigned": len(by_app[a.id])}
                      for a in apps if len(by_app[a.id]) < needed],
            "assignments": [{"application": a.id, "category": a.category, "needed": needed, "reviewers": by_app[a.id]}
                            for a in apps]}


def _short(conn: Connection, short: tuple[rules.Shortfall, ...]) -> list[dict]:
    category = dict(conn.execute(select(applications.c.id, applications.c.category)
                                 .where(applications.c.id.in_([s.application for s in short]))).all()) if short else {}
    return [{"application": s.application, "category": category.get(s.application), "needed": s.needed,
             "assigned": s.assigned, "jurors_in_category": s.jurors_in_category,
             "own_organisation": s.own_organisation, "conflicts": s.conflicts, "reason": s.reason} for s in short]
