"""A participant registers through the forum page and finds their ticket."""
import io
import re

import pytest
import requests
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .conftest import screenshot
from ..support.forums import new_forum


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

    page.wait_for_url(re.compile(r"/registrations/[0-9a-f]+#token="))
    expect(page.locator("#status")).to_have_text("Đã xác nhận")
    expect(page.locator("#full-name")).to_have_text("Nguyễn Thị Ánh Tuyết")
    expect(page.locator("#point-name")).to_have_text("Điểm cầu Đà Nẵng số 2 (Đà Nẵng)")
    registration = holder_view(stack, page.url)
    assert registration["full_name"] == "Nguyễn Thị Ánh Tuyết" and registration["point"] == "P02-01"
    expect(page.locator("#ticket-code")).to_have_text(re.sub(r"(.{5})(?=.)", r"\1 ", registration["ticket"]["code"]))
    page.wait_for_function("() => document.getElementById('ticket-qr').naturalWidth > 0")
    assert qr_text(page.locator("#ticket-qr").screenshot()) == registration["ticket"]["qr_payload"]
    screenshot(page, "ticket")


def test_field_errors_are_shown_beside_the_fields(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}?lang=en"))
    page.fill("#full_name", "Trần Văn Đức")
    page.fill("#email", "not-an-email")
    page.click("#submit")
    expect(page.locator(".field-error[data-for=email]")).to_be_visible()
    expect(page.locator(".field-error[data-for=point]")).to_have_text("Please fill in this field.")
    expect(page.locator(".field-error[data-for=consent]")).to_be_visible()
    assert page.url.endswith(f"/forums/{forum}?lang=en")  # nothing was sent


def holder_view(stack, page_url: str) -> dict:
    """The registration behind a "my registration" link, read from the API with the link's token."""
    registration_id, token = re.search(r"/registrations/([0-9a-f]+)#token=(.+)$", page_url).groups()
    answer = requests.get(stack.url("registration", f"/api/v1/registrations/{registration_id}"),
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def qr_text(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, "one QR code on the picture"
    return found[0].text
