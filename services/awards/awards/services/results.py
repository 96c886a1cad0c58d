"""Publishing the results: the decision in force becomes the public honour roll and
`awards.results-published.v1`, and every applicant hears what it means for them.

A publication is a version: the first, then one per correction, each carrying the whole list
(certificates needs only the latest to revoke and issue exactly what changed). The list is kept
as published — the honour roll shows it, not a decision saved afterwards — without the contact
addresses, which travel only in the event, for the certificates' email. The event is staged in
the outbox in the same transaction as the publication, so results are published exactly when
they are recorded.

Who is told: on the first publication every applicant (winners and the others); on a correction
only those whose outcome changed. One message per application and version (keyed), written when
it goes out.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from forumops_shared.audit import ORGANISER, record
from forumops_shared.db import as_utc
from forumops_shared.events import new_event
from forumops_shared.events.registry import RESULTS_PUBLISHED
from forumops_shared.mail import request_mail
from forumops_shared.outbox import stage_event
from forumops_shared.refusals import Refusal

from ..domain.phases import require_may_publish, require_results_public
from ..tables import applications, award_certificates, decisions, publications
from .programmes import dates_of

SOURCE = "/forumops/awards"
DECISION = "decision"  # the mail kind: what the results mean for one application


def publish(conn: Connection, programme: Row, data: dict, now: datetime) -> dict:
    """Publish the decision in force (a correction when results are out already: it needs `reason`)."""
    require_may_publish(dates_of(programme), now)
    decision = conn.execute(select(decisions).where(decisions.c.programme_id == programme.id)
                            .order_by(decisions.c.version.desc()).limit(1)).first()
    if decision is None:
        raise Refusal("no_decision")
    last = latest(conn, programme)
    if last is not None and last.decision_version == decision.version:
        raise Refusal("already_published", detail={"version": last.version, "decision_version": decision.version})
    reason = data.get("reason") or None
    if last is not None and not reason:
        raise Refusal("reason_required", detail={"published_version": last.version})
    version = 1 if last is None else last.version + 1
    winners = _winners(conn, programme, json.loads(decision.winners))
    public = [{k: v for k, v in w.items() if k not in ("email", "language")} for w in winners]
    try:
        with conn.begin_nested():
            conn.execute(publications.insert().values(
                programme_id=programme.id, version=version, decision_version=decision.version,
                winners=json.dumps(public, ensure_ascii=False), correction_reason=reason if last else None,
                published_at=now))
    except IntegrityError as exc:  # another organiser published this version a moment ago
        raise Refusal("already_published", detail={"version": version}) from exc
    stage_event(conn, new_event(RESULTS_PUBLISHED, programme.slug, {
        "programme": {"slug": programme.slug, "title": json.loads(programme.titles), "forum": programme.forum},
        "version": version, "published_at": now.isoformat(), "categories": _categories(programme),
        "winners": [{k: v for k, v in w.items() if k != "title"} for w in winners], "correction_reason": reason if last else None}, source=SOURCE))
    told = _tell(conn, programme, version, winners, json.loads(last.winners) if last else None, now)
    record(conn, at=now, actor=ORGANISER, action="results.published", object_kind="programme",
           object_id=programme.slug, forum=programme.forum, count=len(winners),
           detail={"version": version, "decision_version": decision.version, "told": told})
    return {"version": version, "published_at": now.isoformat(), "decision_version": decision.version,
            "winners": len(winners), "results_url": f"/programmes/{programme.slug}/results"}


def latest(conn: Connection, programme: Row) -> Row | None:
    return conn.execute(select(publications).where(publications.c.programme_id == programme.id)
                        .order_by(publications.c.version.desc()).limit(1)).first()


def honour_roll(conn: Connection, programme: Row, now: datetime, certificates_url: str) -> dict:
    """The published results by category, each winner with their certificate's verification page
    once the certificates service has issued it. Refused until published."""
    last = latest(conn, programme)
    require_results_public(as_utc(last.published_at) if last else None, now)
    held = {r.application_id: r.serial for r in conn.execute(
        select(award_certificates.c.application_id, award_certificates.c.serial)
        .where(award_certificates.c.programme == programme.slug, award_certificates.c.revoked_at.is_(None))
        .order_by(award_certificates.c.issued_at))}
    winners = json.loads(last.winners)
    categories = []
    for category in _categories(programme):
        listed = [{**w, "certificate": ({"serial": held[w["application_id"]],
                                         "verify_url": f"{certificates_url}/verify/{held[w['application_id']]}"}
                                        if w["application_id"] in held else None)}
                  for w in winners if w["category"] == category["code"]]
        categories.append({**category, "winners": listed})
    return {"programme": {"slug": programme.slug, "title": json.loads(programme.titles), "forum": programme.forum},
            "version": last.version, "decision_version": last.decision_version,
            "published_at": as_utc(last.published_at).isoformat(),
            "corrected": last.version > 1, "categories": categories}


def _categories(programme: Row) -> list[dict]:
    return [{"code": c["code"], "name": c["name"], "awards": c["awards"]} for c in json.loads(programme.categories)]


def _winners(conn: Connection, programme: Row, chosen: dict[str, list[str]]) -> list[dict]:
    """The decision's winners as the event carries them, in the decision's order per category."""
    ids = [i for category in chosen.values() for i in category]
    rows = {r.id: r for r in conn.execute(select(applications).where(applications.c.programme_id == programme.id,
                                                                    applications.c.id.in_(ids)))}
    return [{"application_id": i, "category": code, "kind": rows[i].applicant_kind, "name": rows[i].applicant_name,
             "organisation": rows[i].organisation, "province": rows[i].province, "title": rows[i].title,
             "email": rows[i].email, "language": rows[i].language}
            for code, listed in chosen.items() for i in listed if i in rows]


def _tell(conn: Connection, programme: Row, version: int, winners: list[dict], before: list[dict] | None,
          now: datetime) -> int:
    """Queue the decision's email to each applicant whose outcome is new; how many."""
    won = {w["application_id"]: w["category"] for w in winners}
    had = {w["application_id"]: w["category"] for w in before} if before is not None else None
    rows = conn.execute(select(applications.c.id, applications.c.email)
                        .where(applications.c.programme_id == programme.id, applications.c.status == "submitted")
                        .order_by(applications.c.seq)).all()
    told = [{"key": f"{DECISION}:{r.id}:{version}", "kind": DECISION, "recipient": r.email, "forum": programme.slug,
             "subject_id": r.id, "params": {"application_id": r.id, "version": version}}
            for r in rows if had is None or had.get(r.id) != won.get(r.id)]
    request_mail(conn, told, now)
    return len(told)


def outcome(conn: Connection, programme_id: int, application_id: str, version: int) -> str | None | bool:
    """The application's category among the winners at `version`; None if it was not among them;
    False if there is no such publication."""
    row = conn.execute(select(publications.c.winners).where(publications.c.programme_id == programme_id,
                                                            publications.c.version == version)).first()
    if row is None:
        return False
    return next((w["category"] for w in json.loads(row.winners) if w["application_id"] == application_id), None)
