"""Events of other services awards keeps a copy of: the award certificates issued for its
programmes' results, so the honour roll links each winner to their certificate's verification
page. Each handler runs inside the consumer's transaction, once per event id."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Connection

from forumops_shared.db import insert_ignore
from forumops_shared.events import Event
from forumops_shared.events import registry as types

from .tables import award_certificates


def certificate_issued(conn: Connection, event: Event) -> None:
    d = event.data
    if d["kind"] != "award" or not d.get("programme") or not d.get("application_id"):
        return  # a forum's attendance certificate, or an award typed in by hand
    insert_ignore(conn, award_certificates, {"serial": d["serial"], "programme": d["programme"],
                                             "application_id": d["application_id"], "issued_at": d["issued_at"]})


def certificate_revoked(conn: Connection, event: Event) -> None:
    """Only ours are found; the others' revocations change nothing here."""
    conn.execute(update(award_certificates).where(award_certificates.c.serial == event.data["serial"],
                                                  award_certificates.c.revoked_at.is_(None))
                 .values(revoked_at=event.data["revoked_at"]))


HANDLERS = {
    types.CERTIFICATE_ISSUED: certificate_issued,
    types.CERTIFICATE_REVOKED: certificate_revoked,
}
