"""The local inbox's page in Chromium, with a real confirmation: the demo forum's guest registers,
registration's worker sender writes her email through a real SMTP server into the Maildir `up`
keeps, and the page runs as `up` starts it. Its picture is the README's confirmation email
(`FORUMOPS_SCREENSHOTS=docs/images/pages ./forumops test tests/web/test_inbox.py`)."""
from __future__ import annotations

import os
import random
import smtplib
from datetime import datetime, timedelta, timezone

import pytest
import requests
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from forumops_shared.mail import Mail, MailSender, SmtpSettings, SmtpTransport, compose
from forumops_shared.service_app import close_service_app
from forumops_stack import demo
from forumops_stack.testing import free_port
from registration.app import create_app
from registration.services import mail

from ..support.clock import FakeClock
from ..support.processes import Child
from ..support.services import migrate
from ..support.waiting import wait_until
from .conftest import screenshot

TOKEN = "organiser-token-for-the-inbox-page-0123456789"
GUEST = {"full_name": "Nguyễn Thị Thu Hà", "email": "thuha.nguyen@giaoduc.example", "language": "vi",
         "attendance": "onsite", "role": "Giáo viên", "consent": True}
HOSTILE = ('<html><body><p id="said">untouched</p><script>document.getElementById("said").textContent = "ran";'
           'parent.document.title = "taken"</script><img src="x" onerror="document.title = \'ran\'"></body></html>')


@pytest.fixture
def inbox(tmp_path, settings_for):
    """A Maildir with the guest's confirmation and a hostile message, and the page over it."""
    folder = tmp_path / "inbox"
    for part in ("tmp", "new", "cur"):
        (folder / part).mkdir(parents=True)
    smtp_port, page_port = free_port(), free_port()
    server = Controller(Mailbox(folder), hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        _send_the_guests_confirmation(settings_for, smtp_port)
        _send(smtp_port, Mail(to="x@giaoduc.example", to_name=None, subject="Thư có mã độc", text=".", html=HOSTILE))
    finally:
        server.stop()
    page = Child.python_module("forumops_stack.inbox_page", dict(os.environ), tmp_path / "page.log",
                               str(folder), "--port", str(page_port))  # as `up` starts it
    url = f"http://127.0.0.1:{page_port}"
    try:
        wait_until(lambda: _answers(url), timeout_s=30, message="the inbox page")
        yield url
    finally:
        page.stop()


def _send_the_guests_confirmation(settings_for, smtp_port: int) -> None:
    settings = settings_for("registration", extra={"REGISTRATION_ADMIN_TOKEN": TOKEN})
    migrate(settings)
    app = create_app(settings)
    client, organiser = app.test_client(), {"Authorization": f"Bearer {TOKEN}"}
    point = demo.points(random.Random(2026))[0]  # Sở Giáo dục và Đào tạo Hà Nội
    try:
        assert client.post("/api/v1/forums", headers=organiser, json={
            "slug": demo.SLUG, "title": demo.TITLE, "timezone": "Asia/Ho_Chi_Minh",
            "starts_at": "2026-12-10T08:00:00+07:00", "ends_at": "2026-12-10T17:00:00+07:00",
            "online_url": "https://meet.example.vn/dien-dan-doi-moi-giao-duc-2026",
            "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 90}}).status_code == 201
        assert client.put(f"/api/v1/forums/{demo.SLUG}/points/{point.code}", headers=organiser, json={
            "name": point.name, "province": point.province, "capacity": point.capacity}).status_code == 201
        assert client.post(f"/api/v1/forums/{demo.SLUG}/registrations", json={
            **GUEST, "point": point.code, "organisation": point.name}).status_code == 201
        sender = MailSender(app.extensions["forumops"].engine,
                            SmtpTransport(SmtpSettings.from_url(f"smtp://127.0.0.1:{smtp_port}")),
                            "Diễn đàn Đổi mới Giáo dục <no-reply@giaoduc.example>",
                            clock=FakeClock(datetime.now(timezone.utc) + timedelta(seconds=1)),
                            render=lambda conn, kind, params: mail.render(conn, kind, params, settings),
                            domain="giaoduc.example")
        assert sender.send_due().sent == 1
    finally:
        close_service_app(app)


def _send(smtp_port: int, message: Mail) -> None:
    composed = compose(message, sender="x@giaoduc.example", message_id="<hostile@giaoduc.example>")
    with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
        smtp.sendmail("x@giaoduc.example", [message.to], composed)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_the_confirmation_shows_in_the_inbox_with_its_qr_and_its_attachments(page, inbox):
    page.goto(inbox)
    row = page.locator("#messages tbody tr", has_text="Xác nhận đăng ký")
    assert row.locator("td").nth(1).inner_text() == "Nguyễn Thị Thu Hà <thuha.nguyen@giaoduc.example>"
    row.get_by_role("link", name="Xác nhận đăng ký: Diễn đàn Đổi mới Giáo dục toàn quốc 2026").click()

    assert page.locator("#subject").inner_text() == "Xác nhận đăng ký: Diễn đàn Đổi mới Giáo dục toàn quốc 2026"
    email = page.frame_locator("#html-body")
    assert "Kính gửi Nguyễn Thị Thu Hà," in email.locator("body").inner_text()
    assert "Sở Giáo dục và Đào tạo Hà Nội, Hà Nội" in email.locator("body").inner_text()
    qr = email.get_by_role("img", name="Mã QR của vé")
    wait_until(lambda: qr.evaluate("img => img.complete && img.naturalWidth") > 0, timeout_s=10,
               message="the ticket's QR, from the message, drawn")
    names = page.locator("#attachments a").all_inner_texts()
    assert names[1] == "dien-dan.ics" and names[0].startswith("ve-") and names[0].endswith(".png")
    with page.expect_download() as calendar:
        page.locator("#attachments a", has_text="dien-dan.ics").click()
    assert "SUMMARY:Diễn đàn Đổi mới Giáo dục toàn quốc 2026" in open(calendar.value.path(), encoding="utf-8").read()
    screenshot(page, "confirmation-email")


def test_a_messages_own_script_does_not_run(page, inbox):
    page.goto(inbox)
    page.get_by_role("link", name="Thư có mã độc").click()
    said = page.frame_locator("#html-body").locator("#said")
    assert said.inner_text() == "untouched"
    assert page.title().startswith("Thư có mã độc")
