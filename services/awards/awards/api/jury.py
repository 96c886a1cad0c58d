"""The jury: organisers invite jurors and compute the assignment; a juror (bearer juror token)
reads their queue and gives or changes their review, or declares a conflict."""
from __future__ import annotations

from flask import Blueprint, jsonify

from forumops_shared.http import bearer_token, json_body, refuse_caller
from forumops_shared.refusals import Refusal

from ..jury_schemas import DecisionSchema, JurorSchema, ReviewSchema
from ..services import assignments, decisions, jurors, programmes, ranking, reviews
from .context import ctx

bp = Blueprint("jury", __name__, url_prefix="/api/v1")
_juror, _review, _decision = JurorSchema(), ReviewSchema(), DecisionSchema()


@bp.post("/programmes/<slug>/jurors")
def invite(slug: str):
    """Organiser: a juror, whose personal token goes by email only (audited)."""
    ctx().require_organiser()
    data = json_body(_juror, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        return jsonify(jurors.invite(conn, programmes.find(conn, slug), data, ctx().clock.now())), 201


@bp.post("/programmes/<slug>/jurors/<juror_id>/invitation")
def reinvite(slug: str, juror_id: str):
    """Organiser: a new invitation with a new token; the old token stops working (audited)."""
    ctx().require_organiser()
    with ctx().write() as conn:
        return jsonify(jurors.reinvite(conn, programmes.find(conn, slug), juror_id, ctx().clock.now())), 202


@bp.get("/programmes/<slug>/jurors")
def list_jurors(slug: str):
    """Organiser: the jurors with their categories and loads."""
    ctx().require_organiser()
    with ctx().read() as conn:
        return jsonify(jurors.listing(conn, programmes.find(conn, slug)))


@bp.post("/programmes/<slug>/assignments")
def compute(slug: str):
    """Organiser, once applications have closed and until the review closes: compute or recompute."""
    ctx().require_organiser()
    with ctx().write() as conn:
        return jsonify(assignments.compute(conn, programmes.find(conn, slug), ctx().clock.now()))


@bp.get("/programmes/<slug>/assignments")
def show_assignment(slug: str):
    """Organiser: the assignment as stored, with each juror's load."""
    ctx().require_organiser()
    with ctx().read() as conn:
        return jsonify(assignments.view(conn, programmes.find(conn, slug)))


@bp.get("/programmes/<slug>/ranking")
def show_ranking(slug: str):
    """Organiser: per category, each application's weighted mean and median, reviews done of
    those needed, whether its jurors disagree widely, and the proposed winners (ties at the cut
    marked `tied`, for the organiser to decide)."""
    ctx().require_organiser()
    with ctx().read() as conn:
        return jsonify(ranking.ranking(conn, programmes.find(conn, slug)))


@bp.put("/programmes/<slug>/decisions")
def decide(slug: str):
    """Organiser, once the review has closed: the winners per category; a departure from the
    proposal needs a reason (every version kept, audited)."""
    ctx().require_organiser()
    data = json_body(_decision, limit=ctx().config.json_body_limit)
    with ctx().write() as conn:
        return jsonify(decisions.decide(conn, programmes.find(conn, slug), data, ctx().clock.now()))


@bp.get("/programmes/<slug>/decisions")
def show_decisions(slug: str):
    """Organiser: the decision in force and every version before it."""
    ctx().require_organiser()
    with ctx().read() as conn:
        return jsonify(decisions.show(conn, programmes.find(conn, slug)))


def current_juror(conn):
    """The caller's juror record, or 401/403 by the one rule."""
    token = bearer_token()
    juror = jurors.by_token(conn, token)
    if juror is None:
        refuse_caller(token, ctx().recognises)
    return juror


def assigned_review(conn, juror, application_id: str):
    """The juror's review of the application; 403 if it is not theirs to review."""
    review = reviews.review_of(conn, juror.id, application_id)
    if review is None:
        raise Refusal("forbidden")
    return review


@bp.get("/jurors/me/assignments")
def queue():
    """A juror: their queue, each application (blind if the programme is) with their review."""
    with ctx().read() as conn:
        juror = current_juror(conn)
        return jsonify(reviews.queue(conn, juror, jurors.programme_of(conn, juror)))


@bp.get("/applications/<application_id>/reviews/me")
def my_review(application_id: str):
    """A juror: their review of an application assigned to them."""
    with ctx().read() as conn:
        juror = current_juror(conn)
        assigned_review(conn, juror, application_id)
        return jsonify(reviews.mine(conn, juror, application_id))


@bp.put("/applications/<application_id>/reviews/me")
def review(application_id: str):
    """A juror, while the review is open: `{scores, comment?}` (changeable until it closes), or
    `{conflict: true, reason}`, which hands the review to another juror at once."""
    with ctx().write() as conn:
        juror = current_juror(conn)  # the caller before the body
        found = assigned_review(conn, juror, application_id)
        data = json_body(_review, limit=ctx().config.json_body_limit)
        programme = jurors.programme_of(conn, juror)
        if data["conflict"]:
            return jsonify(reviews.declare_conflict(conn, juror, programme, found, data["reason"], ctx().clock.now()))
        return jsonify(reviews.submit(conn, juror, programme, found, data, ctx().clock.now()))
