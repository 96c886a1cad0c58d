"""The jury's mail: the invitation (with the juror's personal link) and the reminders before the
review closes. Queued with the fact, written when it goes out (forumops_shared.mail).

The invitation's request holds the token (the outbox drops it once sent); it is written only if
the token is still the juror's (an invitation replaced meanwhile sends nothing). A reminder holds
no token: it points to the jury page and the invitation's link, and is dropped if the juror has
nothing left to review when it goes out.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from forumops_shared.config import ServiceSettings
from forumops_shared.mail import Mail
from forumops_shared.tokens import hash_token

from ..tables import applications, jurors, programmes, reviews
from .mail import when

INVITATION, REMINDER = "jury-invitation", "jury-reminder"
KINDS = (INVITATION, REMINDER)
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {INVITATION: {"vi": "Thư mời tham gia hội đồng chấm: {programme}", "en": "Invitation to the jury: {programme}"},
            REMINDER: {"vi": "Nhắc việc chấm hồ sơ: {programme}", "en": "Reviews to finish: {programme}"}}


def invitation_requests(juror_id: str, email: str, programme: str, token: str) -> list[dict]:
    """The invitation, one per token (a new invitation is a new message), filed under the programme."""
    return [{"key": f"{INVITATION}:{juror_id}:{hash_token(token)[:16]}", "kind": INVITATION, "recipient": email,
             "forum": programme, "subject_id": juror_id, "params": {"juror_id": juror_id, "token": token}}]


def reminder_request(juror_id: str, email: str, programme: str, days: int) -> dict:
    """The reminder `days` before the review closes: its key makes it once per juror and reminder."""
    return {"key": f"{REMINDER}:{juror_id}:{days}d", "kind": REMINDER, "recipient": email, "forum": programme,
            "subject_id": juror_id, "params": {"juror_id": juror_id, "days": days}}


def open_reviews(conn: Connection, juror_id: str) -> int:
    """The juror's reviews still to do (of applications not withdrawn)."""
    return conn.execute(select(func.count()).select_from(reviews.join(applications))
                        .where(reviews.c.juror_id == juror_id, reviews.c.state != "submitted",
                               applications.c.status == "submitted")).scalar_one()


def render(conn: Connection, kind: str, params: dict, settings: ServiceSettings) -> Mail | None:
    juror = conn.execute(select(jurors).where(jurors.c.id == params["juror_id"])).first()
    if juror is None:
        return None
    programme = conn.execute(select(programmes).where(programmes.c.id == juror.programme_id)).one()
    lang = juror.language if juror.language in ("vi", "en") else "vi"
    titles = json.loads(programme.titles)
    values = {"lang": lang, "name": juror.name, "programme": titles.get(lang) or titles.get("vi"),
              "close_at": when(programme.review_close_at), "page": f"{settings.urls['awards']}/jury"}
    if kind == INVITATION:
        token = params.get("token")
        if not token or hash_token(token) != juror.token_hash:
            return None  # replaced by a newer invitation
        values["link"] = f"{values['page']}#token={token}"
    else:
        values["left"] = open_reviews(conn, juror.id)
        if not values["left"]:
            return None
    name = "invitation" if kind == INVITATION else "reminder"
    return Mail(to=juror.email, to_name=juror.name, subject=SUBJECTS[kind][lang].format(programme=values["programme"]),
                text=_TEMPLATES.get_template(f"jury_{name}.txt").render(values),
                html=_TEMPLATES.get_template(f"jury_{name}.html").render(values))
