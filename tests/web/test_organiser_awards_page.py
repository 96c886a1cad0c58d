"""The organiser's page of an awards programme in Chromium: the ranking per category with the
jurors' disagreement and a tie marked, the decision confirmed and changed (a departure asks for
its reason, every version listed), the results published with the link to the honour roll, the
jury's assignment computed, and nothing shown without the organiser token.

The awards API runs in this process on a real database, served over HTTP to the browser, with a
FakeClock: the jury reviews, then the review closes, without waiting for either.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from forumops_shared.db import make_engine
from forumops_shared.service_app import close_service_app

from ..awards.conftest import ADMIN_TOKEN, OPENS, Api, programme_body
from ..awards.jury import REVIEW_CLOSES, close_applications, compute, full_scores, school
from ..awards.test_jury_api import jury_of_four, reviewers
from ..support.clock import FakeClock
from ..support.services import migrate
from .accessibility import assert_accessible
from .conftest import screenshot

# name, category, title, each juror's score on every criterion (None: nobody has scored it yet)
SCHOOLS = [("Trường Tiểu học Hoa Mai", "doi-moi", "Lớp học không giấy", (9, 9, 9)),  # 90
           ("Trường THCS Lê Lợi", "doi-moi", "Robot từ đồ tái chế", (6, 8, 10)),  # 80, 40 points apart
           ("Trường THPT Nguyễn Du", "doi-moi", "Câu lạc bộ đọc sách trực tuyến", (7, 7, 7)),  # 70
           ("Trường Mầm non Sen Hồng", "doi-moi", "Vườn rau của bé", None),
           ("Trường THCS Trần Phú", "moi-truong", "Sân trường xanh", (8, 8, 8)),  # 80, tied
           ("Trường Tiểu học Kim Đồng", "moi-truong", "Thư viện góc lớp", (8, 8, 8))]  # 80, tied
REASON = "Câu lạc bộ đọc sách đã nhân rộng ra 12 trường trong tỉnh."


@dataclass
class Site:
    url: str
    api: Api
    slug: str = ""
    ids: dict | None = None  # application id by title

    def page_url(self, lang: str = "vi") -> str:
        return f"{self.url}/organiser/programmes/{self.slug}?lang={lang}"

    def decide(self, winners: dict, reason: str | None = None) -> dict:
        body = {"winners": {code: [self.ids[t] for t in titles] for code, titles in winners.items()},
                **({"reason": reason} if reason else {})}
        answer = self.api.client.put(f"/api/v1/programmes/{self.slug}/decisions", json=body, headers=self.api.admin)
        assert answer.status_code == 200, answer.json
        return answer.json

    def decisions(self) -> dict:
        return self.api.client.get(f"/api/v1/programmes/{self.slug}/decisions", headers=self.api.admin).json


@pytest.fixture
def site(settings_for, tmp_path):
    """The awards API on a fresh database, served on a free port, its clock in the test's hands."""
    settings = settings_for("awards", extra={"AWARDS_ADMIN_TOKEN": ADMIN_TOKEN, "AWARDS_FILES_DIR": str(tmp_path / "files")})
    migrate(settings)
    from awards.app import create_app
    clock = FakeClock(OPENS - timedelta(days=10))
    app = create_app(settings, clock=clock)
    engine = make_engine(settings.database_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(f"http://127.0.0.1:{server.server_port}", Api(app, engine, clock))
    finally:
        server.shutdown()
        thread.join()
        close_service_app(app)
        engine.dispose()


def jury_and_applications(site: Site) -> dict:
    """"doi-moi" with two awards, "moi-truong" with one; four jurors of both; applications closed."""
    api, body = site.api, programme_body()
    body["categories"][0]["awards"], body["categories"][1]["awards"] = 1, 2
    site.slug = api.create_programme(categories=body["categories"])
    api.open()
    jury = jury_of_four(api, site.slug, categories=("moi-truong", "doi-moi"))
    site.ids = {title: api.applied(site.slug, school(name, category=category, title=title))["id"]
                for name, category, title, _ in SCHOOLS}
    close_applications(api)
    return jury


@pytest.fixture
def judged(site) -> Site:
    """The jury has reviewed (all but "Vườn rau của bé") and the review has closed."""
    jury = jury_and_applications(site)
    by_app = reviewers(compute(site.api, site.slug))
    token_of = {jury["_ids"][name]: token for name, token in jury.items() if name != "_ids"}
    for _, _, title, values in SCHOOLS:
        for juror, value in zip(by_app[site.ids[title]], values or ()):
            answer = site.api.client.put(f"/api/v1/applications/{site.ids[title]}/reviews/me",
                                         json={"scores": full_scores(value)}, headers=site.api.bearer(token_of[juror]))
            assert answer.status_code == 200, answer.json
    site.api.clock._now = REVIEW_CLOSES
    return site


def open_with_token(page, site: Site, lang: str = "vi") -> None:
    page.goto(site.page_url(lang))
    page.fill("#token", ADMIN_TOKEN)
    page.click("#open")
    expect(page.locator("#organiser-area")).to_be_visible()


def place(page, title: str):
    return page.locator("li.place", has_text=title)


def test_the_ranking_is_shown_in_order_with_the_disagreement_and_the_tie_marked(judged, page):
    open_with_token(page, judged)
    innovation, environment = page.locator("#category-doi-moi"), page.locator("#category-moi-truong")
    expect(innovation.locator("li.place .title")).to_have_text(
        ["Lớp học không giấy", "Robot từ đồ tái chế", "Câu lạc bộ đọc sách trực tuyến"])
    expect(innovation).to_contain_text("2 giải")
    expect(place(page, "Robot từ đồ tái chế")).to_contain_text("Giám khảo chênh lệch nhiều (40 điểm)")
    expect(place(page, "Robot từ đồ tái chế")).to_contain_text("Trung bình 80 · trung vị 80 · 3/3 lượt chấm")
    expect(place(page, "Robot từ đồ tái chế")).to_contain_text("Trường THCS Lê Lợi")  # the organiser sees who applied
    expect(place(page, "Lớp học không giấy").locator(".tag.disagree")).to_have_count(0)
    expect(place(page, "Lớp học không giấy")).to_contain_text("Đề xuất đạt giải")
    expect(place(page, "Câu lạc bộ đọc sách trực tuyến")).to_contain_text("Không đề xuất")
    expect(innovation.locator(".unscored")).to_contain_text("Vườn rau của bé")  # apart, not ranked
    expect(innovation.locator("li.place", has_text="Vườn rau của bé")).to_have_count(0)
    # No decision yet: the proposal is checked; the tie is left to the organiser, said plainly.
    expect(page.locator("#decision-state")).to_contain_text("Chưa có quyết định")
    assert [place(page, t).locator("input").is_checked() for t in
            ("Lớp học không giấy", "Robot từ đồ tái chế", "Câu lạc bộ đọc sách trực tuyến")] == [True, True, False]
    expect(environment.locator(".tie")).to_have_text(
        "Đồng hạng ở vị trí cuối: ban tổ chức chọn tối đa 1 trong các hồ sơ “Đồng hạng”.")
    for title in ("Sân trường xanh", "Thư viện góc lớp"):
        expect(place(page, title)).to_contain_text("Đồng hạng: ban tổ chức chọn")
        expect(place(page, title).locator("input")).not_to_be_checked()
    expect(page.locator("#loads li")).to_have_count(4)
    expect(page.locator("#assignment-totals")).to_contain_text("6 hồ sơ · 18 lượt chấm đã phân công")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # nothing scrolls sideways
    screenshot(page, "awards-organiser")


def test_confirming_the_proposal_with_the_tie_chosen_saves_version_1(judged, page):
    open_with_token(page, judged, "en")
    expect(page.locator("#category-doi-moi .chosen")).to_have_text("2 of 2 chosen")
    place(page, "Câu lạc bộ đọc sách trực tuyến").locator("input").check()  # one too many
    expect(page.locator("#category-doi-moi .field-error")).to_have_text("“Best Education Innovation”: choose at most 2.")
    page.click("#save")
    expect(page.locator("#message")).to_be_hidden()
    place(page, "Câu lạc bộ đọc sách trực tuyến").locator("input").uncheck()
    expect(page.locator("#category-doi-moi .field-error")).to_be_hidden()
    place(page, "Sân trường xanh").locator("input").check()
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Decision saved as version 1.")
    expect(page.locator("#reason-box")).to_be_hidden()  # choosing among the tied needs no reason
    expect(page.locator("#history > li")).to_have_count(1)
    expect(page.locator("#history > li").first).to_contain_text("Version 1 (in force)")
    expect(page.locator("#history > li").first).to_contain_text("3 winner(s)")
    expect(page.locator("#history > li").first).to_contain_text("As proposed.")
    current = judged.decisions()["current"]
    assert current["version"] == 1 and current["reason"] is None
    assert current["winners"] == {"doi-moi": [judged.ids["Lớp học không giấy"], judged.ids["Robot từ đồ tái chế"]],
                                  "moi-truong": [judged.ids["Sân trường xanh"]], "anh-huong": []}


def test_changing_a_winner_asks_for_the_reason_and_lists_it_in_the_history(judged, page):
    judged.decide({"doi-moi": ["Lớp học không giấy", "Robot từ đồ tái chế"], "moi-truong": ["Thư viện góc lớp"]})
    open_with_token(page, judged)
    expect(place(page, "Thư viện góc lớp").locator("input")).to_be_checked()  # the decision in force, not the proposal
    expect(page.locator("#decision-state")).to_contain_text("Quyết định đang áp dụng: phiên bản 1")
    place(page, "Robot từ đồ tái chế").locator("input").uncheck()
    place(page, "Câu lạc bộ đọc sách trực tuyến").locator("input").check()
    page.click("#save")

    expect(page.locator("#reason-box")).to_be_visible()
    expect(page.locator("#reason-intro")).to_have_text("Quyết định này khác đề xuất. Ghi lý do để lưu:")
    expect(page.locator("#departures li")).to_have_text(["Chọn ngoài đề xuất: Câu lạc bộ đọc sách trực tuyến",
                                                         "Đề xuất nhưng không chọn: Robot từ đồ tái chế"])
    expect(place(page, "Câu lạc bộ đọc sách trực tuyến").locator(".tag.departure")).to_have_text("Chọn ngoài đề xuất")
    assert judged.decisions()["current"]["version"] == 1  # nothing saved without the reason
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Ghi lý do trước khi lưu.")
    page.fill("#reason", REASON)
    page.click("#save")

    expect(page.locator("#message")).to_have_text("Đã lưu quyết định, phiên bản 2.")
    expect(page.locator("#reason-box")).to_be_hidden()
    newest = page.locator("#history > li").first
    expect(newest).to_contain_text("Phiên bản 2 (đang áp dụng)")
    expect(newest).to_contain_text(f"Lý do: {REASON}")
    expect(newest).to_contain_text("Đề xuất nhưng không chọn: Robot từ đồ tái chế")
    expect(page.locator("#history > li").nth(1)).to_contain_text("Phiên bản 1")
    current = judged.decisions()["current"]
    assert (current["version"], current["reason"]) == (2, REASON)
    assert current["departures"]["doi-moi"] == {"added": [judged.ids["Câu lạc bộ đọc sách trực tuyến"]],
                                                "left_out": [judged.ids["Robot từ đồ tái chế"]]}


def test_publishing_shows_the_link_to_the_honour_roll_and_a_correction_asks_for_its_reason(judged, page):
    page.on("dialog", lambda dialog: dialog.accept())  # "Publish the results of decision version n?"
    open_with_token(page, judged, "en")
    page.click("#publish")
    expect(page.locator("#message")).to_have_text("There is no decision yet: save one before publishing.")
    judged.decide({"doi-moi": ["Lớp học không giấy", "Robot từ đồ tái chế"], "moi-truong": ["Sân trường xanh"]})
    page.reload()
    expect(page.locator("#organiser-area")).to_be_visible()  # the token is kept in the tab
    page.click("#publish")

    expect(page.locator("#published")).to_contain_text("Results published (publication 1, decision version 1, 3 winner(s)).")
    link = page.get_by_role("link", name="See the honour roll")
    expect(link).to_have_attribute("href", f"/programmes/{judged.slug}/results")
    expect(page.locator("#publish")).to_have_text("Publish a correction")
    page.click("#publish")  # the same decision again
    expect(page.locator("#message")).to_have_text(
        "This decision is already the published one. To correct it, save a new decision first.")

    judged.decide({"doi-moi": ["Lớp học không giấy", "Câu lạc bộ đọc sách trực tuyến"], "moi-truong": ["Sân trường xanh"]},
                  reason=REASON)
    page.reload()
    expect(page.locator("#published")).to_contain_text("Results published (publication 1, ")  # as it stands
    page.click("#publish")  # a correction without its reason
    expect(page.locator("#message")).to_have_text("Write why the results are corrected first.")
    page.fill("#publish-reason", "Đính chính danh mục Đổi mới giáo dục.")
    page.click("#publish")
    expect(page.locator("#published")).to_contain_text("publication 2, decision version 2, 3 winner(s)")
    expect(page.locator("#history .published-mark")).to_have_count(1)
    expect(page.locator('#history li[data-version="2"] .published-mark')).to_have_text("published")
    page.reload()  # as the honour roll says after a reload
    expect(page.locator('#history li[data-version="2"] .published-mark')).to_have_text("published")
    screenshot(page, "awards-organiser-published")
    link.click()
    expect(page.locator("#corrected")).to_have_text("Corrected (publication 2).")
    expect(page.locator("#category-doi-moi .winner .name")).to_have_text(
        ["Trường Tiểu học Hoa Mai", "Trường THPT Nguyễn Du"])


def test_the_assignment_is_computed_from_the_page_while_the_jury_reviews(site, page):
    jury_and_applications(site)
    page.goto(site.page_url("en"))
    page.fill("#token", ADMIN_TOKEN)
    page.click("#open")
    expect(page.locator("#assignment-totals")).to_have_text(
        "6 applications · 0 reviews assigned · 6 short of jurors")
    page.get_by_role("button", name="Compute the assignment").click()
    expect(page.locator("#message")).to_have_text("Assignment computed: 18 review(s) added, 0 released.")
    expect(page.locator("#assignment-totals")).to_have_text(
        "6 applications · 18 reviews assigned · 0 short of jurors")
    expect(page.locator("#loads li")).to_have_count(4)
    expect(page.locator("#loads li").first).to_contain_text("assigned, 0 done")
    expect(page.get_by_role("button", name="Recompute the assignment")).to_be_visible()
    page.click("#save")  # deciding comes once the review has closed
    expect(page.locator("#message")).to_have_text(
        "The review is still open: deciding and publishing come once it has closed.")


def test_without_the_organiser_token_the_page_asks_for_it_and_shows_nothing(judged, page):
    answer = page.goto(judged.page_url())
    assert answer.headers["cache-control"] == "no-store" and "script-src 'self'" in answer.headers["content-security-policy"]
    expect(page.locator("#message")).to_have_text(
        "Nhập mã ban tổ chức để xem phân công, xếp hạng và quyết định.")
    expect(page.locator("#organiser-area")).to_be_hidden()
    assert "Lớp học không giấy" not in page.content()
    page.fill("#token", "x" * 43)
    page.click("#open")
    expect(page.locator("#message")).to_have_text("Mã ban tổ chức không đúng.")
    expect(page.locator("#organiser-area")).to_be_hidden()
    assert "Lớp học không giấy" not in page.content()
    assert page.evaluate("() => sessionStorage.getItem('forumops:organiser-token')") is None


def test_the_page_is_accessible_without_the_token_with_the_ranking_asking_for_a_reason_and_published(judged, page):
    page.goto(judged.page_url())
    assert_accessible(page)
    open_with_token(page, judged)
    assert_accessible(page)
    place(page, "Lớp học không giấy").locator("input").uncheck()
    page.click("#save")
    expect(page.locator("#reason-box")).to_be_visible()
    assert_accessible(page)
    judged.decide({"doi-moi": ["Lớp học không giấy", "Robot từ đồ tái chế"]})
    assert judged.api.client.post(f"/api/v1/programmes/{judged.slug}/publish", json={},
                                  headers=judged.api.admin).status_code == 200
    page.reload()
    expect(page.locator("#published")).to_be_visible()
    assert_accessible(page)
