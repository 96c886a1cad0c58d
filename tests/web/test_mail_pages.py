"""Mail on the pages: a participant who lost their link asks for a new one on the forum's page;
an organiser writes an announcement, sees how many it reaches, sends it and watches it go."""
import pytest
from playwright.sync_api import expect

from ..support.forums import new_forum, register
from ..support.system import ADMIN_TOKEN


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=1)


def test_a_lost_link_is_asked_for_on_the_forum_page_with_the_same_answer_for_anyone(stack, forum, page):
    person = register(stack, forum, "Hoàng Thị Mai Anh")
    page.goto(stack.url("registration", f"/forums/{forum}#recover"))
    page.fill("#recover-email", person["email"])
    page.click("#recover button")
    expect(page.locator("#recover-message")).to_have_text(
        "Nếu địa chỉ này đã đăng ký diễn đàn, đường dẫn mới đã được gửi tới đó. Xin kiểm tra hộp thư (cả thư rác).")
    # The old link stopped working: the request did reach a registration.
    old = stack.admin("GET", "registration", f"/api/v1/registrations/{person['id']}",
                      headers={"Authorization": f"Bearer {person['manage_token']}"})
    assert old.status_code == 401
    page.fill("#recover-email", "chua.dang.ky@truong.edu.vn")
    page.click("#recover button")
    expect(page.locator("#recover-message")).to_have_text(
        "Nếu địa chỉ này đã đăng ký diễn đàn, đường dẫn mới đã được gửi tới đó. Xin kiểm tra hộp thư (cả thư rác).")


def test_an_organiser_counts_sends_and_follows_an_announcement(stack, page):
    forum = new_forum(stack, points_per_province=1)  # its own: the count is of this test's people
    register(stack, forum, "Nguyễn Văn Bình", point="P00-00")  # Hà Nội
    register(stack, forum, "Trần Thị Cúc", point="P01-00")  # TP. Hồ Chí Minh
    page.goto(stack.url("registration", f"/organiser/{forum}/mail?lang=en"))
    page.fill("#token", ADMIN_TOKEN)
    page.fill("#subject-vi", "Đổi phòng họp")
    page.fill("#body-vi", "Phiên chiều chuyển sang phòng 204.\n\nTrân trọng.")
    page.fill("#subject-en", "The room has changed")
    page.fill("#body-en", "The afternoon session moves to room 204.")
    page.select_option("#provinces", ["Hà Nội"])
    page.click("#count")
    expect(page.locator("#message")).to_have_text("The announcement would reach 1 recipient(s).")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#send")
    expect(page.locator("#message")).to_have_text("Queued for 1 recipient(s).")
    first = page.locator("#announcements tbody tr").first
    expect(first).to_contain_text("The room has changed")
    listed = stack.admin("GET", "registration", f"/api/v1/forums/{forum}/announcements").json()["items"]
    assert [(a["recipients"], a["filter"]["provinces"]) for a in listed] == [(1, ["Hà Nội"])]
