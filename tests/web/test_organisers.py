"""Organisers watch arrivals on the dashboard as they happen."""
import uuid

import pytest
from playwright.sync_api import expect

from ..support.forums import check_in, enrol_device, new_forum, register, roster, wait_for_roster
from ..support.system import ADMIN_TOKEN
from .conftest import screenshot


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack)


def test_the_dashboard_counts_up_by_itself_as_people_arrive(stack, forum, page):
    point = "P00-01"
    people = [register(stack, forum, name, point=point) for name in ("Võ Minh Khôi", "Bùi Thị Hằng")]
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, people)
    check_in(stack, forum, point, token, people[0])
    # the door's own roster is read live (the stats an API process answers may be 0.5 s old)
    before = sum(entry["arrived"] for entry in roster(stack, forum, point, token))

    page.goto(stack.url("checkin", f"/dashboard/{forum}"))
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button")
    row = page.locator(f"#points tr[data-point='{point}']")
    expect(row.locator("td.arrived")).to_have_text(str(before))
    total = int(page.locator("#onsite-arrived").inner_text())

    check_in(stack, forum, point, token, people[1])  # nobody reloads the page
    expect(row.locator("td.arrived")).to_have_text(str(before + 1), timeout=15_000)
    expect(page.locator("#onsite-arrived")).to_have_text(str(total + 1))

    page.select_option("#province", "Đà Nẵng")  # only that province's points
    expect(page.locator("#points tbody tr")).to_have_count(6)
    expect(page.locator(f"#points tr[data-point='{point}']")).to_have_count(0)
    page.select_option("#province", "")
    expect(page.locator("#conflicts tbody")).to_contain_text("Không có xung đột.")
    screenshot(page, "dashboard")


def test_a_wrong_organiser_token_is_told_and_shows_nothing(stack, forum, page):
    page.goto(stack.url("checkin", f"/dashboard/{forum}?lang=en"))
    page.fill("#token", "not-the-token")
    page.click("#login button")
    expect(page.locator("#message")).to_have_text("The organiser token is not right.")
    expect(page.locator("#board")).to_be_hidden()


def test_the_dashboard_links_to_the_imports_where_a_points_file_gets_its_report(stack, forum, page, tmp_path):
    page.goto(stack.url("checkin", f"/dashboard/{forum}"))
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button")
    page.click(f"a[href$='/organiser/{forum}/imports']")
    page.wait_for_url(stack.url("registration", f"/organiser/{forum}/imports"))
    page.fill("#token", ADMIN_TOKEN)  # another service: the token is asked for again
    code = f"HN-{uuid.uuid4().hex[:6]}"
    csv_file = tmp_path / "diem-cau.csv"
    csv_file.write_text(f"code,name,province,capacity\n{code},Trường Đại học Sư phạm Hà Nội,Hà Nội,120\n"
                        "BAD,,Hà Nội,-1\n", encoding="utf-8")
    page.set_input_files("form[data-path='points/import'] input[type=file]", str(csv_file))
    page.click("form[data-path='points/import'] button")
    expect(page.locator("#report tr[data-outcome=created]")).to_have_count(1)
    expect(page.locator("#report tr[data-outcome=refused]")).to_have_count(1)
    expect(page.locator("#message")).to_contain_text("Đã tạo: 1")
    screenshot(page, "imports")
    points = {p["code"] for p in stack.admin("GET", "registration", f"/api/v1/forums/{forum}/points").json()["points"]}
    assert code in points
