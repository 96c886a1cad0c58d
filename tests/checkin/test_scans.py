"""Staff devices scanning tickets at a connection point."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from checkin.tables import checkins, scans
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN

from ..support.openapi_check import undescribed_routes
from ..support.waiting import wait_until
from ..support.writers import database_held
from .conftest import ADMIN


def test_a_ticket_is_admitted_once_and_the_second_scan_says_where_and_when(door):
    person = door.api.register(door.slug, door.api.person("HN-01", full_name="Phạm Thị Ngọc Ánh")).json
    door.deliver()
    device = door.device()
    first = door.scan(device, person["ticket"]["qr_payload"], "s-1").json
    assert (first["outcome"], first["reason"]) == ("accepted", "accepted")
    assert first["registration"]["full_name"] == "Phạm Thị Ngọc Ánh" and first["known_to_checkin"] is True
    second = door.scan(device, person["ticket"]["qr_payload"], "s-2").json
    assert (second["outcome"], second["reason"]) == ("duplicate", "already_checked_in")
    assert second["first"]["point"] == "HN-01" and second["message"]["vi"] == "Vé đã được quét trước đó."
    [event] = [e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]
    assert event.subject == person["id"] and event.data["point"] == "HN-01" and event.data["forced"] is False
    assert door.count(scans) == 2  # refused and duplicate scans are stored too


def test_a_typed_code_works_like_the_qr(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    code = person["ticket"]["code"]
    answer = door.scan(door.device(), f"{code[:5].lower()}-{code[5:]}", "typed-1").json
    assert answer["outcome"] == "accepted" and answer["registration"]["id"] == person["id"]


def test_a_retried_scan_id_returns_the_first_answer_and_records_nothing(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    device = door.device()
    first = door.scan(device, person["ticket"]["qr_payload"], "same").json
    again = door.scan(device, person["ticket"]["qr_payload"], "same").json
    assert again == first and first["outcome"] == "accepted"
    assert door.count(scans) == 1 and door.count(checkins) == 1
    assert len([e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]) == 1


def test_a_ticket_is_decided_before_its_registration_event_arrives(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver(types={"registration.forum-published.v1"})  # the person's event is still on its way
    answer = door.scan(door.device(), person["ticket"]["qr_payload"], "early").json
    assert (answer["outcome"], answer["known_to_checkin"]) == ("accepted", False)


def test_a_ticket_for_another_point_is_refused_without_naming_the_person(door):
    person = door.api.register(door.slug, door.api.person("HP-01")).json
    door.deliver()
    answer = door.scan(door.device("HN-01"), person["ticket"]["qr_payload"], "x").json
    assert (answer["outcome"], answer["reason"], answer["registration"]) == ("rejected", "wrong_point", None)


def test_a_device_acts_only_at_its_own_point_and_not_after_revocation(door):
    person = door.api.register(door.slug, door.api.person("HP-01")).json
    door.deliver()
    device = door.device("HN-01")
    elsewhere = door.scan(device, person["ticket"]["qr_payload"], "y", point="HP-01")
    assert elsewhere.status_code == 403 and elsewhere.json["reason"] == "device_scope"
    assert door.client.post(f"/api/v1/devices/{device['device_id']}/revoke", headers=ADMIN).status_code == 200
    revoked = door.scan(device, person["ticket"]["qr_payload"], "z")
    assert revoked.status_code == 401 and revoked.json["reason"] == "device_revoked"
    nobody = door.client.post(f"/api/v1/forums/{door.slug}/points/HN-01/checkins", json={"ticket": "x", "scan_id": "1"})
    assert nobody.status_code == 401 and nobody.json["reason"] == "unauthenticated"


def test_enrolling_needs_the_organiser_and_a_known_point(door):
    url = f"/api/v1/forums/{door.slug}/points/HN-01/devices"
    assert door.client.post(url, json={}).json["reason"] == "unauthenticated"
    assert door.client.post(url, json={}, headers={"Authorization": "Bearer nope"}).json["reason"] == "unauthenticated"
    door.deliver()
    unknown = door.client.post(f"/api/v1/forums/{door.slug}/points/NOWHERE/devices", json={}, headers=ADMIN)
    assert unknown.status_code == 404 and unknown.json["reason"] == "point_not_found"


def test_eight_doors_scanning_one_ticket_at_once_admit_it_exactly_once(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    devices = [door.device() for _ in range(8)]

    def scan(i):
        client = door.app.test_client()
        return client.post(f"/api/v1/forums/{door.slug}/points/HN-01/checkins",
                           json={"ticket": person["ticket"]["qr_payload"], "scan_id": f"race-{i}"},
                           headers={"Authorization": f"Bearer {devices[i]['token']}"}).json["outcome"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(scan, range(8)))
    assert sorted(outcomes) == ["accepted"] + ["duplicate"] * 7
    assert door.count(checkins) == 1
    assert len([e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]) == 1


def test_scans_arriving_together_are_recorded_in_one_commit_each_with_its_own_answer(door):
    engine = door.context.engine
    an, binh, cuong = (door.api.register(door.slug, door.api.person(point)).json
                       for point in ("HN-01", "HN-01", "HP-01"))
    door.deliver()
    front, side, harbour = door.device(), door.device(), door.device("HP-01")
    sent = [(front, an, "an-front"), (side, an, "an-side"),  # two doors, one person
            (front, binh, "binh"), (front, binh, "binh"),  # a retry while the first is still queued
            (harbour, cuong, "cuong"), (harbour, {"ticket": {"code": "ZZZZZ-ZZZZZ"}}, "stranger")]
    commits, queue = [], door.context.scans._queue
    event.listen(engine, "commit", lambda conn: commits.append(1))

    def scan(item):
        device, person, scan_id = item
        ticket = person["ticket"].get("qr_payload") or person["ticket"]["code"]
        return door.app.test_client().post(f"/api/v1/forums/{door.slug}/points/{device['point']}/checkins",
                                           json={"ticket": ticket, "scan_id": scan_id},
                                           headers={"Authorization": f"Bearer {device['token']}"}).json

    with ThreadPoolExecutor(max_workers=len(sent)) as pool:
        with database_held(engine):  # another writer holds the database meanwhile
            futures = [pool.submit(scan, item) for item in sent]
            wait_until(lambda: len(queue) == len(sent), timeout_s=10, message="six queued scans")
        answers = [f.result(timeout=30) for f in futures]
    assert len(commits) == 1
    assert sorted(a["outcome"] for a in answers[:2]) == ["accepted", "duplicate"]
    duplicate = next(a for a in answers[:2] if a["outcome"] == "duplicate")
    assert duplicate["first"]["point"] == "HN-01" and duplicate["registration"]["id"] == an["id"]
    assert answers[2] == answers[3] and answers[2]["outcome"] == "accepted"
    assert [a["outcome"] for a in answers[4:]] == ["accepted", "rejected"]
    assert door.count(scans) == 5 and door.count(checkins) == 3
    assert sorted(e.subject for e in door.events() if e.type == PARTICIPANT_CHECKED_IN) == sorted(
        p["id"] for p in (an, binh, cuong))
    kept, recounted = door.kept_and_recounted()
    assert kept == recounted


def test_the_openapi_document_describes_every_check_in_route(door):
    doc = door.client.get("/api/v1/openapi.json").json
    scan = doc["paths"]["/api/v1/forums/{slug}/points/{code}/checkins"]["post"]
    assert scan["security"] == [{"bearer": []}] and "403" in scan["responses"]
    assert undescribed_routes(door.app) == []
