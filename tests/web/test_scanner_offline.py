"""A phone at a door is reloaded, locked or restarted while the network is down: the scanner opens
from its service worker's cache, decides and queues with the kit kept on the phone (its session
and the sign-ups too), and uploads when the network is back. A deploy replaces what the phone keeps, and a service answering errors
does not stop the kept page from opening (those two on a server of the scanner's pages alone)."""
from __future__ import annotations

import contextlib
import shutil
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import checkin
import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from checkin.api import pages
from forumops_shared.pages import install_pages

from .conftest import PHONE
from .test_programme import choose, put_session
from ..support.forums import arrived_at, enrol_device, new_forum, register, roster, scanner_link, wait_for_roster
from ..support.waiting import wait_until

OFFLINE = "Quyết định ngoại tuyến — sẽ gửi khi có mạng"

WORKER_READY = """async () => {
  const none = new Promise((_, refuse) => setTimeout(() => refuse(new Error("no service worker")), 15000));
  const registration = await Promise.race([navigator.serviceWorker.ready, none]);
  return {scope: new URL(registration.scope).pathname, caches: await caches.keys()};
}"""


def scan(page, text):
    page.fill("#ticket", text)
    page.press("#ticket", "Enter")


def expect_outcome(page, outcome, who):
    expect(page.locator("#outcome")).to_have_attribute("data-outcome", outcome)
    expect(page.locator("#who")).to_have_text(who)
    if outcome == "accepted":
        expect(page.locator("#detail")).to_have_text(OFFLINE)


def opened(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true")


class Phone:
    """A phone's browser (its own profile), each page's script errors kept: none may occur."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport=PHONE, locale="vi-VN")
        self.context.set_default_timeout(15_000)
        self.errors: list[str] = []

    def page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        return page


@contextlib.contextmanager
def phone(browser) -> Iterator[Phone]:
    held = Phone(browser)
    try:
        yield held
    finally:
        held.context.close()
    assert not held.errors, f"the page's script failed: {held.errors}"


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=1)


def test_the_scanner_reopens_with_no_network_keeps_deciding_and_uploads_when_it_returns(stack, forum, browser):
    point = "P03-00"
    people = [register(stack, forum, name, point=point) for name in ("Vũ Thị Hạnh", "Bùi Quang Minh", "Hồ Xuân Lan")]
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, people)
    with phone(browser) as device:
        context, page = device.context, device.page()
        page.goto(scanner_link(stack, forum, point, token))
        opened(page)
        worker = page.evaluate(WORKER_READY)  # online once: the worker installed, the kit fetched
        assert worker["scope"] == "/scan" and len(worker["caches"]) == 1
        refusals = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        # Chromium would offer to install it, but for the test's own profile (a private one, as incognito)
        assert [refusal["errorId"] for refusal in refusals] == ["in-incognito"]

        context.set_offline(True)  # the venue's network goes down, and the phone is reloaded
        answer = page.reload()
        assert answer.from_service_worker and answer.ok
        opened(page)
        expect(page.locator("#net")).to_have_text("Mất mạng")
        expect(page.locator("#point-name")).to_have_text(f"Điểm cầu Thừa Thiên Huế số 1 ({point})")
        scan(page, people[0]["ticket"]["qr_payload"])  # the signature checked with the keys kept on the phone
        expect_outcome(page, "accepted", people[0]["full_name"])
        scan(page, people[0]["ticket"]["code"])
        expect_outcome(page, "duplicate", people[0]["full_name"])
        expect(page.locator("#pending")).to_have_text("2")
        page.close()

        page = device.page()  # the phone restarted: a new page, still no network
        page.goto(stack.url("checkin", "/scan"))
        opened(page)
        expect(page.locator("#pending")).to_have_text("2")  # the queue outlived the page
        scan(page, people[1]["ticket"]["code"])
        expect_outcome(page, "accepted", people[1]["full_name"])
        scan(page, people[0]["ticket"]["qr_payload"])  # whom the phone let in outlived the page too
        expect_outcome(page, "duplicate", people[0]["full_name"])
        expect(page.locator("#pending")).to_have_text("4")
        assert arrived_at(stack, forum, point) == 0  # nothing reached the service

        context.set_offline(False)  # the network is back: the page sends the queue by itself
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
        expect(page.locator("#net")).to_have_text("Trực tuyến")
        assert arrived_at(stack, forum, point) == 2
        arrived = {entry["id"]: entry["arrived"] for entry in roster(stack, forum, point, token)}
        assert [arrived[person["id"]] for person in people] == [True, True, False]


# -- a deploy replaces the kept shell ----------------------------------------------------------------

STATIC = Path(checkin.__file__).parent / "static"


def scanner_only(static: Path) -> Flask:
    """The check-in service's pages, with its static files from `static` (a deploy's copy)."""
    app = Flask("checkin", static_folder=str(static), static_url_path="/static")
    install_pages(app)
    app.register_blueprint(pages.bp)
    return app


class Deploys:
    """A server whose app is swapped for the next deploy's (or for a failing one), at one address."""

    def __init__(self, tmp_path: Path):
        self.tmp_path, self.apps = tmp_path, []
        self.server = make_server("127.0.0.1", 0, lambda environ, respond: self.apps[-1](environ, respond),
                                  threaded=True)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"

    def deploy(self, change: str = "") -> Flask:
        """The check-in pages with a copy of its static files, `change` added to decide.js."""
        static = self.tmp_path / f"deploy-{len(self.apps)}"
        shutil.copytree(STATIC, static)
        with open(static / "decide.js", "a", encoding="utf-8") as script:
            script.write(change)
        self.apps.append(scanner_only(static))
        return self.apps[-1]

    def fail(self, status: str) -> None:
        """Every address answers `status` (a service that is up but struggling)."""
        def failing(environ, respond):
            respond(status, [("Content-Type", "text/plain")])
            return [b"down"]
        self.apps.append(failing)


@pytest.fixture
def deploys(tmp_path):
    served = Deploys(tmp_path)
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    thread.join()


def test_a_deploy_that_changes_the_scanner_files_replaces_what_the_phone_keeps(browser, deploys):
    first = deploys.deploy()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(deploys.origin + "/scan")
        assert page.evaluate(WORKER_READY)["caches"] == [f"forumops-scanner-{first.extensions[pages.SHELL_VERSION]}"]

        second = deploys.deploy("\n// the next deploy\n")
        page.reload()  # a navigation: the browser sees the worker's new text and installs it
        kept = f"forumops-scanner-{second.extensions[pages.SHELL_VERSION]}"
        wait_until(lambda: page.evaluate("caches.keys()") == [kept], timeout_s=15, interval_s=0.2,
                   message="the new worker's cache, alone")

        context.set_offline(True)
        page.reload()  # from the new cache: the new deploy's script
        served = page.evaluate("fetch('/static/decide.js').then((answer) => answer.text())")
        assert served.endswith("// the next deploy\n")
    finally:
        context.close()


def test_a_service_answering_server_errors_still_opens_the_kept_scanner(browser, deploys):
    deploys.deploy()
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto(deploys.origin + "/scan")
        page.evaluate(WORKER_READY)

        deploys.fail("503 Service Unavailable")
        answer = page.reload()
        assert answer.ok and answer.from_service_worker
        expect(page.locator("#problem")).to_have_text(  # the page and its script ran: no device on this phone
            "Thiết bị chưa được đăng ký. Mở đường dẫn đăng ký thiết bị do ban tổ chức gửi.")
        assert page.evaluate("fetch('/scan-worker.js').then((answer) => answer.status)") == 503  # not its business
    finally:
        context.close()


# -- in a session, with sign-ups -----------------------------------------------------------------

def test_reloaded_offline_the_scanner_keeps_its_session_and_its_sign_ups_and_uploads_them(stack, browser):
    """Two workshops run now at the point; the door works in W1, which refuses people without a
    place. Reloaded with no network, it still works in W1 and judges by the sign-ups it kept."""
    forum, point = new_forum(stack, points_per_province=1), "P02-00"
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    for code, walk_in in (("W1", "refuse"), ("W2", "admit")):
        put_session(stack, forum, code, walk_in=walk_in, capacity=10, starts_at=(now - timedelta(minutes=30)).isoformat(),
                    ends_at=(now + timedelta(hours=2)).isoformat())
    with_place, without = (register(stack, forum, name, point=point) for name in ("Lý Thị Chỗ", "Đặng Văn Vãng"))
    choose(stack, with_place, ["W1"])
    token = enrol_device(stack, forum, point)
    wait_until(lambda: {e["id"]: e["sessions"] for e in roster(stack, forum, point, token) or []}.get(with_place["id"])
               == ["W1"], timeout_s=30, interval_s=0.3, message="check-in to know her place in W1")
    with phone(browser) as device:
        context, page = device.context, device.page()
        page.goto(scanner_link(stack, forum, point, token))
        opened(page)
        page.evaluate(WORKER_READY)
        page.select_option("#session", "W1")

        context.set_offline(True)
        assert page.reload().from_service_worker
        opened(page)
        expect(page.locator("#session")).to_have_value("W1")  # the door's session outlived the page
        scan(page, with_place["ticket"]["qr_payload"])
        expect_outcome(page, "accepted", with_place["full_name"])
        scan(page, with_place["ticket"]["code"])
        expect_outcome(page, "duplicate", with_place["full_name"])  # already in this session
        scan(page, without["ticket"]["qr_payload"])
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", "rejected")  # no place in W1
        expect(page.locator("#pending")).to_have_text("3")

        context.set_offline(False)
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)

        page.check("input[name=direction][value=out]")  # the door now notes people leaving W1
        scan(page, with_place["ticket"]["code"])
        expect(page.locator("#outcome")).to_have_attribute("data-direction", "out")
        expect(page.locator("#verdict")).to_have_text("ĐÃ RA")
        expect(page.locator("#who")).to_have_text(with_place["full_name"])
        context.set_offline(True)
        assert page.reload().from_service_worker
        opened(page)
        expect(page.locator("input[name=direction][value=out]")).to_be_checked()  # kept, as the session is
        scan(page, without["ticket"]["qr_payload"])  # leaving needs no place
        expect(page.locator("#outcome")).to_have_attribute("data-direction", "out")
        expect_outcome(page, "accepted", without["full_name"])
        expect(page.locator("#pending")).to_have_text("1")
        context.set_offline(False)
        expect(page.locator("#pending")).to_have_text("0", timeout=20_000)
    sessions = {s["code"]: s["arrived"] for s in stack.admin("GET", "checkin", f"/api/v1/forums/{forum}/stats")
                .json()["sessions"]}
    assert sessions == {"W1": 1, "W2": 0}  # she is in W1; he was turned away, and leaving let no one in
    inside = {e["id"]: e["in_sessions"] for e in roster(stack, forum, point, token)}
    assert (inside[with_place["id"]], inside[without["id"]]) == (["W1"], [])
