"""The local inbox's page (`up` without a relay): messages sent through a real SMTP server
(aiosmtpd, keeping them in a Maildir as `up` runs it) read back as a person sees them."""
from __future__ import annotations

import re
import smtplib
from html import unescape

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox

from forumops_shared.mail import Attachment, Mail, compose
from forumops_stack.inbox_page import PAGE_SIZE, create_app
from forumops_stack.testing import free_port

SENDER = "Diễn đàn Đổi mới Giáo dục <no-reply@forum.example.vn>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
CALENDAR = "BEGIN:VCALENDAR\r\nSUMMARY:Diễn đàn Đổi mới Giáo dục\r\nEND:VCALENDAR\r\n".encode()


class LocalInbox:
    """aiosmtpd keeping every message in a Maildir, as `up` starts it, and the page over it."""

    def __init__(self, folder):
        self.folder, self.port = folder, free_port()
        for part in ("tmp", "new", "cur"):
            (folder / part).mkdir(parents=True)
        self.server = Controller(Mailbox(folder), hostname="127.0.0.1", port=self.port)
        self.client = create_app(folder).test_client()

    def send(self, mail: Mail, key: str) -> None:
        message = compose(mail, sender=SENDER, message_id=f"<{key}@forum.example.vn>")
        with smtplib.SMTP("127.0.0.1", self.port) as smtp:
            smtp.sendmail("no-reply@forum.example.vn", [mail.to], message)

    def page(self, path: str) -> str:
        answer = self.client.get(path)
        assert answer.status_code == 200, path
        return answer.get_data(as_text=True)

    def rows(self, path: str = "/") -> list[tuple[str, str, str]]:
        """The list as shown: (recipient, subject, the message's link), top to bottom."""
        found = re.findall(r'<tr><td><time[^>]*>[^<]*</time></td>\s*<td>(.*?)</td>\s*<td><a href="([^"]+)">([^<]*)</a>',
                           self.page(path))
        return [(shown_text(to), unescape(subject), link) for to, link, subject in found]


def shown_text(html: str) -> str:
    """What a browser shows of a bit of HTML: its text, without tags."""
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def inbox(tmp_path):
    local = LocalInbox(tmp_path / "inbox")
    local.server.start()
    yield local
    local.server.stop()


def confirmation(name: str, to: str, *, html: str | None = None) -> Mail:
    return Mail(to=to, to_name=name, subject="Xác nhận đăng ký: Diễn đàn Đổi mới Giáo dục toàn quốc 2026",
                text=f"Kính gửi {name},\nmã vé của quý vị: K7M2-QX4P",
                html=html or f'<!doctype html><html><head><title>x</title></head><body><p>Kính gửi {name},</p>'
                             '<img src="cid:ticket-qr" alt="Mã QR"></body></html>',
                attachments=(Attachment("vé-K7M2.png", "image/png", PNG, inline_id="ticket-qr"),
                             Attachment("diễn-đàn.ics", "text/calendar", CALENDAR)))


def test_the_list_shows_each_message_newest_first_with_its_recipient_and_subject_exactly(inbox):
    inbox.send(confirmation("Nguyễn Thị Thu Hà", "thuha@truong.edu.vn"), "c1")
    inbox.send(Mail(to="duc@truong.edu.vn", to_name="Trần Minh Đức", subject="Danh sách chờ: Diễn đàn 2026",
                    text="Kính gửi Trần Minh Đức"), "c2")

    assert [row[:2] for row in inbox.rows()] == [
        ("Trần Minh Đức <duc@truong.edu.vn>", "Danh sách chờ: Diễn đàn 2026"),
        ("Nguyễn Thị Thu Hà <thuha@truong.edu.vn>", "Xác nhận đăng ký: Diễn đàn Đổi mới Giáo dục toàn quốc 2026")]
    # A search by name, accents optional; nothing found says so.
    assert [row[0] for row in inbox.rows("/?q=thu+ha")] == ["Nguyễn Thị Thu Hà <thuha@truong.edu.vn>"]
    assert inbox.rows("/?q=nobody") == [] and "Không có thư nào khớp." in inbox.page("/?q=nobody")


def test_a_message_shows_its_html_with_its_inline_image_its_text_and_its_attachments(inbox):
    inbox.send(confirmation("Nguyễn Thị Thu Hà", "thuha@truong.edu.vn"), "c1")
    [(_, _, link)] = inbox.rows()
    shown = inbox.page(link)
    assert '<h1 id="subject">Xác nhận đăng ký: Diễn đàn Đổi mới Giáo dục toàn quốc 2026</h1>' in shown
    assert shown_text(re.search(r'<dd id="to">(.*?)</dd>', shown)[1]) == "Nguyễn Thị Thu Hà <thuha@truong.edu.vn>"
    assert shown_text(re.search(r'<dd id="from">(.*?)</dd>', shown)[1]) == SENDER
    assert "Kính gửi Nguyễn Thị Thu Hà,\nmã vé của quý vị: K7M2-QX4P" in shown  # the text part

    frame = re.search(r'<iframe id="html-body"[^>]*src="([^"]+)"[^>]*sandbox="([^"]*)"', shown)
    assert "allow-scripts" not in frame[2] and "allow-same-origin" not in frame[2]
    html = inbox.client.get(frame[1])
    assert "sandbox" in html.headers["Content-Security-Policy"] and "script-src" not in html.headers["Content-Security-Policy"]
    body = html.get_data(as_text=True)
    assert "<p>Kính gửi Nguyễn Thị Thu Hà,</p>" in body and "cid:" not in body
    image = re.search(r'<img src="([^"]+)"', body)[1]
    assert inbox.client.get(image).data == PNG  # the QR, from the message itself

    downloads = dict((unescape(name), href) for href, name in re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', shown))
    assert set(downloads) == {"vé-K7M2.png", "diễn-đàn.ics"}
    calendar = inbox.client.get(downloads["diễn-đàn.ics"])
    assert calendar.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''di%E1%BB%85n-%C4%91%C3%A0n.ics" in calendar.headers["Content-Disposition"]
    assert "SUMMARY:Diễn đàn Đổi mới Giáo dục" in calendar.get_data(as_text=True)
    assert inbox.client.get(downloads["vé-K7M2.png"]).data == PNG


def test_a_message_with_text_alone_shows_its_text(inbox):
    inbox.send(Mail(to="duc@truong.edu.vn", to_name="Trần Minh Đức", subject="Danh sách chờ",
                    text="Kính gửi Trần Minh Đức,\n<b>không phải HTML</b>"), "c2")
    [(_, _, link)] = inbox.rows()
    shown = inbox.page(link)
    assert "html-body" not in shown and "&lt;b&gt;không phải HTML&lt;/b&gt;" in shown
    assert inbox.client.get(f"{link}/html").status_code == 404


def test_an_unknown_message_or_part_is_not_found(inbox):
    inbox.send(confirmation("Nguyễn Thị Thu Hà", "thuha@truong.edu.vn"), "c1")
    [(_, _, link)] = inbox.rows()
    for path in ("/m/1.M1P1Q1.nowhere", f"{link}/parts/99", f"{link}/cid/nothing", "/m/1.M1P1Q1.nowhere/html"):
        assert inbox.client.get(path).status_code == 404, path


def test_a_long_inbox_comes_in_pages_newest_first(inbox):
    for n in range(PAGE_SIZE + 3):
        inbox.send(Mail(to=f"gv{n}@truong.edu.vn", to_name=None, subject=f"Thư số {n}", text="."), f"m{n}")
    first, second = inbox.rows("/"), inbox.rows("/?page=2")
    assert [subject for _, subject, _ in first][:2] == [f"Thư số {PAGE_SIZE + 2}", f"Thư số {PAGE_SIZE + 1}"]
    assert [subject for _, subject, _ in second] == ["Thư số 2", "Thư số 1", "Thư số 0"]
    assert f"Số thư: <strong>{PAGE_SIZE + 3}</strong>" in inbox.page("/")
