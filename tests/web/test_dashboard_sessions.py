"""Organisers see arrivals per session on the dashboard, import a report for a chosen session and
download the attended hours for the training records."""
import uuid
from datetime import datetime, timedelta, timezone

import requests
from playwright.sync_api import expect

from ..support.forums import enrol_device, new_forum, register, wait_for_roster
from ..support.system import ADMIN_TOKEN, bearer
from ..support.waiting import wait_until


def test_the_dashboard_shows_arrivals_per_session_and_gives_the_hours_as_a_file(stack, page):
    forum, point = new_forum(stack, points_per_province=1), "P00-00"
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    plenary = {"title": {"vi": "Khai mạc", "en": "Opening"}, "kind": "plenary",
               "starts_at": (now - timedelta(hours=2)).isoformat(), "ends_at": (now - timedelta(minutes=30)).isoformat()}
    assert stack.admin("PUT", "registration", f"/api/v1/forums/{forum}/sessions/OPEN", json=plenary).status_code == 201
    person = register(stack, forum, "Đinh Thị Lan Anh", point=point)
    token = enrol_device(stack, forum, point)
    wait_for_roster(stack, forum, point, token, [person])

    def scanned_in():
        answer = requests.post(stack.url("checkin", f"/api/v1/forums/{forum}/points/{point}/checkins"), timeout=10,
                               json={"ticket": person["ticket"]["qr_payload"], "scan_id": uuid.uuid4().hex,
                                     "session": "OPEN", "scanned_at": plenary["starts_at"]}, headers=bearer(token))
        return answer.json()["outcome"] in ("accepted", "duplicate")  # until check-in knows the programme
    wait_until(scanned_in, timeout_s=30, interval_s=0.3, message="a scan into the plenary")
    wait_until(lambda: stack.admin("GET", "checkin", f"/api/v1/forums/{forum}/hours").json()["participants"],
               timeout_s=30, interval_s=0.3, message="check-in's worker to work out her hours")

    page.goto(stack.url("checkin", f"/dashboard/{forum}?lang=en"))
    page.fill("#token", ADMIN_TOKEN)
    page.click("#login button")
    row = page.locator("#sessions tr[data-session='OPEN']")
    expect(row.locator("td.arrived")).to_have_text("1")
    expect(row).to_contain_text(f"{point}: 1")
    expect(page.locator("#attendance-session option[value='OPEN']")).to_have_count(1)

    with page.expect_download() as download:
        page.click("#hours-csv")
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "registration_id,full_name,ticket_code,OPEN,minutes,hours"
    assert f"{person['id']},Đinh Thị Lan Anh,{person['ticket']['code']},90,90,1.50" in text.splitlines()
