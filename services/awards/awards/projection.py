"""Events of other services awards keeps a copy of: the award certificates issued for its
programmes' results, so the honour roll links each winner to their certificate's verification
page. Each handler runs inside the consumer's transaction, once per event id."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.engine import Connection

from forumops_shared.db import insert_ignore
from forumops_shared.events import Event
from forumops_shared.events import registry as types
from forumops_shared.handlers import wants

from .tables import award_certificates


def _for_an_application(event: Event) -> bool:
    """Not a forum's attendance certificate, nor an award typed in by hand."""
    d = event.data
    return d["kind"] == "award" and bool(d.get("programme")) and bool(d.get("application_id"))


@wants(_for_an_application)
def certificate_issued(conn: Connection, event: Event) -> None:
    d = event.data
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
