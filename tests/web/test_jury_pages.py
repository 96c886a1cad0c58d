"""A juror opens the link of their invitation email, sees their queue, reads an application and its
attachments inline (a PDF in Chromium's viewer, an image), scores it, changes the scores, declares a
conflict on another; once the review closes the scores can be read, not changed; a blind review
shows nothing of the applicant anywhere in the page."""
import json
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from awards.services import jury_mail
from forumops_shared.db import make_engine
from forumops_shared.mail import mail_outbox

from ..support.awards_programmes import apply, application_body, image_bytes, new_programme, pdf_bytes
from ..support.system import bearer
from .accessibility import assert_accessible
from .conftest import screenshot

PDF, PNG = pdf_bytes("Ke hoach thu vien so"), image_bytes("PNG", size=(60, 40))
# Who applied with the first application: none of it may reach a juror of a blind programme.
APPLICANT = {"kind": "unit", "name": "Trường THCS Nguyễn Bỉnh Khiêm", "organisation": "Phòng GD&ĐT Vĩnh Bảo",
             "province": "Hải Phòng", "email": "hieutruong@nbk-vinhbao.edu.vn"}
TITLE = "Thư viện số cho học sinh vùng cao"


def juror(stack, slug: str, name: str, organisation: str) -> str:
    body = {"name": name, "email": f"{uuid.uuid4().hex[:10]}@hoidong.example.vn", "organisation": organisation,
            "province": "Đà Nẵng", "categories": ["doi-moi"], "language": "vi"}
    answer = stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/jurors", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def invitation_link(stack, juror_id: str) -> str:
    """The link in the juror's invitation email, written as the worker writes it."""
    settings = stack.settings["awards"]
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            params = conn.execute(select(mail_outbox.c.params).where(mail_outbox.c.subject_id == juror_id,
                                                                     mail_outbox.c.kind == "jury-invitation")).scalar_one()
            mail = jury_mail.render(conn, jury_mail.INVITATION, json.loads(params), settings)
    finally:
        engine.dispose()
    return re.search(r"^(http\S+#token=\S+)$", mail.text, re.M).group(1)


def jury_programme(stack, *, blind: bool = True) -> dict:
    """Applications closed an hour ago, the review open for 30 days: two applications of
    "doi-moi" (the first with a PDF and a PNG), each reviewed by both jurors A and B (two reviews
    each); juror C, invited after, is the one a conflict hands a review to."""
    slug = new_programme(stack)
    changed = stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}",
                          json={"blind": blind, "reviews_per_application": 2})
    assert changed.status_code == 200, changed.text
    first = apply(stack, slug, application_body(applicant=APPLICANT, title=TITLE),
                  files=(("ke-hoach-nguyen-binh-khiem.pdf", PDF), ("anh-thu-vien-vinh-bao.png", PNG)))
    second = apply(stack, slug, application_body(title="Lớp học đảo ngược cho khối 10"), files=(("ho-so.pdf", PDF),))
    jurors = {"a": juror(stack, slug, "Lê Thị Hoa", "Sở GD&ĐT Huế"), "b": juror(stack, slug, "Phạm Quốc Anh", "Đại học Sư phạm")}
    now = datetime.now(timezone.utc)
    closed = stack.admin("PATCH", "awards", f"/api/v1/programmes/{slug}",
                         json={"applications_open_at": (now - timedelta(days=30)).isoformat(),
                               "applications_close_at": (now - timedelta(hours=1)).isoformat(),
                               "review_close_at": (now + timedelta(days=30)).isoformat()})
    assert closed.status_code == 200, closed.text
    computed = stack.admin("POST", "awards", f"/api/v1/programmes/{slug}/assignments")
    assert computed.status_code == 200 and computed.json()["reviews"] == 4, computed.text
    jurors["c"] = juror(stack, slug, "Vũ Minh Tâm", "Viện Khoa học Giáo dục")
    return {"slug": slug, "first": first, "second": second, "jurors": jurors}


def watch_the_page(page) -> dict:
    """What the page meets that a person would not see: policy violations, the files' names served."""
    seen = {"violations": [], "dispositions": []}
    page.on("console", lambda m: "Content Security Policy" in m.text and seen["violations"].append(m.text))
    page.on("response", lambda r: "/attachments/" in r.url and seen["dispositions"].append(r.headers.get("content-disposition")))
    return seen


def inside_the_frame(page):
    """A frame attached inside the page's frame: the blob: document holds none of its own, so this is
    the viewer Chromium puts in a frame showing a PDF (a frame the policy refused would hold an
    error page, a file it cannot show would be downloaded)."""
    return lambda frame: frame.parent_frame is not None and frame.parent_frame.parent_frame == page.main_frame


def pdf_open(viewer) -> None:
    """Chromium's PDF viewer (its own extension page) has opened the document: its <pdf-viewer>
    holds the plugin's embed."""
    viewer.wait_for_url(re.compile(r"^chrome-extension://"))
    viewer.wait_for_function("() => { const v = document.querySelector('pdf-viewer');"
                             " return v && v.shadowRoot && v.shadowRoot.querySelector('embed'); }")


def nothing_of_the_applicant(page) -> None:
    html = page.content()
    for value in APPLICANT.values():
        if value != "unit":
            assert value not in html, f"{value!r} is in the page"


def my_review(stack, application_id: str, token: str) -> dict:
    return requests.get(stack.url("awards", f"/api/v1/applications/{application_id}/reviews/me"),
                        headers=bearer(token), timeout=10).json()


def score_all(page, values) -> None:
    for code, value in values.items():
        page.fill(f"#score-{code}", str(value))


def test_a_juror_reads_views_the_files_scores_changes_and_declares_a_conflict(stack, page):
    setup = jury_programme(stack)
    first, second = setup["first"]["id"], setup["second"]["id"]
    link = invitation_link(stack, setup["jurors"]["a"])
    assert link.startswith(stack.url("awards", "/jury#token="))
    token = link.split("#token=")[1]
    seen = watch_the_page(page)

    page.goto(link)
    queue = page.locator(f"section[data-programme='{setup['slug']}']")
    expect(queue.locator("h2")).to_have_text("Giải thưởng Giáo dục 2027")
    expect(queue.locator(".progress-text")).to_have_text("Đã chấm 0/2 hồ sơ")
    expect(queue).to_contain_text("Chấm và sửa điểm đến")
    expect(queue).to_contain_text("Chấm ẩn danh")
    expect(queue.locator("li[data-state=assigned]")).to_have_count(2)
    expect(queue.locator(f"li[data-application='{first}']")).to_contain_text("Đổi mới giáo dục tiêu biểu")
    expect(queue.locator(f"li[data-application='{first}'] .status")).to_have_text("Chưa chấm")
    assert "#" not in page.url  # the token left the address bar, and stays on the device
    assert page.evaluate("() => JSON.parse(localStorage.getItem('forumops:jury:tokens'))") == [token]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    nothing_of_the_applicant(page)
    assert_accessible(page)
    screenshot(page, "jury-queue")

    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator("#category-name")).to_have_text("Đổi mới giáo dục tiêu biểu")
    expect(page.locator("#status")).to_have_text("Chưa chấm")
    expect(page.locator("#applicant")).to_have_count(0)  # blind: the API leaves it out, the page shows none
    expect(page.locator("#criteria input[type=number]")).to_have_count(6)
    expect(page.locator("#score-c1")).to_have_attribute("max", "10")
    expect(page.locator("#score-c1-scale")).to_have_text("Trọng số 3 (30%) · thang điểm 0–10")

    with page.expect_response(re.compile(r"/attachments/")) as served, \
            page.expect_event("frameattached", predicate=inside_the_frame(page)) as viewer:
        page.get_by_role("button", name="Xem attachment-1.pdf").click()
    pdf_open(viewer.value)
    expect(page.locator("iframe.viewer-frame")).to_have_attribute("src", re.compile(r"^blob:"))
    assert (served.value.status, served.value.headers["content-type"]) == (200, "application/pdf")
    expect(page.locator("#viewer a[download]")).to_have_attribute("download", "attachment-1.pdf")
    assert_accessible(page)
    with page.expect_response(re.compile(r"/attachments/")) as served:
        page.get_by_role("button", name="Xem attachment-2.png").click()
    expect(page.locator("iframe.viewer-frame")).to_have_count(0)
    page.wait_for_function("() => { const i = document.querySelector('img.viewer-image');"
                           " return i && i.complete && i.naturalWidth === 60 && i.naturalHeight === 40"
                           " && i.src.startsWith('blob:'); }")  # the applicant's PNG, decoded
    assert (served.value.status, served.value.headers["content-type"]) == (200, "image/png")
    expect(page.locator("#viewer a[download]")).to_have_attribute("download", "attachment-2.png")

    score_all(page, {"c1": 8, "c2": 11, "c3": 9, "c4": 6, "c5": 10, "c6": ""})
    page.click("#save")
    expect(page.locator("#score-c2-error")).to_have_text("Nhập điểm từ 0 đến 10.")
    expect(page.locator("#score-c6-error")).to_have_text("Vui lòng chấm tiêu chí này.")
    assert my_review(stack, first, token)["state"] == "assigned"  # nothing was sent
    score_all(page, {"c2": 7, "c6": 5})
    page.fill("#comment", "Mô hình rõ ràng, cần số liệu về mức độ sử dụng.")
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Đã lưu điểm: 77/100 (điểm có trọng số).")
    expect(page.locator("#status")).to_have_text("Đã chấm")
    expect(page.locator("#conflict")).to_be_hidden()
    saved = my_review(stack, first, token)
    assert saved["scores"] == {"c1": 8, "c2": 7, "c3": 9, "c4": 6, "c5": 10, "c6": 5}
    assert saved["comment"] == "Mô hình rõ ràng, cần số liệu về mức độ sử dụng."
    with page.expect_event("frameattached", predicate=inside_the_frame(page)) as viewer:
        page.get_by_role("button", name="Xem attachment-1.pdf").click()  # the PDF again, from a new blob: URL
    pdf_open(viewer.value)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    nothing_of_the_applicant(page)
    screenshot(page, "jury-scoring")

    page.reload()  # the scores as saved, to change
    expect(page.locator("#score-c1")).to_have_value("8")
    page.fill("#score-c1", "4")
    page.click("#save")
    expect(page.locator("#message")).to_have_text("Đã lưu điểm: 65/100 (điểm có trọng số).")
    assert my_review(stack, first, token)["scores"]["c1"] == 4

    page.click("#back")
    expect(queue.locator(".progress-text")).to_have_text("Đã chấm 1/2 hồ sơ")
    expect(queue.locator(f"li[data-application='{first}'] .status")).to_have_text("Đã chấm")
    page.get_by_role("link", name="Lớp học đảo ngược cho khối 10").click()
    page.click("#declare")
    expect(page.locator("#conflict-reason-error")).to_have_text("Vui lòng ghi lý do (ban tổ chức sẽ đọc).")
    page.fill("#conflict-reason", "Tôi từng công tác ở trường này.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#declare")
    expect(page.locator("#message")).to_have_text("Đã khai báo xung đột lợi ích; hồ sơ đã được chuyển cho thành viên khác.")
    expect(page.locator("#details")).to_be_hidden()
    taker = invitation_link(stack, setup["jurors"]["c"]).split("#token=")[1]
    assert my_review(stack, second, taker)["state"] == "assigned"  # handed to juror C

    page.click("#back")
    expect(queue.locator(".progress-text")).to_have_text("Đã chấm 1/1 hồ sơ")
    conflicted = queue.locator(f"li[data-application='{second}']")
    expect(conflicted.locator(".status")).to_have_text("Đã khai báo xung đột")
    expect(conflicted).to_contain_text("Lý do: Tôi từng công tác ở trường này.")
    expect(conflicted.locator("a")).to_have_count(0)
    assert seen["violations"] == []
    assert seen["dispositions"] and all("nguyen-binh-khiem" not in d and "vinh-bao" not in d for d in seen["dispositions"])


def test_once_the_review_closes_the_scores_are_read_only_with_the_reason(stack, page):
    setup = jury_programme(stack, blind=False)
    first = setup["first"]["id"]
    link = invitation_link(stack, setup["jurors"]["b"])
    page.goto(link.replace("/jury#", "/jury?lang=en#"))
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("#applicant")).to_have_text("Trường THCS Nguyễn Bỉnh Khiêm (Unit)")  # not blind
    expect(page.locator("#organisation")).to_have_text("Phòng GD&ĐT Vĩnh Bảo")
    expect(page.locator("#province")).to_have_text("Hải Phòng")
    assert APPLICANT["email"] not in page.content()  # never the email
    expect(page.get_by_role("button", name="View ke-hoach-nguyen-binh-khiem.pdf")).to_be_visible()
    score_all(page, {f"c{i}": 6 for i in range(1, 7)})

    now = datetime.now(timezone.utc)
    moved = stack.admin("PATCH", "awards", f"/api/v1/programmes/{setup['slug']}",
                        json={"review_close_at": (now - timedelta(minutes=1)).isoformat()})
    assert moved.status_code == 200, moved.text
    page.click("#save")
    expect(page.locator("#message")).to_contain_text("The review closed at")
    expect(page.locator("#message")).to_contain_text("nothing was saved, and the scores can no longer change.")
    expect(page.locator("#score-c1")).to_be_disabled()
    expect(page.locator("#save")).to_be_hidden()
    assert my_review(stack, first, link.split("#token=")[1])["state"] == "assigned"

    page.reload()
    expect(page.locator("#message")).to_contain_text("the scores can be read, no longer changed")
    expect(page.locator("#score-c1")).to_be_disabled()
    expect(page.locator("#comment")).to_be_disabled()
    expect(page.locator("#save")).to_be_hidden()
    expect(page.locator("#conflict")).to_be_hidden()
    assert_accessible(page)
    page.click("#back")
    expect(page.locator(".jury-programme")).to_contain_text("The review closed at")


@pytest.mark.parametrize("fragment, says", [("", "thiếu mã thành viên hội đồng"),
                                            ("#token=not-a-token", "không còn dùng được")])
def test_a_link_without_a_token_or_with_one_the_service_does_not_take(stack, page, fragment, says):
    page.goto(stack.url("awards", f"/jury{fragment}"))
    expect(page.locator("#message")).to_contain_text(says)
    expect(page.locator(".jury-programme")).to_have_count(0)
    assert page.evaluate("() => localStorage.getItem('forumops:jury:tokens')") is None
