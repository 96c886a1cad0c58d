"""A certificate's PDF: rendered on first download, kept until anything printed on it changes."""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Row

from forumops_shared.db import as_utc, upsert
from forumops_shared.events.schemas import LANGUAGES

from ..domain.wording import Certificate, forum_day
from ..tables import certificate_pdfs, certificates

# Part of every digest: bump it when the drawing changes and every kept PDF is drawn again.
TEMPLATE_VERSION = "3"


def certificate(row: Row, public_url: str) -> Certificate:
    """What the PDF of a certificate row (documents' select, with its forum) prints."""
    language = row.language if row.language in LANGUAGES else "vi"
    titles = json.loads(row.titles) if row.titles else {}
    category = json.loads(row.category) if row.category else {}
    zone = ZoneInfo(row.timezone) if row.timezone else timezone.utc
    issued = as_utc(row.issued_at).astimezone(zone)
    return Certificate(
        serial=row.serial, kind=row.kind, language=language,
        forum_title=titles.get(language) or titles.get("vi") or row.forum,
        recipient_name=row.recipient_name or "", organisation=row.organisation, mode=row.mode,
        category=category.get(language) or category.get("vi"),
        starts_on=as_utc(row.starts_at).astimezone(zone) if row.starts_at else issued,
        ends_on=as_utc(row.ends_at).astimezone(zone) if row.ends_at else issued,
        issued_on=forum_day(as_utc(row.issued_at), row.timezone), verify_url=f"{public_url}/verify/{row.serial}",
        sessions=tuple(s["title"].get(language) or s["title"].get("vi") or s["code"]
                       for s in json.loads(row.sessions or "[]")),
        hours=Decimal(row.hours) if row.hours is not None else None)


def digest(cert: Certificate) -> str:
    """Names everything printed: a PDF kept under another digest is out of date."""
    printed = json.dumps([TEMPLATE_VERSION, dataclasses.asdict(cert)], default=str, ensure_ascii=False)
    return hashlib.sha256(printed.encode()).hexdigest()


def kept(conn: Connection, serial: str, wanted: str) -> bytes | None:
    return conn.execute(select(certificate_pdfs.c.pdf)
                        .where(certificate_pdfs.c.serial == serial, certificate_pdfs.c.digest == wanted)).scalar()


def keep(conn: Connection, serial: str, wanted: str, pdf: bytes) -> None:
    """Keep a rendering, unless the certificate was revoked meanwhile: revocation (and erasure)
    delete kept PDFs, and one stored after them would outlive the name it prints. The row lock
    orders this after a revocation in flight (SQLite's writes are serial anyway)."""
    revoked = conn.execute(select(certificates.c.revoked_at).where(certificates.c.serial == serial)
                           .with_for_update()).first()
    if revoked is None or revoked.revoked_at is not None:
        return
    upsert(conn, certificate_pdfs, {"serial": serial, "digest": wanted, "pdf": pdf,
                                    "rendered_at": datetime.now(timezone.utc)})


def forget(conn: Connection, serial: str) -> None:
    conn.execute(delete(certificate_pdfs).where(certificate_pdfs.c.serial == serial))
