""""We have your application": queued with the application, written when it goes out (forumops_shared.mail).

The request holds the application's id, the address and the manage token (the link back in: it
never travels through Kafka, and the outbox drops it once sent). The message is written from the
application as it is then, in its language; one withdrawn meanwhile gets none.
"""
from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.config import ServiceSettings
from forumops_shared.mail import Mail
from forumops_shared.tokens import hash_token

from ..tables import applications, attachments, programmes

RECEIPT = "receipt"
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {"vi": "Đã nhận hồ sơ: {title}", "en": "Application received: {title}"}


def receipt_requests(application_id: str, email: str, programme: str, token: str) -> list[dict]:
    """The receipt of an application just submitted, for forumops_shared.mail.request_mail; filed
    under the programme's slug (organisers list it at GET /api/v1/forums/{programme}/mail)."""
    return [{"key": f"{RECEIPT}:{application_id}", "kind": RECEIPT, "recipient": email, "forum": programme,
             "subject_id": application_id, "params": {"application_id": application_id, "token": token}}]


def render(conn: Connection, kind: str, params: dict, settings: ServiceSettings) -> Mail | None:
    """The message for `params`; None once the application is withdrawn. The jury's messages are
    jury_mail's, the decision's decision_mail's."""
    from . import decision_mail, jury_mail  # jury_mail uses `when` from here
    from .results import DECISION

    if kind in jury_mail.KINDS:
        return jury_mail.render(conn, kind, params, settings)
    if kind == DECISION:
        return decision_mail.render(conn, params, settings)
    row = conn.execute(select(applications).where(applications.c.id == params["application_id"])).first()
    if row is None or row.status == "withdrawn":
        return None
    programme = conn.execute(select(programmes).where(programmes.c.id == row.programme_id)).one()
    lang = row.language if row.language in SUBJECTS else "vi"
    titles, categories = json.loads(programme.titles), {c["code"]: c for c in json.loads(programme.categories)}
    token = params.get("token")
    link = (f"{settings.urls['awards']}/applications/{row.id}#token={token}"
            if token and hash_token(token) == row.manage_token_hash else None)
    files = conn.execute(select(attachments.c.file_name, attachments.c.size)
                         .where(attachments.c.application_id == row.id).order_by(attachments.c.seq)).all()
    category = categories.get(row.category, {}).get("name", {}).get(lang, row.category)
    values = {"lang": lang, "name": row.applicant_name, "programme": titles.get(lang) or titles.get("vi"),
              "category": category, "title": row.title, "reference": row.id, "files": files, "link": link,
              "close_at": when(programme.applications_close_at)}
    return Mail(to=row.email, to_name=row.applicant_name, subject=SUBJECTS[lang].format(title=values["programme"]),
                text=_TEMPLATES.get_template("receipt.txt").render(values),
                html=_TEMPLATES.get_template("receipt.html").render(values))


def when(moment) -> str:
    """A moment as people in Vietnam read it (the programmes' audience): 17:00 31/03/2027 (UTC+7)."""
    return moment.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%H:%M %d/%m/%Y (UTC+7)")
