"""The organisers' ranking: per category, each application's standing from its submitted reviews
and the proposed winners by the category's number of awards (domain/ranking.py decides; ties at
the cut are shown, never broken here). Read-only: deciding and publishing come after it."""
from __future__ import annotations

import json
from collections import defaultdict
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from ..domain.ranking import propose_winners, standing
from ..tables import applications, reviews
from .programmes import criteria_of


def ranking(conn: Connection, programme: Row) -> dict:
    criteria = criteria_of(json.loads(programme.criteria))
    listed = json.loads(programme.categories)
    found = conn.execute(select(applications.c.id, applications.c.category, applications.c.title,
                                applications.c.applicant_name, applications.c.organisation,
                                applications.c.province)
                         .where(applications.c.programme_id == programme.id, applications.c.status == "submitted")
                         .order_by(applications.c.seq)).all()
    submitted: dict[str, list[dict]] = defaultdict(list)
    for application_id, scores in conn.execute(
            select(reviews.c.application_id, reviews.c.scores).join(applications)
            .where(applications.c.programme_id == programme.id, reviews.c.state == "submitted")):
        submitted[application_id].append(json.loads(scores))
    standings = [standing(a.id, a.category, submitted[a.id], criteria, needed=programme.reviews_per_application)
                 for a in found]
    proposals = propose_winners(standings, {c["code"]: c["awards"] for c in listed})
    by_id = {a.id: a for a in found}
    return {"categories": [_category(c, proposals[c["code"]], by_id) for c in listed]}


def _category(category: dict, proposal, by_id: dict) -> dict:
    return {
        "code": category["code"], "name": category["name"], "awards": proposal.quota,
        "places_to_fill": proposal.places_to_fill,  # among the tied, when a tie sits at the cut
        "applications": [{**_applicant(by_id[p.application]), "rank": p.rank, "outcome": p.outcome,
                          **_figures(p.standing)} for p in proposal.places],
        "incomplete": [_applicant(by_id[a]) for a in proposal.incomplete],  # no review submitted yet
    }


def _applicant(row: Row) -> dict:
    return {"id": row.id, "title": row.title, "applicant": row.applicant_name, "organisation": row.organisation,
            "province": row.province}


def _figures(s) -> dict:
    return {"mean": _shown(s.mean), "median": _shown(s.median), "spread": _shown(s.spread),
            "reviews_done": s.done, "reviews_needed": s.needed, "jurors_disagree": s.jurors_disagree,
            "scores": [_shown(score) for score in s.scores]}


def _shown(value: Fraction | None) -> float | None:
    """Exact inside; two decimals on 0–100 for people (the order was decided on the exact values)."""
    return None if value is None else round(float(value), 2)
