"""The organisers' view of a service's mail: the messages of a forum that will not arrive.

Every service that sends mail (Service.mail) answers `GET /api/v1/forums/{slug}/mail/failed`
with what its own outbox refused for good: a 5xx answer, or a day of temporary failures."""
from __future__ import annotations

from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from .db import as_utc
from .mail import failed_mail
from .openapi import Route


class FailedMailOut(Schema):
    kind = fields.String()  # "confirmation", "certificate", ...
    recipient = fields.String()
    attempts = fields.Integer()
    reason = fields.String()  # the relay's answer ("550 5.1.1 no such mailbox")
    queued_at = fields.String()


class FailedMailListOut(Schema):
    items = fields.List(fields.Nested(FailedMailOut))


FAILED_MAIL_ROUTE = Route("/api/v1/forums/{slug}/mail/failed", "get",
                          "The forum's messages that will not arrive, and why", "admin", answer=FailedMailListOut)


def failed_mail_blueprint(context_of) -> Blueprint:
    bp = Blueprint("mail", __name__, url_prefix="/api/v1/forums")

    @bp.get("/<slug>/mail/failed")
    def failed(slug: str):
        """Organiser: each message of the forum that will not arrive: its kind, to whom, why."""
        built = context_of()
        built.require_organiser()
        with built.read() as conn:
            items = [{"kind": row.kind, "recipient": row.recipient, "attempts": row.attempts,
                      "reason": row.last_error, "queued_at": as_utc(row.created_at).isoformat()}
                     for row in failed_mail(conn, slug)]
        return jsonify({"items": items})

    return bp
