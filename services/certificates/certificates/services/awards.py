"""Award certificates in bulk: one category, many recipients (units or people), from JSON or CSV.

An award's id is derived from the forum, the category and the recipient (the organiser's `ref`
when given, else the name and organisation, case-folded), so the same list uploaded again finds
every award issued before and issues nothing twice.
"""
from __future__ import annotations

import json
from datetime import datetime

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.csvfiles import Problem, csv_rows, refuse
from forumops_shared.refusals import Refusal

from ..domain.identifiers import award_id
from ..schemas import MAX_RECIPIENTS, RecipientSchema
from ..tables import certificates, forums
from . import issuing

CSV_COLUMNS = ("name", "organisation", "kind", "ref", "language", "email")
_recipient = RecipientSchema()


def issue(conn: Connection, forum: str, category: dict, language: str,
          recipients: list[tuple[dict, dict | None]], now: datetime) -> list[dict]:
    """Issue each recipient's award; one report row each (`where` says which line or index).
    `recipients` holds (where, recipient) pairs, a recipient None where its row was refused
    (its `where` then carries the errors)."""
    if conn.execute(select(forums.c.slug).where(forums.c.slug == forum)).first() is None:
        raise Refusal("forum_not_found")
    report = []
    for where, recipient in recipients:
        if recipient is None:
            report.append({**where, "outcome": "refused", "reason": "validation_failed"})
            continue
        report.append({**where, **_issue_one(conn, forum, category, language, recipient, now)})
    return report


def _issue_one(conn: Connection, forum: str, category: dict, language: str, recipient: dict, now: datetime) -> dict:
    aid = award_id(forum, category, recipient)
    serial = issuing.issue_award(conn, forum, aid, {
        "recipient_name": recipient["name"], "organisation": recipient.get("organisation"),
        "recipient_kind": recipient["kind"], "award_ref": recipient.get("ref"),
        "category": json.dumps(category, ensure_ascii=False), "language": recipient.get("language") or language},
        now, email=recipient.get("email"))
    if serial:
        return {"outcome": "issued", "name": recipient["name"], "serial": serial, "award_id": aid}
    before = conn.execute(select(certificates.c.serial, certificates.c.recipient_name, certificates.c.organisation)
                          .where(certificates.c.award_id == aid)).one()
    row = {"outcome": "existing", "name": recipient["name"], "serial": before.serial, "award_id": aid}
    if (before.recipient_name, before.organisation) != (recipient["name"], recipient.get("organisation")):
        row["reason"] = "details_differ"  # same ref, another name: revoke it and use a new ref to correct
    return row


def from_json(data: dict) -> list[tuple[dict, dict]]:
    return [({"index": i}, recipient) for i, recipient in enumerate(data["recipients"])]


def from_csv(text: str) -> list[tuple[dict, dict | None]]:
    """(where, recipient) per data row; a refused row carries its errors in `where`."""
    rows = []
    for line, row in csv_rows(text, required=("name",)):
        unknown = sorted(set(row) - set(CSV_COLUMNS))
        if unknown:
            raise refuse([Problem("unknown_columns", values={"columns": unknown})])
        if len(rows) == MAX_RECIPIENTS:
            raise refuse([Problem("too_many_rows", values={"limit": MAX_RECIPIENTS})])
        try:
            rows.append(({"line": line}, _recipient.load({k: v for k, v in row.items() if v not in (None, "")})))
        except ValidationError as exc:
            rows.append(({"line": line, "name": row.get("name"), "errors": exc.messages}, None))
    if not rows:
        raise refuse([Problem("no_rows")])
    return rows
