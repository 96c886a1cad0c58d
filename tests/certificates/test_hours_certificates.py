"""Attendance certificates under an hours rule: issued on the hours check-in records, re-issued
when late data changes what they state, and stating the sessions and hours on paper, on the
verification page and in the signed document.

The programme (10 December 2026, Hà Nội time): PLEN 210 minutes, WS-A and WS-B 90 each (parallel),
AWARDS 90. The rule asks for 5 hours (300 minutes) and the plenary (168 minutes of it at least,
4/5 of 210); the printed total is rounded down to 30 minutes.
"""
from datetime import datetime, timedelta, timezone

from forumops_shared.events.registry import CERTIFICATE_REVOKED, FORUM_PUBLISHED

from ..support.verification import checks_out
from .conftest import ADMIN, checked_in, hours
from .test_pdfs import download, lines_read_by_pdfium


def session(code, vi, en, kind, starts, ends):
    return {"code": code, "title": {"vi": vi, "en": en}, "kind": kind,
            "starts_at": f"2026-12-10T{starts}:00+07:00", "ends_at": f"2026-12-10T{ends}:00+07:00",
            "points": None, "online_url": None, "capacity": None, "signup": False, "walk_in": "admit"}


PLEN = session("PLEN", "Phiên toàn thể: Chuyển đổi số trong giáo dục", "Plenary: Digital transformation in education",
               "plenary", "08:00", "11:30")
WS_A = session("WS-A", "Hội thảo A: Học liệu số", "Workshop A: Digital learning materials", "workshop", "13:30", "15:00")
WS_B = session("WS-B", "Hội thảo B: Đánh giá năng lực", "Workshop B: Assessing competences", "workshop", "13:30", "15:00")
AWARDS = session("AWARDS", "Lễ trao giải", "Awards ceremony", "ceremony", "15:30", "17:00")
PROGRAMME = [PLEN, WS_A, WS_B, AWARDS]
RULE = {"onsite_checkin": True, "online_min_minutes": 60, "min_hours": 5, "required_sessions": ["PLEN"],
        "hours_step_minutes": 30}
MORNING = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội


def hours_forum(office, n=1, rule=RULE, programme=PROGRAMME, in_runs=False, **person):
    """A forum with an hours rule and its programme, `n` people registered, all known to certificates
    (`in_runs`: their registrations taken together, as the worker takes an import's)."""
    api = office.api
    slug = api.create_forum(certificate_rule=rule)
    api.put_point(slug, "HN-01", capacity=100)
    for s in programme:
        put_session(api, slug, s)
    people = [api.register(slug, api.person("HN-01", **person)).json for _ in range(n)]
    (office.feed.apply_in_runs if in_runs else office.apply)(office.registration_events())
    return slug, people


def put_session(api, slug, s):
    answer = api.client.put(f"/api/v1/forums/{slug}/sessions/{s['code']}", headers=api.admin,
                            json={k: v for k, v in s.items() if k != "code"})
    assert answer.status_code in (200, 201), answer.json


def why_not(service, person):
    answer = service.get(f"/api/v1/registrations/{person['id']}/certificate", headers=ADMIN)
    assert answer.status_code == 404 and answer.json["reason"] == "certificate_not_found"
    return answer.json["detail"]


def signed(service, serial):
    answer = service.get(f"/api/v1/certificates/{serial}").json
    assert checks_out(answer, service.get("/.well-known/forumops-certificate-keys.json").json["keys"])
    return answer["certificate"]


def test_the_hours_met_issue_a_certificate_stating_the_sessions_attended_and_the_total(office, service):
    slug, [person] = hours_forum(office)
    office.apply([checked_in(person, slug, at=MORNING)])
    assert office.certificates() == []  # a check-in alone is no hours under this rule
    # 210 + 90 + 40 = 340 minutes: 5.5 hours printed; AWARDS (40 of 90) counts, but is not attended.
    office.apply([hours(person, slug, PLEN=210, WS_A=90, AWARDS=40)])
    [cert] = office.certificates()
    document = signed(service, cert.serial)
    assert document["hours"] == 5.5 and document["replaces"] is None and document["mode"] == "onsite"
    assert document["sessions"] == [{"code": "PLEN", "title": PLEN["title"], "minutes": 210},
                                    {"code": "WS-A", "title": WS_A["title"], "minutes": 90}]


def test_too_few_hours_issue_nothing_and_the_participant_is_told_why(office, service):
    slug, [person] = hours_forum(office)
    office.apply([hours(person, slug, PLEN=210, WS_B=89)])  # 299 minutes: one short of 5 hours
    assert office.certificates() == [] and office.issued() == []
    assert why_not(service, person) == {"not_earned": "too_few_hours", "hours": 4.5}
    mine = service.get(f"/api/v1/registrations/{person['id']}/certificate",
                       headers={"Authorization": f"Bearer {person['manage_token']}", "Accept-Language": "en"})
    assert mine.json["message"] == "Not enough hours attended."


def test_a_required_plenary_missed_issues_nothing_whatever_the_hours(office, service):
    slug, [person] = hours_forum(office)
    # 167 minutes of the plenary is under 4/5 of 210; 167 + 90 + 90 = 347 minutes is enough hours.
    office.apply([hours(person, slug, PLEN=167, WS_A=90, AWARDS=90)])
    assert office.certificates() == []
    assert why_not(service, person) == {"not_earned": "required_session_missed", "missed": ["PLEN"], "hours": 5.5}
    office.apply([hours(person, slug, PLEN=168, WS_A=90, AWARDS=90)])  # a late scan: now 4/5 exactly
    [cert] = office.certificates()
    assert [s["code"] for s in signed(service, cert.serial)["sessions"]] == ["PLEN", "WS-A", "AWARDS"]


def test_late_hours_reissue_the_certificate_revoking_the_old_and_linking_both(office, service):
    slug, [person] = hours_forum(office)
    office.apply([hours(person, slug, at=MORNING + timedelta(hours=7), PLEN=210, WS_A=90)])
    [first] = office.certificates()
    assert signed(service, first.serial)["hours"] == 5
    # The awards ceremony's online report, imported the next day: 300 + 75 minutes, 6 hours.
    office.apply([hours(person, slug, at=MORNING + timedelta(days=1), PLEN=210, WS_A=90, AWARDS=75)])
    old, new = office.certificates()
    assert (old.serial, old.revoke_reason, new.replaces, new.revoked_at) == (first.serial, "hours_changed",
                                                                             first.serial, None)
    before, after = signed(service, old.serial), signed(service, new.serial)
    assert (before["status"], before["replaced_by"], after["status"], after["replaces"]) == (
        "revoked", new.serial, "valid", old.serial)
    assert (after["hours"], [s["code"] for s in after["sessions"]]) == (6, ["PLEN", "WS-A", "AWARDS"])
    [revoked] = office.issued(CERTIFICATE_REVOKED)
    assert (revoked.data["serial"], revoked.data["reason"]) == (old.serial, "hours_changed")
    holder = service.get(f"/api/v1/registrations/{person['id']}/certificate",
                         headers={"Authorization": f"Bearer {person['manage_token']}"})
    assert holder.json["serial"] == new.serial  # the holder's page shows the valid one
    page = service.get(f"/verify/{old.serial}").get_data(as_text=True)
    assert "ĐÃ THU HỒI" in page and "thời lượng tham dự đã thay đổi" in page and f"/verify/{new.serial}" in page


def test_redelivered_hours_and_older_ones_arriving_late_change_nothing(office, service):
    slug, [person] = hours_forum(office)
    early, late = MORNING + timedelta(hours=4), MORNING + timedelta(hours=9)
    events = [hours(person, slug, at=early, PLEN=210), hours(person, slug, at=late, PLEN=210, WS_A=90, AWARDS=90)]
    office.apply(events)
    office.redeliver(events)
    office.apply([hours(person, slug, at=early + timedelta(minutes=5), PLEN=210, WS_A=30)])  # older than `late`
    [cert] = office.certificates()
    assert cert.revoked_at is None and signed(service, cert.serial)["hours"] == 6.5
    assert len(office.issued()) == 1 and office.issued(CERTIFICATE_REVOKED) == []


def test_hours_arriving_together_issue_each_certificate_once_with_the_latest_hours(office, service):
    slug, [a, b, c] = hours_forum(office, n=3, in_runs=True)
    early, late = MORNING + timedelta(hours=4), MORNING + timedelta(hours=9)
    office.feed.apply_in_runs([  # a worker catching up: a's older hours arrive after the newer
        hours(a, slug, at=late, PLEN=210, WS_A=90, AWARDS=90), hours(a, slug, at=early, PLEN=210),
        hours(b, slug, at=early, PLEN=210, WS_A=90), hours(c, slug, at=early, PLEN=210)])  # c: 3.5 hours
    stated = {cert.registration_id: signed(service, cert.serial)["hours"] for cert in office.certificates()}
    assert stated == {a["id"]: 6.5, b["id"]: 5}
    assert len(office.issued()) == 2 and office.issued(CERTIFICATE_REVOKED) == []


def test_minutes_that_change_nothing_printed_reissue_nothing(office):
    slug, [person] = hours_forum(office)
    office.apply([hours(person, slug, at=MORNING, PLEN=210, WS_A=90)])  # 300 minutes: 5 hours
    # 10 minutes of WS-B (not attended: under 72), then 5 fewer of WS-A (still attended): 310 and
    # 305 minutes, 5 hours printed each time, the same two sessions.
    office.apply([hours(person, slug, at=MORNING + timedelta(hours=1), PLEN=210, WS_A=90, WS_B=10)])
    office.apply([hours(person, slug, at=MORNING + timedelta(hours=2), PLEN=210, WS_A=85, WS_B=10)])
    assert len(office.certificates()) == 1 and office.issued(CERTIFICATE_REVOKED) == []


def test_a_session_renamed_or_moved_restates_the_certificates_that_name_it(office, service):
    slug, [person, other] = hours_forum(office, n=2)
    office.apply([hours(person, slug, PLEN=210, WS_A=90), hours(other, slug, PLEN=210, WS_B=90)])
    renamed = {**WS_A, "title": {"vi": "Hội thảo A: Học liệu số mở", "en": "Workshop A: Open learning materials"}}
    put_session(office.api, slug, renamed)  # the forum published again with its programme
    office.apply(office.registration_events(FORUM_PUBLISHED))
    valid = {c.registration_id: c for c in office.certificates() if c.revoked_at is None}
    assert signed(service, valid[person["id"]].serial)["sessions"][1]["title"] == renamed["title"]
    assert valid[other["id"]].replaces is None  # WS-B's holder keeps theirs


def test_a_certificate_revoked_by_an_organiser_is_not_issued_again_by_later_hours(office, service):
    slug, [person] = hours_forum(office)
    office.apply([hours(person, slug, at=MORNING, PLEN=210, WS_A=90)])
    [cert] = office.certificates()
    service.post(f"/api/v1/certificates/{cert.serial}/revoke", json={"reason": "Cấp nhầm"}, headers=ADMIN)
    office.apply([hours(person, slug, at=MORNING + timedelta(hours=1), PLEN=210, WS_A=90, AWARDS=90)])
    assert [c.serial for c in office.certificates()] == [cert.serial]


def test_an_erasure_revokes_the_valid_certificate_and_clears_the_name_from_every_one(office):
    slug, [person] = hours_forum(office, full_name="Lê Thị Hồng Nhung")
    office.apply([hours(person, slug, at=MORNING, PLEN=210, WS_A=90),
                  hours(person, slug, at=MORNING + timedelta(hours=1), PLEN=210, WS_A=90, AWARDS=90)])
    office.api.client.post(f"/api/v1/registrations/{person['id']}/erase",
                           headers=office.api.as_holder(person["manage_token"]))
    office.apply(office.registration_events("registration.personal-data-erased.v1"))
    certs = office.certificates()
    assert len(certs) == 2 and all(c.revoked_at and c.recipient_name is None for c in certs)
    assert [c.revoke_reason for c in certs] == ["hours_changed", "personal_data_erased"]


def test_the_pdf_prints_the_sessions_and_the_hours_in_the_holders_language(office, service):
    slug, [vi] = hours_forum(office)
    en = office.api.register(slug, office.api.person("HN-01", language="en")).json
    office.apply(office.registration_events())
    office.apply([hours(vi, slug, PLEN=210, WS_A=90, AWARDS=40), hours(en, slug, PLEN=200, WS_B=85, AWARDS=90)])
    [cert_vi] = office.certificates(registration_id=vi["id"])
    lines = lines_read_by_pdfium(download(service, cert_vi.serial, vi["manage_token"]).data)
    assert "Tổng thời lượng tham dự: 5,5 giờ" in lines and "Các phiên đã tham dự:" in lines
    printed = " ".join(lines)
    assert PLEN["title"]["vi"] in printed and WS_A["title"]["vi"] in printed
    assert AWARDS["title"]["vi"] not in printed  # 40 of 90 minutes counted in the hours, not attended
    [cert_en] = office.certificates(registration_id=en["id"])
    lines = lines_read_by_pdfium(download(service, cert_en.serial, en["manage_token"]).data)
    assert "Total time attended: 6 hours" in lines and "Sessions attended:" in lines
    assert all(any(title in line for line in lines) for title in (PLEN["title"]["en"], WS_B["title"]["en"],
                                                                 AWARDS["title"]["en"]))


def test_a_long_programme_fits_on_the_page_every_title_whole(office, service):
    twelve = [session(f"S{i:02d}", f"Phiên chuyên đề {i}: Đổi mới phương pháp dạy học môn Ngữ văn cấp trung học",
                      f"Session {i}", "workshop", f"{7 + i:02d}:00", f"{7 + i:02d}:50") for i in range(1, 13)]
    rule = {**RULE, "min_hours": 8, "required_sessions": []}
    slug, [person] = hours_forum(office, rule=rule, programme=twelve)
    office.apply([hours(person, slug, **{s["code"]: 50 for s in twelve})])  # 600 minutes: 10 hours
    [cert] = office.certificates()
    lines = lines_read_by_pdfium(download(service, cert.serial, person["manage_token"]).data)
    assert "Tổng thời lượng tham dự: 10 giờ" in lines
    for s in twelve:  # each title on one line, none cut
        assert sum(line.count(s["title"]["vi"]) for line in lines) == 1, s["code"]
    assert f"Số hiệu: {cert.serial}" in lines  # the footer is still there


def test_the_verification_page_states_the_hours_and_sessions(office, service):
    slug, [person] = hours_forum(office)
    office.apply([hours(person, slug, PLEN=210, WS_A=90)])
    [cert] = office.certificates()
    page = service.get(f"/verify/{cert.serial}?lang=en").get_data(as_text=True)
    assert "Total time attended" in page and "5 hours" in page
    assert PLEN["title"]["en"] in page and WS_A["title"]["en"] in page and WS_B["title"]["en"] not in page


def test_a_simple_rule_certificate_states_no_hours(office, service):
    slug, [person] = hours_forum(office, rule={"onsite_checkin": True, "online_min_minutes": 60})
    office.apply([checked_in(person, slug), hours(person, slug, PLEN=210)])
    [cert] = office.certificates()
    document = signed(service, cert.serial)
    assert (document["sessions"], document["hours"], document["replaces"], document["replaced_by"]) == (
        [], None, None, None)
