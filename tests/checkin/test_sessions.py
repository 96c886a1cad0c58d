"""A forum as a programme of sessions at the door: scans per session, sign-ups, offline batches,
online reports for a session, stats per session and hours per participant."""
import csv
import io
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from checkin.tables import checkins, session_checkins
from forumops_shared.events.registry import HOURS_RECORDED, PARTICIPANT_CHECKED_IN

from ..support.attendance_reports import zoom_report
from .conftest import ADMIN

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
# Whole minutes, so that the hours below are exact: the plenary runs from 50 minutes ago.
BASE = (datetime.now(timezone.utc) - timedelta(minutes=50)).replace(second=0, microsecond=0)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def session(minutes_from: int, minutes_to: int, **overrides) -> dict:
    return {"title": {"vi": "Phiên", "en": "Session"}, "kind": "workshop",
            "starts_at": at(minutes_from).isoformat(), "ends_at": at(minutes_to).isoformat(), **overrides}


def put_session(door, code, body):
    response = door.api.client.put(f"/api/v1/forums/{door.slug}/sessions/{code}", json=body, headers=door.api.admin)
    assert response.status_code in (200, 201), response.json


@pytest.fixture
def programme(door):
    """A plenary now (0-60), then two parallel workshops with sign-up (60-120): W1 admits people
    without a place, W2 refuses them; the plenary has an online meeting."""
    put_session(door, "OPEN", session(0, 60, kind="plenary", online_url="https://meet.example.vn/open"))
    put_session(door, "W1", session(60, 120, signup=True, capacity=50))
    put_session(door, "W2", session(60, 120, signup=True, capacity=50, walk_in="refuse"))
    return door


def registered(door, point="HN-01", signups=(), **overrides):
    person = door.api.register(door.slug, door.api.person(point, **overrides)).json
    if signups:
        answer = door.api.client.put(f"/api/v1/registrations/{person['id']}/sessions", json={"codes": list(signups)},
                                     headers=door.api.as_holder(person["manage_token"]))
        assert answer.status_code == 200, answer.json
    return person


def scan(door, device, person, scan_id, session=None, minutes=None, direction=None):
    body = {"ticket": person["ticket"]["qr_payload"], "scan_id": scan_id}
    if direction is not None:
        body["direction"] = direction
    if session is not None:
        body["session"] = session
    if minutes is not None:
        body["scanned_at"] = at(minutes).isoformat()
    answer = door.client.post(f"/api/v1/forums/{door.slug}/points/{device['point']}/checkins", json=body,
                              headers={"Authorization": f"Bearer {device['token']}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def told(answer) -> tuple:
    return answer["outcome"], answer["reason"], answer["session"], answer["not_signed_up"]


def hours_of(door, minutes=120) -> dict:
    """Each participant's (minutes per session, minutes) once check-in's worker has caught up at
    `minutes` (by default when the programme is over: every admission's hours due)."""
    door.work_out_hours(now=at(minutes))
    answer = door.organiser("hours")
    assert answer.status_code == 200, answer.json
    return {p["registration_id"]: (p["sessions"], p["minutes"]) for p in answer.json["participants"]}


def test_a_duplicate_is_a_second_scan_into_the_same_session_and_the_first_scan_is_still_the_arrival(programme):
    door = programme
    person = registered(door, signups=["W1"])
    door.deliver()
    device = door.device()
    assert told(scan(door, device, person, "a", "OPEN", 5)) == ("accepted", "accepted", "OPEN", False)
    again = scan(door, device, person, "b", "OPEN", 20)
    assert told(again) == ("duplicate", "already_in_session", "OPEN", False)
    assert again["first"]["point"] == "HN-01" and again["message"]["en"] == "Already checked in to this session."
    assert told(scan(door, device, person, "c", "W1", 61)) == ("accepted", "accepted", "W1", False)
    # No session named, at a time when only the plenary runs: the scan is the plenary's.
    assert told(scan(door, device, person, "d", None, 30)) == ("duplicate", "already_in_session", "OPEN", False)
    assert door.count(checkins) == 1 and door.count(session_checkins) == 2
    events = [e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]
    assert [(e.subject, e.data["session"]) for e in events] == [(person["id"], "OPEN"), (person["id"], "W1")]
    stats = door.organiser("stats").json
    assert stats["onsite"]["arrived"] == 1  # arrivals stay one per person
    assert {s["code"]: (s["arrived"], s["points"]) for s in stats["sessions"]} == {
        "OPEN": (1, {"HN-01": 1}), "W1": (1, {"HN-01": 1}), "W2": (0, {})}


def test_the_door_follows_each_workshops_rule_for_people_who_did_not_sign_up(programme):
    door = programme
    walk_in, with_place = registered(door), registered(door, signups=["W2"])
    door.deliver()
    device = door.device()
    admitted = scan(door, device, walk_in, "w1", "W1", 62)
    assert told(admitted) == ("accepted", "accepted", "W1", True)
    assert admitted["registration"]["id"] == walk_in["id"]
    refused = scan(door, device, walk_in, "w2", "W2", 62)
    assert told(refused) == ("rejected", "not_signed_up", "W2", False) and refused["registration"] is None
    assert told(scan(door, device, with_place, "p2", "W2", 62)) == ("accepted", "accepted", "W2", False)
    assert told(scan(door, device, with_place, "zz", "NO-SUCH", 62))[:2] == ("rejected", "unknown_session")


def test_an_offline_batch_carries_each_scans_session_and_is_judged_per_session(programme):
    door = programme
    person = registered(door, signups=["W1"])
    door.deliver()
    device = door.device()
    qr = person["ticket"]["qr_payload"]
    items = [{"ticket": qr, "scan_id": "o1", "scanned_at": at(3).isoformat(), "session": "OPEN"},
             {"ticket": qr, "scan_id": "o2", "scanned_at": at(40).isoformat()},  # no session: the plenary's
             {"ticket": qr, "scan_id": "o3", "scanned_at": at(65).isoformat(), "session": "W1"},
             {"ticket": qr, "scan_id": "o4", "scanned_at": at(66).isoformat(), "session": "W2"}]
    answer = door.batch(device, items).json
    assert [(r["outcome"], r["reason"], r["session"], r["forced"]) for r in answer["results"]] == [
        ("accepted", "accepted", "OPEN", False), ("duplicate", "already_in_session", "OPEN", False),
        ("accepted", "accepted", "W1", False),
        # The phone let them into W2 without a place: a fact, kept as a forced admission.
        ("rejected", "not_signed_up", "W2", True)]
    assert door.count(checkins) == 1 and door.count(session_checkins) == 3
    assert door.batch(device, items).json["repeated"] == 4  # a re-upload changes nothing
    sessions, _ = hours_of(door)[person["id"]]
    # In W1 from 65 to its end, then in W2 (it overlaps W1) from 66: the later scan ends W1.
    assert sessions == {"OPEN": 57, "W1": 1, "W2": 54}


def test_check_outs_end_the_time_in_a_session_or_the_day_and_let_no_one_in(programme):
    door = programme
    left, stepped_out, never_in, offline = (registered(door, full_name=name) for name in (
        "Lê Văn Về Sớm", "Trần Thị Ra Ngoài", "Phạm Văn Chưa Vào", "Hồ Thị Ngoại Tuyến"))
    door.deliver()
    device = door.device()
    scan(door, device, left, "l-in", "OPEN", 10)
    gone = scan(door, device, left, "l-out", minutes=25, direction="out")  # left the venue: the day ends
    assert (told(gone), gone["direction"], gone["registration"]["full_name"]) == (
        ("accepted", "checked_out", None, False), "out", "Lê Văn Về Sớm")
    scan(door, device, stepped_out, "s-in", "OPEN", 5)
    assert told(scan(door, device, stepped_out, "s-out", "OPEN", 20, direction="out")) == (
        "accepted", "checked_out", "OPEN", False)  # out of the plenary only
    assert told(scan(door, device, stepped_out, "s-back", "OPEN", 30)) == ("duplicate", "already_in_session", "OPEN",
                                                                           False)  # back: the door says she was in
    assert told(scan(door, device, never_in, "n-out", minutes=15, direction="out"))[:2] == ("accepted", "checked_out")
    qr = offline["ticket"]["qr_payload"]
    batch = door.batch(device, [{"ticket": qr, "scan_id": "o-in", "scanned_at": at(10).isoformat()},
                                {"ticket": qr, "scan_id": "o-out", "scanned_at": at(40).isoformat(),
                                 "direction": "out", "admitted": False}]).json
    assert [(r["outcome"], r["reason"], r["direction"]) for r in batch["results"]] == [
        ("accepted", "accepted", "in"), ("accepted", "checked_out", "out")]

    # Check-outs let no one in: the arrivals are the three check-ins, each announced once.
    stats = door.organiser("stats").json
    assert (stats["onsite"]["arrived"], {x["code"]: x["arrived"] for x in stats["sessions"]}["OPEN"]) == (3, 3)
    assert len([e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]) == 3
    assert hours_of(door) == {
        left["id"]: ({"OPEN": 15}, 15),  # 10 to 25, and nothing of the workshops after she left
        stepped_out["id"]: ({"OPEN": 45}, 45),  # 5 to 20, then 30 to the end at 60
        offline["id"]: ({"OPEN": 30}, 30)}  # the offline door's check-out ended her time at 40


def test_a_return_recorded_after_the_hours_were_worked_out_counts_for_them(programme):
    """Someone let in again (answered duplicate, or let in anyway by an offline door) attends
    again: their hours are worked out once more, also when the door's record comes after the
    session's hours were (a scanner that sent it late, an offline door's upload)."""
    door = programme
    late, offline, elsewhere = (registered(door, full_name=name) for name in (
        "Vũ Thị Gửi Muộn", "Đỗ Văn Ngoại Tuyến", "Ngô Thị Cửa Khác"))
    door.deliver()
    device = door.device()
    for person, tag in ((late, "l"), (offline, "o"), (elsewhere, "e")):
        scan(door, device, person, f"{tag}-in", "OPEN", 5)
        scan(door, device, person, f"{tag}-out", "OPEN", 20, direction="out")
    assert hours_of(door, minutes=60) == {p["id"]: ({"OPEN": 15}, 15) for p in (late, offline, elsewhere)}

    assert told(scan(door, device, late, "l-back", "OPEN", 30)) == ("duplicate", "already_in_session", "OPEN", False)
    back = door.batch(device, [{"ticket": offline["ticket"]["qr_payload"], "scan_id": "o-back",
                                "scanned_at": at(30).isoformat(), "session": "OPEN"}]).json
    assert [(r["outcome"], r["reason"]) for r in back["results"]] == [("duplicate", "already_in_session")]
    # Her ticket is for HN-01; the Hải Phòng phone let her in all the same: a forced scan, which counts.
    forced = door.batch(door.device("HP-01"), [{"ticket": elsewhere["ticket"]["qr_payload"], "scan_id": "e-back",
                                                "scanned_at": at(30).isoformat(), "session": "OPEN",
                                                "admitted": True}]).json
    assert [(r["outcome"], r["reason"], r["forced"]) for r in forced["results"]] == [("rejected", "wrong_point", True)]
    # 5 to 20, then 30 to the plenary's end at 60.
    assert hours_of(door, minutes=60) == {p["id"]: ({"OPEN": 45}, 45) for p in (late, offline, elsewhere)}


def test_a_zoom_report_is_matched_to_its_session_by_its_window_and_clipped_to_it(programme):
    door = programme
    person = registered(door, point=None, email="an.online@truong.edu.vn")
    door.deliver()

    def local(minutes):
        return at(minutes).astimezone(HANOI).strftime("%m/%d/%Y %I:%M:%S %p")
    # Joined 10 minutes before the plenary, dropped out, rejoined; stayed 15 minutes after it ended.
    report = zoom_report([("An", "an.online@truong.edu.vn", local(-10), local(20)),
                          ("An", "an.online@truong.edu.vn", local(15), local(75))])
    answer = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=report,
                              headers={**ADMIN, "Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["session"], answer.json["session_matched_by"]) == ("OPEN", "time_window")
    assert hours_of(door)[person["id"]] == ({"OPEN": 60}, 60)  # 85 minutes online, 60 of them in the plenary
    [event] = [e for e in door.events() if e.type == HOURS_RECORDED]
    assert (event.subject, event.data["sessions"], event.data["minutes"]) == (person["id"], [{"code": "OPEN",
                                                                                               "minutes": 60}], 60)


def test_a_report_imported_for_a_named_session_counts_for_it_and_an_unknown_one_is_refused(programme):
    door = programme
    person = registered(door, point=None, email="binh.online@truong.edu.vn")
    door.deliver()
    late = at(70).astimezone(HANOI).strftime("%m/%d/%Y %I:%M:%S %p")
    later = at(100).astimezone(HANOI).strftime("%m/%d/%Y %I:%M:%S %p")
    report = zoom_report([("Bình", "binh.online@truong.edu.vn", late, later)])
    path = f"/api/v1/forums/{door.slug}/online/attendance/import"
    refused = door.client.post(path, data=report, query_string={"session": "NOPE"},
                               headers={**ADMIN, "Content-Type": "text/csv"})
    assert (refused.status_code, refused.json["reason"]) == (422, "unknown_session")
    named = door.client.post(path, data=report, query_string={"session": "W1"},
                             headers={**ADMIN, "Content-Type": "text/csv"})
    assert (named.json["session"], named.json["session_matched_by"]) == ("W1", "named")
    assert hours_of(door)[person["id"]] == ({"W1": 30}, 30)


def test_hours_are_worked_out_again_when_a_session_moves_and_exported_as_csv(programme):
    door = programme
    early, late = registered(door, full_name="Lê Văn Sớm"), registered(door, full_name="Trần Thị Muộn")
    door.deliver()
    device = door.device()
    scan(door, device, early, "e", "OPEN", 10)
    scan(door, device, late, "l", "OPEN", 40)
    assert door.organiser("hours").json["participants"] == []  # the door left them to the worker
    # The plenary ends at 60: until then their time in it is still to come.
    assert door.work_out_hours(now=at(59)) == 0 and door.organiser("hours").json["participants"] == []
    assert door.work_out_hours(now=at(120)) == 2 and door.work_out_hours(now=at(120)) == 0  # each once
    assert hours_of(door) == {early["id"]: ({"OPEN": 50}, 50), late["id"]: ({"OPEN": 20}, 20)}

    put_session(door, "OPEN", session(0, 30, kind="plenary", online_url="https://meet.example.vn/open"))
    door.deliver()  # forum-published with the plenary ending at 30
    assert hours_of(door) == {early["id"]: ({"OPEN": 20}, 20)}  # the late one has no minute left
    announced = [(e.subject, e.data["sessions"], e.data["minutes"]) for e in door.events() if e.type == HOURS_RECORDED]
    assert sorted(announced[:2]) == sorted([(early["id"], [{"code": "OPEN", "minutes": 50}], 50),
                                            (late["id"], [{"code": "OPEN", "minutes": 20}], 20)])
    assert sorted(announced[2:]) == sorted([(early["id"], [{"code": "OPEN", "minutes": 20}], 20),
                                            (late["id"], [], 0)])  # everyone's, worked out together
    door.deliver()  # published again, nothing moved: nothing new to announce
    put_session(door, "W1", session(60, 120, signup=True, capacity=60))  # a session's capacity is no time
    door.deliver()
    assert len([e for e in door.events() if e.type == HOURS_RECORDED]) == 4

    exported = door.client.get(f"/api/v1/forums/{door.slug}/hours", query_string={"format": "csv"}, headers=ADMIN)
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["registration_id", "full_name", "ticket_code", "OPEN", "W1", "W2", "minutes", "hours"],
                    [early["id"], "Lê Văn Sớm", early["ticket"]["code"], "20", "0", "0", "20", "0.33"]]
    by_accept = door.client.get(f"/api/v1/forums/{door.slug}/hours", headers={**ADMIN, "Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"
