"""Waiting lists, the participant's own changes, cancellation and erasure."""
from datetime import timedelta

import pytest
from sqlalchemy import MetaData, Table, inspect, select, update

from forumops_shared.db import readonly
from forumops_shared.plumbing import outbox
from forumops_shared.events.registry import (
    PARTICIPANT_REGISTERED, PERSONAL_DATA_ERASED, REGISTRATION_CANCELLED, REGISTRATION_CHANGED,
)
from forumops_shared.tickets import unb64, verify
from registration.services.lifecycle import ERASURE_SENT_AGAIN_AFTER, send_erasures_again


@pytest.fixture
def forum(api):
    slug = api.create_forum()
    api.put_point(slug, "DN-01", capacity=2, province="Đà Nẵng")
    api.put_point(slug, "HUE-01", capacity=10, province="Thừa Thiên Huế")
    return slug


def register_many(api, forum, n, point="DN-01"):
    return [api.register(forum, api.person(point)).json for _ in range(n)]


def statuses(api, people):
    return [api.client.get(f"/api/v1/registrations/{p['id']}", headers=api.admin).json["status"] for p in people]


def test_a_full_point_puts_people_on_the_waiting_list_in_order(api, forum):
    people = register_many(api, forum, 5)
    assert [p["status"] for p in people] == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [p["waitlist_position"] for p in people[2:]] == [1, 2, 3]
    assert people[2]["ticket"] is None  # no ticket while waiting


def test_a_cancellation_promotes_the_first_waiting_person_only(api, forum):
    a, b, c, d, e = register_many(api, forum, 5)
    response = api.client.delete(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]))
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    assert statuses(api, [a, b, c, d, e]) == ["cancelled", "confirmed", "confirmed", "waitlisted", "waitlisted"]
    promoted = api.client.get(f"/api/v1/registrations/{c['id']}", headers=api.as_holder(c["manage_token"])).json
    assert promoted["ticket"]["qr_payload"].startswith("FO1.")
    assert [e.subject for e in api.events(REGISTRATION_CANCELLED)] == [a["id"]]
    assert [(e.subject, e.data["status"]) for e in api.events(REGISTRATION_CHANGED)] == [(c["id"], "confirmed")]


def test_a_capacity_increase_promotes_waiting_people_in_order(api, forum):
    people = register_many(api, forum, 6)
    change = api.put_point(forum, "DN-01", capacity=4, province="Đà Nẵng")
    assert change["promoted"] == 2 and (change["confirmed"], change["waitlisted"]) == (4, 2)
    assert statuses(api, people) == ["confirmed"] * 4 + ["waitlisted"] * 2
    assert [e.subject for e in api.events(REGISTRATION_CHANGED)] == [people[2]["id"], people[3]["id"]]


def test_moving_to_another_point_reissues_the_ticket_and_frees_the_place(api, forum):
    a, b, c = register_many(api, forum, 3)
    old_qr = a["ticket"]["qr_payload"]
    moved = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                             json={"point": "HUE-01"})
    assert moved.status_code == 200, moved.json
    assert moved.json["point"] == "HUE-01" and moved.json["status"] == "confirmed"
    assert moved.json["ticket"]["code"] != a["ticket"]["code"]
    keys = {k["kid"]: unb64(k["public_key"]) for k in api.events()[0].data["ticket_keys"]}
    assert verify(moved.json["ticket"]["qr_payload"], keys).version == 2
    assert verify(old_qr, keys).version == 1  # still a valid signature: check-in refuses it by version
    assert statuses(api, [c]) == ["confirmed"]  # the freed place went to the next in line
    [changed_a, changed_c] = api.events(REGISTRATION_CHANGED)
    assert changed_a.subject == a["id"] and {"point", "ticket"} <= set(changed_a.data["changed"])
    assert changed_c.subject == c["id"] and changed_c.data["changed"] == ["status"]


def test_switching_to_online_drops_the_point(api, forum):
    a = register_many(api, forum, 1)[0]
    response = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                                json={"attendance": "online"})
    assert (response.json["attendance"], response.json["point"], response.json["status"]) == ("online", None, "confirmed")
    [point] = [p for p in api.client.get(f"/api/v1/forums/{forum}/points").json["points"] if p["code"] == "DN-01"]
    assert point["confirmed"] == 0


def test_changing_only_details_keeps_the_ticket_and_emits_one_event(api, forum):
    a = register_many(api, forum, 1)[0]
    response = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                                json={"organisation": "Sở Giáo dục và Đào tạo Đà Nẵng", "language": "en"})
    assert response.json["ticket"]["code"] == a["ticket"]["code"]
    [event] = api.events(REGISTRATION_CHANGED)
    assert sorted(event.data["changed"]) == ["language", "organisation"]


def test_the_email_cannot_be_changed_by_patch(api, forum):
    a = register_many(api, forum, 1)[0]
    response = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]),
                                json={"email": "other@x.vn"})
    assert response.status_code == 422 and "email" in response.json["errors"]


def test_self_service_needs_the_holders_token_in_the_header(api, forum):
    a, b = register_many(api, forum, 2)
    url = f"/api/v1/registrations/{a['id']}"
    assert api.client.get(url).status_code == 401
    assert api.client.get(f"{url}?token={a['manage_token']}").status_code == 401  # never in the URL
    other = api.client.get(url, headers=api.as_holder(b["manage_token"]))
    assert other.status_code == 403 and other.json["reason"] == "forbidden"
    assert api.client.get(url, headers=api.as_holder(a["manage_token"])).json["id"] == a["id"]
    assert api.client.get(url, headers=api.admin).status_code == 200


def test_a_cancelled_registration_cannot_be_cancelled_or_changed_again(api, forum):
    a = register_many(api, forum, 1)[0]
    holder = api.as_holder(a["manage_token"])
    api.client.delete(f"/api/v1/registrations/{a['id']}", headers=holder)
    again = api.client.delete(f"/api/v1/registrations/{a['id']}", headers=holder)
    assert again.status_code == 409 and again.json["reason"] == "registration_cancelled"
    change = api.client.patch(f"/api/v1/registrations/{a['id']}", headers=holder, json={"language": "en"})
    assert change.json["reason"] == "registration_cancelled"
    assert len(api.events(REGISTRATION_CANCELLED)) == 1


def test_erasure_leaves_no_personal_data_in_any_table_and_is_announced(api, forum):
    person = api.person("DN-01", full_name="Trần Thị Xuân Hương", email="xuan.huong@sgd.edu.vn",
                        phone="+84 905 111 222", organisation="Trường Tiểu học Hòa Vang", role="Giáo viên")
    a = api.register(forum, person, headers={"Idempotency-Key": "erase-me"}).json
    waiting = register_many(api, forum, 2)  # one confirmed, one waiting
    response = api.client.post(f"/api/v1/registrations/{a['id']}/erase", headers=api.as_holder(a["manage_token"]))
    assert response.status_code == 200
    personal = ["Trần Thị Xuân Hương", "xuan.huong@sgd.edu.vn", "+84 905 111 222", "Hòa Vang", "Giáo viên"]
    assert _rows_containing(api.engine, personal) == []
    assert [e.subject for e in api.events(PERSONAL_DATA_ERASED)] == [a["id"]]
    assert [e.subject for e in api.events(REGISTRATION_CANCELLED)] == [a["id"]]
    assert a["id"] not in [e.subject for e in api.events(PARTICIPANT_REGISTERED)]  # unsent event withdrawn
    assert statuses(api, waiting) == ["confirmed", "confirmed"]  # the place went on
    # The person is gone: their link opens nothing any more, as at check-in and certificates.
    gone = api.client.get(f"/api/v1/registrations/{a['id']}", headers=api.as_holder(a["manage_token"]))
    assert (gone.status_code, gone.json["reason"]) == (401, "unauthenticated")


def _rows_containing(engine, needles):
    found = []
    with readonly(engine).connect() as conn:
        for table_name in inspect(conn).get_table_names():
            table = Table(table_name, MetaData(), autoload_with=conn)
            for row in conn.execute(select(table)).all():
                text = " ".join(str(v) for v in row if v is not None)
                found += [(table_name, needle) for needle in needles if needle in text]
    return found


def test_an_erasure_is_sent_again_once_after_the_first_has_been_in_kafka_long_enough(api, forum):
    a = api.register(forum, api.person("DN-01")).json
    api.client.post(f"/api/v1/registrations/{a['id']}/erase", headers=api.as_holder(a["manage_token"]))
    first = api.events(PERSONAL_DATA_ERASED)[0]
    much_later = first.time + 10 * ERASURE_SENT_AGAIN_AFTER
    assert send_erasures_again(api.engine, now=much_later) == 0  # the first never reached Kafka: not yet

    sent_at = first.time + timedelta(hours=5)  # the relay was away for five hours
    with api.engine.begin() as conn:
        conn.execute(update(outbox).where(outbox.c.event_id == first.id).values(published_at=sent_at))
    assert send_erasures_again(api.engine, now=sent_at + ERASURE_SENT_AGAIN_AFTER - timedelta(minutes=1)) == 0
    assert send_erasures_again(api.engine, now=sent_at + ERASURE_SENT_AGAIN_AFTER) == 1
    assert send_erasures_again(api.engine, now=much_later) == 0  # once

    again = api.events(PERSONAL_DATA_ERASED)
    assert len(again) == 1  # the outbox holds it once: the same event, which consumers know by its id
    assert (again[0].id, again[0].subject, again[0].data) == (first.id, first.subject, first.data)
