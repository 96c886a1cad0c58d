"""The organiser's decision: the winners per category, from the ranking's proposal or against it.

Each decision is a whole list, stored as a new version; the versions before it stay as the
record of every change. A decision that departs from the proposal — a winner the ranking did not
propose, or a proposed one left out — needs a reason; choosing among applications tied at the
cut is what the proposal leaves to the organiser and needs none. The audit record names the
version and counts; the reason, free text that may name people, stays in the decision.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.audit import ORGANISER, record
from forumops_shared.db import as_utc
from forumops_shared.refusals import Refusal

from ..domain.phases import require_may_publish
from ..tables import decisions
from .programmes import dates_of
from .ranking import ranking


def decide(conn: Connection, programme: Row, data: dict, now: datetime) -> dict:
    """Store `data["winners"]` ({category: [application ids]}) as the programme's decision."""
    require_may_publish(dates_of(programme), now)  # once the review has closed
    proposal = {c["code"]: c for c in ranking(conn, programme)["categories"]}
    winners = {code: list(dict.fromkeys(ids)) for code, ids in data["winners"].items()}
    errors = {}
    for code, ids in winners.items():
        category = proposal.get(code)
        if category is None:
            errors[code] = ["Not a category of the programme."]
            continue
        ranked = {a["id"]: a["outcome"] for a in category["applications"]}
        unknown = [i for i in ids if i not in ranked]
        if unknown:
            errors[code] = [f"Not a scored application of this category: {', '.join(unknown)}."]
        elif len(ids) > category["awards"]:
            errors[code] = [f"At most {category['awards']} winners."]
    if errors:
        raise Refusal("validation_failed", {"winners": errors})
    departures = {}
    for code, category in proposal.items():
        chosen = set(winners.get(code, []))
        proposed = {a["id"] for a in category["applications"] if a["outcome"] == "proposed"}
        added = sorted(i for i in chosen if i not in proposed and _outcome(category, i) == "not_proposed")
        left_out = sorted(proposed - chosen)
        if added or left_out:
            departures[code] = {"added": added, "left_out": left_out}
    if departures and not data.get("reason"):
        raise Refusal("reason_required", detail={"departures": departures})
    version = 1 + (conn.execute(select(func.max(decisions.c.version))
                                .where(decisions.c.programme_id == programme.id)).scalar() or 0)
    conn.execute(decisions.insert().values(
        programme_id=programme.id, version=version, winners=json.dumps(winners), departures=json.dumps(departures),
        reason=data.get("reason"), decided_at=now))
    record(conn, at=now, actor=ORGANISER, action="decisions.changed", object_kind="programme",
           object_id=programme.slug, forum=programme.forum, count=sum(map(len, winners.values())),
           detail={"version": version, "departures": sum(len(d["added"]) + len(d["left_out"])
                                                          for d in departures.values())})
    return show(conn, programme)


def show(conn: Connection, programme: Row) -> dict:
    """The decision in force and every version before it, newest first."""
    rows = conn.execute(select(decisions).where(decisions.c.programme_id == programme.id)
                        .order_by(decisions.c.version.desc())).all()
    versions = [{"version": r.version, "winners": json.loads(r.winners), "departures": json.loads(r.departures),
                 "reason": r.reason, "decided_at": as_utc(r.decided_at).isoformat()} for r in rows]
    return {"current": versions[0] if versions else None, "history": versions}


def _outcome(category: dict, application_id: str) -> str | None:
    return next((a["outcome"] for a in category["applications"] if a["id"] == application_id), None)
