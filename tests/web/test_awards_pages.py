"""An applicant applies through the programme's page with real files, lands on their own page,
changes it, adds and removes files, and withdraws; refusals read as sentences; a closed
programme shows no form."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect

from ..support.awards_programmes import apply, application_body, counts, image_bytes, new_programme, pdf_bytes
from ..support.system import bearer
from .conftest import screenshot

PDF, PNG = pdf_bytes(), image_bytes("PNG")


def as_file(name: str, data: bytes, kind: str = "application/octet-stream") -> dict:
    return {"name": name, "mimeType": kind, "buffer": data}


def fill_form(page, email: str, title: str = "Thư viện số cho học sinh vùng cao") -> None:
    page.fill("#applicant-name", "Trường THCS Bản Phố")
    page.fill("#applicant-organisation", "Phòng GD&ĐT Bắc Hà")
    page.fill("#applicant-province", "Lào Cai")
    page.fill("#applicant-email", email)
    page.select_option("#category", "doi-moi")
    page.fill("#title", title)
    page.fill("#summary", "Thư viện số phục vụ 400 học sinh\nở ba điểm trường.")


def token_of(page) -> tuple[str, str]:
    """The application's id and token, from the link the page asks the applicant to keep."""
    link = page.locator("#keep-link").get_attribute("href")
    found = re.search(r"/applications/([0-9a-f]+)#token=(.+)$", link)
    return found.group(1), found.group(2)


def holder_view(stack, application_id: str, token: str) -> dict:
    return requests.get(stack.url("awards", f"/api/v1/applications/{application_id}"), headers=bearer(token),
                        timeout=10).json()


def test_an_applicant_applies_with_a_pdf_and_a_png_and_lands_on_their_page(stack, page):
    slug = new_programme(stack)
    page.goto(stack.url("awards", f"/programmes/{slug}"))
    expect(page.locator("h1")).to_have_text("Giải thưởng Giáo dục 2027")
    expect(page.locator("#categories li")).to_have_count(3)
    expect(page.locator("#categories")).to_contain_text("Đổi mới giáo dục tiêu biểu — 31 giải")
    expect(page.locator("#criteria tbody tr")).to_have_count(6)
    fill_form(page, f"banpho.{page.viewport_size['width']}@bacha.edu.vn")
    page.set_input_files("#files", [as_file("ke-hoach.pdf", PDF, "application/pdf"),
                                    as_file("anh-thu-vien.png", PNG, "image/png")])
    page.set_input_files("#files", [as_file("nham.jpg", image_bytes("JPEG"), "image/jpeg")])  # a third, chosen later
    expect(page.locator("#files-list li")).to_have_count(3)
    expect(page.locator("#files-list li").first).to_contain_text("ke-hoach.pdf (")
    page.get_by_role("button", name="Bỏ tệp nham.jpg").click()  # removed before sending
    expect(page.locator("#files-list li")).to_have_count(2)
    page.check("#consent")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "awards-apply")
    page.click("#submit")

    expect(page.locator("#status")).to_have_text("Đã nộp")
    expect(page.locator("#message")).to_contain_text("thư xác nhận đang được gửi tới banpho.")
    assert re.search(r"/applications/[0-9a-f]+$", page.url)  # the token was read and left the address bar
    expect(page.locator("#attachments li")).to_have_count(2)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    application_id, token = token_of(page)
    sent = holder_view(stack, application_id, token)
    assert sent["title"] == "Thư viện số cho học sinh vùng cao" and sent["applicant"]["province"] == "Lào Cai"
    assert [(a["file_name"], a["content_type"]) for a in sent["attachments"]] == [
        ("ke-hoach.pdf", "application/pdf"), ("anh-thu-vien.png", "image/png")]
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải ke-hoach.pdf").click()
    assert download.value.suggested_filename == "ke-hoach.pdf"
    assert open(download.value.path(), "rb").read() == PDF
    screenshot(page, "awards-application")
    page.reload()  # the token stays on this device
    expect(page.locator("#application-title")).to_have_text("Thư viện số cho học sinh vùng cao")


def test_a_retry_after_a_lost_answer_applies_once(stack, page):
    slug = new_programme(stack)
    page.goto(stack.url("awards", f"/programmes/{slug}"))
    fill_form(page, f"mat.ket.noi.{page.viewport_size['width']}@bacha.edu.vn")
    page.check("#consent")
    lost = []

    def lose_the_first_answer(route):
        if lost:
            route.continue_()
            return
        lost.append(route.fetch())  # the service answered; the answer never reaches the page
        route.abort()
    page.route("**/applications", lose_the_first_answer)
    page.click("#submit")
    expect(page.locator("#form-error")).to_contain_text("Không có kết nối mạng")
    assert lost[0].status == 201
    page.click("#submit")
    expect(page.locator("#status")).to_have_text("Đã nộp")
    assert counts(stack, slug) == {"submitted": 1, "withdrawn": 0}


def test_a_wrong_type_an_oversized_file_and_a_duplicate_are_told_as_sentences(stack, page):
    slug = new_programme(stack)
    first = application_body()
    apply(stack, slug, first)
    page.goto(stack.url("awards", f"/programmes/{slug}?lang=en"))
    fill_form(page, f"sai.loai.{page.viewport_size['width']}@bacha.edu.vn")
    limit = page.evaluate("() => ForumOps.pageData().limit")
    page.set_input_files("#files", [as_file("too-big.pdf", b"%PDF-1.4\n" + b"0" * limit, "application/pdf")])
    expect(page.locator(".field-error[data-for=attachments]")).to_have_text(
        re.compile(r"^“too-big\.pdf” is larger than [\d.]+ MB: it was not added\.$"))
    expect(page.locator("#files-list li")).to_have_count(0)
    page.set_input_files("#files", [as_file("report.pdf", "Báo cáo, không phải PDF".encode(), "application/pdf")])
    page.check("#consent")
    page.click("#submit")
    expect(page.locator("#form-error")).to_have_text(
        "“report.pdf” is not a PDF, JPEG or PNG file (the type is read from its content, not its name).")
    expect(page.locator(".field-error[data-for=attachments]")).to_be_visible()
    assert counts(stack, slug)["submitted"] == 1  # only the first, sent through the API

    page.get_by_role("button", name="Remove report.pdf").click()
    page.fill("#applicant-email", first["applicant"]["email"])
    page.select_option("#category", first["category"])
    page.fill("#title", first["title"])
    page.click("#submit")
    expect(page.locator("#form-error")).to_contain_text("This application was already sent")
    assert counts(stack, slug)["submitted"] == 1


def test_the_applicant_changes_the_application_adds_and_removes_files_and_withdraws(stack, page):
    slug = new_programme(stack)
    created = apply(stack, slug, files=(("ho-so.pdf", PDF),))
    page.goto(stack.url("awards", f"/applications/{created['id']}#token={created['manage_token']}"))
    expect(page.locator("#attachments li")).to_have_count(1)
    expect(page.locator("#phase")).to_contain_text("Đang nhận hồ sơ")
    page.fill("#title", "Lớp học đảo ngược cho khối 10 và 11")
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Đã lưu thay đổi.")
    expect(page.locator("#application-title")).to_have_text("Lớp học đảo ngược cho khối 10 và 11")

    page.set_input_files("#files", [as_file("so-do.png", PNG, "image/png")])
    page.click("#upload")
    expect(page.locator("#message")).to_have_text("Đã thêm tệp vào hồ sơ.")
    expect(page.locator("#attachments li")).to_have_count(2)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bỏ tệp ho-so.pdf").click()
    expect(page.locator("#attachments li")).to_have_count(1)
    now = holder_view(stack, created["id"], created["manage_token"])
    assert now["title"] == "Lớp học đảo ngược cho khối 10 và 11"
    assert [a["file_name"] for a in now["attachments"]] == ["so-do.png"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdraw")
    expect(page.locator("#status")).to_have_text("Đã rút")
    expect(page.locator("#edit")).to_be_hidden()
    expect(page.locator("#withdrawal")).to_be_hidden()
    assert page.evaluate(f"() => localStorage.getItem('forumops:application:{created['id']}')") is None
    assert counts(stack, slug) == {"submitted": 0, "withdrawn": 1}
    page.reload()  # forgotten on this device: the link from the receipt is needed again
    expect(page.locator("#message")).to_contain_text("thiếu mã quản lý hồ sơ")


@pytest.mark.parametrize("opened_days_ago, says", [(120, "Applications closed at"),
                                                   (-5, "The application form opens at")])
def test_outside_the_window_the_form_is_replaced_by_when(stack, page, opened_days_ago, says):
    slug = new_programme(stack, opened_days_ago=opened_days_ago)
    page.goto(stack.url("awards", f"/programmes/{slug}?lang=en"))
    expect(page.locator("#closed")).to_contain_text(says)
    expect(page.locator("#apply")).to_have_count(0)
    expect(page.locator("#criteria tbody tr")).to_have_count(6)  # the programme itself is still shown


def test_once_applications_close_the_applicant_may_only_read_download_and_withdraw(stack, page):
    slug = new_programme(stack)
    created = apply(stack, slug, files=(("ho-so.pdf", PDF),))
    closed = datetime.now(timezone.utc) - timedelta(hours=1)
    moved = stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}",
                        json={"applications_open_at": (closed - timedelta(days=30)).isoformat(),
                              "applications_close_at": closed.isoformat()})
    assert moved.status_code == 200, moved.text
    page.goto(stack.url("awards", f"/applications/{created['id']}?lang=en#token={created['manage_token']}"))
    expect(page.locator("#phase")).to_contain_text("Applications have closed")
    expect(page.locator("#attachments li")).to_have_count(1)
    expect(page.get_by_role("button", name="Remove ho-so.pdf")).to_have_count(0)
    expect(page.locator("#edit")).to_be_hidden()
    expect(page.locator("#add-files")).to_be_hidden()
    expect(page.locator("#withdraw")).to_be_visible()


def test_a_link_the_service_does_not_take_is_forgotten_on_the_device(stack, page):
    created = apply(stack, new_programme(stack))
    page.goto(stack.url("awards", f"/applications/{created['id']}#token=not-the-token"))
    expect(page.locator("#message")).to_contain_text("Không tìm thấy hồ sơ")
    expect(page.locator("#details")).to_be_hidden()
    assert page.evaluate(f"() => localStorage.getItem('forumops:application:{created['id']}')") is None
