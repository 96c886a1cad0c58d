"""The organisers' view of a service's mail: a forum's messages by status, the failed ones first
among them (a 5xx answer, or a day of temporary failures).

Every service that sends mail (Service.mail) answers `GET /api/v1/forums/{slug}/mail?status=…`
from its own outbox."""
from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from .db import as_utc
from .http import query_args
from .mail import forum_mail
from .openapi import Route

STATUSES = ("failed", "queued", "sent", "dropped")


class MailQuerySchema(Schema):
    class Meta:
        unknown = "raise"

    status = fields.String(load_default="failed", validate=validate.OneOf(STATUSES))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


class MailOut(Schema):
    kind = fields.String()  # "confirmation", "certificate", ...
    recipient = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    reason = fields.String(allow_none=True)  # the relay's last answer ("550 5.1.1 no such mailbox")
    queued_at = fields.String()
    sent_at = fields.String(allow_none=True)


class MailListOut(Schema):
    items = fields.List(fields.Nested(MailOut))


MAIL_ROUTE = Route("/api/v1/forums/{slug}/mail", "get",
                   "The forum's messages by status, newest first (failed: those that will not arrive, and why)",
                   "admin", answer=MailListOut, query=MailQuerySchema)
_query = MailQuerySchema()


def mail_blueprint(context_of) -> Blueprint:
    bp = Blueprint("mail", __name__, url_prefix="/api/v1/forums")

    @bp.get("/<slug>/mail")
    def forum_messages(slug: str):
        """Organiser: the forum's messages in one status (failed unless asked), newest first."""
        built = context_of()
        built.require_organiser()
        wanted = query_args(_query)
        with built.read() as conn:
            items = [{"kind": row.kind, "recipient": row.recipient, "status": row.status, "attempts": row.attempts,
                      "reason": row.last_error, "queued_at": as_utc(row.created_at).isoformat(),
                      "sent_at": as_utc(row.sent_at).isoformat() if row.sent_at else None}
                     for row in forum_mail(conn, slug, wanted["status"], wanted["limit"])]
        return jsonify({"items": items})

    return bp
