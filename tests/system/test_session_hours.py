"""Hours on the real broker: a scan into a session becomes hours at check-in, a certificate stating
them at certificates; the session moved afterwards re-issues it with the new hours."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import requests

from ..support.forums import enrol_device, register
from ..support.system import bearer
from ..support.waiting import wait_until

# Whole minutes: the plenary ran from two hours ago until half an hour ago (90 minutes).
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def plenary(ends_minutes_ago: int) -> dict:
    return {"title": {"vi": "Khai mạc", "en": "Opening plenary"}, "kind": "plenary",
            "starts_at": (NOW - timedelta(minutes=120)).isoformat(),
            "ends_at": (NOW - timedelta(minutes=ends_minutes_ago)).isoformat()}


def sessions_known_to_checkin(system, slug) -> dict:
    answer = system.admin("GET", "checkin", f"/api/v1/forums/{slug}/stats")
    return {s["code"]: s["ends_at"] for s in answer.json()["sessions"]} if answer.status_code == 200 else {}


def certificates(system, slug, status) -> list[dict]:
    answer = system.admin("GET", "certificates", f"/api/v1/forums/{slug}/certificates", params={"status": status})
    return answer.json()["certificates"] if answer.status_code == 200 else []


def test_a_scan_into_a_session_earns_hours_on_the_certificate_and_a_moved_session_reissues_it(system):
    slug = f"gio-hoc-{uuid.uuid4().hex[:8]}"
    forum = {"slug": slug, "title": {"vi": "Diễn đàn giờ học", "en": "Training hours forum"},
             "starts_at": (NOW - timedelta(hours=3)).isoformat(), "ends_at": (NOW + timedelta(hours=5)).isoformat(),
             "timezone": "Asia/Ho_Chi_Minh",
             "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 60, "min_hours": 1}}
    assert system.admin("POST", "registration", "/api/v1/forums", json=forum).status_code == 201
    assert system.admin("PUT", "registration", f"/api/v1/forums/{slug}/points/HN-01",
                        json={"name": "Hà Nội", "province": "Hà Nội", "capacity": 10}).status_code in (200, 201)
    put = system.admin("PUT", "registration", f"/api/v1/forums/{slug}/sessions/OPEN", json=plenary(30))
    assert put.status_code in (200, 201), put.text
    person = register(system, slug, "Hoàng Thị Minh Thư", point="HN-01")
    token = enrol_device(system, slug, "HN-01")
    wait_until(lambda: "OPEN" in sessions_known_to_checkin(system, slug), timeout_s=30, interval_s=0.3,
               message="check-in to know the programme")

    scan = requests.post(system.url("checkin", f"/api/v1/forums/{slug}/points/HN-01/checkins"), timeout=30,
                         headers=bearer(token), json={"ticket": person["ticket"]["qr_payload"], "scan_id": "s-1",
                                                      "session": "OPEN", "scanned_at": plenary(30)["starts_at"]})
    assert (scan.json()["outcome"], scan.json()["session"]) == ("accepted", "OPEN"), scan.text
    wait_until(lambda: system.admin("GET", "checkin", f"/api/v1/forums/{slug}/hours").json()["participants"],
               timeout_s=30, interval_s=0.3, message="check-in's worker to work out her hours")
    hours = system.admin("GET", "checkin", f"/api/v1/forums/{slug}/hours").json()
    assert [(p["registration_id"], p["sessions"], p["minutes"]) for p in hours["participants"]] == [
        (person["id"], {"OPEN": 90}, 90)]
    wait_until(lambda: len(certificates(system, slug, "valid")) == 1, timeout_s=60, interval_s=0.3,
               message="the certificate on 90 minutes")
    [first] = certificates(system, slug, "valid")
    assert first["hours"] == 1.5

    # The plenary really ended an hour ago: check-in works the hours out again, certificates re-issues.
    moved = system.admin("PUT", "registration", f"/api/v1/forums/{slug}/sessions/OPEN", json=plenary(60))
    assert moved.status_code == 200, moved.text
    wait_until(lambda: len(certificates(system, slug, "revoked")) == 1, timeout_s=60, interval_s=0.3,
               message="the certificate re-issued on 60 minutes")
    [old], [new] = certificates(system, slug, "revoked"), certificates(system, slug, "valid")
    assert (old["serial"], old["revoke_reason"], new["replaces"], new["hours"]) == (
        first["serial"], "hours_changed", first["serial"], 1)
