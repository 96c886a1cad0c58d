"""A participant's way through all three services, over HTTP, with events on the real broker."""
from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone

import requests
from pypdf import PdfReader

from ..support.attendance_reports import zoom_report
from ..support.forums import check_in, enrol_device, new_forum, register, roster
from ..support.quiet import wait_until_quiet
from ..support.system import bearer
from ..support.verification import checks_out
from ..support.waiting import wait_until


def certificate_of(system, person: dict, timeout_s: float = 30) -> dict:
    """The participant's attendance certificate, read with their manage token once it is issued."""
    def issued():
        answer = requests.get(system.url("certificates", f"/api/v1/registrations/{person['id']}/certificate"),
                              headers=bearer(person["manage_token"]), timeout=10)
        return answer.json() if answer.status_code == 200 else None
    return wait_until(issued, timeout_s=timeout_s, interval_s=0.2, message="the certificate")


def has_no_certificate(system, person: dict) -> bool:
    answer = requests.get(system.url("certificates", f"/api/v1/registrations/{person['id']}/certificate"),
                          headers=bearer(person["manage_token"]), timeout=10)
    return answer.status_code == 404 and answer.json()["reason"] == "certificate_not_found"


def verification(system, serial: str) -> dict:
    document = requests.get(system.url("certificates", f"/api/v1/certificates/{serial}"), timeout=10).json()
    keys = requests.get(system.url("certificates", "/.well-known/forumops-certificate-keys.json"), timeout=10).json()
    assert checks_out(document, keys["keys"])
    return document["certificate"]


def test_registered_scanned_at_the_door_then_a_certificate_anyone_can_verify(system):
    slug = new_forum(system, points_per_province=1)
    person = register(system, slug, "Lê Thị Hồng Nhung", organisation="Trường THPT Chu Văn An")
    scan = check_in(system, slug, "P00-00", enrol_device(system, slug), person)
    assert scan["outcome"] == "accepted"

    certificate = certificate_of(system, person)
    assert certificate["mode"] == "onsite" and certificate["recipient_name"] == "Lê Thị Hồng Nhung"
    public = verification(system, certificate["serial"])
    assert (public["status"], public["recipient_name"], public["organisation"]) == (
        "valid", "Lê Thị Hồng Nhung", "Trường THPT Chu Văn An")
    page = requests.get(system.url("certificates", f"/verify/{certificate['serial']}"), timeout=10).text
    assert "HỢP LỆ" in page and "Lê Thị Hồng Nhung" in page
    pdf = requests.get(system.url("certificates", f"/api/v1/certificates/{certificate['serial']}/pdf"),
                       headers=bearer(person["manage_token"]), timeout=30)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert "Lê Thị Hồng Nhung" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()


def test_joining_online_and_the_imported_zoom_report_earn_an_online_certificate(system):
    slug = new_forum(system, points_per_province=1)  # online_min_minutes: 60
    stayed = register(system, slug, "Phạm Minh Tuấn", point=None, attendance="online")
    left_early = register(system, slug, "Vũ Thị Thu Trang", point=None, attendance="online")

    for person in (stayed, left_early):  # both join; the report can match only people check-in knows
        def joined():
            answer = requests.post(system.url("checkin", f"/api/v1/forums/{slug}/online/join"),
                                   headers=bearer(person["manage_token"]), timeout=10)
            return answer.json() if answer.status_code == 200 else None
        assert wait_until(joined, timeout_s=30, message="check-in to know the participant")["online_url"]

    report = zoom_report([  # rejoins: Tuấn 09:00-09:40 and 09:35-10:15 is 75 minutes, Trang 30
        ("Phạm Minh Tuấn", stayed["email"], "11/23/2026 09:00:00 AM", "11/23/2026 09:40:00 AM"),
        ("Phạm Minh Tuấn", stayed["email"], "11/23/2026 09:35:00 AM", "11/23/2026 10:15:00 AM"),
        ("Vũ Thị Thu Trang", left_early["email"], "11/23/2026 09:00:00 AM", "11/23/2026 09:30:00 AM")])
    imported = system.admin("POST", "checkin", f"/api/v1/forums/{slug}/online/attendance/import", data=report,
                            headers={"Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.text
    minutes = {p["registration_id"]: p["minutes"] for p in imported.json()["participants"]}
    assert minutes == {stayed["id"]: 75, left_early["id"]: 30}

    certificate = certificate_of(system, stayed)
    assert certificate["mode"] == "online" and verification(system, certificate["serial"])["status"] == "valid"
    wait_until_quiet(system)
    assert has_no_certificate(system, left_early)  # 30 minutes do not meet the rule


def test_an_offline_batch_uploaded_hours_later_still_earns_the_certificate(system):
    slug = new_forum(system, points_per_province=1)
    person = register(system, slug, "Đỗ Văn Hưởng", point="P03-00")
    scanned_at = datetime.now(timezone.utc) - timedelta(hours=5)
    batch = requests.post(system.url("checkin", f"/api/v1/forums/{slug}/points/P03-00/checkins/batch"),
                          json={"scans": [{"ticket": person["ticket"]["qr_payload"], "scan_id": uuid.uuid4().hex,
                                           "scanned_at": scanned_at.isoformat()}]},
                          headers=bearer(enrol_device(system, slug, "P03-00")), timeout=30)
    assert batch.status_code == 200 and batch.json()["accepted"] == 1, batch.text
    certificate = certificate_of(system, person)
    assert certificate["mode"] == "onsite" and certificate["recipient_name"] == "Đỗ Văn Hưởng"


def test_a_cancellation_reaches_the_door_and_leaves_no_certificate(system):
    slug = new_forum(system, points_per_province=1)
    person = register(system, slug, "Ngô Thị Lan")
    device = enrol_device(system, slug)
    cancelled = requests.delete(system.url("registration", f"/api/v1/registrations/{person['id']}"),
                                headers=bearer(person["manage_token"]), timeout=10)
    assert cancelled.status_code == 200, cancelled.text
    wait_until_quiet(system)

    scan = check_in(system, slug, "P00-00", device, person)
    assert (scan["outcome"], scan["reason"]) == ("rejected", "cancelled")
    stats = system.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats").json()
    assert stats["total"]["registered"] == 0 and stats["total"]["arrived"] == 0
    wait_until_quiet(system)
    assert has_no_certificate(system, person)


def test_erasure_removes_the_person_from_every_service_and_revokes_the_certificate(system):
    slug = new_forum(system, points_per_province=1)
    person = register(system, slug, "Trịnh Hữu Nghĩa", email=f"nghia.{uuid.uuid4().hex[:6]}@truong.edu.vn")
    device = enrol_device(system, slug)
    check_in(system, slug, "P00-00", device, person)
    serial = certificate_of(system, person)["serial"]

    erased = requests.post(system.url("registration", f"/api/v1/registrations/{person['id']}/erase"),
                           headers=bearer(person["manage_token"]), timeout=10)
    assert erased.status_code == 200, erased.text
    wait_until_quiet(system)

    kept = system.admin("GET", "registration", f"/api/v1/registrations/{person['id']}").json()
    assert (kept["full_name"], kept["email"], kept["status"]) == (None, None, "cancelled")
    [entry] = [entry for entry in roster(system, slug, "P00-00", device) if entry["id"] == person["id"]]  # the door still knows the ticket is void
    assert (entry["full_name"], entry["status"]) == (None, "cancelled")
    public = verification(system, serial)
    assert public["status"] == "revoked" and public["recipient_name"] is None
    export = system.admin("GET", "certificates", f"/api/v1/forums/{slug}/certificates/export").content.decode("utf-8-sig")
    assert "Trịnh Hữu Nghĩa" not in export and serial in export
    pdf = system.admin("GET", "certificates", f"/api/v1/certificates/{serial}/pdf")
    assert pdf.status_code == 410
