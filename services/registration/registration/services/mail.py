"""What registration tells people by email, written when a message goes out (forumops_shared.mail).

A use case queues a request (`confirmation_requests`) in the transaction of the fact, holding
the registration's id and the manage token (the link's secret: it never leaves this database);
the worker's sender renders it from the registration as it is then, the ticket signed then.
"""
from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import Connection

from forumops_shared.config import ServiceSettings
from forumops_shared.key_files import KeyFile
from forumops_shared.mail import Attachment, Mail
from forumops_shared.signing_keys import KeyRing
from forumops_shared.tickets import TicketClaims

from ..config import registration_config
from ..tables import forums, points, ticket_keys
from .registrations import find_registration

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {
    ("confirmed", "vi"): "Xác nhận đăng ký: {title}", ("confirmed", "en"): "Registration confirmed: {title}",
    ("waitlisted", "vi"): "Danh sách chờ: {title}", ("waitlisted", "en"): "Waiting list: {title}",
}


def confirmation_requests(drafts_and_status: list, forum_slug_of) -> list[dict]:
    """A confirmation for each new registration (draft, status), for forumops_shared.mail.request_mail."""
    return [{"key": f"confirmation:{d.values['id']}:1", "kind": "confirmation", "recipient": d.values["email"],
             "forum": forum_slug_of(d), "subject_id": d.values["id"],
             "params": {"registration_id": d.values["id"], "token": d.token}}
            for d, _ in drafts_and_status]


def render(conn: Connection, kind: str, params: dict, settings: ServiceSettings) -> Mail | None:
    """The message of `kind` for `params`; None when the registration is gone or erased."""
    row = find_registration(conn, params["registration_id"])
    if row is None or row.erased_at is not None or row.status == "cancelled":
        return None
    forum = conn.execute(select(forums).where(forums.c.id == row.forum_id)).one()
    point = conn.execute(select(points).where(points.c.id == row.point_id)).first() if row.point_id else None
    lang = row.language
    titles = json.loads(forum.titles)
    title = titles.get(lang) or titles.get("vi") or next(iter(titles.values()))
    link = f"{settings.urls['registration']}/registrations/{row.id}#token={params['token']}"
    values = {"lang": lang, "name": row.full_name, "title": title, "status": row.status,
              "ticket_code": row.ticket_code, "when": _when(forum, lang), "link": link,
              "where": f"{point.name}, {point.province}" if point else ("Online" if lang == "en" else "Trực tuyến")}
    attachments = [Attachment("dien-dan.ics" if lang == "vi" else "forum.ics", "text/calendar",
                              _calendar(row.id, title, forum, values["where"], link))]
    if row.status == "confirmed":
        claims = TicketClaims(row.forum_slug, row.id, row.attendance, row.point_code, row.ticket_code,
                              row.ticket_version)
        qr = _keys(conn.engine, settings).active().sign(claims)
        attachments.insert(0, Attachment(f"ve-{row.ticket_code}.png", "image/png", _qr_png(qr), inline_id="ticket-qr"))
    return Mail(to=row.email, to_name=row.full_name, subject=SUBJECTS[(row.status, lang)].format(title=title),
                text=_TEMPLATES.get_template("confirmation.txt").render(values),
                html=_TEMPLATES.get_template("confirmation.html").render(values), attachments=tuple(attachments))


_KEY_RINGS: dict[int, KeyRing] = {}


def _keys(engine, settings: ServiceSettings) -> KeyRing:
    """The ticket key ring of the worker's process (one per engine), as the API's."""
    if id(engine) not in _KEY_RINGS:
        config = registration_config(settings)
        _KEY_RINGS[id(engine)] = KeyRing(engine, ticket_keys, KeyFile(config.signing_keys_file),
                                         config.ticket_private_key)
    return _KEY_RINGS[id(engine)]


def _when(forum, lang: str) -> str:
    zone = ZoneInfo(forum.timezone)
    starts, ends = forum.starts_at.astimezone(zone), forum.ends_at.astimezone(zone)
    day = "%d/%m/%Y" if lang == "vi" else "%d %B %Y"
    return f"{starts.strftime(day)} {starts:%H:%M}–{ends:%H:%M} ({forum.timezone})"


def _qr_png(payload: str) -> bytes:
    out = io.BytesIO()
    segno.make_qr(payload, error="m").save(out, kind="png", scale=6, border=4)
    return out.getvalue()


def _calendar(uid: str, title: str, forum, where: str, link: str) -> bytes:
    """An iCalendar (RFC 5545) event for the forum, times in UTC."""
    def stamp(moment: datetime) -> str:
        return moment.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")

    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//ForumOps//registration//EN", "METHOD:PUBLISH",
             "BEGIN:VEVENT", f"UID:{uid}@forumops", f"DTSTAMP:{stamp(forum.updated_at)}",
             f"DTSTART:{stamp(forum.starts_at)}", f"DTEND:{stamp(forum.ends_at)}", f"SUMMARY:{text(title)}",
             f"LOCATION:{text(where)}", f"URL:{link}", "END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(lines) + "\r\n").encode()
