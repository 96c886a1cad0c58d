"""What a certificate says, signed so that anyone can check it without trusting the page showing it."""
from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, readonly
from forumops_shared.refusals import Refusal
from forumops_shared.tickets import SigningKey, b64

from ..domain.rules import NOT_EARNED
from ..domain.wording import forum_day
from ..tables import certificates, forums, programmes, registrations
from . import subjects

_successor = certificates.alias("successor")
# A programme's certificate prints the programme's title; every other, its forum's. A certificate
# re-issued because its hours changed names the one that replaced it.
_DOCUMENT = (select(certificates, func.coalesce(programmes.c.titles, forums.c.titles).label("titles"),
                    forums.c.timezone, forums.c.starts_at, forums.c.ends_at,
                    _successor.c.serial.label("replaced_by"))
             .outerjoin(forums, forums.c.slug == certificates.c.forum)
             .outerjoin(programmes, programmes.c.slug == certificates.c.programme)
             .outerjoin(_successor, _successor.c.replaces == certificates.c.serial))


def canonical(document: dict) -> bytes:
    """The bytes the signature covers: keys sorted, no spaces, UTF-8 (names stay as written)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def document(row: Row) -> dict:
    return {"serial": row.serial, "status": "revoked" if row.revoked_at else "valid", "kind": row.kind,
            "forum": row.forum, "programme": row.programme, "forum_title": json.loads(row.titles) if row.titles else {},
            "category": json.loads(row.category) if row.category else None, "recipient_kind": row.recipient_kind,
            "recipient_name": row.recipient_name, "organisation": row.organisation, "mode": row.mode,
            "language": row.language, "issued_at": as_utc(row.issued_at).isoformat(),
            "revoked_at": as_utc(row.revoked_at).isoformat() if row.revoked_at else None,
            "revoke_reason": row.revoke_reason,
            # The day as the forum counts it, the one the page and the PDF show (issued_at is UTC).
            "issued_on": forum_day(as_utc(row.issued_at), row.timezone).isoformat(),
            "revoked_on": forum_day(as_utc(row.revoked_at), row.timezone).isoformat() if row.revoked_at else None,
            # What an attendance certificate under the hours rule states (none under the simple rule).
            "sessions": json.loads(row.sessions) if row.sessions else [], "hours": _number(row.hours),
            "replaces": row.replaces, "replaced_by": row.replaced_by}


def _number(hours: str | None) -> int | float | None:
    """7.5 as 7.5, 8 as 8: the figure printed, as JSON writes it in every language."""
    if hours is None:
        return None
    figure = Decimal(hours)
    return int(figure) if figure == figure.to_integral_value() else float(figure)


def find(conn: Connection, serial: str) -> Row:
    row = conn.execute(_DOCUMENT.where(certificates.c.serial == serial.strip().upper())).first()
    if row is None:
        raise Refusal("certificate_not_found")
    return row


def signed(row: Row, key: SigningKey) -> dict:
    doc = document(row)
    return {"certificate": doc, "signature": {"alg": "Ed25519", "kid": key.kid,
                                              "value": b64(key.private.sign(canonical(doc)))}}


def of_serial(conn: Connection, serial: str) -> Row | None:
    return conn.execute(_DOCUMENT.where(certificates.c.serial == serial)).first()


def of_registration(conn: Connection, registration_id: str) -> Row | None:
    """The registration's valid certificate, else the last one issued (revoked)."""
    return conn.execute(_DOCUMENT.where(certificates.c.registration_id == registration_id)
                        .order_by(certificates.c.revoked_at.isnot(None), certificates.c.issued_at.desc())).first()


def not_earned(conn: Connection, registration_id: str) -> Refusal:
    """certificate_not_found for a registration holding none, saying why as the rule does
    (rules.NOT_EARNED): the reason in `detail`, with the required sessions missed and the hours
    counted so far, so that the participant sees what is missing."""
    subject = subjects.subject(conn, registration_id)
    decision = subject.decision if subject else None
    reason = decision.reason if decision else "person_unknown"
    if reason is None:
        return Refusal("certificate_not_found")  # earned: being issued, or revoked and not issued again
    detail = {"not_earned": reason}
    if decision and decision.missed:
        detail["missed"] = list(decision.missed)
    if decision and subject.rule and subject.rule.counts_hours:
        detail["hours"] = _number(None if decision.hours is None else str(decision.hours)) or 0
    return Refusal("certificate_not_found", message=NOT_EARNED[reason], detail=detail)


def holder_hash(conn: Connection, registration_id: str) -> str | None:
    return conn.execute(select(registrations.c.manage_token_hash)
                        .where(registrations.c.id == registration_id)).scalar()


def page(conn: Connection, forum: str, *, limit: int, after: str | None, **filters) -> dict:
    stmt = _listing(forum, **filters).order_by(certificates.c.serial).limit(limit + 1)
    if after:
        stmt = stmt.where(certificates.c.serial > after)
    rows = conn.execute(stmt).all()
    # Organisers see which registration or award each is, as the CSV export shows (the public,
    # signed document names neither).
    listed = [{**document(r), "registration_id": r.registration_id, "award_id": r.award_id} for r in rows[:limit]]
    return {"certificates": listed, "next_after": listed[-1]["serial"] if len(rows) > limit else None}


def count(conn: Connection, forum: str, **filters) -> int:
    """How many certificates of the forum pass the filters (an export's size, for its audit record)."""
    return conn.execute(select(func.count()).select_from(_listing(forum, **filters).subquery())).scalar_one()


def _listing(forum: str, *, status: str | None = None, kind: str | None = None, mode: str | None = None,
             programme: str | None = None):
    stmt = _DOCUMENT.where(certificates.c.forum == forum)
    if programme:
        stmt = stmt.where(certificates.c.programme == programme)
    if status:
        stmt = stmt.where(certificates.c.revoked_at.is_(None) if status == "valid" else certificates.c.revoked_at.isnot(None))
    if kind:
        stmt = stmt.where(certificates.c.kind == kind)
    if mode:
        stmt = stmt.where(certificates.c.mode == mode)
    return stmt


EXPORT_COLUMNS = ("serial", "status", "kind", "category", "recipient_kind", "recipient_name", "organisation",
                  "mode", "language", "registration_id", "award_id", "issued_at", "revoked_at", "revoke_reason",
                  "verify_url", "hours", "replaces")


def export_rows(engine, forum: str, public_url: str, **filters):
    """Every certificate of the forum as export rows, read a thousand at a time."""
    after = ""
    while True:
        with readonly(engine).connect() as conn:
            batch = conn.execute(_listing(forum, **filters).where(certificates.c.serial > after)
                                 .order_by(certificates.c.serial).limit(1000)).all()
        if not batch:
            return
        for row in batch:
            doc = document(row)
            yield [doc["serial"], doc["status"], doc["kind"], (doc["category"] or {}).get("vi"), doc["recipient_kind"],
                   doc["recipient_name"], doc["organisation"], doc["mode"], doc["language"], row.registration_id,
                   row.award_id, doc["issued_at"], doc["revoked_at"], doc["revoke_reason"],
                   f"{public_url}/verify/{doc['serial']}", row.hours, doc["replaces"]]
        after = batch[-1].serial
