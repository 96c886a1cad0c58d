"""The example API: organisers post notices for a forum; anyone reads those that show."""
from __future__ import annotations

from flask import Blueprint, jsonify

from forumops_shared.http import json_body, require_token

from ..schemas import NoticeSchema
from ..services import notices
from .context import ctx

bp = Blueprint("example", __name__, url_prefix="/api/v1")
_notice = NoticeSchema()


@bp.post("/forums/<slug>/notices")
def post_notice(slug: str):
    """Organiser: a notice for the forum, shown from `visible_from` (at once without it)."""
    require_token(ctx().config.admin_token)
    data = json_body(_notice, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        return jsonify(notices.post(conn, slug, data["text"], data["visible_from"], ctx().clock.now())), 201


@bp.get("/forums/<slug>/notices")
def list_notices(slug: str):
    """Public: the forum's notices that show now."""
    with ctx().read() as conn:
        return jsonify({"notices": notices.showing(conn, slug, ctx().clock.now())})


@bp.get("/notices/<int:notice_id>")
def show_notice(notice_id: int):
    """Public: one notice, once it shows."""
    with ctx().read() as conn:
        return jsonify(notices.one(conn, notice_id, ctx().clock.now()))
