"""The participant's pages: the forum with its registration form, and "my registration".

The pages call the JSON API from the browser, so a form submit gets the API's validation,
idempotency and reason codes, and nothing is decided twice. The manage token travels in the
link's fragment (`/registrations/{id}#token=...`), which browsers never send to a server.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint
from sqlalchemy import select

from forumops_shared.languages import in_language
from forumops_shared.pages import page_language, render_page, texts

from ..services import forums as forum_cases
from ..services.points import list_points
from ..tables import forums
from .context import ctx
from .import_texts import import_page_data
from .programme_texts import PROGRAMME_TEXTS

bp = Blueprint("pages", __name__)


def _urls() -> dict[str, str]:
    return ctx().settings.urls


@bp.get("/")
def index():
    """Every forum open for registration, newest first."""
    with ctx().read() as conn:
        rows = conn.execute(select(forums).order_by(forums.c.starts_at.desc())).all()
    lang = page_language()
    listed = [{"slug": r.slug, "title": in_language(json.loads(r.titles), lang),
               "when": _when(r.starts_at, r.ends_at, r.timezone)} for r in rows]
    return render_page("index.html", forums=listed)


@bp.get("/forums/<slug>")
def forum_page(slug: str):
    """The forum and its registration form; points grouped by province, searchable."""
    with ctx().read() as conn:
        forum = forum_cases.get_forum(conn, slug)
        points = list_points(conn, forum)
    lang = page_language()
    titles = json.loads(forum.titles)
    page_data = {"slug": slug, "lang": lang, "points": points,
                 "texts": texts(lang, FORM_TEXTS)}
    return render_page("forum.html", forum=forum, title=in_language(titles, lang), online=bool(forum.online_url),
                       when=_when(forum.starts_at, forum.ends_at, forum.timezone), page_data=page_data)


@bp.get("/registrations/<registration_id>")
def my_registration(registration_id: str):
    """The participant's own page: ticket, change of point, cancellation, certificate."""
    urls = _urls()
    lang = page_language()
    page_data = {"id": registration_id, "lang": lang, "texts": texts(lang, MANAGE_TEXTS),
                 "checkin_url": urls["checkin"], "certificates_url": urls["certificates"]}
    return render_page("registration.html", page_data=page_data, connect=[urls["certificates"]])


@bp.get("/organiser/<slug>/imports")
def imports_page(slug: str):
    """Organisers: connection points and participant lists from CSV files, with the per-row report."""
    with ctx().read() as conn:
        forum = forum_cases.get_forum(conn, slug)
    lang = page_language()
    return render_page("imports.html", title=in_language(json.loads(forum.titles), lang), slug=slug,
                       page_data=import_page_data(slug, lang))


@bp.get("/organiser/<slug>/programme")
def programme_page(slug: str):
    """Organisers: the forum's programme of sessions, added, changed and removed through the API."""
    with ctx().read() as conn:
        forum = forum_cases.get_forum(conn, slug)
    lang = page_language()
    page_data = {"slug": slug, "lang": lang, "timezone": forum.timezone, "texts": texts(lang, PROGRAMME_TEXTS)}
    return render_page("programme_edit.html", title=in_language(json.loads(forum.titles), lang),
                       timezone=forum.timezone, page_data=page_data)


@bp.get("/organiser/<slug>/mail")
def mail_page(slug: str):
    """Organisers: announcements (write, count, send, watch them go) and the messages that failed."""
    urls = _urls()
    with ctx().read() as conn:
        forum = forum_cases.get_forum(conn, slug)
        provinces = sorted({p["province"] for p in list_points(conn, forum)})
    lang = page_language()
    languages = forum.languages.split(",")
    mail_services = [{"name": name, "url": "" if name == "registration" else urls[name]}
                     for name in ("registration", "certificates")]
    page_data = {"slug": slug, "lang": lang, "languages": languages, "texts": texts(lang, MAIL_TEXTS),
                 "mail_services": mail_services}
    return render_page("mail.html", title=in_language(json.loads(forum.titles), lang), languages=languages,
                       provinces=provinces, page_data=page_data, connect=[urls["certificates"]])


def _when(starts_at: datetime, ends_at: datetime, timezone: str) -> str:
    tz = ZoneInfo(timezone)
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if start.date() == end.date():
        return f"{start:%d/%m/%Y}, {start:%H:%M}–{end:%H:%M} ({timezone})"
    return f"{start:%H:%M %d/%m/%Y} – {end:%H:%M %d/%m/%Y} ({timezone})"


FORM_TEXTS = {
    "recover_need_email": ("Nhập thư điện tử đã dùng khi đăng ký.", "Enter the email you registered with."),
    "recover_sent": ("Nếu địa chỉ này đã đăng ký diễn đàn, đường dẫn mới đã được gửi tới đó. Xin kiểm tra hộp thư (cả thư rác).",
                     "If this address is registered for the forum, a new link is on its way there. Check your inbox (and spam)."),
    "recover_network": ("Không có kết nối mạng. Vui lòng thử lại.", "No network connection. Please try again."),
    "search_none": ("Không có điểm cầu nào khớp.", "No connection point matches."),
    "places_left": ("còn {n} chỗ", "{n} places left"),
    "full": ("hết chỗ — vào danh sách chờ", "full — waiting list"),
    "network": ("Không có kết nối mạng. Vui lòng thử lại: đăng ký sẽ không bị trùng.",
                "No network connection. Please try again: you will not be registered twice."),
    "field_invalid": ("Vui lòng kiểm tra lại mục này.", "Please check this field."),
    "field_required": ("Vui lòng điền mục này.", "Please fill in this field."),
    "sending": ("Đang gửi…", "Sending…"),
}
MAIL_TEXTS = {
    "need_token": ("Nhập mã ban tổ chức trước.", "Enter the organiser token first."),
    "network": ("Không có kết nối mạng.", "No network connection."),
    "would_reach": ("Thông báo sẽ tới {recipients} người.", "The announcement would reach {recipients} recipient(s)."),
    "send_confirm": ("Gửi thông báo tới {recipients} người?", "Send the announcement to {recipients} recipient(s)?"),
    "sent": ("Đã xếp hàng gửi tới {recipients} người.", "Queued for {recipients} recipient(s)."),
    "kind_confirmation": ("xác nhận đăng ký", "confirmation"), "kind_promotion": ("có chỗ", "promotion"),
    "kind_ticket": ("vé mới", "new ticket"), "kind_cancellation": ("huỷ đăng ký", "cancellation"),
    "kind_recovery": ("đường dẫn mới", "new link"), "kind_announcement": ("thông báo", "announcement"),
    "kind_certificate": ("giấy chứng nhận", "certificate"),
    "kind_session_place": ("có chỗ trong phiên", "a place in a session"),
}
MANAGE_TEXTS = {
    **FORM_TEXTS,
    "no_token": ("Đường dẫn này thiếu mã quản lý đăng ký. Hãy mở đường dẫn trong thư xác nhận.",
                 "This link has no registration key. Open the link from your confirmation."),
    "not_found": ("Không tìm thấy đăng ký, hoặc đường dẫn không còn dùng được. Nếu mất đường dẫn, hãy xin đường dẫn mới trên trang của diễn đàn.",
                  "No such registration, or this link no longer works. Lost your link? Ask for a new one on the forum's page."),
    "confirmed": ("Đã xác nhận", "Confirmed"),
    "waitlisted": ("Trong danh sách chờ", "On the waiting list"),
    "cancelled": ("Đã hủy", "Cancelled"),
    "position": ("Vị trí trong danh sách chờ: {n}", "Position on the waiting list: {n}"),
    "onsite": ("Trực tiếp tại điểm cầu", "In person at a connection point"),
    "online": ("Trực tuyến", "Online"),
    "cancel_confirm": ("Hủy đăng ký này? Chỗ của bạn sẽ được nhường cho người tiếp theo.",
                       "Cancel this registration? Your place goes to the next person waiting."),
    "changed": ("Đã lưu thay đổi. Vé mới đã được cấp.", "Changes saved. A new ticket was issued."),
    "cancelled_now": ("Đăng ký đã được hủy.", "The registration is cancelled."),
    "certificate_ready": ("Giấy chứng nhận số {serial} đã được cấp.", "Certificate {serial} has been issued."),
    "keep_link": ("Lưu đường dẫn này để xem lại vé và đăng ký của bạn:",
                  "Keep this link to come back to your ticket and registration:"),
    "erase_confirm": ("Xóa dữ liệu cá nhân của bạn và hủy đăng ký? Không thể hoàn tác.",
                      "Erase your personal data and cancel the registration? This cannot be undone."),
    "erased_now": ("Dữ liệu cá nhân của bạn đã được xóa. Đường dẫn này không còn được lưu trên thiết bị.",
                   "Your personal data is erased. This link is no longer kept on this device."),
    "kind_plenary": ("phiên toàn thể", "plenary"), "kind_workshop": ("hội thảo", "workshop"),
    "kind_ceremony": ("lễ", "ceremony"), "kind_other": ("khác", "other"),
    "session_confirmed": ("Đã đăng ký", "Signed up"),
    "session_waitlisted": ("Danh sách chờ: {n}", "Waiting list: {n}"),
    "sessions_saved": ("Đã lưu các phiên bạn chọn.", "Your sessions are saved."),
}
