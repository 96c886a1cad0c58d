"""What registration keeps to itself: answers no cache stores, one status per refusal of a caller,
exports as filtered as the list, one public limit per address for every process, and the audit
record of who erased, exported or imported what."""
import csv
import io

from forumops_shared.service_app import close_service_app
from registration.api.openapi import ROUTES
from registration.app import create_app

from ..support.callers import authenticated_calls, mismatches, refusals
from ..support.clock import FakeClock

REFUSED = {"no token": (401, "unauthenticated"), "a wrong token": (401, "unauthenticated"),
           "another party's token": (403, "forbidden")}


def _forum(api):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=1)
    api.put_point(slug, "HN-02", capacity=100)
    return slug


def test_every_answer_with_a_token_or_personal_data_is_kept_out_of_caches(api):
    slug = _forum(api)
    created = api.register(slug, api.person("HN-01"))
    holder = api.as_holder(created.json["manage_token"])
    answers = {
        "registration (its manage token)": created,
        "the participant's view": api.client.get(f"/api/v1/registrations/{created.json['id']}", headers=holder),
        "the list": api.client.get(f"/api/v1/forums/{slug}/registrations", headers=api.admin),
        "the CSV export": api.client.get(f"/api/v1/forums/{slug}/registrations/export", headers=api.admin),
        "the audit": api.client.get(f"/api/v1/forums/{slug}/audit", headers=api.admin),
        "a refusal": api.client.get(f"/api/v1/forums/{slug}/registrations"),
        "the public forum": api.client.get(f"/api/v1/forums/{slug}"),
        "an unknown path": api.client.get("/api/v1/nothing"),
    }
    for kind, answer in answers.items():
        assert answer.headers.get("Cache-Control") == "no-store", kind
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", kind
    svg = api.client.get(f"/api/v1/registrations/{created.json['id']}/ticket.svg", headers=holder)
    assert svg.headers["Cache-Control"] == "private, no-store"  # a view's own stays
    assert api.client.get("/_forumops/static/forumops.css").headers["X-Content-Type-Options"] == "nosniff"


def test_every_authenticated_path_refuses_a_missing_or_wrong_token_with_401_and_another_partys_with_403(api):
    slug = _forum(api)
    mine, theirs = (api.register(slug, api.person("HN-02")).json for _ in range(2))
    calls = authenticated_calls(ROUTES, {"slug": slug, "code": "HN-02", "registration_id": mine["id"],
                                         "announcement_id": "0" * 32})
    assert {c.caller for c in calls} == {"admin", "holder"}
    bodies = {f"/registrations/{mine['id']}": {"language": "en"}}
    for caller, other in (("admin", theirs["manage_token"]), ("holder", theirs["manage_token"])):
        tokens = {"no token": None, "a wrong token": "x" * 43, "another party's token": other}
        answers = refusals(api.client, [c for c in calls if c.caller == caller], tokens, bodies)
        assert mismatches(answers, REFUSED) == []
    assert mismatches(refusals(api.client, calls, {"no token": None}), REFUSED) == []  # no body: the caller first
    assert api.client.get(f"/api/v1/registrations/{mine['id']}", headers=api.admin).status_code == 200


def _exported(api, slug, **filters):
    answer = api.client.get(f"/api/v1/forums/{slug}/registrations/export", headers=api.admin, query_string=filters)
    assert answer.status_code == 200, answer.json
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_export_keeps_to_the_same_filters_as_the_list(api):
    slug = _forum(api)
    for point in ("HN-01", "HN-01", "HN-02"):
        api.register(slug, api.person(point))
    waiting = _exported(api, slug, status="waitlisted")
    assert [(r["point"], r["status"]) for r in waiting] == [("HN-01", "waitlisted")]
    assert {r["point"] for r in _exported(api, slug, point="HN-02")} == {"HN-02"}
    assert len(_exported(api, slug)) == 3
    listed = api.client.get(f"/api/v1/forums/{slug}/registrations", headers=api.admin,
                            query_string={"point": "HN-01", "status": "confirmed"}).json["items"]
    assert [r["id"] for r in _exported(api, slug, point="HN-01", status="confirmed")] == [r["id"] for r in listed]
    unknown = api.client.get(f"/api/v1/forums/{slug}/registrations/export", headers=api.admin,
                             query_string={"status": "everything"})
    assert unknown.status_code == 422 and "status" in unknown.json["errors"]


def test_two_apps_on_one_database_share_the_public_limit_per_address(api, reg_settings):
    """As two gunicorn workers (or two API instances) do: the address gets the limit once, not twice."""
    slug = _forum(api)
    settings, clock = reg_settings(REGISTRATION_RATE_LIMIT="4/minute"), FakeClock()
    apps = [create_app(settings, clock=clock) for _ in range(2)]
    try:
        first, second = (app.test_client() for app in apps)

        def submit(client, address="203.0.113.7"):
            return client.post(f"/api/v1/forums/{slug}/registrations", json={}, environ_base={"REMOTE_ADDR": address})
        answers = [submit(client) for client in (first, second, first, second, first, second)]
        assert [a.status_code for a in answers] == [422] * 4 + [429] * 2
        assert int(answers[-1].headers["Retry-After"]) > 0
        assert submit(second, "203.0.113.8").status_code == 422  # another address counts alone
        clock.advance(120)  # two windows later the address starts afresh, in both
        assert [submit(first).status_code, submit(second).status_code] == [422, 422]
    finally:
        for app in apps:
            close_service_app(app)


def _audit(api, slug, **query):
    answer = api.client.get(f"/api/v1/forums/{slug}/audit", headers=api.admin, query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_erasures_exports_and_imports_are_recorded_with_who_and_when_and_no_personal_data(api):
    slug = _forum(api)
    by_self, by_organiser = (api.register(slug, api.person("HN-02")).json for _ in range(2))
    api.client.post(f"/api/v1/registrations/{by_self['id']}/erase", headers=api.as_holder(by_self["manage_token"]))
    api.client.post(f"/api/v1/registrations/{by_organiser['id']}/erase", headers=api.admin)
    api.client.post(f"/api/v1/registrations/{by_organiser['id']}/erase", headers=api.admin)  # nothing left to erase
    _exported(api, slug, status="confirmed")
    points = api.client.post(f"/api/v1/forums/{slug}/points/import", headers={**api.admin, "Content-Type": "text/csv"},
                             data="code,name,province,capacity\nHN-03,Điểm cầu 3,Hà Nội,10\n")
    assert points.status_code == 200, points.json
    people = api.client.post(f"/api/v1/forums/{slug}/registrations/import",
                             headers={**api.admin, "Content-Type": "text/csv"},
                             data="full_name,email\nLê Văn Tám,tam@truong.edu.vn\n")
    assert people.status_code == 200, people.json

    records = _audit(api, slug)["records"]
    assert [(r["actor"], r["action"], r["object"], r["count"]) for r in records] == [
        ({"kind": "participant", "id": by_self["id"]}, "registration.erased",
         {"kind": "registration", "id": by_self["id"]}, None),
        ({"kind": "organiser", "id": None}, "registration.erased", {"kind": "registration", "id": by_organiser["id"]},
         None),
        ({"kind": "organiser", "id": None}, "registrations.exported", {"kind": "forum", "id": slug}, 0),
        ({"kind": "organiser", "id": None}, "points.imported", {"kind": "forum", "id": slug}, 1),
        ({"kind": "organiser", "id": None}, "registrations.imported", {"kind": "forum", "id": slug}, 1),
    ]
    assert records[2]["detail"] == {"status": "confirmed"} and records[4]["detail"]["created"] == 1
    assert all(r["at"] and r["forum"] == slug for r in records)
    everything = repr(records)
    for personal in ("Nguyễn", "@truong.edu.vn", "Lê Văn Tám", "tam@"):
        assert personal not in everything
    assert [r["action"] for r in _audit(api, slug, action="registration.erased")["records"]] == \
        ["registration.erased"] * 2
    first = _audit(api, slug, limit=2)
    assert len(first["records"]) == 2 and _audit(api, slug, after=first["next_after"])["records"] == records[2:]
