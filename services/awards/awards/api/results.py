"""The results: the organiser publishes the decision in force; anyone reads the honour roll, as
JSON or as a page, once it is published."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, jsonify, request

from forumops_shared.http import json_body
from forumops_shared.languages import in_language
from forumops_shared.pages import page_language, render_page
from forumops_shared.refusals import Refusal

from ..jury_schemas import PublishSchema
from ..services import programmes, results
from .context import ctx
from .pages import when

bp = Blueprint("results", __name__)
_publish = PublishSchema()


@bp.post("/api/v1/programmes/<slug>/publish")
def publish(slug: str):
    """Organiser, once the review has closed: publish the decision in force (`awards.results-published.v1`);
    again, with a reason, to correct it."""
    ctx().require_organiser()
    data = json_body(_publish, limit=ctx().config.json_body_limit) if request.get_data(cache=True) else {}
    with ctx().write() as conn:
        return jsonify(results.publish(conn, programmes.find(conn, slug), data, ctx().clock.now()))


@bp.get("/api/v1/programmes/<slug>/results")
def show(slug: str):
    """Anyone, once published: the winners by category, each linked to their certificate once issued."""
    with ctx().read() as conn:
        return jsonify(_honour_roll(conn, programmes.find(conn, slug)))


@bp.get("/programmes/<slug>/results")
def page(slug: str):
    """The public honour roll."""
    lang = page_language()
    with ctx().read() as conn:
        row = programmes.find(conn, slug)
        try:
            roll = _honour_roll(conn, row)
        except Refusal as refusal:
            if refusal.reason != "results_not_published":
                raise
            roll = None
    title = in_language(json.loads(row.titles), lang)
    if roll is None:
        return render_page("results.html", title=title, slug=slug, roll=None, results_at=when(row.results_at))
    categories = [{**c, "name": in_language(c["name"], lang)} for c in roll["categories"]]
    return render_page("results.html", title=title, slug=slug, roll=roll, categories=categories,
                       published=when(datetime.fromisoformat(roll["published_at"])))


def _honour_roll(conn, programme) -> dict:
    return results.honour_roll(conn, programme, ctx().clock.now(),
                               ctx().settings.urls["certificates"].rstrip("/"))
