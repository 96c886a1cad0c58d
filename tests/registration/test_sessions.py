"""A forum's programme of sessions: built by the organiser, shown to everyone, published."""
from datetime import datetime

import pytest

from forumops_shared.events.registry import FORUM_PUBLISHED


def session(**overrides):
    body = {"title": {"vi": "Khai mạc", "en": "Opening"}, "kind": "plenary",
            "starts_at": "2026-12-10T08:00:00+07:00", "ends_at": "2026-12-10T09:30:00+07:00"}
    return {**body, **overrides}


def put(api, slug, code, body, headers=None):
    return api.client.put(f"/api/v1/forums/{slug}/sessions/{code}", json=body,
                          headers=api.admin if headers is None else headers)


@pytest.fixture
def forum(api):
    slug = api.create_forum("chuong-trinh-2026")
    api.put_point(slug, "HN-01")
    api.put_point(slug, "DN-01", province="Đà Nẵng")
    return slug


def test_the_programme_is_shown_in_start_order_with_the_forums_offset(api, forum):
    # Given in UTC and in another offset: the same moments, shown as Hanoi time.
    put(api, forum, "AWARDS", session(title={"vi": "Lễ trao giải", "en": "Awards"}, kind="ceremony",
                                      starts_at="2026-12-10T09:00:00Z", ends_at="2026-12-10T10:00:00Z"))
    put(api, forum, "W1", session(title={"vi": "Hội thảo 1", "en": "Workshop 1"}, kind="workshop",
                                  starts_at="2026-12-10T03:00:00+01:00", ends_at="2026-12-10T04:30:00+01:00",
                                  points=["HN-01"], capacity=30, signup=True, walk_in="refuse",
                                  online_url="https://meet.example.vn/w1"))
    put(api, forum, "OPEN", session())

    programme = api.client.get(f"/api/v1/forums/{forum}/sessions").json["sessions"]

    assert [s["code"] for s in programme] == ["OPEN", "W1", "AWARDS"]
    assert [(s["starts_at"], s["ends_at"]) for s in programme] == [
        ("2026-12-10T08:00:00+07:00", "2026-12-10T09:30:00+07:00"),
        ("2026-12-10T09:00:00+07:00", "2026-12-10T10:30:00+07:00"),
        ("2026-12-10T16:00:00+07:00", "2026-12-10T17:00:00+07:00")]
    w1 = programme[1]
    assert {k: w1[k] for k in ("title", "kind", "points", "capacity", "signup", "walk_in", "online", "confirmed")} == {
        "title": {"vi": "Hội thảo 1", "en": "Workshop 1"}, "kind": "workshop", "points": ["HN-01"], "capacity": 30,
        "signup": True, "walk_in": "refuse", "online": True, "confirmed": 0}
    assert "online_url" not in w1  # the meeting's address is the organiser's, as the forum's own
    organiser_view = api.client.get(f"/api/v1/forums/{forum}/sessions", headers=api.admin).json["sessions"]
    assert organiser_view[1]["online_url"] == "https://meet.example.vn/w1"
    assert (programme[0]["points"], programme[0]["capacity"], programme[0]["signup"], programme[0]["walk_in"]) == (
        None, None, False, "admit")


def test_a_session_is_created_then_replaced_then_left_unchanged(api, forum):
    created = put(api, forum, "OPEN", session())
    assert created.status_code == 201 and created.json["outcome"] == "created"
    replaced = put(api, forum, "OPEN", session(ends_at="2026-12-10T10:00:00+07:00"))
    assert replaced.status_code == 200 and replaced.json["outcome"] == "updated"
    assert replaced.json["ends_at"] == "2026-12-10T10:00:00+07:00"
    again = put(api, forum, "OPEN", session(ends_at="2026-12-10T03:00:00Z"))  # the same moment
    assert again.status_code == 200 and again.json["outcome"] == "unchanged"
    records = api.client.get(f"/api/v1/forums/{forum}/audit", headers=api.admin).json["records"]
    assert [(r["action"], r["object"]["id"]) for r in records if r["action"].startswith("session.")] == [
        ("session.created", "OPEN"), ("session.updated", "OPEN")]


@pytest.mark.parametrize("code, changes, reason, field", [
    ("OPEN", {"ends_at": "2026-12-10T08:00:00+07:00"}, "session_ends_before_start", "ends_at"),
    ("OPEN", {"starts_at": "2026-12-09T22:00:00+07:00"}, "session_outside_forum", "starts_at"),
    ("OPEN", {"starts_at": "2026-12-11T08:00:00+07:00", "ends_at": "2026-12-11T09:00:00+07:00"},
     "session_outside_forum", "starts_at"),
    ("OPEN", {"points": ["HN-01", "HP-09"]}, "unknown_point", "points"),
    ("MỞ ĐẦU", {}, "validation_failed", "code"),
    ("OPEN", {"kind": "party"}, "validation_failed", "kind"),
    ("OPEN", {"capacity": 0}, "validation_failed", "capacity"),
    ("OPEN", {"online_url": "http://meet.example.vn/x"}, "validation_failed", "online_url"),
    ("OPEN", {"walk_in": "maybe"}, "validation_failed", "walk_in"),
    ("OPEN", {"starts_at": "2026-12-10T08:00:00"}, "validation_failed", "starts_at"),  # no offset
    ("OPEN", {"points": []}, "validation_failed", "points"),
])
def test_a_session_that_cannot_be_is_refused_with_its_reason(api, forum, code, changes, reason, field):
    response = put(api, forum, code, session(**changes))
    assert response.status_code == 422 and response.json["reason"] == reason
    assert field in response.json["errors"]
    assert api.client.get(f"/api/v1/forums/{forum}/sessions").json["sessions"] == []


def test_an_evening_session_may_run_past_midnight(api, forum):
    response = put(api, forum, "GALA", session(kind="other", starts_at="2026-12-10T20:00:00+07:00",
                                               ends_at="2026-12-11T00:30:00+07:00"))
    assert response.status_code == 201, response.json


def test_only_organisers_change_the_programme(api, forum):
    assert put(api, forum, "OPEN", session(), headers={}).json["reason"] == "unauthenticated"
    assert api.client.delete(f"/api/v1/forums/{forum}/sessions/OPEN").json["reason"] == "unauthenticated"
    assert put(api, "no-such-forum", "OPEN", session()).json["reason"] == "forum_not_found"


def test_the_published_forum_carries_its_sessions_in_start_order_and_again_when_times_change(api, forum):
    put(api, forum, "W1", session(kind="workshop", starts_at="2026-12-10T10:00:00+07:00",
                                  ends_at="2026-12-10T11:00:00+07:00", signup=True, capacity=2, points=["HN-01"]))
    put(api, forum, "OPEN", session())
    first = api.events(FORUM_PUBLISHED)[-1].data["sessions"]
    assert [s["code"] for s in first] == ["OPEN", "W1"]
    assert first[1] == {"code": "W1", "title": {"vi": "Khai mạc", "en": "Opening"}, "kind": "workshop",
                        "starts_at": datetime.fromisoformat("2026-12-10T10:00:00+07:00"),
                        "ends_at": datetime.fromisoformat("2026-12-10T11:00:00+07:00"), "points": ["HN-01"],
                        "online_url": None, "capacity": 2, "signup": True, "walk_in": "admit"}
    published = len(api.events(FORUM_PUBLISHED))

    put(api, forum, "W1", session(kind="workshop", starts_at="2026-12-10T07:00:00+07:00",  # moved afterwards
                                  ends_at="2026-12-10T07:45:00+07:00", signup=True, capacity=2, points=["HN-01"]))

    after = api.events(FORUM_PUBLISHED)
    assert len(after) == published + 1
    assert [(s["code"], s["starts_at"].isoformat()) for s in after[-1].data["sessions"]] == [
        ("W1", "2026-12-10T07:00:00+07:00"), ("OPEN", "2026-12-10T08:00:00+07:00")]


def test_an_older_forum_event_without_sessions_reads_as_an_empty_programme():
    from forumops_shared.events.registry import event_type

    data = {"slug": "cu", "title": {"vi": "Cũ"}, "starts_at": "2026-12-10T08:00:00+07:00",
            "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh", "languages": ["vi"],
            "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 0}, "points": [], "ticket_keys": [],
            "published_at": "2026-12-01T00:00:00+00:00"}
    assert event_type(FORUM_PUBLISHED).schema.load(data)["sessions"] == []


def test_a_session_nobody_signed_up_for_is_removed_and_the_forum_published_again(api, forum):
    put(api, forum, "OPEN", session())
    published = len(api.events(FORUM_PUBLISHED))
    response = api.client.delete(f"/api/v1/forums/{forum}/sessions/OPEN", headers=api.admin)
    assert response.status_code == 200
    assert api.client.get(f"/api/v1/forums/{forum}/sessions").json["sessions"] == []
    assert api.events(FORUM_PUBLISHED)[published:][0].data["sessions"] == []
    again = api.client.delete(f"/api/v1/forums/{forum}/sessions/OPEN", headers=api.admin)
    assert again.status_code == 404 and again.json["reason"] == "session_not_found"


def test_the_forum_cannot_move_away_from_its_programme(api, forum):
    put(api, forum, "OPEN", session())
    response = api.client.patch(f"/api/v1/forums/{forum}", headers=api.admin,
                                json={"starts_at": "2026-12-11T08:00:00+07:00", "ends_at": "2026-12-11T17:00:00+07:00"})
    assert response.status_code == 422 and response.json["reason"] == "session_outside_forum"
    assert "OPEN" in response.json["errors"]["starts_at"][0]
    longer = api.client.patch(f"/api/v1/forums/{forum}", headers=api.admin,
                              json={"ends_at": "2026-12-11T17:00:00+07:00"})
    assert longer.status_code == 200, longer.json
