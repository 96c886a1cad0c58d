""""Your certificate is ready": queued with the issuance, written when it goes out (forumops_shared.mail).

The request holds the certificate's serial and the address; the sender writes the message from
the certificate as it is then, in its language, with the PDF the API serves for it and its
verification link. A certificate revoked meanwhile (an erasure revokes too) is not sent.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Connection

from forumops_shared.config import ServiceSettings
from forumops_shared.db import write_transaction
from forumops_shared.mail import Attachment, Mail

from ..config import certificates_config
from ..domain.wording import day_in, lines_of
from ..printing.sheet import render as draw
from . import documents, pdfs

KIND = "certificate"
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {"vi": "Giấy chứng nhận của quý vị: {title}", "en": "Your certificate: {title}"}
FILE_NAMES = {"vi": "giay-chung-nhan-{serial}.pdf", "en": "certificate-{serial}.pdf"}


def certificate_requests(serial: str, email: str | None, forum: str, subject_id: str) -> list[dict]:
    """The message for a certificate just issued, for forumops_shared.mail.request_mail: none
    without an address. Keyed by the serial: an issuance seen twice sends one, a new certificate
    (revoked, then issued again) its own."""
    if not email:
        return []
    return [{"key": f"{KIND}:{serial}", "kind": KIND, "recipient": email, "forum": forum,
             "subject_id": subject_id, "params": {"serial": serial, "email": email}}]


def render(conn: Connection, kind: str, params: dict, settings: ServiceSettings) -> Mail | None:
    """The message for `params`; None once the certificate is revoked or its holder erased."""
    row = documents.of_serial(conn, params["serial"])
    if row is None or row.revoked_at is not None or not row.recipient_name:
        return None
    printed = pdfs.certificate(row, certificates_config(settings).public_url)
    lang, words = printed.language, lines_of(printed)
    values = {"lang": lang, "name": printed.recipient_name, "title": printed.forum_title, "kind": printed.kind,
              "category": printed.category, "deed": words.deed, "serial": printed.serial,
              "issued_on": day_in(lang, printed.issued_on), "verify_url": printed.verify_url}
    return Mail(to=params["email"], to_name=printed.recipient_name,
                subject=SUBJECTS[lang].format(title=printed.forum_title),
                text=_TEMPLATES.get_template("certificate.txt").render(values),
                html=_TEMPLATES.get_template("certificate.html").render(values),
                attachments=(Attachment(FILE_NAMES[lang].format(serial=printed.serial), "application/pdf",
                                        _pdf(conn, printed)),))


def _pdf(conn: Connection, printed) -> bytes:
    """The PDF the API serves: the one kept for what is printed, else drawn now and kept, so
    that the holder's later download is this very file."""
    wanted = pdfs.digest(printed)
    pdf = pdfs.kept(conn, printed.serial, wanted)
    if pdf is None:
        pdf = draw(printed)
        # The sender reads on a read-only connection; keeping is a write of its own.
        with write_transaction(conn.engine.execution_options(sqlite_readonly=False)) as writing:
            pdfs.keep(writing, printed.serial, wanted, pdf)
    return pdf
