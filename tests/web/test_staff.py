"""Staff at a door: the scanner page checks tickets in, online and with the network cut."""
import pytest
from playwright.sync_api import expect

from .conftest import screenshot
from ..support.forums import arrived_at, enrol_device, new_forum, register, scanner_link, wait_for_roster


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=3)


def open_scanner(page, stack, forum, point, token):
    page.goto(scanner_link(stack, forum, point, token))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    assert "token=" not in page.url  # the token left the address bar for the phone's storage


def scan(page, text):
    page.fill("#ticket", text)
    page.press("#ticket", "Enter")


def test_the_scanner_checks_a_ticket_in_and_shows_the_duplicate_on_a_second_scan(stack, forum, page):
    point = "P01-00"
    person = register(stack, forum, "Trần Văn Đức", point=point)
    token = enrol_device(stack, forum, point)
    before = arrived_at(stack, forum, point)
    open_scanner(page, stack, forum, point, token)
    expect(page.locator("#point-name")).to_have_text(f"Điểm cầu TP. Hồ Chí Minh số 1 ({point})")

    scan(page, person["ticket"]["qr_payload"])  # what the camera reads
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", "accepted")
    expect(page.locator("#verdict")).to_have_text("MỜI VÀO")
    expect(page.locator("#who")).to_have_text("Trần Văn Đức")
    screenshot(page, "scanner-accepted")

    scan(page, person["ticket"]["code"].lower())  # typed by hand, in lower case
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", "duplicate")
    expect(page.locator("#why")).to_have_text("Vé đã được quét trước đó.")
    expect(page.locator("#detail")).to_contain_text(f"Lần đầu: {point}")
    screenshot(page, "scanner-duplicate")
    assert arrived_at(stack, forum, point) == before + 1


def test_scans_made_with_the_network_cut_wait_in_the_browser_and_are_sent_when_it_returns(stack, forum, browser):
    point = "P02-00"
    people = [register(stack, forum, name, point=point) for name in ("Lê Hoàng Phương", "Phạm Ngọc Ưng", "Đặng Thùy Dương")]
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, people)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    try:
        open_scanner(page, stack, forum, point, token)
        page.route("**/api/**", lambda route: route.abort("internetdisconnected"))  # the network is gone

        for person in people:
            scan(page, person["ticket"]["qr_payload"])
            expect(page.locator("#who")).to_have_text(person["full_name"])
            expect(page.locator("#outcome")).to_have_attribute("data-outcome", "accepted")
            expect(page.locator("#detail")).to_have_text("Quyết định ngoại tuyến — sẽ gửi khi có mạng")
        scan(page, people[0]["ticket"]["code"])  # the door remembers who it let in
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", "duplicate")
        forged = people[1]["ticket"]["qr_payload"][:-2] + ("AA" if not people[1]["ticket"]["qr_payload"].endswith("AA") else "BB")
        scan(page, forged)  # decided with the forum's public key, in the browser
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", "rejected")
        expect(page.locator("#why")).to_have_attribute("data-reason", "invalid_signature")
        expect(page.locator("#pending")).to_have_text("5")
        expect(page.locator("#net")).to_have_text("Mất mạng")
        screenshot(page, "scanner-offline")
        page.wait_for_timeout(1000)
        assert arrived_at(stack, forum, point) == 0  # nothing reached the service

        page.unroute("**/api/**")  # the network is back: the page sends them by itself
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
        expect(page.locator("#net")).to_have_text("Trực tuyến")
        assert arrived_at(stack, forum, point) == 3
    finally:
        context.close()
