"""Online attendance: the participant's join link, and Zoom / Teams reports turned into minutes."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from checkin.domain.attendance_reports import merged_seconds, read_report
from forumops_shared.events.registry import ONLINE_ATTENDANCE_RECORDED, PARTICIPANT_CHECKED_IN

from ..support.attendance_reports import teams_report, zoom_report
from ..support.services import migrate
from .conftest import ADMIN

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def online_person(door, **overrides):
    person = door.api.register(door.slug, door.api.person(None, **overrides)).json
    return person


def join(door, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return door.client.post(f"/api/v1/forums/{door.slug}/online/join", headers=headers)


def events_of(door, event_type):
    return [e for e in door.events() if e.type == event_type]


def test_joining_online_checks_the_person_in_once_and_gives_the_meeting(door):
    person = online_person(door)
    door.deliver()
    first = join(door, person["manage_token"])
    assert first.status_code == 200, first.json
    assert first.json == {"online_url": "https://meet.example.vn/forum", "registration_id": person["id"],
                          "checked_in": True}
    assert join(door, person["manage_token"]).json["checked_in"] is False  # a rejoin is the same person
    [event] = events_of(door, PARTICIPANT_CHECKED_IN)
    assert (event.subject, event.data["mode"], event.data["source"], event.data["point"]) == (
        person["id"], "online", "online_join", None)


def test_joining_needs_the_persons_own_token_and_a_live_registration(door):
    person, other = online_person(door), online_person(door)
    door.api.client.delete(f"/api/v1/registrations/{other['id']}", headers=door.api.as_holder(other["manage_token"]))
    door.deliver()
    assert join(door, None).json["reason"] == "unauthenticated"
    assert join(door, person["manage_token"][:-2] + "xx").json["reason"] == "unauthenticated"
    assert join(door, ADMIN["Authorization"].split()[1]).status_code == 403  # valid, but not a participant's
    cancelled = join(door, other["manage_token"])
    assert cancelled.status_code == 409 and cancelled.json["reason"] == "registration_cancelled"
    assert events_of(door, PARTICIPANT_CHECKED_IN) == []


def test_the_join_page_keeps_the_token_out_of_the_request(door):
    page = door.client.get(f"/join/{door.slug}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "<script>" not in html and 'src="/static/join.js"' in html  # no inline code: the CSP forbids it
    assert '"slug": "%s"' % door.slug in html
    script = door.client.get("/static/join.js").get_data(as_text=True)
    assert "/online/join" in script and "replaceState" in script


SECURITY_HEADERS = ("Content-Security-Policy", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control")


def test_the_join_page_has_the_security_headers_the_other_pages_have(door):
    join_page = door.client.get(f"/join/{door.slug}?lang=en")
    scanner_page = door.client.get("/scan")
    assert {h: join_page.headers.get(h) for h in SECURITY_HEADERS} == \
        {h: scanner_page.headers.get(h) for h in SECURITY_HEADERS}
    assert "frame-ancestors 'none'" in join_page.headers["Content-Security-Policy"]
    assert join_page.headers["X-Content-Type-Options"] == "nosniff" and join_page.headers["Cache-Control"] == "no-store"
    assert 'lang="en"' in join_page.get_data(as_text=True)


def test_joins_are_rate_limited_per_client(api, settings_for):
    from .conftest import Door
    from ..registration.conftest import ADMIN_TOKEN
    settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_JOIN_RATE_LIMIT": "2/minute"})
    migrate(settings)
    door = Door(api, settings)
    answers = [join(door, "not-a-token") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert answers[2].json["reason"] == "rate_limited" and int(answers[2].headers["Retry-After"]) >= 1


def test_scans_are_rate_limited_per_device(api, settings_for):
    from .conftest import Door
    from ..registration.conftest import ADMIN_TOKEN
    settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_DEVICE_RATE_LIMIT": "2/minute"})
    migrate(settings)
    door = Door(api, settings)
    door.deliver()
    busy, calm = door.device(), door.device()
    answers = [door.scan(busy, "ZZZZZ-ZZZZZ", f"r-{i}").status_code for i in range(3)]
    assert answers == [200, 200, 429] and door.scan(calm, "ZZZZZ-ZZZZZ", "c-1").status_code == 200


def test_a_zoom_report_with_rejoins_gives_merged_minutes_and_lists_what_did_not_match(door):
    an, binh = online_person(door, email="An.Le@Truong.edu.vn"), online_person(door, email="binh@x.vn")
    door.deliver()
    report = zoom_report([
        ("Lê Thị An", "an.le@truong.edu.vn", "11/23/2026 09:00:00 AM", "11/23/2026 09:40:00 AM"),
        ("Lê Thị An (iPhone)", "AN.LE@truong.edu.vn", "11/23/2026 09:30:00 AM", "11/23/2026 09:50:00 AM"),  # overlaps
        ("Lê Thị An", "an.le@truong.edu.vn", "11/23/2026 10:00:00 AM", "11/23/2026 10:25:30 AM"),  # a rejoin
        ("Trần Bình", "binh@x.vn", "11/23/2026 09:00:00 AM", "11/23/2026 09:10:00 AM"),
        ("Khách", "", "11/23/2026 09:00:00 AM", "11/23/2026 10:00:00 AM"),
        ("Người lạ", "stranger@example.com", "11/23/2026 09:00:00 AM", "11/23/2026 10:00:00 AM"),
        ("Lê Thị An", "an.le@truong.edu.vn", "not a time", "11/23/2026 10:00:00 AM"),
    ])
    answer = _import(door, report)
    assert answer["format"] == "zoom" and answer["rows"] == 7
    minutes = {p["registration_id"]: p["minutes"] for p in answer["participants"]}
    assert minutes == {an["id"]: 50 + 25, binh["id"]: 10}  # 09:00-09:50 merged, then 10:00-10:25:30
    assert [(u["row"], u["reason"]) for u in answer["unmatched"]] == [  # rows as numbered in the file
        (9, "no_email"), (10, "unknown_email"), (11, "unreadable_time")]
    recorded = {e.subject: e.data["minutes"] for e in events_of(door, ONLINE_ATTENDANCE_RECORDED)}
    assert recorded == {an["id"]: 75, binh["id"]: 10}


def test_re_importing_a_report_changes_nothing_and_a_second_session_adds_up(door):
    an = online_person(door)
    door.deliver()
    email = door.api.events()[-1].data["email"]
    morning = zoom_report([("An", email, "11/23/2026 09:00:00 AM", "11/23/2026 10:00:00 AM")])
    assert _import(door, morning)["participants"] == [{"registration_id": an["id"], "minutes": 60, "changed": True}]
    assert _import(door, morning)["participants"] == [{"registration_id": an["id"], "minutes": 60, "changed": False}]
    afternoon = zoom_report([("An", email, "11/23/2026 02:00:00 PM", "11/23/2026 02:45:00 PM")])
    assert _import(door, afternoon)["participants"][0]["minutes"] == 105
    assert [e.data["minutes"] for e in events_of(door, ONLINE_ATTENDANCE_RECORDED)] == [60, 105]


def test_a_teams_report_is_read_from_its_in_meeting_activities(door):
    binh = online_person(door, email="binh@x.vn")
    door.deliver()
    report = teams_report([("Trần Văn Bình", "binh@x.vn", "11/23/26, 9:00:00 AM", "11/23/26, 9:20:00 AM"),
                           ("Trần Văn Bình", "binh@x.vn", "11/23/26, 9:25:00 AM", "11/23/26, 10:30:00 AM")])
    answer = _import(door, report)
    assert (answer["format"], answer["rows"], answer["matched_rows"]) == ("teams", 2, 2)
    assert answer["participants"] == [{"registration_id": binh["id"], "minutes": 85, "changed": True}]


def test_report_times_are_read_in_the_forums_timezone_and_day_first_on_request():
    report = read_report(zoom_report([("A", "a@x.vn", "23/11/2026 09:00:00", "23/11/2026 10:00:00")]),
                         "Asia/Ho_Chi_Minh", day_first=True)
    [row] = report.joins
    assert row.joined_at == datetime(2026, 11, 23, 9, 0, tzinfo=HANOI)
    assert row.joined_at.astimezone(timezone.utc).hour == 2


def test_a_file_without_a_join_table_is_refused(door):
    door.deliver()
    response = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import",
                                data=b"name,email\nA,a@x.vn\n", headers={**ADMIN, "Content-Type": "text/csv"})
    assert response.status_code == 422 and response.json["reason"] == "invalid_csv"
    anyone = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=b"x")
    assert anyone.status_code == 401


@pytest.mark.parametrize("spans, seconds", [
    ([], 0),
    ([(0, 10)], 600),
    ([(0, 10), (5, 15)], 900),  # overlapping
    ([(0, 30), (5, 10)], 1800),  # contained
    ([(0, 10), (10, 20)], 1200),  # touching
    ([(20, 30), (0, 10)], 1200),  # out of order
])
def test_overlapping_spans_are_counted_once(spans, seconds):
    base = datetime(2026, 11, 23, 2, tzinfo=timezone.utc)
    assert merged_seconds([(base + timedelta(minutes=a), base + timedelta(minutes=b)) for a, b in spans]) == seconds


def _import(door, report: bytes) -> dict:
    response = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=report,
                                headers={**ADMIN, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    return response.json
