"""A certificate as its holder and the public meet it: the download on "my registration", and the
verification page, valid and then revoked."""
import re

import pytest
import requests
from playwright.sync_api import expect

from ..support.waiting import wait_until
from .accessibility import assert_accessible
from .conftest import screenshot
from ..support.forums import check_in, enrol_device, new_forum, register


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=1)


def issued(stack, person) -> dict:
    def found():
        answer = requests.get(stack.url("certificates", f"/api/v1/registrations/{person['id']}/certificate"),
                              headers={"Authorization": f"Bearer {person['manage_token']}"}, timeout=10)
        return answer.json() if answer.status_code == 200 else None
    return wait_until(found, timeout_s=30, interval_s=0.3, message="the certificate to be issued")


def test_the_holder_downloads_the_certificate_and_the_verification_page_shows_it_valid_then_revoked(stack, forum, page):
    person = register(stack, forum, "Hoàng Quốc Việt", point="P03-00")
    check_in(stack, forum, "P03-00", enrol_device(stack, forum, "P03-00"), person)
    certificate = issued(stack, person)

    page.goto(stack.url("registration", f"/registrations/{person['id']}#token={person['manage_token']}"))
    expect(page.locator("#certificate-text")).to_contain_text(certificate["serial"])
    with page.expect_download() as download:
        page.click("#certificate-download")
    assert download.value.suggested_filename == f"certificate-{certificate['serial']}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    screenshot(page, "registration-with-certificate")
    assert_accessible(page)

    page.click("#certificate-verify")
    expect(page.locator("#status")).to_have_attribute("data-status", "valid")
    expect(page.locator("#status")).to_have_text("HỢP LỆ")
    expect(page.locator("#recipient")).to_have_text("Hoàng Quốc Việt")
    screenshot(page, "verify-valid")

    revoked = stack.admin("POST", "certificates", f"/api/v1/certificates/{certificate['serial']}/revoke",
                          json={"reason": "Cấp nhầm đợt"})
    assert revoked.status_code == 200
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "revoked")
    expect(page.locator("#revoked")).to_contain_text("Cấp nhầm đợt")
    screenshot(page, "verify-revoked")


def test_an_unknown_serial_is_a_page_that_says_so(stack, page):
    page.goto(stack.url("certificates", "/verify/AAAA-BBBB-CCCC?lang=en"))
    expect(page.locator("#status")).to_have_text("NOT FOUND")
    assert re.search("AAAA-BBBB-CCCC", page.content())
