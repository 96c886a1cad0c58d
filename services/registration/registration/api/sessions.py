"""A forum's programme of sessions, and a participant's sign-ups for them."""
from __future__ import annotations

from flask import Blueprint, jsonify

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.http import bearer_token

from ..schemas import SessionSchema, SignupSchema
from ..services import programme as programme_cases
from ..services import sessions as session_cases
from ..services import signups as signup_cases
from ..services.forums import get_forum
from .context import ctx
from .requests import authorised_registration, is_admin, json_body, organiser_change

bp = Blueprint("sessions", __name__, url_prefix="/api/v1")
_session_schema, _signup_schema = SessionSchema(), SignupSchema()


@bp.put("/forums/<slug>/sessions/<code>")
def put_session(slug: str, code: str):
    """Organiser: create or replace one session; any change publishes the forum again."""
    organiser_change()
    data = json_body(_session_schema)
    with ctx().write() as conn:
        forum = get_forum(conn, slug)
        outcome, promoted = session_cases.put_session(conn, forum, code, data)
        if outcome != "unchanged":
            audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action=f"session.{outcome}",
                         object_kind="session", object_id=code, forum=slug, count=len(promoted) or None)
        row = session_cases.find_session(conn, forum, code)
        view = programme_cases.session_view(row, forum.timezone, organiser=True)
    return jsonify({**view, "outcome": outcome, "promoted": len(promoted)}), 201 if outcome == "created" else 200


@bp.delete("/forums/<slug>/sessions/<code>")
def delete_session(slug: str, code: str):
    """Organiser: remove a session nobody signed up for."""
    organiser_change()
    with ctx().write() as conn:
        forum = get_forum(conn, slug)
        session_cases.delete_session(conn, forum, code)
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="session.deleted",
                     object_kind="session", object_id=code, forum=slug)
    return jsonify({"code": code, "status": "deleted"})


@bp.get("/forums/<slug>/sessions")
def list_sessions(slug: str):
    """Public: the programme in start order (the meetings' addresses for organisers only)."""
    organiser = is_admin(bearer_token())
    with ctx().read() as conn:
        forum = get_forum(conn, slug)
        rows = programme_cases.programme(conn, forum.id)
    return jsonify({"sessions": [programme_cases.session_view(r, forum.timezone, organiser=organiser)
                                 for r in rows]})


@bp.get("/registrations/<registration_id>/sessions")
def show_signups(registration_id: str):
    """The participant (manage token) or an organiser: their sign-ups with status and place in line."""
    with ctx().read() as conn:
        row = authorised_registration(conn, registration_id)
        rows = signup_cases.signups_of(conn, row.id)
        return jsonify(signup_cases.signups_view(conn, row.id, rows, get_forum(conn, row.forum_slug).timezone))


@bp.put("/registrations/<registration_id>/sessions")
def choose_sessions(registration_id: str):
    """The participant (manage token) or an organiser: the whole set of sessions they sign up for."""
    with ctx().write() as conn:
        row = authorised_registration(conn, registration_id)  # the caller before the body, as on every path
        data = json_body(_signup_schema)
        rows = signup_cases.choose_sessions(conn, row, data["codes"])
        return jsonify(signup_cases.signups_view(conn, row.id, rows, get_forum(conn, row.forum_slug).timezone))
