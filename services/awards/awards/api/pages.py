"""The applicant's pages: a programme with its application form, and "my application".

Like registration's pages, they call the JSON API from the browser, so a submitted form gets
the API's validation, idempotency and reason codes and nothing is decided twice. The manage
token travels in the link's fragment (`/applications/{id}#token=...`), which browsers never
send to a server; the page keeps it on the device.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint

from forumops_shared.languages import in_language
from forumops_shared.pages import page_language, render_page, texts

from ..config import MAX_ATTACHMENTS
from ..services import programmes
from .context import ctx
from .page_texts import APPLICATION_TEXTS, FORM_TEXTS

bp = Blueprint("pages", __name__)
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # the programmes' audience; receipts give times the same way


@bp.get("/programmes/<slug>")
def programme_page(slug: str):
    """The programme (dates, phase, categories, criteria, who may apply) and, while applications
    are open, the application form."""
    lang, now = page_language(), ctx().clock.now()
    with ctx().read() as conn:
        row = programmes.find(conn, slug)
        phase = programmes.phase(conn, row, now)
    programme = _shown(row, lang)
    page_data = {"slug": slug, "lang": lang, "texts": texts(lang, FORM_TEXTS),
                 "limit": ctx().config.attachment_limit, "max_files": MAX_ATTACHMENTS}
    return render_page("programme.html", programme=programme, phase=phase,
                       limit=_size(ctx().config.attachment_limit), max_files=MAX_ATTACHMENTS, page_data=page_data)


@bp.get("/applications/<application_id>")
def application_page(application_id: str):
    """The applicant's own page: what was sent, its files, edits until the close, withdrawal."""
    lang = page_language()
    page_data = {"id": application_id, "lang": lang, "texts": texts(lang, APPLICATION_TEXTS),
                 "limit": ctx().config.attachment_limit, "max_files": MAX_ATTACHMENTS}
    return render_page("application.html", limit=_size(ctx().config.attachment_limit), max_files=MAX_ATTACHMENTS,
                       page_data=page_data)


def _shown(row, lang: str) -> dict:
    """The programme in the page's language: titles and names picked, dates as people in Vietnam read them."""
    criteria = json.loads(row.criteria)
    total = sum(c["weight"] for c in criteria) or 1
    return {"slug": row.slug, "title": in_language(json.loads(row.titles), lang), "applicants": row.applicants,
            "blind": row.blind, "opens": when(row.applications_open_at), "closes": when(row.applications_close_at),
            "review_closes": when(row.review_close_at), "results": when(row.results_at),
            "categories": [{"code": c["code"], "name": in_language(c["name"], lang), "awards": c["awards"]}
                           for c in json.loads(row.categories)],
            "criteria": [{"name": in_language(c["name"], lang), "weight": _number(c["weight"]),
                          "share": round(100 * c["weight"] / total), "min": _number(c.get("min", 0)),
                          "max": _number(c["max"])} for c in criteria]}


def when(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y (UTC+7)")


def _number(value: float) -> str:
    return f"{value:g}"


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KB"
