"""Participants sign up for workshops: places, the line, promotion in order, and the events."""
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from forumops_shared.events.registry import PARTICIPANT_REGISTERED, REGISTRATION_CHANGED

from ..support.smtp import relay  # noqa: F401 - the fixture
from .test_mail import send_all


def workshop(capacity=2, **overrides):
    body = {"title": {"vi": "Hội thảo", "en": "Workshop"}, "kind": "workshop", "signup": True,
            "capacity": capacity, "starts_at": "2026-12-10T10:00:00+07:00", "ends_at": "2026-12-10T11:30:00+07:00"}
    return {**body, **overrides}


@pytest.fixture
def forum(api):
    slug = api.create_forum("hoi-thao-2026")
    api.put_point(slug, "HN-01")
    api.put_point(slug, "DN-01", province="Đà Nẵng")
    for code, body in {"OPEN": workshop(kind="plenary", signup=False, capacity=None,
                                        starts_at="2026-12-10T08:00:00+07:00", ends_at="2026-12-10T09:30:00+07:00"),
                       "W1": workshop(),
                       "W2": workshop(capacity=None, starts_at="2026-12-10T11:00:00+07:00",
                                      ends_at="2026-12-10T12:00:00+07:00", online_url="https://meet.example.vn/w2"),
                       "W3": workshop(capacity=5, starts_at="2026-12-10T13:30:00+07:00",
                                      ends_at="2026-12-10T15:00:00+07:00", points=["HN-01"])}.items():
        response = api.client.put(f"/api/v1/forums/{slug}/sessions/{code}", json=body, headers=api.admin)
        assert response.status_code == 201, response.json
    return slug


def participant(api, forum, point="HN-01"):
    answer = api.register(forum, api.person(point)).json
    return answer["id"], api.as_holder(answer["manage_token"])


def sign_up(api, who, codes):
    registration_id, headers = who
    return api.client.put(f"/api/v1/registrations/{registration_id}/sessions", json={"codes": codes}, headers=headers)


def signed_up(api, who):
    registration_id, headers = who
    answer = api.client.get(f"/api/v1/registrations/{registration_id}/sessions", headers=headers).json
    return [(s["code"], s["status"], s["waitlist_position"]) for s in answer["sessions"]]


def counts(api, forum, code):
    [found] = [s for s in api.client.get(f"/api/v1/forums/{forum}/sessions").json["sessions"] if s["code"] == code]
    return found["confirmed"], found["waitlisted"]


def last_sessions(api, registration_id):
    changed = [e for e in api.events(REGISTRATION_CHANGED) if e.subject == registration_id]
    return changed[-1].data["sessions"] if changed else None


def test_a_full_workshop_puts_people_in_line_and_a_freed_place_goes_to_the_first_in_line(api, forum):
    people = [participant(api, forum) for _ in range(5)]
    answers = [sign_up(api, who, ["W1"]).json["sessions"][0] for who in people]
    assert [(a["status"], a["waitlist_position"]) for a in answers] == [
        ("confirmed", None), ("confirmed", None), ("waitlisted", 1), ("waitlisted", 2), ("waitlisted", 3)]
    assert answers[0]["starts_at"] == "2026-12-10T10:00:00+07:00" and answers[0]["title"]["en"] == "Workshop"
    assert counts(api, forum, "W1") == (2, 3)

    # The first leaves the workshop, the second cancels the registration: the first two in line move up.
    assert sign_up(api, people[0], []).json["sessions"] == []
    assert api.client.delete(f"/api/v1/registrations/{people[1][0]}", headers=people[1][1]).status_code == 200

    assert [signed_up(api, who) for who in people[2:]] == [[("W1", "confirmed", None)], [("W1", "confirmed", None)],
                                                          [("W1", "waitlisted", 1)]]
    assert counts(api, forum, "W1") == (2, 1)
    assert [last_sessions(api, who[0]) for who in people[2:]] == [["W1"], ["W1"], None]


def test_a_larger_capacity_lets_the_line_in_in_order(api, forum):
    people = [participant(api, forum) for _ in range(4)]
    for who in people:
        sign_up(api, who, ["W1"])
    response = api.client.put(f"/api/v1/forums/{forum}/sessions/W1", json=workshop(capacity=3), headers=api.admin)
    assert response.json["promoted"] == 1
    assert [signed_up(api, who)[0][1:] for who in people] == [("confirmed", None)] * 3 + [("waitlisted", 1)]
    response = api.client.put(f"/api/v1/forums/{forum}/sessions/W1", json=workshop(capacity=None), headers=api.admin)
    assert response.json["promoted"] == 1 and counts(api, forum, "W1") == (4, 0)


def test_the_set_sent_replaces_the_one_before_and_a_kept_session_keeps_its_place(api, forum):
    first, second, third = (participant(api, forum) for _ in range(3))
    sign_up(api, first, ["W1"])
    sign_up(api, second, ["W1"])
    sign_up(api, third, ["W1", "W3"])  # W1 is full: third waits
    assert signed_up(api, third) == [("W1", "waitlisted", 1), ("W3", "confirmed", None)]
    sign_up(api, first, ["W3", "W1", "W1"])  # the same W1 sent again, in any order: nothing moves
    assert signed_up(api, first) == [("W1", "confirmed", None), ("W3", "confirmed", None)]
    assert signed_up(api, third) == [("W1", "waitlisted", 1), ("W3", "confirmed", None)]
    assert counts(api, forum, "W1") == (2, 1) and counts(api, forum, "W3") == (2, 0)


@pytest.mark.parametrize("codes, point, reason", [
    (["NOPE"], "HN-01", "unknown_session"),
    (["OPEN"], "HN-01", "signup_not_offered"),
    (["W3"], "DN-01", "session_not_available"),  # held in Hà Nội only
    (["W1"], None, "session_not_available"),  # an online participant: W1 has no online meeting
    (["W1", "W2"], "HN-01", "sessions_overlap"),
])
def test_a_choice_that_cannot_be_is_refused_and_changes_nothing(api, forum, codes, point, reason):
    who = participant(api, forum, point)
    sign_up(api, who, ["W3"] if point == "HN-01" else [])
    response = sign_up(api, who, codes)
    assert response.status_code == 422 and response.json["reason"] == reason and "codes" in response.json["errors"]
    assert signed_up(api, who) == ([("W3", "confirmed", None)] if point == "HN-01" else [])


def test_an_online_participant_signs_up_for_a_workshop_with_an_online_meeting(api, forum):
    who = participant(api, forum, None)
    assert sign_up(api, who, ["W2"]).status_code == 200
    assert signed_up(api, who) == [("W2", "confirmed", None)]


def test_only_a_confirmed_registration_signs_up_and_only_with_its_own_token(api, forum):
    api.put_point(forum, "TINY", capacity=0)
    waiting = participant(api, forum, "TINY")
    assert sign_up(api, waiting, ["W1"]).json["reason"] == "registration_not_confirmed"
    someone, other = participant(api, forum), participant(api, forum)
    assert sign_up(api, (someone[0], other[1]), ["W1"]).status_code == 403
    assert sign_up(api, (someone[0], {}), ["W1"]).json["reason"] == "unauthenticated"
    api.client.delete(f"/api/v1/registrations/{someone[0]}", headers=someone[1])
    assert sign_up(api, someone, ["W1"]).json["reason"] == "registration_cancelled"
    assert sign_up(api, (other[0], api.admin), ["W1"]).status_code == 200  # an organiser for them


def test_registration_events_carry_the_sessions_held(api, forum):
    first, second = participant(api, forum), participant(api, forum)
    [registered] = [e for e in api.events(PARTICIPANT_REGISTERED) if e.subject == first[0]]
    assert registered.data["sessions"] == []
    sign_up(api, first, ["W1", "W3"])
    sign_up(api, second, ["W1"])
    changed = [e for e in api.events(REGISTRATION_CHANGED) if e.subject == first[0]]
    assert [(e.data["changed"], e.data["sessions"]) for e in changed] == [(["sessions"], ["W1", "W3"])]
    # A change of something else still carries them: each event is the registration's whole state.
    api.client.patch(f"/api/v1/registrations/{first[0]}", json={"role": "Giáo viên"}, headers=first[1])
    assert last_sessions(api, first[0]) == ["W1", "W3"]
    # Joining a line holds nothing yet: no event for the third person until promoted.
    third = participant(api, forum)
    sign_up(api, third, ["W1"])
    assert last_sessions(api, third[0]) is None
    sign_up(api, first, ["W3"])
    assert last_sessions(api, first[0]) == ["W3"] and last_sessions(api, third[0]) == ["W1"]


def test_a_session_with_sign_ups_is_neither_removed_nor_made_open(api, forum):
    sign_up(api, participant(api, forum), ["W1"])
    response = api.client.delete(f"/api/v1/forums/{forum}/sessions/W1", headers=api.admin)
    assert response.status_code == 409 and response.json["reason"] == "session_has_signups"
    response = api.client.put(f"/api/v1/forums/{forum}/sessions/W1", json=workshop(signup=False), headers=api.admin)
    assert response.status_code == 409 and response.json["reason"] == "session_has_signups"
    moved = api.client.put(f"/api/v1/forums/{forum}/sessions/W1", headers=api.admin,
                           json=workshop(starts_at="2026-12-10T14:00:00+07:00", ends_at="2026-12-10T15:00:00+07:00"))
    assert moved.status_code == 200 and moved.json["confirmed"] == 1  # moving it keeps its people


def test_the_last_place_goes_to_exactly_one_of_many_signing_up_at_once(api, forum):
    people = [participant(api, forum) for _ in range(8)]
    sign_up(api, people[0], ["W1"])  # one place left of two
    start = threading.Barrier(len(people) - 1)

    def race(who):
        start.wait(timeout=10)
        client = api.app.test_client()
        return client.put(f"/api/v1/registrations/{who[0]}/sessions", json={"codes": ["W1"]}, headers=who[1]).json

    with ThreadPoolExecutor(max_workers=len(people) - 1) as pool:
        answers = list(pool.map(race, people[1:]))
    places = [(a["sessions"][0]["status"], a["sessions"][0]["waitlist_position"]) for a in answers]
    assert Counter(status for status, _ in places) == {"confirmed": 1, "waitlisted": 6}
    assert sorted(position for status, position in places if status == "waitlisted") == [1, 2, 3, 4, 5, 6]
    assert counts(api, forum, "W1") == (2, 6)


def test_the_person_promoted_into_a_workshop_is_told_by_email_in_their_language(api, forum, relay):
    first = participant(api, forum)
    waiting = api.register(forum, api.person("HN-01", full_name="Trần Minh Đức", language="en")).json
    second, third = participant(api, forum), (waiting["id"], api.as_holder(waiting["manage_token"]))
    sign_up(api, first, ["W1"])
    sign_up(api, second, ["W1"])
    sign_up(api, third, ["W1"])
    send_all(api, relay)  # the confirmations of registering
    relay.messages.clear()

    sign_up(api, first, [])
    send_all(api, relay)

    [message] = relay.messages
    assert message["To"].addresses[0].display_name == "Trần Minh Đức"
    assert message["Subject"] == "A place for you in Workshop: Education Forum 2026"
    text = message.get_body(("plain",)).get_content()
    assert "Workshop (10/12/2026 10:00–11:30)" in text and f"/forums/{forum}#recover" in text


def test_no_email_tells_of_a_workshop_place_the_person_gave_up_before_it_went(api, forum, relay):
    first, second = participant(api, forum), participant(api, forum)
    third = participant(api, forum)
    for who in (first, second, third):
        sign_up(api, who, ["W1"])
    send_all(api, relay)
    relay.messages.clear()
    sign_up(api, first, [])  # third is promoted...
    sign_up(api, third, [])  # ...and leaves before the message goes
    send_all(api, relay)
    assert relay.messages == []
