"""The juror's side: their queue, an application as a juror reads it, their review.

Blind review: when the programme is blind, nothing that names the applicant reaches a juror —
no name, organisation, province or email, and the attachments under neutral names
("attachment-1.pdf": the name a file was uploaded with often names its school). Whatever the
programme, a juror never sees the applicant's email. What the files themselves say is the
applicant's to keep neutral: the service cannot read a PDF's words for a school's name.

A review is changed as often as wanted while the review is open; a conflict is declared
instead of scores, and refused once the juror has submitted scores for the application (those
scores are on record: the juror asks the organiser).
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.refusals import Refusal

from ..domain.files import EXTENSIONS
from ..domain.phases import require_may_review
from ..domain.ranking import review_score
from ..tables import applications, conflicts, reviews
from . import assignments, attachments
from .programmes import criteria_of, dates_of


def review_of(conn: Connection, juror_id: str, application_id: str) -> Row | None:
    """The juror's review of an application not withdrawn: what lets them read it."""
    return conn.execute(select(reviews).select_from(reviews.join(applications))
                        .where(reviews.c.juror_id == juror_id, reviews.c.application_id == application_id,
                               applications.c.status == "submitted")).first()


def queue(conn: Connection, juror: Row, programme: Row) -> dict:
    rows = conn.execute(select(applications, reviews.c.state, reviews.c.scores, reviews.c.comment,
                               reviews.c.submitted_at)
                        .select_from(reviews.join(applications))
                        .where(reviews.c.juror_id == juror.id, applications.c.status == "submitted")
                        .order_by(applications.c.category, applications.c.seq)).all()
    items = [{**application_view(conn, r, programme), "review": _review_view(r.id, r)} for r in rows]
    return {"programme": {"slug": programme.slug, "title": json.loads(programme.titles), "blind": programme.blind,
                          "review_close_at": programme.review_close_at, "criteria": json.loads(programme.criteria)},
            "juror": {"id": juror.id, "name": juror.name},
            "assignments": items,
            "conflicts": declared_conflicts(conn, juror),
            "counts": {"assigned": len(items), "submitted": sum(i["review"]["state"] == "submitted" for i in items)}}


def declared_conflicts(conn: Connection, juror: Row) -> list[dict]:
    """The applications the juror stepped aside from (not withdrawn): what they declared, so their
    queue can say so. Only what the juror saw of it before (its title), never the applicant."""
    rows = conn.execute(select(applications.c.id, applications.c.category, applications.c.title, conflicts.c.reason,
                               conflicts.c.declared_at)
                        .select_from(conflicts.join(applications))
                        .where(conflicts.c.juror_id == juror.id, applications.c.status == "submitted")
                        .order_by(applications.c.category, applications.c.seq)).all()
    return [{"application": r.id, "category": r.category, "title": r.title, "reason": r.reason,
             "declared_at": r.declared_at} for r in rows]


def application_view(conn: Connection, row: Row, programme: Row) -> dict:
    """An application as its juror reads it (blind or not; never the applicant's email)."""
    files = attachments.of(conn, row.id)
    shown = {"id": row.id, "programme": programme.slug, "category": row.category, "title": row.title,
             "summary": row.summary, "language": row.language, "status": row.status}
    if programme.blind:
        return {**shown, "attachments": [{**f, "file_name": neutral_name(i, f["content_type"])}
                                         for i, f in enumerate(files)]}
    return {**shown, "applicant": {"kind": row.applicant_kind, "name": row.applicant_name,
                                   "organisation": row.organisation, "province": row.province},
            "attachments": files}


def neutral_name(position: int, content_type: str) -> str:
    return f"attachment-{position + 1}{EXTENSIONS.get(content_type, '')}"


def attachment_name(conn: Connection, application_id: str, attachment_id: str, programme: Row, original: str,
                    content_type: str) -> str:
    """The name a juror downloads a file under: neutral in a blind review."""
    if not programme.blind:
        return original
    ids = [a["id"] for a in attachments.of(conn, application_id)]
    return neutral_name(ids.index(attachment_id), content_type)


def _review_view(application_id: str, row: Row | None, **extra) -> dict:
    scores = json.loads(row.scores) if row is not None and row.scores else None
    return {"application": application_id, "state": row.state if row is not None else "assigned", "scores": scores,
            "comment": row.comment if row is not None else None,
            "submitted_at": row.submitted_at if row is not None else None, **extra}


def mine(conn: Connection, juror: Row, application_id: str) -> dict:
    review = review_of(conn, juror.id, application_id)
    return _review_view(application_id, review)


def submit(conn: Connection, juror: Row, programme: Row, review: Row, data: dict, now: datetime) -> dict:
    """Scores for every criterion in its scale, and a comment; replacing any given before."""
    require_may_review(dates_of(programme), now)
    score = review_score(criteria_of(json.loads(programme.criteria)), data["scores"])
    conn.execute(reviews.update().where(reviews.c.seq == review.seq).values(
        state="submitted", scores=json.dumps(data["scores"]), comment=data.get("comment"),
        submitted_at=now, updated_at=now))
    return {**mine(conn, juror, review.application_id), "score": float(round(score, 2))}


def declare_conflict(conn: Connection, juror: Row, programme: Row, review: Row, reason: str, now: datetime) -> dict:
    """The juror steps aside from an application; its review goes to another juror at once."""
    require_may_review(dates_of(programme), now)
    if review.state == "submitted":
        raise Refusal("review_already_submitted")
    try:
        with conn.begin_nested():
            conn.execute(conflicts.insert().values(juror_id=juror.id, application_id=review.application_id,
                                                   reason=reason, declared_at=now))
    except IntegrityError:
        pass  # declared before: the hand-over below finds nothing more to do
    replaced = assignments.hand_over(conn, programme, review.application_id, now)
    return {"application": review.application_id, "state": "conflict", "scores": None, "comment": None,
            "submitted_at": None, "replaced": replaced}

