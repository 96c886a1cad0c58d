"""The public honour roll: before publication it says when results are expected; once published,
the winners by category in the reader's language, each linked to their certificate's
verification page once certificates has issued it (through Kafka), with no contact address."""
from playwright.sync_api import expect

from ..support.awards_programmes import decided_programme
from ..support.waiting import wait_until
from .accessibility import assert_accessible
from .conftest import screenshot

CATEGORIES = [
    {"code": "moi-truong", "name": {"vi": "Môi trường giáo dục tốt nhất", "en": "Best Education Environment"}, "awards": 1},
    {"code": "doi-moi", "name": {"vi": "Đổi mới giáo dục tiêu biểu", "en": "Best Education Innovation"}, "awards": 2},
    {"code": "anh-huong", "name": {"vi": "Ảnh hưởng giáo dục của năm", "en": "Best Education Influence of the Year"},
     "awards": 1},
]
SCHOOLS = {"Trường Tiểu học Hoa Mai": ("doi-moi", 9), "Trường Phổ thông Dân tộc Nội trú Tỉnh Lào Cai": ("doi-moi", 8),
           "Trường THPT Nguyễn Du": ("doi-moi", 6), "Trường THCS Trưng Vương": ("moi-truong", 9),
           "Trường Tiểu học Kim Đồng": ("moi-truong", 7), "Trung tâm Giáo dục Thường xuyên Quận Ba Đình": ("anh-huong", 8)}
WINNERS = ["Trường THCS Trưng Vương", "Trường Tiểu học Hoa Mai", "Trường Phổ thông Dân tộc Nội trú Tỉnh Lào Cai",
           "Trung tâm Giáo dục Thường xuyên Quận Ba Đình"]


def test_the_honour_roll_lists_the_winners_by_category_each_linked_to_their_certificate(stack, page):
    slug, ids = decided_programme(stack, SCHOOLS, CATEGORIES)
    roll = stack.url("awards", f"/programmes/{slug}/results")
    page.goto(roll)
    expect(page.locator("#not-published")).to_contain_text("Kết quả chưa được công bố")
    expect(page.locator(".winner")).to_have_count(0)

    assert stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/publish", json={}).status_code == 200
    page.goto(roll)
    expect(page.locator("h1")).to_have_text("Giải thưởng Giáo dục 2027")
    expect(page.locator("#category-doi-moi h2")).to_have_text("Đổi mới giáo dục tiêu biểu")
    expect(page.locator("#category-doi-moi .winner .name")).to_have_text(
        ["Trường Tiểu học Hoa Mai", "Trường Phổ thông Dân tộc Nội trú Tỉnh Lào Cai"])
    expect(page.locator("#category-moi-truong .winner .name")).to_have_text(["Trường THCS Trưng Vương"])
    expect(page.locator("body")).not_to_contain_text("Trường THPT Nguyễn Du")
    expect(page.locator("body")).not_to_contain_text("@")

    def every_link():  # the certificates come back through Kafka; the page shows them once there
        page.goto(roll)
        return page.locator(".winner a.verify").count() == len(WINNERS)
    wait_until(every_link, timeout_s=60, interval_s=0.5, message="every winner linked to a certificate")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    assert_accessible(page)
    screenshot(page, "awards-honour-roll")

    page.locator("#category-doi-moi a.verify").first.click()
    expect(page.locator("body")).to_contain_text("Trường Tiểu học Hoa Mai")
    expect(page.locator("body")).to_contain_text("HỢP LỆ")
    page.goto(f"{roll}?lang=en")
    expect(page.locator("#category-doi-moi h2")).to_have_text("Best Education Innovation")
    expect(page.locator("#published")).to_contain_text("Honour roll, published")
    page.goto(stack.url("awards", f"/programmes/{slug}"))
    page.locator("#results-link").click()
    expect(page.locator("#category-anh-huong .winner .name")).to_have_text(
        ["Trung tâm Giáo dục Thường xuyên Quận Ba Đình"])
