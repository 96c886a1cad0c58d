"""An organiser builds the forum's programme on its page: a session added in the forum's time
zone whatever the browser's, listed with its places, changed, refused with the API's reason when
it ends before it starts, and deleted; nothing of it without the organiser token."""
from playwright.sync_api import expect

from ..support.forums import new_forum
from ..support.system import ADMIN_TOKEN
from .accessibility import assert_accessible
from .conftest import screenshot


def sessions(stack, forum) -> dict:
    answer = stack.admin("GET", "registration", f"/api/v1/forums/{forum}/sessions")
    return {s["code"]: s for s in answer.json()["sessions"]}


def fill_session(page, code, title_vi, starts, ends, **more) -> None:
    page.fill("#code", code)
    page.fill("#title-vi", title_vi)
    page.fill("#title-en", more.get("title_en", ""))
    page.select_option("#kind", more.get("kind", "plenary"))
    page.fill("#starts", starts)
    page.fill("#ends", ends)
    page.fill("#capacity", more.get("capacity", ""))
    if more.get("signup"):
        page.check("#signup")


def test_an_organiser_adds_changes_and_deletes_sessions_in_the_forums_time(stack, browser, viewport):
    forum = new_forum(stack, points_per_province=1)
    # A browser in another time zone: the times typed are still the forum's (Asia/Ho_Chi_Minh).
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Europe/Paris")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(stack.url("registration", f"/organiser/{forum}/programme"))
    page.click("#load")
    expect(page.locator("#message")).to_have_text("Nhập mã ban tổ chức trước.")
    page.fill("#token", ADMIN_TOKEN)
    page.click("#load")
    expect(page.locator("#sessions li")).to_have_text(["Diễn đàn chưa có phiên nào."])

    fill_session(page, "khai-mac", "Phiên toàn thể khai mạc", "2026-11-21T08:00", "2026-11-21T10:30",
                 title_en="Opening plenary")
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Đã thêm phiên khai-mac.")
    fill_session(page, "ws-stem", "Hội thảo: Giáo dục STEM", "2026-11-21T13:30", "2026-11-21T15:30",
                 kind="workshop", capacity="40", signup=True)
    page.click("#save")
    expect(page.locator("#sessions li")).to_have_count(2)
    listed = page.locator('#sessions li[data-code="ws-stem"]')
    expect(listed).to_contain_text("21/11/2026 13:30–15:30")
    expect(listed).to_contain_text("0/40 chỗ, 0 chờ")
    saved = sessions(stack, forum)
    assert saved["khai-mac"]["starts_at"] == "2026-11-21T08:00:00+07:00"
    assert (saved["ws-stem"]["kind"], saved["ws-stem"]["capacity"], saved["ws-stem"]["signup"]) == ("workshop", 40, True)
    assert_accessible(page)
    screenshot(page, "organiser-programme")

    page.get_by_role("button", name="Sửa khai-mac").click()
    expect(page.locator("#starts")).to_have_value("2026-11-21T08:00")
    page.fill("#ends", "2026-11-21T07:00")  # before it starts
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Phiên phải kết thúc sau khi bắt đầu. (ends_at: Must be after starts_at.)")
    assert sessions(stack, forum)["khai-mac"]["ends_at"] == "2026-11-21T10:30:00+07:00"  # nothing changed
    page.fill("#ends", "2026-11-21T11:00")  # the session moved: it ends later
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Đã lưu phiên khai-mac.")
    assert sessions(stack, forum)["khai-mac"]["ends_at"] == "2026-11-21T11:00:00+07:00"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xoá ws-stem").click()
    expect(page.locator("#message")).to_have_text("Đã xoá phiên ws-stem.")
    expect(page.locator("#sessions li")).to_have_count(1)
    assert list(sessions(stack, forum)) == ["khai-mac"]
    context.close()
    assert not errors, errors
