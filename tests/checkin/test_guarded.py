"""What check-in keeps to itself: device tokens and rosters no cache stores, one status per
refusal of a caller, /metrics for organisers, and the audit record of enrolments, revocations,
imports and erasures."""
from checkin.api.openapi import ROUTES
from forumops_shared.events.registry import PERSONAL_DATA_ERASED

from ..support.attendance_reports import zoom_report
from ..support.callers import authenticated_calls, mismatches, refusals
from .conftest import ADMIN

REFUSED = {"no token": (401, "unauthenticated"), "a wrong token": (401, "unauthenticated"),
           "the organiser's token": (403, "forbidden"), "a device's token": (403, "forbidden"),
           "a participant's token": (403, "forbidden")}


def test_device_tokens_rosters_and_figures_are_kept_out_of_caches(door):
    door.api.register(door.slug, door.api.person("HN-01"))
    door.deliver()
    enrolled = door.client.post(f"/api/v1/forums/{door.slug}/points/HN-01/devices", json={"label": "A"}, headers=ADMIN)
    answers = {
        "device enrolment (its token)": enrolled,
        "the device's kit (the roster)": door.client.get(f"/api/v1/forums/{door.slug}/points/HN-01/device",
                                                         headers={"Authorization": f"Bearer {enrolled.json['token']}"}),
        "the stats": door.organiser("stats"),
        "the conflicts": door.organiser("conflicts"),
        "the audit": door.organiser("audit"),
    }
    for kind, answer in answers.items():
        assert answer.status_code in (200, 201), (kind, answer.json)
        assert answer.headers.get("Cache-Control") == "no-store", kind
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", kind


def test_every_authenticated_path_refuses_a_missing_or_wrong_token_with_401_and_another_partys_with_403(door):
    person = door.api.register(door.slug, door.api.person(None)).json
    door.deliver()
    device = door.device("HN-01")
    calls = authenticated_calls(ROUTES, {"slug": door.slug, "code": "HN-01", "device_id": device["device_id"]})
    assert {c.caller for c in calls} == {"admin", "device", "participant"}
    tokens = {"no token": None, "a wrong token": "x" * 43, "the organiser's token": ADMIN["Authorization"].split()[1],
              "a device's token": device["token"], "a participant's token": person["manage_token"]}
    bodies = {"/checkins": {"ticket": "x", "scan_id": "1"},
              "/checkins/batch": {"scans": [{"ticket": "x", "scan_id": "1", "scanned_at": "2026-12-10T01:00:00Z"}]},
              "/devices": {"label": "B"}}
    for call in calls:
        own = {"admin": "the organiser's token", "device": "a device's token", "participant": "a participant's token"}
        others = {name: token for name, token in tokens.items() if name != own[call.caller]}
        assert mismatches(refusals(door.client, [call], others, bodies), REFUSED) == []
    assert mismatches(refusals(door.client, calls, {"no token": None}), REFUSED) == []  # no body: the caller first
    wrong_with_nothing = door.client.post(f"/api/v1/forums/{door.slug}/points/HN-01/checkins/batch",
                                          headers={"Authorization": "Bearer nope"}, json={})
    assert wrong_with_nothing.status_code == 401  # an upload is not read for a stranger
    assert door.organiser("stats").status_code == 200


def test_metrics_are_for_the_organiser_token_only(door):
    door.deliver()
    device = door.device("HN-01")
    assert door.client.get("/metrics").json["reason"] == "unauthenticated"
    assert door.client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
    other = door.client.get("/metrics", headers={"Authorization": f"Bearer {device['token']}"})
    assert (other.status_code, other.json["reason"]) == (403, "forbidden")
    scraped = door.client.get("/metrics", headers=ADMIN)
    assert scraped.status_code == 200 and "forumops_http_requests_total" in scraped.get_data(as_text=True)
    assert door.client.get("/healthz").status_code == 200  # health stays open to the load balancer


def test_enrolments_revocations_imports_and_erasures_are_recorded_by_ids(door):
    person = door.api.register(door.slug, door.api.person(None, email="an.le@truong.edu.vn")).json
    door.deliver()
    device = door.device("HP-01")
    revoke = f"/api/v1/devices/{device['device_id']}/revoke"
    assert door.client.post(revoke, headers=ADMIN).status_code == 200
    assert door.client.post(revoke, headers=ADMIN).status_code == 200  # nothing more to revoke
    report = zoom_report([("Lê Thị An", "an.le@truong.edu.vn", "11/23/2026 09:00:00 AM", "11/23/2026 09:40:00 AM"),
                          ("Khách", "", "11/23/2026 09:00:00 AM", "11/23/2026 10:00:00 AM")])
    imported = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=report,
                                headers={**ADMIN, "Content-Type": "text/csv"})
    assert imported.status_code == 200, imported.json
    door.api.client.post(f"/api/v1/registrations/{person['id']}/erase", headers=door.api.admin)
    door.deliver(types={PERSONAL_DATA_ERASED})

    records = door.organiser("audit").json["records"]
    assert [(r["actor"]["kind"], r["action"], r["object"]["id"], r["count"]) for r in records] == [
        ("organiser", "device.enrolled", device["device_id"], None),
        ("organiser", "device.revoked", device["device_id"], None),
        ("organiser", "attendance.imported", door.slug, 2),
        ("system", "registration.erased", person["id"], None),
    ]
    assert records[0]["detail"] == {"point": "HP-01"}
    assert records[2]["detail"] == {"format": "zoom", "matched_rows": 1, "unmatched_rows": 1}
    assert "an.le" not in repr(records) and "Lê" not in repr(records)
