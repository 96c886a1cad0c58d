"""The applicant's pages as the service renders them (their scripts run in tests/web/test_awards_pages.py)."""
from datetime import timedelta

from .conftest import OPENS


def test_the_programme_page_shows_its_timetable_categories_criteria_and_the_form_while_open(api):
    slug = api.create_programme(applicants="unit")
    api.open()
    page = api.client.get(f"/programmes/{slug}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Education Awards 2027" in html and "Best Education Innovation — 31 awards" in html
    assert "Criterion 1" in html and "3 (30%)" in html and "0–10" in html
    assert "08:00 01/03/2027 (UTC+7)" in html  # opens, as people in Vietnam read it
    assert 'id="apply"' in html and 'data-kind="person" hidden' in html  # units only
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_outside_the_window_the_form_is_replaced_by_when_it_opens_or_that_it_closed(api):
    slug = api.create_programme()
    before = api.client.get(f"/programmes/{slug}?lang=en").get_data(as_text=True)
    assert 'id="apply"' not in before and "The application form opens at 08:00 01/03/2027 (UTC+7)." in before
    api.clock._now = OPENS + timedelta(days=61)
    after = api.client.get(f"/programmes/{slug}?lang=vi").get_data(as_text=True)
    assert 'id="apply"' not in after and "Đã hết hạn nhận hồ sơ lúc" in after


def test_an_unknown_programme_is_not_found(api):
    assert api.client.get("/programmes/khong-co").status_code == 404


def test_the_application_page_is_the_same_for_anyone_until_its_script_reads_the_token(api):
    slug = api.create_programme()
    api.open()
    created = api.applied(slug)
    html = api.client.get(f"/applications/{created['id']}").get_data(as_text=True)
    assert created["manage_token"] not in html and created["applicant"]["email"] not in html
    assert "application.js" in html
