"""An organiser brings in a whole list (a department registering its teachers)."""
from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy.engine import Connection, Row

from forumops_shared.csvfiles import csv_rows
from forumops_shared.normalise import email_key
from forumops_shared.refusals import Refusal
from forumops_shared.tickets import SigningKey

from ..schemas import RegistrationSchema
from .registrations import find_active_by_email, load_registration, register

COLUMNS = ("full_name", "email", "phone", "organisation", "role", "attendance", "point", "language")
REQUIRED = ("full_name", "email")
_schema = RegistrationSchema()


def import_participants(conn: Connection, forum: Row, text: str, key: SigningKey, *,
                        consent_version: str) -> list[dict]:
    """One report line per row: created, existing (same email: re-uploading is harmless) or refused.

    Each row runs in its own savepoint, so a refused row leaves no trace and the others stand.
    """
    report = []
    for line, raw in csv_rows(text, required=REQUIRED):
        values = {k: (raw.get(k) or "").strip() or None for k in COLUMNS if k in raw}
        values.setdefault("attendance", "onsite" if values.get("point") else "online")
        values = {k: v for k, v in values.items() if v is not None}
        report.append({"line": line, "email": values.get("email"), **_one(conn, forum, values, key, consent_version)})
    return report


def _one(conn: Connection, forum: Row, values: dict, key: SigningKey, consent_version: str) -> dict:
    try:
        # The organiser attests that the department collected each person's consent.
        data = _schema.load({**values, "consent": True})
    except ValidationError as exc:
        return {"outcome": "refused", "reason": "validation_failed", "errors": exc.messages}
    existing = find_active_by_email(conn, forum.id, email_key(data["email"]))
    if existing is not None:
        row = load_registration(conn, existing.id)
        return {"outcome": "existing", "id": row.id, "status": row.status, "ticket_code": row.ticket_code}
    savepoint = conn.begin_nested()
    try:
        row, _token = register(conn, forum, data, key, consent_version=consent_version,
                               consent_source="organiser_import")
    except Refusal as exc:
        savepoint.rollback()
        return {"outcome": "refused", "reason": exc.reason, "errors": exc.errors}
    savepoint.commit()
    return {"outcome": "created", "id": row.id, "status": row.status, "ticket_code": row.ticket_code}
