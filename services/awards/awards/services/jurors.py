"""Jurors: invited by organisers (audited), each with a personal token sent only by email.

The token comes from a CSPRNG and is kept as its SHA-256; the API never shows it. Inviting again
gives a new token and the old one stops working. One juror per email address and programme.
"""
from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.audit import ORGANISER, record
from forumops_shared.mail import request_mail
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token

from ..domain.phases import phase_at
from ..tables import juror_categories, jurors, programmes, reviews
from . import jury_mail
from .programmes import categories, dates_of


def invite(conn: Connection, programme: Row, data: dict, now: datetime) -> dict:
    """A new juror of `programme`, their invitation queued in this transaction."""
    _require_open(programme, now)
    _require_categories(programme, data["categories"])
    juror_id, token = secrets.token_hex(12), secrets.token_urlsafe(32)
    row = {"id": juror_id, "programme_id": programme.id, "name": data["name"], "email": data["email"],
           "email_key": data["email"].strip().casefold(), "organisation": data.get("organisation"),
           "province": data.get("province"), "language": data["language"], "token_hash": hash_token(token),
           "invited_at": now, "created_at": now}
    try:
        with conn.begin_nested():
            conn.execute(jurors.insert().values(**row))
    except IntegrityError as exc:
        raise Refusal("juror_exists") from exc
    conn.execute(juror_categories.insert(),
                 [{"juror_id": juror_id, "category": c} for c in sorted(set(data["categories"]))])
    request_mail(conn, jury_mail.invitation_requests(juror_id, data["email"], programme.slug, token), now)
    record(conn, at=now, actor=ORGANISER, action="juror.invited", object_kind="juror", object_id=juror_id,
           forum=programme.forum, detail={"programme": programme.slug})
    return {"id": juror_id}


def reinvite(conn: Connection, programme: Row, juror_id: str, now: datetime) -> dict:
    """A new token for the juror, by email; the old one stops working at once."""
    _require_open(programme, now)
    juror = find(conn, programme, juror_id)
    token = secrets.token_urlsafe(32)
    conn.execute(jurors.update().where(jurors.c.id == juror.id).values(token_hash=hash_token(token), invited_at=now))
    request_mail(conn, jury_mail.invitation_requests(juror.id, juror.email, programme.slug, token), now)
    record(conn, at=now, actor=ORGANISER, action="juror.reinvited", object_kind="juror", object_id=juror.id,
           forum=programme.forum, detail={"programme": programme.slug})
    return {"id": juror.id}


def _require_open(programme: Row, now: datetime) -> None:
    """Jurors are invited from the programme's creation (an organiser prepares the jury early)
    until the review closes (then there is nothing left for them to do)."""
    dates = dates_of(programme)
    if phase_at(dates, now) in ("deciding", "published"):
        raise Refusal("review_closed", detail={"review_closes": dates.review_closes.isoformat()})


def _require_categories(programme: Row, given: list[str]) -> None:
    unknown = sorted(set(given) - set(categories(programme)))
    if unknown:
        raise Refusal("unknown_category",
                      {"categories": {code: ["The programme has no such category."] for code in unknown}},
                      detail={"categories": sorted(categories(programme))})


def find(conn: Connection, programme: Row, juror_id: str) -> Row:
    row = conn.execute(select(jurors).where(jurors.c.id == juror_id, jurors.c.programme_id == programme.id)).first()
    if row is None:
        raise Refusal("juror_not_found")
    return row


def by_token(conn: Connection, token: str | None) -> Row | None:
    """The juror whose token this is, if any."""
    if not token:
        return None
    return conn.execute(select(jurors).where(jurors.c.token_hash == hash_token(token))).first()


def programme_of(conn: Connection, juror: Row) -> Row:
    return conn.execute(select(programmes).where(programmes.c.id == juror.programme_id)).one()


def of_programme(conn: Connection, programme_id: int) -> list[Row]:
    return conn.execute(select(jurors).where(jurors.c.programme_id == programme_id).order_by(jurors.c.seq)).all()


def categories_of(conn: Connection, juror_ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for juror_id, category in conn.execute(select(juror_categories.c.juror_id, juror_categories.c.category)
                                           .where(juror_categories.c.juror_id.in_(juror_ids))
                                           .order_by(juror_categories.c.category)):
        found[juror_id].append(category)
    return found


def listing(conn: Connection, programme: Row) -> dict:
    """Organiser: every juror with their categories and load (reviews assigned, and submitted)."""
    rows = of_programme(conn, programme.id)
    cats = categories_of(conn, [r.id for r in rows])
    counts = defaultdict(dict)
    for juror_id, state, n in conn.execute(select(reviews.c.juror_id, reviews.c.state, func.count())
                                           .where(reviews.c.juror_id.in_([r.id for r in rows]))
                                           .group_by(reviews.c.juror_id, reviews.c.state)):
        counts[juror_id][state] = n
    return {"jurors": [{"id": r.id, "name": r.name, "email": r.email, "organisation": r.organisation,
                        "province": r.province, "categories": cats.get(r.id, []), "language": r.language,
                        "load": sum(counts[r.id].values()), "submitted": counts[r.id].get("submitted", 0),
                        "invited_at": r.invited_at} for r in rows]}
