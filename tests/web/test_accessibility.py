"""Every page, at a phone's and a desktop's size, in the states people meet it in: axe-core finds
no critical and no serious violation."""
import uuid

import pytest
from playwright.sync_api import expect

from ..support.awards_programmes import apply, image_bytes, new_programme, pdf_bytes
from ..support.forums import check_in, enrol_device, new_forum, register, scanner_link
from ..support.system import ADMIN_TOKEN
from .accessibility import assert_accessible
from .test_certificates import issued


@pytest.fixture(scope="module")
def forum(stack):
    return new_forum(stack, points_per_province=2)


def test_the_forum_list(stack, forum, page):
    page.goto(stack.url("registration", "/"))
    expect(page.locator(f"a[href='/forums/{forum}']").first).to_be_visible()
    assert_accessible(page)


def test_the_registration_form_empty_searched_and_with_its_errors(stack, forum, page):
    page.goto(stack.url("registration", f"/forums/{forum}"))
    assert_accessible(page)
    page.fill("#point-search", "da nang")
    expect(page.locator("#point option")).to_have_count(2)
    page.fill("#email", "not-an-email")
    page.click("#submit")
    expect(page.locator(".field-error[data-for=consent]")).to_be_visible()
    assert_accessible(page)


def test_my_registration_with_its_ticket_in_english(stack, forum, page):
    person = register(stack, forum, "Nguyễn Thị Mai", point="P01-01")
    page.goto(stack.url("registration", f"/registrations/{person['id']}?lang=en#token={person['manage_token']}"))
    page.wait_for_function("() => document.getElementById('ticket-qr').naturalWidth > 0")
    assert_accessible(page)


def test_the_imports_page_with_a_report(stack, forum, page, tmp_path):
    page.goto(stack.url("registration", f"/organiser/{forum}/imports"))
    assert_accessible(page)
    page.fill("#token", ADMIN_TOKEN)
    csv_file = tmp_path / "diem-cau.csv"
    csv_file.write_text(f"code,name,province,capacity\nHN-{uuid.uuid4().hex[:6]},Trường Đại học Bách khoa,Hà Nội,80\n"
                        "BAD,,Hà Nội,-1\n", encoding="utf-8")
    page.set_input_files("form[data-path='points/import'] input[type=file]", str(csv_file))
    page.click("form[data-path='points/import'] button")
    expect(page.locator("#report tbody tr")).to_have_count(2)
    assert_accessible(page)


def test_the_mail_page_with_an_announcement_sent(stack, forum, page):
    register(stack, forum, "Phan Văn Khải", point="P03-00")
    page.goto(stack.url("registration", f"/organiser/{forum}/mail"))
    assert_accessible(page)
    page.fill("#token", ADMIN_TOKEN)
    page.fill("#subject-vi", "Thông báo")
    page.fill("#body-vi", "Nội dung.")
    page.fill("#subject-en", "Notice")
    page.fill("#body-en", "Text.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#send")
    expect(page.locator("#announcements tbody tr").first).to_contain_text("Thông báo")
    assert_accessible(page)


def test_the_scanner_before_enrolment_and_after_a_scan(stack, forum, page):
    page.goto(stack.url("checkin", "/scan"))
    expect(page.locator("#problem")).to_be_visible()
    assert_accessible(page)

    person = register(stack, forum, "Trần Quang Huy", point="P02-00")
    page.goto("about:blank")  # from /scan, the link would only change the fragment: no new page
    page.goto(scanner_link(stack, forum, "P02-00", enrol_device(stack, forum, "P02-00")))
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    assert_accessible(page)
    for ticket, outcome in ((person["ticket"]["qr_payload"], "accepted"), (person["ticket"]["code"], "duplicate"),
                            ("ZZZZZ-ZZZZZ", "rejected")):
        page.fill("#ticket", ticket)
        page.press("#ticket", "Enter")
        expect(page.locator("#outcome")).to_have_attribute("data-outcome", outcome)
        assert_accessible(page)


def test_the_dashboard_signed_out_and_showing_the_figures(stack, forum, page):
    page.goto(stack.url("checkin", f"/dashboard/{forum}"))
    expect(page.locator("#login")).to_be_visible()
    assert_accessible(page)
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button")
    expect(page.locator("#board")).to_be_visible()
    expect(page.locator("#points tbody tr").first).to_be_visible()
    assert_accessible(page)


def test_the_join_page_when_it_cannot_let_the_person_in(stack, forum, page):
    page.goto(stack.url("checkin", f"/join/{forum}"))
    expect(page.locator("#status")).to_contain_text("Đường dẫn thiếu mã")
    assert_accessible(page)
    page.goto(stack.url("checkin", f"/join/{forum}?lang=en#token=not-a-token"))
    expect(page.locator("#status")).to_have_class("notice error")
    assert_accessible(page)


def test_the_verification_page_valid_revoked_and_unknown(stack, forum, page):
    person = register(stack, forum, "Hoàng Minh Châu", point="P03-01")
    check_in(stack, forum, "P03-01", enrol_device(stack, forum, "P03-01"), person)
    serial = issued(stack, person)["serial"]
    page.goto(stack.url("certificates", f"/verify/{serial}"))
    expect(page.locator("#status")).to_have_attribute("data-status", "valid")
    assert_accessible(page)
    stack.admin("POST", "certificates", f"/api/v1/certificates/{serial}/revoke", json={"reason": "Cấp nhầm"})
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-status", "revoked")
    assert_accessible(page)
    page.goto(stack.url("certificates", "/verify/AAAA-BBBB-CCCC?lang=en"))
    assert_accessible(page)


def test_the_awards_programme_with_its_form_files_chosen_and_errors(stack, page):
    slug = new_programme(stack)
    page.goto(stack.url("awards", f"/programmes/{slug}"))
    assert_accessible(page)
    page.set_input_files("#files", [{"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    page.fill("#applicant-email", "not-an-email")
    page.click("#submit")
    expect(page.locator(".field-error[data-for=consent]")).to_be_visible()
    assert_accessible(page)
    page.goto(stack.url("awards", f"/programmes/{new_programme(stack, opened_days_ago=120)}?lang=en"))
    assert_accessible(page)


def test_the_applicants_page_with_its_files_in_english(stack, page):
    created = apply(stack, new_programme(stack), files=(("ho-so.pdf", pdf_bytes()), ("anh.png", image_bytes())))
    page.goto(stack.url("awards", f"/applications/{created['id']}?lang=en#token={created['manage_token']}"))
    expect(page.locator("#attachments li")).to_have_count(2)
    assert_accessible(page)
