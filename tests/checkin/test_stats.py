"""Live counts: registered, waitlisted and arrived per point, on site, online and in total."""
from datetime import datetime, timedelta, timezone

from ..registration.conftest import ADMIN_TOKEN
from ..support.clock import FakeClock
from ..support.services import migrate
from .conftest import ADMIN, Door


def test_counts_follow_registrations_check_ins_and_online_joins(door):
    api, slug = door.api, door.slug
    api.put_point(slug, "HP-01", capacity=2, province="Hải Phòng")
    hanoi = [api.register(slug, api.person("HN-01")).json for _ in range(3)]
    haiphong = [api.register(slug, api.person("HP-01")).json for _ in range(3)]  # the third waits
    online = [api.register(slug, api.person(None)).json for _ in range(2)]
    door.deliver()
    device = door.device("HN-01")
    for i, person in enumerate(hanoi[:2]):
        assert door.scan(device, person["ticket"]["qr_payload"], f"s-{i}").json["outcome"] == "accepted"
    door.client.post(f"/api/v1/forums/{slug}/online/join", headers={"Authorization": f"Bearer {online[0]['manage_token']}"})

    stats = door.organiser("stats").json
    by_code = {p["code"]: p for p in stats["points"]}
    assert {k: by_code["HN-01"][k] for k in ("registered", "waitlisted", "arrived")} == {
        "registered": 3, "waitlisted": 0, "arrived": 2}
    assert {k: by_code["HP-01"][k] for k in ("registered", "waitlisted", "arrived", "capacity")} == {
        "registered": 2, "waitlisted": 1, "arrived": 0, "capacity": 2}
    assert stats["online"] == {"registered": 2, "waitlisted": 0, "arrived": 1}
    assert stats["onsite"] == {"registered": 5, "waitlisted": 1, "arrived": 2}
    assert stats["total"] == {"registered": 7, "waitlisted": 1, "arrived": 3}

    # A cancellation frees a Hải Phòng place (the next is promoted); a move changes points.
    api.client.delete(f"/api/v1/registrations/{haiphong[0]['id']}", headers=api.as_holder(haiphong[0]["manage_token"]))
    api.client.patch(f"/api/v1/registrations/{hanoi[2]['id']}", json={"point": "HP-01"},
                     headers=api.as_holder(hanoi[2]["manage_token"]))
    door.deliver()
    by_code = {p["code"]: p for p in door.organiser("stats").json["points"]}
    assert (by_code["HN-01"]["registered"], by_code["HN-01"]["arrived"]) == (2, 2)
    assert (by_code["HP-01"]["registered"] + by_code["HP-01"]["waitlisted"]) == 3
    kept, recounted = door.kept_and_recounted()
    assert kept == recounted


def test_counts_can_be_filtered_by_province_and_are_for_organisers(door):
    door.deliver()
    only = door.organiser("stats", province="Hải Phòng").json
    assert [p["code"] for p in only["points"]] == ["HP-01"]
    assert door.client.get(f"/api/v1/forums/{door.slug}/stats").status_code == 401
    device = door.device("HN-01")
    assert door.client.get(f"/api/v1/forums/{door.slug}/stats",
                           headers={"Authorization": f"Bearer {device['token']}"}).status_code == 403
    unknown = door.client.get("/api/v1/forums/no-such-forum/stats", headers=ADMIN)
    assert unknown.status_code == 404 and unknown.json["reason"] == "forum_not_found"


def test_offline_batches_and_reports_count_too(door):
    people = [door.api.register(door.slug, door.api.person("HN-01")).json for _ in range(4)]
    door.deliver()
    when = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat()
    door.batch(door.device("HN-01"), [{"ticket": p["ticket"]["qr_payload"], "scan_id": p["id"], "scanned_at": when}
                                      for p in people])
    hn = next(p for p in door.organiser("stats").json["points"] if p["code"] == "HN-01")
    assert hn["arrived"] == 4
    kept, recounted = door.kept_and_recounted()
    assert kept == recounted


def test_each_process_answers_counts_at_most_max_age_old(api, settings_for):
    settings = settings_for("checkin", extra={"CHECKIN_ADMIN_TOKEN": ADMIN_TOKEN, "CHECKIN_STATS_MAX_AGE": "0.5"})
    migrate(settings)
    clock = FakeClock(datetime.now(timezone.utc))
    door = Door(api, settings, clock)
    person = door.api.register(door.slug, door.api.person("HN-01")).json
    door.deliver()
    before = door.organiser("stats").json
    assert before["as_of"] == clock.now().isoformat()
    door.scan(door.device(), person["ticket"]["qr_payload"], "s-1")
    clock.advance(0.45)
    assert door.organiser("stats").json == before  # the same answer within half a second
    clock.advance(0.1)
    after = door.organiser("stats").json
    assert after["total"]["arrived"] == before["total"]["arrived"] + 1 and after["as_of"] == clock.now().isoformat()
