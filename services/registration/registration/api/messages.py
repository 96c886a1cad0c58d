"""What people hear by email: a lost link sent again (public), announcements (organisers)."""
from __future__ import annotations

import hashlib

from flask import Blueprint, jsonify

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.normalise import email_key
from forumops_shared.refusals import Refusal

from ..schemas import AnnouncementSchema, RecipientsSchema, RecoverSchema
from ..services import announcements as cases, lifecycle
from ..services.forums import get_forum
from .context import ctx
from .requests import json_body, require_admin

bp = Blueprint("messages", __name__, url_prefix="/api/v1/forums")
_recover_schema, _announcement_schema, _recipients_schema = RecoverSchema(), AnnouncementSchema(), RecipientsSchema()

# The same answer whether or not the address has a registration here: the request tells no one
# who registered. The limits count requests, not registrations, for the same reason.
SENT_IF_REGISTERED = {"status": "sent_if_registered"}


@bp.post("/<slug>/registrations/recover")
def recover(slug: str):
    """Public: a lost link. If `email` has an active registration at the forum, a new link goes
    to it and the old one stops working."""
    by_address, by_client = ctx().recover_limits
    by_client.check()
    data = json_body(_recover_schema)
    by_address.check(hashlib.sha256(f"{slug}\n{email_key(data['email'])}".encode()).hexdigest())
    with ctx().write() as conn:
        lifecycle.send_new_link(conn, get_forum(conn, slug), data["email"])
    return jsonify(SENT_IF_REGISTERED), 202


@bp.post("/<slug>/announcements")
def announce(slug: str):
    """Organiser: a message (subject and body per language) to the registrations `recipients`
    picks; answers at once (202) with how many will receive it, its progress read after."""
    require_admin()
    data = json_body(_announcement_schema)
    with ctx().write() as conn:
        forum = get_forum(conn, slug)
        missing = set(forum.languages.split(",")) - set(data["subject"])
        if missing:
            raise Refusal("translation_missing", detail={"languages": sorted(missing)})
        view = cases.announce(conn, forum, data, ctx().clock.now())
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="announcement.sent",
                     object_kind="announcement", object_id=view["id"], forum=slug, count=view["recipients"])
    return jsonify(view), 202


@bp.post("/<slug>/announcements/recipients")
def recipients(slug: str):
    """Organiser: how many an announcement to these recipients would reach, before writing it."""
    require_admin()
    data = json_body(_recipients_schema)
    with ctx().read() as conn:
        return jsonify({"recipients": cases.count_audience(conn, get_forum(conn, slug), data)})


@bp.get("/<slug>/announcements")
def announcements(slug: str):
    """Organiser: the forum's announcements, newest first, each with its progress."""
    require_admin()
    with ctx().read() as conn:
        return jsonify({"items": cases.listing(conn, get_forum(conn, slug))})


@bp.get("/<slug>/announcements/<announcement_id>")
def announcement(slug: str, announcement_id: str):
    """Organiser: one announcement and how far it has gone (queued, sent, failed)."""
    require_admin()
    with ctx().read() as conn:
        return jsonify(cases.show(conn, get_forum(conn, slug), announcement_id))
