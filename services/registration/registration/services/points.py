"""Connection points: one at a time, or a whole CSV list with a report per row."""
from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Row

from forumops_shared.csvfiles import csv_rows
from forumops_shared.payloads import point_code_problem
from forumops_shared.refusals import Refusal

from ..schemas import PointRowSchema
from ..tables import points
from .forums import publish_forum
from .places import promote_waiting
from .lifecycle import announce_promotions

POINT_COLUMNS = ("code", "name", "province", "capacity")
_row_schema = PointRowSchema()


@dataclass
class PointChange:
    code: str
    outcome: str  # created | updated | unchanged
    promoted: int = 0


def upsert_point(conn: Connection, forum: Row, code: str, data: dict) -> PointChange:
    """Create or change one point; a larger capacity promotes people who were waiting."""
    existing = conn.execute(select(points).where(points.c.forum_id == forum.id, points.c.code == code)).first()
    if existing is None:
        conn.execute(points.insert().values(forum_id=forum.id, code=code, **data))
        return PointChange(code, "created")
    if all(getattr(existing, k) == v for k, v in data.items()):
        return PointChange(code, "unchanged")
    conn.execute(update(points).where(points.c.id == existing.id).values(**data))
    promoted = promote_waiting(conn, existing.id) if data["capacity"] > existing.capacity else []
    announce_promotions(conn, forum, promoted)
    return PointChange(code, "updated", len(promoted))


def put_point(conn: Connection, forum: Row, code: str, data: dict) -> PointChange:
    problem = point_code_problem(code)
    if problem:
        raise Refusal("validation_failed", {"code": [problem]})
    change = upsert_point(conn, forum, code, data)
    if change.outcome != "unchanged":
        publish_forum(conn, forum)
    return change


def import_points(conn: Connection, forum: Row, text: str) -> list[dict]:
    """Apply a `code,name,province,capacity` CSV; one report line per data row."""
    report, seen = [], set()
    for line, row in csv_rows(text, required=POINT_COLUMNS):
        code = (row.get("code") or "").strip()
        try:
            data = _row_schema.load({k: row.get(k) for k in ("name", "province", "capacity")})
            problem = point_code_problem(code)
            if problem:
                raise ValidationError({"code": [problem]})
            if code in seen:
                raise ValidationError({"code": ["Appears twice in this file."]})
        except ValidationError as exc:
            report.append({"line": line, "code": code or None, "outcome": "refused",
                           "reason": "validation_failed", "errors": exc.messages})
            continue
        seen.add(code)
        change = upsert_point(conn, forum, code, data)
        report.append({"line": line, "code": code, "outcome": change.outcome, "promoted": change.promoted})
    if any(r["outcome"] in ("created", "updated") for r in report):
        publish_forum(conn, forum)
    return report


def list_points(conn: Connection, forum: Row) -> list[dict]:
    rows = conn.execute(select(points.c.code, points.c.name, points.c.province, points.c.capacity,
                               points.c.confirmed, points.c.waitlisted)
                        .where(points.c.forum_id == forum.id).order_by(points.c.province, points.c.code)).all()
    return [dict(r._mapping) for r in rows]
