"""The audit record: who did what to which object, and when. Erasures, exports, revocations,
device enrolments and imports are recorded by the service that does them, in the transaction that
does them, so that an act and its record commit together or not at all.

A record holds ids only (a registration id, a device id, a serial, a forum slug), never a
person's data: an audit trail must not become one more copy that erasure has to reach. Each
service keeps the same table (`audit_records`, created by its migration `0005`) and answers
organisers with `GET /api/v1/forums/{slug}/audit`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from marshmallow import Schema, fields, validate
from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, select
from sqlalchemy.engine import Connection

from .db import UtcDateTime
from .payloads import StrictSchema

ACTOR_KINDS = ("organiser", "device", "participant", "system")


@dataclass(frozen=True)
class Actor:
    kind: str  # one of ACTOR_KINDS
    id: str | None = None  # a device id or a registration id; none for the organiser and the system

    def __post_init__(self):
        if self.kind not in ACTOR_KINDS:
            raise ValueError(f"an actor is one of {ACTOR_KINDS}, not {self.kind!r}")


ORGANISER, SYSTEM = Actor("organiser"), Actor("system")

metadata = MetaData()


def _audit_table(meta: MetaData) -> Table:
    table = Table(
        "audit_records", meta,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("forum", String(100), nullable=True),  # the forum the object belongs to, when it has one
        Column("at", UtcDateTime(), nullable=False),
        Column("actor", String(16), nullable=False),
        Column("actor_id", String(64), nullable=True),
        Column("action", String(64), nullable=False),  # "registration.erased", "registrations.exported", ...
        Column("object_kind", String(32), nullable=False),
        Column("object_id", String(200), nullable=True),
        Column("count", Integer, nullable=True),  # rows exported or imported, where it says something
        Column("detail", Text, nullable=True),  # JSON of filters and totals: ids and codes only
    )
    Index("ix_audit_records_forum", table.c.forum, table.c.id)
    return table


audit_records = _audit_table(metadata)


def create_audit_v1(op) -> None:
    """Alembic step creating the table as this version defines it (frozen here: a later change
    gets a new step, so that old migrations keep describing old schemas)."""
    frozen = MetaData()
    _audit_table(frozen).create(op.get_bind())


def drop_audit_v1(op) -> None:
    op.drop_table("audit_records")


def record(conn: Connection, *, at: datetime, actor: Actor, action: str, object_kind: str,
           object_id: str | None, forum: str | None, count: int | None = None,
           detail: Mapping[str, str | int | None] | None = None) -> None:
    """Record one act in the caller's transaction. `detail` carries filters and totals (those
    not given are left out), never names, emails, phones or ticket codes."""
    given = {key: value for key, value in (detail or {}).items() if value is not None}
    conn.execute(audit_records.insert().values(
        forum=forum, at=at, actor=actor.kind, actor_id=actor.id, action=action, object_kind=object_kind,
        object_id=object_id, count=count, detail=json.dumps(given, ensure_ascii=False, sort_keys=True) if given else None))


def page(conn: Connection, forum: str, *, limit: int, after: int = 0, action: str | None = None) -> dict:
    """The forum's records, oldest first, a page at a time (`next_after` continues)."""
    stmt = (select(audit_records).where(audit_records.c.forum == forum, audit_records.c.id > after)
            .order_by(audit_records.c.id).limit(limit + 1))
    if action:
        stmt = stmt.where(audit_records.c.action == action)
    rows = conn.execute(stmt).all()
    items = [_view(r) for r in rows[:limit]]
    return {"records": items, "next_after": items[-1]["id"] if len(rows) > limit else None}


def _view(row) -> dict:
    return {"id": row.id, "at": row.at, "actor": {"kind": row.actor, "id": row.actor_id}, "action": row.action,
            "object": {"kind": row.object_kind, "id": row.object_id}, "forum": row.forum, "count": row.count,
            "detail": json.loads(row.detail) if row.detail else None}


class AuditQuerySchema(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**63 - 1))  # the ids' column type
    action = fields.String(validate=validate.Length(max=64))


class _ActorOut(Schema):
    kind = fields.String(metadata={"enum": list(ACTOR_KINDS)})
    id = fields.String(allow_none=True)


class _ObjectOut(Schema):
    kind = fields.String()
    id = fields.String(allow_none=True)


class AuditRecordOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Nested(_ActorOut)
    action = fields.String()
    object = fields.Nested(_ObjectOut)
    forum = fields.String(allow_none=True)
    count = fields.Integer(allow_none=True)
    detail = fields.Dict(allow_none=True)


class AuditPageOut(Schema):
    records = fields.List(fields.Nested(AuditRecordOut))
    next_after = fields.Integer(allow_none=True)
