"""Applications: submitted in public while the programme is open, then edited or withdrawn by
their holder (the manage token, stored as its SHA-256), read by the holder and organisers.

Duplicates: an application with the same applicant email (any case), category and title (NFC,
any case, spaces collapsed) as one not withdrawn in the programme is refused
(`duplicate_application`); a withdrawn application frees its key, so the applicant may apply
again. Edits are checked by the same rule.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.mail import request_mail
from forumops_shared.refusals import Refusal
from forumops_shared.tokens import hash_token

from ..domain.phases import require_may_apply, require_may_edit, require_may_withdraw
from ..tables import applications, programmes
from . import attachments, mail
from .programmes import categories, dates_of


def duplicate_key(email: str, category: str, title: str) -> str:
    plain = "\x1f".join((email.strip().casefold(), category, " ".join(title.casefold().split())))
    return hashlib.sha256(plain.encode()).hexdigest()


def require_acceptable(programme: Row, data: dict) -> None:
    """The category is the programme's; the applicant is of a kind it takes."""
    if data["category"] not in categories(programme):
        raise Refusal("unknown_category", {"category": ["The programme has no such category."]},
                      detail={"categories": sorted(categories(programme))})
    if programme.applicants != "both" and data["applicant"]["kind"] != programme.applicants:
        raise Refusal("applicant_kind_not_allowed", {"applicant": {"kind": [f"Must be {programme.applicants}."]}},
                      detail={"applicants": programme.applicants})


def check_new(programme: Row, data: dict, now: datetime) -> None:
    """What can be refused before anything is stored: the window first, then the content."""
    require_may_apply(dates_of(programme), now)
    if not data["consent"]:
        raise Refusal("consent_required", {"consent": ["Must be true."]})
    require_acceptable(programme, data)


def submit(conn: Connection, programme: Row, data: dict, uploads: list, stored: list[str], now: datetime) -> dict:
    """Store the application, its attachments and its receipt (queued), in the caller's transaction."""
    check_new(programme, data, now)
    application_id, token = secrets.token_hex(12), secrets.token_urlsafe(32)
    applicant = data["applicant"]
    row = {"id": application_id, "programme_id": programme.id, "category": data["category"],
           "applicant_kind": applicant["kind"], "applicant_name": applicant["name"],
           "organisation": applicant.get("organisation"), "province": applicant.get("province"),
           "email": applicant["email"], "title": data["title"], "summary": data["summary"],
           "language": data["language"], "consent_at": now, "manage_token_hash": hash_token(token),
           "status": "submitted", "duplicate_key": duplicate_key(applicant["email"], data["category"], data["title"]),
           "created_at": now, "updated_at": now, "withdrawn_at": None}
    _require_unique(conn, programme.id, row["duplicate_key"])
    try:
        with conn.begin_nested():
            conn.execute(applications.insert().values(**row))
    except IntegrityError as exc:  # the same application submitted at the same moment
        raise Refusal("duplicate_application") from exc
    attachments.record(conn, application_id, uploads, stored, now)
    request_mail(conn, mail.receipt_requests(application_id, applicant["email"], programme.slug, token), now)
    return {**view(conn, find(conn, application_id), programme.slug), "manage_token": token}


def _require_unique(conn: Connection, programme_id: int, key: str, but: str | None = None) -> None:
    stmt = select(applications.c.id).where(applications.c.programme_id == programme_id,
                                           applications.c.duplicate_key == key)
    found = conn.execute(stmt).first()
    if found is not None and found.id != but:
        raise Refusal("duplicate_application")


def find(conn: Connection, application_id: str) -> Row | None:
    return conn.execute(select(applications).where(applications.c.id == application_id)).first()


def programme_of(conn: Connection, row: Row) -> Row:
    return conn.execute(select(programmes).where(programmes.c.id == row.programme_id)).one()


def require_editable(conn: Connection, row: Row, now: datetime, act=require_may_edit) -> Row:
    """The programme, if the application may still be changed at `now`."""
    if row.status == "withdrawn":
        raise Refusal("application_withdrawn")
    programme = programme_of(conn, row)
    act(dates_of(programme), now)
    return programme


def change(conn: Connection, row: Row, data: dict, now: datetime) -> dict:
    """The holder's edit: only the fields sent change (the applicant's as a whole)."""
    programme = require_editable(conn, row, now)
    current = {"applicant": {"kind": row.applicant_kind, "name": row.applicant_name, "organisation": row.organisation,
                             "province": row.province, "email": row.email},
               "category": row.category, "title": row.title, "summary": row.summary, "language": row.language}
    values = {**current, **data}
    require_acceptable(programme, values)
    applicant = values["applicant"]
    key = duplicate_key(applicant["email"], values["category"], values["title"])
    _require_unique(conn, programme.id, key, but=row.id)
    conn.execute(applications.update().where(applications.c.id == row.id).values(
        category=values["category"], applicant_kind=applicant["kind"], applicant_name=applicant["name"],
        organisation=applicant.get("organisation"), province=applicant.get("province"), email=applicant["email"],
        title=values["title"], summary=values["summary"], language=values["language"], duplicate_key=key,
        updated_at=now))
    return view(conn, find(conn, row.id), programme.slug)


def withdraw(conn: Connection, row: Row, now: datetime) -> dict:
    programme = require_editable(conn, row, now, act=require_may_withdraw)
    conn.execute(applications.update().where(applications.c.id == row.id).values(
        status="withdrawn", withdrawn_at=now, updated_at=now, duplicate_key=None))
    return view(conn, find(conn, row.id), programme.slug)


def add_attachments(conn: Connection, row: Row, uploads: list, stored: list[str], now: datetime) -> list[dict]:
    require_editable(conn, row, now)
    added = attachments.record(conn, row.id, uploads, stored, now)
    conn.execute(applications.update().where(applications.c.id == row.id).values(updated_at=now))
    return added


def page(conn: Connection, programme: Row, *, limit: int, after: int, category: str | None,
         status: str | None) -> dict:
    stmt = (select(applications).where(applications.c.programme_id == programme.id, applications.c.seq > after)
            .order_by(applications.c.seq).limit(limit + 1))
    if category:
        stmt = stmt.where(applications.c.category == category)
    if status:
        stmt = stmt.where(applications.c.status == status)
    rows = conn.execute(stmt).all()
    shown = rows[:limit]
    return {"applications": [view(conn, r, programme.slug) for r in shown],
            "next_after": shown[-1].seq if len(rows) > limit else None}


def view(conn: Connection, row: Row, programme_slug: str) -> dict:
    return {"id": row.id, "programme": programme_slug,
            "applicant": {"kind": row.applicant_kind, "name": row.applicant_name, "organisation": row.organisation,
                          "province": row.province, "email": row.email},
            "category": row.category, "title": row.title, "summary": row.summary, "language": row.language,
            "status": row.status, "attachments": attachments.of(conn, row.id), "created_at": row.created_at,
            "updated_at": row.updated_at, "withdrawn_at": row.withdrawn_at}


def remove_attachment(conn: Connection, row: Row, attachment_id: str, now: datetime) -> str:
    """The holder removes a file while applications are open; its stored name, for the file store
    to discard once the removal is committed."""
    require_editable(conn, row, now)
    stored = attachments.remove(conn, attachments.find(conn, row.id, attachment_id))
    conn.execute(applications.update().where(applications.c.id == row.id).values(updated_at=now))
    return stored
