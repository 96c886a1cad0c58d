"""Staff at a door: the scanner page checks tickets in, online and with the network cut."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from .accessibility import assert_accessible
from .conftest import PHONE, screenshot
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
        assert_accessible(page)
        page.wait_for_timeout(1000)
        assert arrived_at(stack, forum, point) == 0  # nothing reached the service

        page.unroute("**/api/**")  # the network is back: the page sends them by itself
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
        expect(page.locator("#net")).to_have_text("Trực tuyến")
        assert arrived_at(stack, forum, point) == 3
    finally:
        context.close()


FORUM_ENDS = datetime(2026, 12, 31, 10, 0, tzinfo=timezone.utc)  # new_forum's end, 17:00 in Hà Nội


def test_the_scanner_keeps_its_roster_only_until_the_forum_ends(stack, forum, browser):
    point = "P04-00"
    person = register(stack, forum, "Ngô Bảo Châu", point=point)
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, [person])
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        open_scanner(page, stack, forum, point, token)
        kept = stored_kit(page, forum, point)
        assert datetime.fromisoformat(kept["until"]) == FORUM_ENDS
        assert person["ticket"]["code"] in {entry["ticket_code"] for entry in kept["kit"]["roster"]}
        page.close()

        context.route("**/api/**", lambda route: route.abort("internetdisconnected"))
        context.clock.set_fixed_time(FORUM_ENDS - timedelta(minutes=1))  # the last minute: still kept
        page = reopen_scanner(context, stack)
        scan(page, person["ticket"]["code"])
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", "accepted")
        expect(page.locator("#pending")).to_have_text("1")
        assert admitted_here(page, forum) == 1
        page.close()

        context.clock.set_fixed_time(FORUM_ENDS + timedelta(minutes=1))  # the forum is over
        page = reopen_scanner(context, stack)
        assert stored_kit(page, forum, point) is None
        assert admitted_here(page, forum) == 0  # whom it let in goes with the roster
        expect(page.locator("#pending")).to_have_text("1")  # the scan not yet sent is still a fact to send
        scan(page, person["ticket"]["code"])
        expect(page.locator("#problem")).to_have_text("Chưa tải được dữ liệu điểm cầu; cần có mạng một lần.")

        context.unroute("**/api/**")  # the network is back: the waiting scan is sent, the kit not kept
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
        assert stored_kit(page, forum, point) is None
        assert arrived_at(stack, forum, point) == 1
    finally:
        context.close()


def reopen_scanner(context, stack):
    page = context.new_page()
    page.goto(stack.url("checkin", "/scan"))  # the device is remembered; no link needed
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    return page


def stored_kit(page, forum: str, point: str) -> dict | None:
    kept = page.evaluate("(key) => localStorage.getItem(key)", f"forumops:kit:{forum}:{point}")
    return json.loads(kept) if kept else None


def admitted_here(page, forum: str) -> int:
    """How many people this phone remembers letting in at the forum (its IndexedDB)."""
    return page.evaluate("""(forum) => new Promise((resolve, reject) => {
        const opened = indexedDB.open("forumops-scanner", 1);
        opened.onsuccess = () => {
            const keys = opened.result.transaction("admitted").objectStore("admitted").getAllKeys();
            keys.onsuccess = () => { resolve(keys.result.filter((k) => k.startsWith(forum + ":")).length); opened.result.close(); };
            keys.onerror = () => reject(keys.error);
        };
        opened.onerror = () => reject(opened.error);
    })""", forum)
