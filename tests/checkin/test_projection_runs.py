"""Registrations arriving together (an import, a worker catching up) are taken in runs by check-in's
worker: what it keeps is what taking them one at a time keeps."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from checkin.projection import HANDLERS
from checkin.services import counts
from checkin.tables import registrations, signups
from forumops_shared.db import make_engine, readonly
from forumops_shared.events.registry import PARTICIPANT_REGISTERED, REGISTRATION_CHANGED

from ..support.handlers import HandlerFeed
from ..support.services import migrate


def checkin_database(settings_for):
    settings = settings_for("checkin")
    migrate(settings)
    return make_engine(settings.database_url)


def kept(engine, slug: str) -> tuple:
    with readonly(engine).connect() as conn:
        people = sorted(tuple(row) for row in conn.execute(select(registrations)))
        chosen = sorted(tuple(row) for row in conn.execute(select(signups)))
        return people, chosen, counts.stored(conn, slug), counts.recount(conn, slug)


def test_registrations_taken_in_runs_leave_what_one_at_a_time_leaves(api, settings_for):
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=1)
    slug = api.create_forum(starts_at=starts.isoformat(), ends_at=(starts + timedelta(hours=8)).isoformat())
    api.put_point(slug, "HN-01", capacity=1)
    api.put_point(slug, "HP-01", capacity=50, province="Hải Phòng")
    answer = api.client.put(f"/api/v1/forums/{slug}/sessions/W1", headers=api.admin, json={
        "title": {"vi": "Hội thảo", "en": "Workshop"}, "kind": "workshop", "signup": True, "capacity": 50,
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()})
    assert answer.status_code in (200, 201), answer.json
    a = api.register(slug, api.person("HN-01", full_name="Nguyễn Thị Ánh Tuyết")).json
    b = api.register(slug, api.person("HN-01", full_name="Trần Văn Đức")).json  # waits: one place
    c = api.register(slug, api.person("HP-01", full_name="Lê Hoàng Phương")).json
    d = api.register(slug, api.person("HP-01", full_name="Phạm Ngọc Ưng")).json
    for codes in (["W1"], []):  # d signs up for the workshop, then leaves it
        answer = api.client.put(f"/api/v1/registrations/{d['id']}/sessions", json={"codes": codes},
                                headers=api.as_holder(d["manage_token"]))
        assert answer.status_code == 200, answer.json
    # a moves (b is promoted into the place a freed), c signs up for the workshop, then cancels.
    api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                     json={"point": "HP-01"})
    answer = api.client.put(f"/api/v1/registrations/{c['id']}/sessions", json={"codes": ["W1"]},
                            headers=api.as_holder(c["manage_token"]))
    assert answer.status_code == 200, answer.json
    api.client.delete(f"/api/v1/registrations/{c['id']}", headers=api.as_holder(c["manage_token"]))
    api.register(slug, api.person("HN-01", full_name="Đặng Thùy Dương"))  # waits in turn
    events = api.events()
    states = [e.type in (PARTICIPANT_REGISTERED, REGISTRATION_CHANGED) for e in events]
    assert "TTTTTTTT" in "".join("T" if s else "-" for s in states)  # a long run is taken together

    one_at_a_time, in_runs = checkin_database(settings_for), checkin_database(settings_for)
    HandlerFeed(one_at_a_time, HANDLERS).apply(events)
    HandlerFeed(in_runs, HANDLERS).apply_in_runs(events)

    people, chosen, stored, recounted = kept(in_runs, slug)
    assert (people, chosen, stored) == kept(one_at_a_time, slug)[:3]
    assert stored == recounted == {"HN-01": {"registered": 1, "waitlisted": 1, "arrived": 0},
                                   "HP-01": {"registered": 2, "waitlisted": 0, "arrived": 0}}
    assert [rid for rid, _ in chosen] == [c["id"]]  # d left the workshop; c's choice is kept as registration sent it
