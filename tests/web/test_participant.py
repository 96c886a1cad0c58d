"""A participant registers through the forum page, finds their ticket, joins online, and leaves
nothing behind on the device once the registration is cancelled or erased."""
import io
import re

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .accessibility import assert_accessible
from .conftest import screenshot
from ..support.forums import new_forum, register
from ..support.waiting import wait_until


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack)


def test_a_person_registers_through_the_form_and_sees_a_ticket(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}"))
    expect(page.locator("h1")).to_have_text("Diễn đàn Đổi mới Giáo dục 2026")
    page.fill("#full_name", "Nguyễn Thị Ánh Tuyết")
    page.fill("#email", f"tuyet.{page.viewport_size['width']}@truong.edu.vn")
    page.fill("#organisation", "Trường THPT Chu Văn An")
    page.fill("#point-search", "da nang so 2")  # without accents, as people type on phones
    expect(page.locator("#point option")).to_have_count(1)
    page.select_option("#point", "P02-01")
    page.check("#consent")
    screenshot(page, "register")
    page.click("#submit")

    expect(page.locator("#status")).to_have_text("Đã xác nhận")
    assert re.search(r"/registrations/[0-9a-f]+$", page.url)  # the token was read and left the address bar
    expect(page.locator("#full-name")).to_have_text("Nguyễn Thị Ánh Tuyết")
    expect(page.locator("#point-name")).to_have_text("Điểm cầu Đà Nẵng số 2 (Đà Nẵng)")
    registration = holder_view(stack, kept_link(page))
    assert registration["full_name"] == "Nguyễn Thị Ánh Tuyết" and registration["point"] == "P02-01"
    expect(page.locator("#ticket-code")).to_have_text(re.sub(r"(.{5})(?=.)", r"\1 ", registration["ticket"]["code"]))
    page.wait_for_function("() => document.getElementById('ticket-qr').naturalWidth > 0")
    assert qr_text(page.locator("#ticket-qr").screenshot()) == registration["ticket"]["qr_payload"]
    screenshot(page, "ticket")
    page.reload()  # the token stays on this device: the page still opens
    expect(page.locator("#full-name")).to_have_text("Nguyễn Thị Ánh Tuyết")


def test_field_errors_are_shown_beside_the_fields(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}?lang=en"))
    page.fill("#full_name", "Trần Văn Đức")
    page.fill("#email", "not-an-email")
    page.click("#submit")
    expect(page.locator(".field-error[data-for=email]")).to_be_visible()
    expect(page.locator(".field-error[data-for=point]")).to_have_text("Please fill in this field.")
    expect(page.locator(".field-error[data-for=consent]")).to_be_visible()
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    assert page.url.endswith(f"/forums/{forum}?lang=en")  # nothing was sent


def test_a_field_error_goes_away_once_the_field_is_fixed(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}?lang=en"))
    page.fill("#email", "not-an-email")
    page.click("#submit")
    for name in ("full_name", "email", "point", "consent"):
        expect(page.locator(f".field-error[data-for={name}]")).to_be_visible()
    assert_accessible(page)

    page.fill("#email", "tran.duc@")  # still wrong: the error stays
    expect(page.locator(".field-error[data-for=email]")).to_be_visible()
    page.fill("#email", "tran.duc@truong.edu.vn")
    expect(page.locator(".field-error[data-for=email]")).to_be_hidden()
    expect(page.locator("#email")).not_to_have_attribute("aria-invalid", "true")
    page.fill("#full_name", "Trần Văn Đức")
    expect(page.locator(".field-error[data-for=full_name]")).to_be_hidden()
    page.select_option("#point", "P00-00")
    expect(page.locator(".field-error[data-for=point]")).to_be_hidden()
    expect(page.locator(".field-error[data-for=consent]")).to_be_visible()  # not fixed yet
    page.check("#consent")
    expect(page.locator(".field-error[data-for=consent]")).to_be_hidden()


def test_an_error_only_the_service_could_see_leaves_when_the_field_is_changed(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}?lang=en"))
    page.fill("#full_name", "Lý Thị Hoa")
    page.fill("#email", "hoa@truong")  # the browser takes it, the service does not
    page.select_option("#point", "P00-01")
    page.check("#consent")
    page.click("#submit")
    expect(page.locator(".field-error[data-for=email]")).to_be_visible()
    expect(page.locator("#form-error")).to_be_visible()
    page.fill("#organisation", "Sở Giáo dục")  # another field: the error stays
    expect(page.locator(".field-error[data-for=email]")).to_be_visible()
    page.fill("#email", "hoa@truong.edu.vn")
    expect(page.locator(".field-error[data-for=email]")).to_be_hidden()
    expect(page.locator("#form-error")).to_be_hidden()


def test_cancelling_forgets_the_token_on_this_device(stack, forum, page):
    person = register(stack, forum, "Đỗ Thị Lan", point="P01-00")
    open_mine(page, stack, person)
    assert stored_token(page, person) == person["manage_token"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel")
    expect(page.locator("#status")).to_have_text("Đã hủy")
    assert stored_token(page, person) is None
    page.reload()  # no fragment, nothing stored: the page asks for the link
    expect(page.locator("#message")).to_contain_text("thiếu mã quản lý")


def test_erasing_forgets_the_token_and_the_person_is_gone(stack, forum, page):
    person = register(stack, forum, "Phan Văn Khải", point="P01-01", phone="0912345678")
    open_mine(page, stack, person)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#erase")
    expect(page.locator("#message")).to_contain_text("đã được xóa")
    expect(page.locator("#details")).to_be_hidden()
    assert stored_token(page, person) is None
    seen = requests.get(stack.url("registration", f"/api/v1/registrations/{person['id']}"),
                        headers={"Authorization": f"Bearer {person['manage_token']}"}, timeout=10)
    assert "Phan Văn Khải" not in seen.text and "0912345678" not in seen.text  # the service holds them no more


def test_a_token_the_service_no_longer_takes_is_forgotten(stack, forum, page):
    person = register(stack, forum, "Cao Thị Ngọc", point="P01-00")
    open_mine(page, stack, person)
    page.evaluate("([key, token]) => localStorage.setItem(key, token)",
                  [f"forumops:registration:{person['id']}", "not-the-token"])
    page.reload()
    expect(page.locator("#message")).to_have_text(
        "Không tìm thấy đăng ký, hoặc đường dẫn không còn dùng được. Nếu mất đường dẫn, hãy xin đường dẫn mới "
        "trên trang của diễn đàn.")
    assert stored_token(page, person) is None


def test_an_online_participant_reaches_the_meeting_only_through_the_join_link(stack, page):
    forum = new_forum(stack, points_per_province=1)  # its own, so its online counts are this person's
    person = register(stack, forum, "Mạc Thị Bưởi", point=None, attendance="online")
    meeting = "https://meet.example.vn/dien-dan"
    page.route(meeting + "**", lambda route: route.fulfill(status=200, content_type="text/html",
                                                          body="<title>Meeting</title><p>meeting</p>"))
    open_mine(page, stack, person)
    join = page.locator("#join-link")
    expect(join).to_be_visible()
    assert meeting not in page.content()  # the page knows there is a meeting, not where
    wait_until(lambda: online_counts(stack, forum)["registered"] == 1, timeout_s=30,
               message="check-in to know the person")
    join.click()
    page.wait_for_url(meeting)
    wait_until(lambda: online_counts(stack, forum)["arrived"] == 1, timeout_s=30,
               message="the join to count as an arrival")


def online_counts(stack, forum: str) -> dict:
    return stack.admin("GET", "checkin", f"/api/v1/forums/{forum}/stats").json()["online"]


def open_mine(page, stack, person: dict) -> None:
    page.goto(stack.url("registration", f"/registrations/{person['id']}#token={person['manage_token']}"))
    expect(page.locator("#full-name")).to_have_text(person["full_name"])
    assert "token=" not in page.url


def stored_token(page, person: dict) -> str | None:
    return page.evaluate("(key) => localStorage.getItem(key)", f"forumops:registration:{person['id']}")


def kept_link(page) -> str:
    """The link the page asks the person to keep (it carries the token; the address bar does not)."""
    return page.locator("#keep-link").get_attribute("href")


def holder_view(stack, link: str) -> dict:
    """The registration behind a "my registration" link, read from the API with the link's token."""
    registration_id, token = re.search(r"/registrations/([0-9a-f]+)#token=(.+)$", link).groups()
    answer = requests.get(stack.url("registration", f"/api/v1/registrations/{registration_id}"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def qr_text(png: bytes) -> str:
    """What the QR code on the picture says. Once (CI, 2026-12-07) the decoder reported two
    symbols on this picture: only QR codes are read, and one code is one text, not one report."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)
    texts = {barcode.text for barcode in found}
    assert len(texts) == 1, f"one QR code on the picture, read {[(b.text, str(b.position)) for b in found]}"
    return texts.pop()
