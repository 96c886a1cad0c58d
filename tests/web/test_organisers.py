"""Organisers watch arrivals on the dashboard as they happen."""
import pytest
from playwright.sync_api import expect

from .conftest import ADMIN_TOKEN, screenshot
from .forums import arrived_at, check_in, enrol_device, new_forum, register, wait_for_roster


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack)


def test_the_dashboard_counts_up_by_itself_as_people_arrive(stack, forum, page):
    point = "P00-01"
    people = [register(stack, forum, name, point=point) for name in ("Võ Minh Khôi", "Bùi Thị Hằng")]
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, people)
    check_in(stack, forum, point, token, people[0])
    before = arrived_at(stack, forum, point)

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
