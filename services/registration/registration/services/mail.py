"""What registration tells people by email, written when a message goes out (forumops_shared.mail).

A use case queues a request in the transaction of the fact (`ticket_mail`, `cancelled_mail`,
`recovery_mail`; announcements in services/announcements.py), holding the registration's id and,
where the message carries the way back in, the manage token (the link's secret: it never leaves
this database). The worker's sender renders it from the registration as it is then, the ticket
signed then, in the person's language then.

Kinds, and the key that makes one message of each fact however often it is queued:
- confirmation:<id>:1 — registered (confirmed, or waiting in line), with the link back;
- promotion:<id>:<ticket version> — a place freed up: the ticket;
- ticket:<id>:<ticket version> — a new point or mode: the new ticket;
- cancellation:<id> — cancelled;
- recovery:<id>:<new token's hash> — the lost-link request: the new link, the old one dead;
- announcement:<announcement id>:<id> — an organiser's message;
- session_place:<id>:<sign-up seq> — a place in a workshop freed up for someone in its line.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from forumops_shared.config import ServiceSettings
from forumops_shared.db import as_utc
from forumops_shared.key_files import KeyFile
from forumops_shared.languages import in_language
from forumops_shared.mail import Attachment, Mail
from forumops_shared.signing_keys import KeyRing
from forumops_shared.tickets import TicketClaims
from forumops_shared.tokens import hash_token

from ..config import registration_config
from ..tables import announcements, forums, points, session_signups, sessions, ticket_keys
from .qr_image import qr_png
from .registrations import find_registration

_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent.parent / "templates" / "mail"),
                         autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
SUBJECTS = {
    ("confirmed", "vi"): "Xác nhận đăng ký: {title}", ("confirmed", "en"): "Registration confirmed: {title}",
    ("waitlisted", "vi"): "Danh sách chờ: {title}", ("waitlisted", "en"): "Waiting list: {title}",
    ("promotion", "vi"): "Đã có chỗ cho quý vị: {title}", ("promotion", "en"): "A place for you: {title}",
    ("ticket", "vi"): "Vé mới: {title}", ("ticket", "en"): "Your new ticket: {title}",
    ("cancellation", "vi"): "Đã huỷ đăng ký: {title}", ("cancellation", "en"): "Registration cancelled: {title}",
    ("recovery", "vi"): "Đường dẫn mới tới đăng ký: {title}", ("recovery", "en"): "A new link to your registration: {title}",
    ("session_place", "vi"): "Đã có chỗ trong phiên {session}: {title}",
    ("session_place", "en"): "A place for you in {session}: {title}",
}
TICKET_KINDS = ("confirmation", "promotion", "ticket")


# -- requests, queued with the fact ------------------------------------------------------------

def _request(kind: str, key: str, row, forum_slug: str, **params) -> dict:
    return {"key": key, "kind": kind, "recipient": row.email, "forum": forum_slug, "subject_id": row.id,
            "params": {"registration_id": row.id, **params}}


def confirmation_requests(drafts_and_status: list, forum_slug_of) -> list[dict]:
    """A confirmation for each new registration (draft, status), for forumops_shared.mail.request_mail."""
    return [{"key": f"confirmation:{d.values['id']}:1", "kind": "confirmation", "recipient": d.values["email"],
             "forum": forum_slug_of(d), "subject_id": d.values["id"],
             "params": {"registration_id": d.values["id"], "token": d.token}}
            for d, _ in drafts_and_status]


def ticket_mail(row: Row, kind: str) -> dict:
    """A promotion from the waiting list, or a new ticket after a change of point or mode."""
    return _request(kind, f"{kind}:{row.id}:{row.ticket_version}", row, row.forum_slug)


def cancelled_mail(row: Row) -> dict:
    return _request("cancellation", f"cancellation:{row.id}", row, row.forum_slug)


def session_place_mail(row: Row, session_code: str, signup_seq: int) -> dict:
    """A place in a session, freed for this person from its line."""
    return _request("session_place", f"session_place:{row.id}:{signup_seq}", row, row.forum_slug,
                    session=session_code, signup=signup_seq)


def recovery_mail(row: Row, token: str) -> dict:
    return _request("recovery", f"recovery:{row.id}:{hash_token(token)[:32]}", row, row.forum_slug, token=token)


# -- rendering, when a message goes out --------------------------------------------------------

def render(conn: Connection, kind: str, params: dict, settings: ServiceSettings) -> Mail | None:
    """The message of `kind` for `params`; None when there is nothing to tell any more (the
    registration is gone or erased, or no longer what the message would say)."""
    row = find_registration(conn, params["registration_id"])
    if row is None or row.erased_at is not None:
        return None
    if (row.status == "cancelled") != (kind == "cancellation"):
        return None
    if kind == "promotion" and row.status != "confirmed":
        return None
    forum = conn.execute(select(forums).where(forums.c.id == row.forum_id)).one()
    point = conn.execute(select(points).where(points.c.id == row.point_id)).first() if row.point_id else None
    lang = row.language
    title = in_language(json.loads(forum.titles), lang)
    base = settings.urls["registration"]
    token = params.get("token")
    # A link whose token was replaced since (a lost-link request) no longer opens anything: the
    # message then points to the newest one instead.
    link = (f"{base}/registrations/{row.id}#token={token}"
            if token and hash_token(token) == row.manage_token_hash else None)
    values = {"lang": lang, "kind": kind, "name": row.full_name, "title": title, "status": row.status,
              "ticket_code": row.ticket_code, "when": _when(forum, lang), "link": link,
              "forum_page": f"{base}/forums/{forum.slug}", "recover": f"{base}/forums/{forum.slug}#recover",
              "where": f"{point.name}, {point.province}" if point else ("Online" if lang == "en" else "Trực tuyến")}
    if kind == "announcement":
        return _announcement(conn, row, params["announcement_id"], values)
    if kind == "session_place":
        return _session_place(conn, row, params["signup"], forum, values)
    attachments: list[Attachment] = []
    if kind in TICKET_KINDS:
        attachments.append(Attachment("dien-dan.ics" if lang == "vi" else "forum.ics", "text/calendar",
                                      _calendar(row.id, title, forum, values["where"], link or values["recover"])))
        if row.status == "confirmed":
            claims = TicketClaims(row.forum_slug, row.id, row.attendance, row.point_code, row.ticket_code,
                                  row.ticket_version)
            qr = _keys(conn.engine, settings).active().sign(claims)
            attachments.insert(0, Attachment(f"ve-{row.ticket_code}.png", "image/png", qr_png(qr),
                                             inline_id="ticket-qr"))
        waiting = kind == "confirmation" or row.status == "waitlisted"  # a new point may have no place yet
        template, subject = "ticket", SUBJECTS[(row.status if waiting else kind, lang)]
    else:
        template, subject = kind, SUBJECTS[(kind, lang)]
    return Mail(to=row.email, to_name=row.full_name, subject=subject.format(title=title),
                text=_TEMPLATES.get_template(f"{template}.txt").render(values),
                html=_TEMPLATES.get_template(f"{template}.html").render(values), attachments=tuple(attachments))


def _announcement(conn: Connection, row: Row, announcement_id: str, values: dict) -> Mail | None:
    found = conn.execute(select(announcements).where(announcements.c.id == announcement_id)).first()
    if found is None:
        return None
    subject = in_language(json.loads(found.subjects), values["lang"])
    body = in_language(json.loads(found.bodies), values["lang"])
    values = {**values, "subject": subject, "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()]}
    return Mail(to=row.email, to_name=row.full_name, subject=subject,
                text=_TEMPLATES.get_template("announcement.txt").render(values),
                html=_TEMPLATES.get_template("announcement.html").render(values))


def _session_place(conn: Connection, row: Row, signup_seq: int, forum: Row, values: dict) -> Mail | None:
    """None when the place is no longer theirs (they left the session, or it was removed)."""
    found = conn.execute(select(sessions.c.titles, sessions.c.starts_at, sessions.c.ends_at)
                         .join(session_signups, session_signups.c.session_id == sessions.c.id)
                         .where(session_signups.c.seq == signup_seq, session_signups.c.registration_id == row.id,
                                session_signups.c.status == "confirmed")).first()
    if found is None:
        return None
    session = in_language(json.loads(found.titles), values["lang"])
    zone = ZoneInfo(forum.timezone)
    starts, ends = as_utc(found.starts_at).astimezone(zone), as_utc(found.ends_at).astimezone(zone)
    values = {**values, "session": session, "session_when": f"{starts:%d/%m/%Y %H:%M}–{ends:%H:%M}"}
    subject = SUBJECTS[("session_place", values["lang"])].format(session=session, title=values["title"])
    return Mail(to=row.email, to_name=row.full_name, subject=subject,
                text=_TEMPLATES.get_template("session_place.txt").render(values),
                html=_TEMPLATES.get_template("session_place.html").render(values))


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
