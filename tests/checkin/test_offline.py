"""Scans made offline and uploaded later: facts kept with their time, conflicts listed, never doubled."""
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from checkin.services import batches
from checkin.tables import checkins, conflicts, scans
from forumops_shared.db import readonly
from forumops_shared.events.registry import PARTICIPANT_CHECKED_IN

from .conftest import ADMIN


def at(minutes_ago: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)).replace(microsecond=0).isoformat()


def offline(ticket, scan_id, minutes_ago, admitted=True):
    return {"ticket": ticket, "scan_id": scan_id, "scanned_at": at(minutes_ago), "admitted": admitted}


def checked_in_events(door):
    return [e for e in door.events() if e.type == PARTICIPANT_CHECKED_IN]


def test_a_batch_checks_people_in_at_the_time_they_were_scanned(door):
    people = [door.api.register(door.slug, door.api.person("HN-01")).json for _ in range(3)]
    door.deliver()
    device = door.device()
    sent = [offline(p["ticket"]["qr_payload"], f"off-{i}", 50 - i) for i, p in enumerate(people)]
    sent.append(offline(people[0]["ticket"]["qr_payload"], "off-again", 10))  # the same person, later
    answer = door.batch(device, sent).json
    assert (answer["recorded"], answer["accepted"], answer["duplicate"], answer["conflicts"]) == (4, 3, 1, 0)
    assert [r["outcome"] for r in answer["results"]] == ["accepted", "accepted", "accepted", "duplicate"]
    events = checked_in_events(door)
    assert sorted(e.subject for e in events) == sorted(p["id"] for p in people)
    first = next(e for e in events if e.subject == people[0]["id"])
    assert first.data["source"] == "offline_batch" and first.data["checked_in_at"] == datetime.fromisoformat(sent[0]["scanned_at"])


def test_a_batch_longer_than_a_chunk_is_decided_in_time_order_across_chunks(door, monkeypatch):
    monkeypatch.setattr(batches, "CHUNK", 2)  # 10,000 scans go a thousand at a time; here two
    people = [door.api.register(door.slug, door.api.person("HN-01")).json for _ in range(3)]
    door.deliver()
    device = door.device()
    qr = [p["ticket"]["qr_payload"] for p in people]
    # Sent out of order: decided by their time, so the first scan of each person is the earliest.
    sent = [offline(qr[0], "late-0", 5), offline(qr[1], "mid-1", 20), offline(qr[0], "early-0", 50),
            offline("FO1.forged.ticket", "forged", 40), offline(qr[2], "only-2", 30),
            offline(qr[1], "later-1", 10, admitted=False)]
    answer = door.batch(device, sent).json
    outcomes = {r["scan_id"]: (r["outcome"], r["reason"]) for r in answer["results"]}
    assert [r["scan_id"] for r in answer["results"]] == [s["scan_id"] for s in sent]
    assert outcomes == {"early-0": ("accepted", "accepted"), "late-0": ("duplicate", "already_checked_in"),
                        "mid-1": ("accepted", "accepted"), "later-1": ("duplicate", "already_checked_in"),
                        "only-2": ("accepted", "accepted"), "forged": ("rejected", "malformed_ticket")}
    assert (answer["recorded"], answer["accepted"], answer["duplicate"], answer["rejected"]) == (6, 3, 2, 1)
    events = checked_in_events(door)
    assert sorted(e.subject for e in events) == sorted(p["id"] for p in people)
    assert next(e for e in events if e.subject == people[0]["id"]).data["checked_in_at"] == \
        datetime.fromisoformat(sent[2]["scanned_at"])
    assert door.batch(device, sent).json["results"] == answer["results"]  # and a re-upload changes nothing
    assert door.count(scans) == 6 and len(checked_in_events(door)) == 3


def test_re_uploading_a_batch_changes_nothing_and_answers_the_same(door):
    people = [door.api.register(door.slug, door.api.person("HN-01")).json for _ in range(2)]
    door.deliver()
    device = door.device()
    sent = [offline(p["ticket"]["qr_payload"], f"again-{i}", 30) for i, p in enumerate(people)]
    first = door.batch(device, sent).json
    stored = (door.count(scans), door.count(checkins), len(door.events()))
    again = door.batch(device, sent).json
    assert (again["recorded"], again["repeated"]) == (0, 2) and again["results"] == first["results"]
    assert (door.count(scans), door.count(checkins), len(door.events())) == stored
    # A retry that adds one new scan records only that one.
    newcomer = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    mixed = door.batch(device, sent + [offline(newcomer["ticket"]["qr_payload"], "again-new", 5)]).json
    assert (mixed["recorded"], mixed["repeated"], mixed["accepted"]) == (1, 2, 1)


def test_the_same_ticket_admitted_at_two_points_offline_is_a_listed_conflict(door):
    person = door.api.register(door.slug, door.api.person("HN-01", full_name="Đặng Thị Hồng Nhung")).json
    door.deliver()
    own, other = door.device("HN-01"), door.device("HP-01")
    assert door.batch(own, [offline(person["ticket"]["qr_payload"], "hn-1", 40)]).json["accepted"] == 1
    later = offline(person["ticket"]["qr_payload"], "hp-1", 20)
    answer = door.batch(other, [later]).json
    assert answer["results"][0] == {"scan_id": "hp-1", "outcome": "rejected", "reason": "wrong_point",
                                    "registration_id": person["id"], "forced": True, "conflict": True,
                                    "session": None, "not_signed_up": False, "direction": "in"}
    listed = door.organiser("conflicts").json
    [conflict] = listed["conflicts"]
    assert (conflict["registration_id"], conflict["full_name"]) == (person["id"], "Đặng Thị Hồng Nhung")
    assert (conflict["first_point"], conflict["point"]) == ("HN-01", "HP-01")
    # the time sent, not at(20) again: a second may have passed since
    assert conflict["scanned_at"] == later["scanned_at"] and listed["next_after"] is None
    assert len(checked_in_events(door)) == 1  # admitted once, whatever the doors did


def test_a_page_position_past_any_stored_id_is_refused_not_a_server_error(door):
    """Found by fuzzing: an `after` past the ids' column type once answered 500 (PostgreSQL: a
    4-byte integer; SQLite: 8 bytes)."""
    for beyond in ("342976483556314292481536540278784", str(2**63 - 2), str(2**31)):
        answer = door.organiser("conflicts", after=beyond)
        assert answer.status_code == 422 and "after" in answer.json["errors"], beyond
    assert door.organiser("conflicts", after=str(2**31 - 1)).json == {"conflicts": [], "next_after": None}


def test_a_ticket_the_service_refuses_but_a_door_let_in_is_a_forced_check_in(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.api.client.delete(f"/api/v1/registrations/{person['id']}", headers=door.api.as_holder(person["manage_token"]))
    door.deliver()
    device = door.device()
    answer = door.batch(device, [offline(person["ticket"]["qr_payload"], "forced-1", 15)]).json
    assert (answer["rejected"], answer["forced"]) == (1, 1)
    assert answer["results"][0]["reason"] == "cancelled"
    [event] = checked_in_events(door)
    assert event.data["forced"] is True and event.subject == person["id"]


def test_a_door_that_turned_someone_away_records_no_check_in(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    answer = door.batch(door.device(), [offline(person["ticket"]["qr_payload"], "away", 5, admitted=False)]).json
    assert answer["results"][0]["reason"] == "refused_at_door"
    assert door.count(checkins) == 0 and checked_in_events(door) == []


def test_forged_and_unknown_tickets_are_stored_and_refused(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    prefix, payload, signature = person["ticket"]["qr_payload"].split(".")
    forged = f"{prefix}.{payload}.{signature[:-4]}AAAA"
    answer = door.batch(door.device(), [offline(forged, "f-1", 5), offline("ZZZZZ-ZZZZZ", "f-2", 4)]).json
    assert [r["reason"] for r in answer["results"]] == ["invalid_signature", "unknown_ticket"]
    assert door.count(scans) == 2 and door.count(checkins) == 0


def test_offline_tickets_are_decided_before_their_registration_events_arrive(door):
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver(types={"registration.forum-published.v1"})
    answer = door.batch(door.device(), [offline(person["ticket"]["qr_payload"], "early", 5)]).json
    assert answer["accepted"] == 1
    with readonly(door.engine).connect() as conn:
        assert conn.execute(select(scans.c.known_to_checkin)).scalar_one() is False


def test_batches_are_validated_and_scoped_to_the_device(door):
    door.deliver()
    device = door.device("HN-01")
    no_time = door.batch(device, [{"ticket": "x", "scan_id": "1"}])
    assert no_time.status_code == 422 and "scanned_at" in no_time.json["errors"]["scans"]["0"]
    too_many = door.batch(device, [offline("x", str(i), 1) for i in range(10_001)])
    assert too_many.status_code == 422 and too_many.json["reason"] == "validation_failed"
    elsewhere = door.batch(device, [offline("x", "1", 1)], point="HP-01")
    assert elsewhere.status_code == 403 and elsewhere.json["reason"] == "device_scope"
    assert door.count(scans) == 0


def test_conflicts_are_for_organisers_and_come_a_page_at_a_time(door):
    people = [door.api.register(door.slug, door.api.person("HN-01")).json for _ in range(3)]
    door.deliver()
    own, other = door.device("HN-01"), door.device("HP-01")
    door.batch(own, [offline(p["ticket"]["qr_payload"], f"o-{i}", 30) for i, p in enumerate(people)])
    door.batch(other, [offline(p["ticket"]["qr_payload"], f"x-{i}", 10) for i, p in enumerate(people)])
    first = door.organiser("conflicts", limit=2).json
    rest = door.organiser("conflicts", limit=2, after=first["next_after"]).json
    assert len(first["conflicts"]) == 2 and len(rest["conflicts"]) == 1 and rest["next_after"] is None
    assert door.count(conflicts) == 3
    assert door.client.get(f"/api/v1/forums/{door.slug}/conflicts").status_code == 401
    device_token = {"Authorization": f"Bearer {own['token']}"}
    assert door.client.get(f"/api/v1/forums/{door.slug}/conflicts", headers=device_token).status_code == 403
    assert door.organiser("conflicts", limit=0).json["reason"] == "validation_failed"
    assert door.client.get(f"/api/v1/forums/{door.slug}/conflicts", headers=ADMIN).status_code == 200


def test_the_fast_batch_loader_answers_as_marshmallow_does():
    from marshmallow import Schema, ValidationError, fields

    from checkin.schemas import BatchSchema, OfflineScanSchema

    class Nested(Schema):
        scans = fields.List(fields.Nested(OfflineScanSchema))

    good = {"ticket": "FO1.a.b", "scan_id": "s-1", "scanned_at": "2026-11-23T09:00:00+07:00"}
    items = [good, {**good, "admitted": False}, {**good, "scanned_at": "2026-11-23T02:00:00Z"},
             {**good, "admitted": "true"}, {**good, "scanned_at": "2026-11-23T09:00:00"},
             {**good, "scanned_at": "yesterday"}, {**good, "ticket": ""}, {**good, "scan_id": "x" * 101},
             {**good, "extra": 1}, {"ticket": "FO1.a.b"}, "not an object", {**good, "admitted": None}]

    def load(schema, item):
        try:
            return schema.load({"scans": [item]})["scans"]
        except ValidationError as exc:
            return exc.messages["scans"]

    for item in items:
        assert load(BatchSchema(), item) == load(Nested(), item), item


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two CPUs")
def test_a_workers_pin_to_one_cpu_does_not_keep_the_signature_checkers_on_it():
    # gunicorn keeps each worker's threads to one CPU (deploy/gunicorn.conf.py); the batch's
    # signature checkers, started from such a thread, must still use every CPU.
    seen = {}

    def in_a_pinned_worker():
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        checkers = ThreadPoolExecutor(2, initializer=batches._any_cpu)  # as batches._VERIFIERS is made
        seen["cpus"] = checkers.submit(os.sched_getaffinity, 0).result()
        checkers.shutdown()

    worker = threading.Thread(target=in_a_pinned_worker)
    worker.start()
    worker.join()
    assert seen["cpus"] == os.sched_getaffinity(0)
