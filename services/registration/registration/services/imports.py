"""An organiser brings in a whole list (a department registering its teachers)."""
from __future__ import annotations

import functools
from typing import Iterator

from marshmallow import ValidationError
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.csvfiles import csv_rows
from forumops_shared.db import custom_plans, rows_for_keys
from forumops_shared.normalise import email_key
from forumops_shared.refusals import Refusal
from forumops_shared.tickets import SigningKey

from ..schemas import RegistrationSchema
from ..tables import registrations
from .registrations import Draft, points_of, prepare, store_drafts

COLUMNS = ("full_name", "email", "phone", "organisation", "role", "attendance", "point", "language")
REQUIRED = ("full_name", "email")
_schema = RegistrationSchema()


def import_participants(conn: Connection, forum: Row, text: str, key: SigningKey, *,
                        consent_version: str) -> list[dict]:
    """One report line per row: created, existing (same email: re-uploading is harmless) or refused.

    The rows are checked and prepared first (a refused one leaves no trace), the emails already
    registered are found with one query, and the new registrations are stored together with one
    statement per table (store_drafts, as submits arriving together are): a row at a time was
    ten round trips each, 25 s for 5,000 people on PostgreSQL. A later row with an email an
    earlier row of the file holds is that row's "existing". Should the store fail (someone
    registered one of these emails meanwhile), it is taken back and each row stored in its own
    savepoint instead, so that each still gets its own outcome.
    """
    custom_plans(conn)  # the forum's registrations grow file by file: each file's lookups planned anew
    find_point = functools.cache(points_of(conn, forum))  # thousands of rows, a few hundred points
    rows = [(line, values, *_checked(values)) for line, values in _rows(text)]
    registered = _registered(conn, forum, [email_key(data["email"]) for _, _, data, _ in rows if data])
    report, drafts, first_of, repeats = [], [], {}, []
    for line, values, data, refusal in rows:
        entry = {"line": line, "email": values.get("email")}
        report.append(entry)
        if refusal:
            entry.update(refusal)
            continue
        email = email_key(data["email"])
        if email in registered:
            entry.update(registered[email])
            continue
        if email in first_of:
            repeats.append((entry, first_of[email]))
            continue
        try:
            draft = prepare(find_point, forum, data, key, consent_version=consent_version,
                            consent_source="organiser_import")
        except Refusal as exc:
            entry.update({"outcome": "refused", "reason": exc.reason, "errors": exc.errors})
            continue
        first_of[email] = entry
        drafts.append((entry, draft))
    _store(conn, forum, drafts)
    for entry, first in repeats:  # a repeated email: the answer of its first row, once stored
        entry.update({"outcome": "existing", **{k: first[k] for k in ("id", "status", "ticket_code")}})
    return report


def _rows(text: str) -> Iterator[tuple[int, dict]]:
    for line, raw in csv_rows(text, required=REQUIRED):
        values = {k: (raw.get(k) or "").strip() or None for k in COLUMNS if k in raw}
        values.setdefault("attendance", "onsite" if values.get("point") else "online")
        yield line, {k: v for k, v in values.items() if v is not None}


def _checked(values: dict) -> tuple[dict | None, dict | None]:
    """(the row's data as the public form would take it, None), or (None, its refusal)."""
    try:
        # The organiser attests that the department collected each person's consent.
        return _schema.load({**values, "consent": True}), None
    except ValidationError as exc:
        return None, {"outcome": "refused", "reason": "validation_failed", "errors": exc.messages}


# Written with the active-email index's own predicate, as registrations.find_active_by_email is.
_ACTIVE = (select(registrations.c.email_key, registrations.c.id, registrations.c.status, registrations.c.ticket_code)
           .where(registrations.c.forum_id == bindparam("forum"), registrations.c.status != "cancelled",
                  registrations.c.email_key.in_(bindparam("keys", expanding=True))))


def _registered(conn: Connection, forum: Row, emails: list[str]) -> dict[str, dict]:
    """The active registrations of `forum` holding these emails, as the report's "existing" rows."""
    found = rows_for_keys(conn, _ACTIVE, emails, forum=forum.id)
    return {row.email_key: {"outcome": "existing", "id": row.id, "status": row.status,
                            "ticket_code": row.ticket_code} for row in found}


def _store(conn: Connection, forum: Row, drafts: list[tuple[dict, Draft]]) -> None:
    if not drafts:
        return
    savepoint = conn.begin_nested()
    try:
        placed = store_drafts(conn, [draft for _, draft in drafts])
    except IntegrityError:
        savepoint.rollback()
        for entry, draft in drafts:
            entry.update(_alone(conn, forum, draft))
        return
    savepoint.commit()
    for (entry, draft), (status, _) in zip(drafts, placed):
        entry.update(_created(draft, status))


def _alone(conn: Connection, forum: Row, draft: Draft) -> dict:
    """One prepared row, stored in its own savepoint unless its email is registered by now."""
    existing = _registered(conn, forum, [draft.values["email_key"]])
    if existing:
        return existing[draft.values["email_key"]]
    with conn.begin_nested():
        [(status, _)] = store_drafts(conn, [draft])
    return _created(draft, status)


def _created(draft: Draft, status: str) -> dict:
    return {"outcome": "created", "id": draft.values["id"], "status": status,
            "ticket_code": draft.values["ticket_code"]}
