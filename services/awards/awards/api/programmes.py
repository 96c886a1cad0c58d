"""Programmes: organisers create and change them; anyone reads one (without organiser-only fields)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from forumops_shared.http import bearer_token, json_body
from forumops_shared.tokens import tokens_equal

from ..schemas import ProgrammeChangeSchema, ProgrammeSchema
from ..services import programmes
from .context import ctx

bp = Blueprint("programmes", __name__, url_prefix="/api/v1")
_new, _change = ProgrammeSchema(), ProgrammeChangeSchema()


def is_organiser() -> bool:
    return tokens_equal(bearer_token(), ctx().organiser_token)


@bp.post("/programmes")
def create():
    """Organiser: a programme with its timetable, categories and criteria."""
    ctx().require_organiser()
    data = json_body(_new, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        return jsonify(programmes.create(conn, data, ctx().clock.now())), 201


@bp.get("/programmes/<slug>")
def show(slug: str):
    """Anyone: the programme; organisers also see how many reviews each application needs and the counts."""
    with ctx().read() as conn:
        row = programmes.find(conn, slug)
        return jsonify(programmes.view(conn, row, ctx().clock.now(), organiser=is_organiser()))


@bp.patch("/programmes/<slug>")
def change(slug: str):
    """Organiser: change any field but the slug (audited; see services/programmes.py for what is refused)."""
    ctx().require_organiser()
    data = json_body(_change, limit=ctx().config.json_body_limit, partial=tuple(_change.fields))  # nested texts stay whole
    with ctx().write() as conn:
        return jsonify(programmes.change(conn, slug, data, ctx().clock.now()))
