"""Forums and their connection points."""
from __future__ import annotations

from flask import Blueprint, jsonify

from forumops_shared import audit
from forumops_shared.audit import ORGANISER
from forumops_shared.http import bearer_token

from ..schemas import ForumChangeSchema, ForumSchema, PointSchema
from ..services import forums as forum_cases
from ..services import points as point_cases
from .context import ctx
from .requests import csv_body, is_admin, json_body, organiser_change

bp = Blueprint("forums", __name__, url_prefix="/api/v1/forums")
_forum_schema, _change_schema, _point_schema = ForumSchema(), ForumChangeSchema(), PointSchema()


def _answer(view: dict, *, organiser: bool) -> dict:
    """The forum as its caller may read it. Everyone learns whether there is an online meeting;
    only organisers where it is: participants get its address through check-in's join path
    (`/join/{slug}`), which checks their manage token and records that they came."""
    answer = {**view, "online": bool(view["online_url"])}
    if not organiser:
        del answer["online_url"]
    return answer


@bp.post("")
def create_forum():
    """Organiser: create and publish a forum."""
    organiser_change()
    data = json_body(_forum_schema)
    with ctx().write() as conn:
        forum = forum_cases.create_forum(conn, data)
        return jsonify(_answer(forum_cases.forum_view(conn, forum), organiser=True)), 201


@bp.get("/<slug>")
def show_forum(slug: str):
    """Public: the forum with its connection points (the meeting's address for organisers only)."""
    organiser = is_admin(bearer_token())
    with ctx().read() as conn:
        view = forum_cases.forum_view(conn, forum_cases.get_forum(conn, slug))
    return jsonify(_answer(view, organiser=organiser))


@bp.patch("/<slug>")
def change_forum(slug: str):
    """Organiser: change some of a forum's fields; the new state is published."""
    organiser_change()
    data = json_body(_change_schema, partial=True)
    with ctx().write() as conn:
        forum = forum_cases.change_forum(conn, slug, data)
        return jsonify(_answer(forum_cases.forum_view(conn, forum), organiser=True))


@bp.put("/<slug>/points/<code>")
def put_point(slug: str, code: str):
    """Organiser: create or change one connection point."""
    organiser_change()
    data = json_body(_point_schema)
    with ctx().write() as conn:
        forum = forum_cases.get_forum(conn, slug)
        change = point_cases.put_point(conn, forum, code, data)
        point = next(p for p in point_cases.list_points(conn, forum) if p["code"] == code)
    return jsonify({**point, "outcome": change.outcome, "promoted": change.promoted}), \
        201 if change.outcome == "created" else 200


@bp.post("/<slug>/points/import")
def import_points(slug: str):
    """Organiser: a CSV of `code,name,province,capacity`; answers one report line per row."""
    organiser_change()
    text = csv_body()
    with ctx().write() as conn:
        forum = forum_cases.get_forum(conn, slug)
        rows = point_cases.import_points(conn, forum, text)
        totals = {outcome: sum(r["outcome"] == outcome for r in rows)
                  for outcome in ("created", "updated", "unchanged", "refused")}
        audit.record(conn, at=ctx().clock.now(), actor=ORGANISER, action="points.imported", object_kind="forum",
                     object_id=slug, forum=slug, count=len(rows), detail=totals)
    return jsonify({**totals, "rows": rows})


@bp.get("/<slug>/points")
def list_points(slug: str):
    """Public: points with capacity, confirmed and waitlisted counts."""
    with ctx().read() as conn:
        forum = forum_cases.get_forum(conn, slug)
        return jsonify({"points": point_cases.list_points(conn, forum)})
