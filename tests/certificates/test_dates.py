"""A certificate shows one date of issue wherever it is read: the day where the forum is held."""
import re
from datetime import date, datetime, timezone

import pytest

from certificates.app import create_app
from certificates.domain.wording import day_in, forum_day
from forumops_shared.service_app import close_service_app

from ..support.clock import FakeClock
from .conftest import ADMIN, ADMIN_TOKEN, PUBLIC_URL, issue
from .test_pdfs import lines_read_by_pdfium

LATE_EVENING_UTC = datetime(2026, 12, 9, 23, 30, tzinfo=timezone.utc)  # 06:30 on the 10th in Hà Nội


@pytest.fixture
def late_service(office, settings_for):
    """The certificates API with its clock at 23:30 UTC, the next morning in Vietnam."""
    clock = FakeClock(LATE_EVENING_UTC)
    settings = settings_for("certificates", database_url=office.database_url,
                            extra={"CERTIFICATES_ADMIN_TOKEN": ADMIN_TOKEN, "CERTIFICATES_PUBLIC_URL": PUBLIC_URL})
    app = create_app(settings, clock=clock)
    yield app.test_client(), clock
    close_service_app(app)


def award_one(service, slug, language="vi"):
    answer = service.post(f"/api/v1/forums/{slug}/awards", headers=ADMIN, json={
        "category": {"vi": "Giáo viên tiêu biểu", "en": "Teacher of the Year"}, "language": language,
        "recipients": [{"name": "Lê Thị Bích Ngọc", "organisation": "Trường THCS Trưng Vương"}]})
    assert answer.status_code == 200, answer.json
    return answer.json["rows"][0]["serial"]


def dates_shown(service, serial, lang):
    """The date of issue as the page, the signed document and the PDF each show it."""
    page = service.get(f"/verify/{serial}", query_string={"lang": lang}).get_data(as_text=True)
    [(on_page, page_text)] = re.findall(r'<time id="issued-on" datetime="([^"]+)">([^<]+)</time>', page)
    document = service.get(f"/api/v1/certificates/{serial}").json["certificate"]
    pdf = service.get(f"/api/v1/certificates/{serial}/pdf", headers=ADMIN).data
    [printed] = [line for line in lines_read_by_pdfium(pdf) if line.startswith(("Ngày cấp: ", "Issued: "))]
    return on_page, page_text, document, printed


@pytest.mark.parametrize("language, page_text, printed", [
    ("vi", "10/12/2026", "Ngày cấp: 10/12/2026"), ("en", "10 December 2026", "Issued: 10 December 2026")])
def test_a_certificate_issued_late_in_the_utc_evening_shows_the_forums_next_day_everywhere(
        office, late_service, language, page_text, printed):
    service, _ = late_service
    slug, _, _ = issue(office)  # a forum held in Asia/Ho_Chi_Minh
    serial = award_one(service, slug, language)
    on_page, shown, document, on_paper = dates_shown(service, serial, language)
    assert document["issued_at"].startswith("2026-12-09T23:30")  # the instant stays UTC, as before
    assert (on_page, shown, document["issued_on"], on_paper) == ("2026-12-10", page_text, "2026-12-10", printed)


def test_a_revocation_is_dated_by_the_forums_day_on_the_page_and_the_document(office, late_service):
    service, clock = late_service
    slug, _, _ = issue(office)
    serial = award_one(service, slug)
    clock.advance(24 * 3600)  # 23:30 UTC on the 10th: the 11th in Vietnam
    assert service.post(f"/api/v1/certificates/{serial}/revoke", json={"reason": "Cấp nhầm"},
                        headers=ADMIN).status_code == 200
    assert service.get(f"/api/v1/certificates/{serial}").json["certificate"]["revoked_on"] == "2026-12-11"
    page = service.get(f"/verify/{serial}").get_data(as_text=True)
    assert '<time datetime="2026-12-11">11/12/2026</time>' in page


def test_the_forums_day_is_the_local_calendar_day_and_utc_while_the_forum_is_unknown():
    assert forum_day(LATE_EVENING_UTC, "Asia/Ho_Chi_Minh") == date(2026, 12, 10)
    assert forum_day(LATE_EVENING_UTC, "America/Bogota") == date(2026, 12, 9)
    assert forum_day(LATE_EVENING_UTC, None) == date(2026, 12, 9)
    assert (day_in("vi", date(2026, 1, 5)), day_in("en", date(2026, 1, 5))) == ("05/01/2026", "5 January 2026")
