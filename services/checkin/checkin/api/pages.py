"""Pages people open in a browser: the participant's join link, the staff scanner and the
organisers' dashboard. Their scripts call this service's JSON API with the token they hold."""
from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from sqlalchemy import select

from forumops_shared.languages import in_language
from forumops_shared.pages import page_language, render_page, texts

from ..tables import forums
from . import scanner_app
from .context import ctx

bp = Blueprint("pages", __name__)
SHELL_VERSION = "scanner_shell_version"


@bp.record_once
def _version_the_scanner_shell(state) -> None:
    """At startup: every process of one deploy reads the same files, so names the same version."""
    state.app.extensions[SHELL_VERSION] = scanner_app.shell_version(scanner_app.shell_files(state.app))


@bp.get("/join/<slug>")
def join_page(slug: str):
    """The participant's join link: `/join/{forum}#token=<manage token>`.

    The token rides in the fragment, which browsers never send to a server; the page posts it
    as a bearer token to the join endpoint and opens the meeting it answers with."""
    lang = page_language()
    return render_page("join.html", page_data={"slug": slug, "lang": lang, "texts": texts(lang, JOIN_TEXTS)})


@bp.get("/scan")
def scanner():
    """The staff scanner: `/scan#forum=...&point=...&token=...` (the link shown at enrolment).

    Decides with the camera or a typed code; offline it decides with the forum's public key and
    its point's roster, keeps the scans in IndexedDB and uploads them when the network returns.
    It installs as an app and reopens with no network (its manifest and worker below)."""
    lang = page_language()
    return render_page("scanner.html", manifest=url_for("pages.scanner_manifest", lang=lang), theme=scanner_app.THEME,
                       page_data={"lang": lang, "texts": texts(lang, SCANNER_TEXTS),
                                  "worker": url_for("pages.scanner_worker"), "scope": url_for("pages.scanner")})


@bp.get("/scan.webmanifest")
def scanner_manifest():
    """The scanner installs as an app (the home screen opens `/scan`; the device is remembered)."""
    response = jsonify(scanner_app.manifest(page_language()))
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/scan-worker.js")
def scanner_worker():
    """The scanner's service worker. Served from the root so its scope can be `/scan` (no
    Service-Worker-Allowed needed); its text carries the shell's version, so a deploy that changes
    the shell changes these bytes, which is what makes browsers install the new worker."""
    shell = {"version": current_app.extensions[SHELL_VERSION], "urls": scanner_app.shell_urls()}
    response = Response(render_template(scanner_app.WORKER_TEMPLATE, shell=shell), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/dashboard/<slug>")
def dashboard(slug: str):
    """Organisers: live arrivals per point and in total, by province; conflicts; imports."""
    with ctx().read() as conn:
        forum = conn.execute(select(forums.c.titles).where(forums.c.slug == slug)).first()
    lang = page_language()
    # A forum whose event has not arrived yet: the page waits for it (its figures say "not found").
    titles = json.loads(forum.titles) if forum else {}
    urls = ctx().settings.urls
    return render_page("dashboard.html", title=in_language(titles, lang) or slug, slug=slug, urls=urls,
                       page_data={"slug": slug, "lang": lang, "texts": texts(lang, DASHBOARD_TEXTS)})


JOIN_TEXTS = {
    "no_token": ("Đường dẫn thiếu mã quản lý đăng ký. Hãy mở đường dẫn trên trang đăng ký của bạn.",
                 "The link has no registration key. Open the link on your registration page."),
    "cannot_join": ("Không thể tham dự.", "Cannot join."),
    "network": ("Không có kết nối mạng. Vui lòng thử lại.", "No network connection. Please try again."),
}

SCANNER_TEXTS = {
    "accepted": ("MỜI VÀO", "WELCOME"),
    "duplicate": ("ĐÃ CHECK-IN", "ALREADY IN"),
    "rejected": ("TỪ CHỐI", "REFUSED"),
    "first": ("Lần đầu: {point}, {at}", "First: {point}, {at}"),
    "offline_decided": ("Quyết định ngoại tuyến — sẽ gửi khi có mạng", "Decided offline — sent when the network returns"),
    "online": ("Trực tuyến", "Online"),
    "offline": ("Mất mạng", "Offline"),
    "no_device": ("Thiết bị chưa được đăng ký. Mở đường dẫn đăng ký thiết bị do ban tổ chức gửi.",
                  "This device is not enrolled. Open the enrolment link the organisers sent."),
    "device_refused": ("Thiết bị bị từ chối: {message}", "The device is refused: {message}"),
    "no_kit": ("Chưa tải được dữ liệu điểm cầu; cần có mạng một lần.",
               "The point's data has not been loaded yet; the network is needed once."),
    "camera_failed": ("Không mở được camera: {message}", "The camera cannot be opened: {message}"),
    "unknown_person": ("(chưa có tên)", "(name not known yet)"),
    "not_signed_up": ("Chưa đăng ký phiên này — vào theo diện tự do", "Not signed up for this session — admitted as a walk-in"),
    "checked_out": ("ĐÃ RA", "CHECKED OUT"),
}

DASHBOARD_TEXTS = {
    "need_token": ("Nhập mã ban tổ chức để xem số liệu.", "Enter the organiser token to see the figures."),
    "bad_token": ("Mã ban tổ chức không đúng.", "The organiser token is not right."),
    "network": ("Không có kết nối mạng; đang thử lại…", "No network connection; retrying…"),
    "all_provinces": ("Tất cả tỉnh/thành", "All provinces"),
    "as_of": ("Cập nhật {at}", "Updated {at}"),
    "no_conflicts": ("Không có xung đột.", "No conflicts."),
    "matched_session": ("Phiên: {session}", "Session: {session}"),
    "no_session": ("không thuộc phiên nào", "no session"),
    "enrolled": ("Thiết bị đã đăng ký. Mở đường dẫn này trên điện thoại của nhân viên (chỉ hiện một lần):",
                 "Device enrolled. Open this link on the staff member's phone (shown only once):"),
    "imported": ("Đã nhập: {matched} dòng khớp, {unmatched} dòng không khớp.",
                 "Imported: {matched} rows matched, {unmatched} rows unmatched."),
}
