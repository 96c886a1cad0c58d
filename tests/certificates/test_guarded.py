"""What certificates keeps to itself: answers naming people that no cache stores, one status per
refusal of a caller, and the audit record of revocations, exports, awards and erasures."""
from certificates.api.openapi import ROUTES
from forumops_shared.events.registry import PERSONAL_DATA_ERASED

from ..support.callers import authenticated_calls, mismatches, refusals
from .conftest import ADMIN, issue
from .test_awards import award

REFUSED = {"no token": (401, "unauthenticated"), "a wrong token": (401, "unauthenticated"),
           "another party's token": (403, "forbidden")}


def test_answers_naming_people_are_kept_out_of_caches(office, service):
    slug, [person], [serial] = issue(office)
    holder = {"Authorization": f"Bearer {person['manage_token']}"}
    answers = {
        "the public verification (a name)": service.get(f"/api/v1/certificates/{serial}"),
        "the holder's certificate": service.get(f"/api/v1/registrations/{person['id']}/certificate", headers=holder),
        "the list": service.get(f"/api/v1/forums/{slug}/certificates", headers=ADMIN),
        "the CSV export": service.get(f"/api/v1/forums/{slug}/certificates/export", headers=ADMIN),
    }
    for kind, answer in answers.items():
        assert answer.status_code == 200, kind
        assert answer.headers.get("Cache-Control") == "no-store", kind
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", kind
    pdf = service.get(f"/api/v1/certificates/{serial}/pdf", headers=holder)
    assert pdf.headers["Cache-Control"] == "private, no-cache"  # its own: revalidated by its ETag
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"


def test_every_authenticated_path_refuses_a_missing_or_wrong_token_with_401_and_another_partys_with_403(office,
                                                                                                      service):
    slug, [mine, theirs], _ = issue(office, n=2)
    serial = office.certificates(registration_id=mine["id"])[0].serial
    calls = authenticated_calls(ROUTES, {"slug": slug, "serial": serial, "registration_id": mine["id"]})
    assert {c.caller for c in calls} == {"admin", "holder"}
    tokens = {"no token": None, "a wrong token": "x" * 43, "another party's token": theirs["manage_token"]}
    bodies = {"/revoke": {"reason": "x"}}
    assert mismatches(refusals(service, calls, tokens, bodies), REFUSED) == []
    assert mismatches(refusals(service, calls, {"no token": None}), REFUSED) == []  # no body: the caller first
    assert office.certificates(registration_id=mine["id"])[0].revoked_at is None


def test_revocations_exports_awards_and_erasures_are_recorded_by_ids(office, service):
    slug, [kept, erased], _ = issue(office, n=2)
    revoked = office.certificates(registration_id=kept["id"])[0].serial
    assert service.post(f"/api/v1/certificates/{revoked}/revoke", headers=ADMIN,
                        json={"reason": "Nhầm tên Nguyễn Văn A"}).status_code == 200
    assert service.get(f"/api/v1/forums/{slug}/certificates/export", headers=ADMIN,
                       query_string={"status": "valid"}).status_code == 200
    assert award(service, slug).status_code == 200
    office.api.client.post(f"/api/v1/registrations/{erased['id']}/erase", headers=office.api.admin)
    office.apply(office.registration_events(PERSONAL_DATA_ERASED))

    answer = service.get(f"/api/v1/forums/{slug}/audit", headers=ADMIN)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    records = answer.json["records"]
    erased_serial = office.certificates(registration_id=erased["id"])[0].serial
    assert [(r["actor"]["kind"], r["action"], r["object"]["id"], r["count"]) for r in records] == [
        ("organiser", "certificate.revoked", revoked, None),
        ("organiser", "certificates.exported", slug, 1),
        ("organiser", "awards.imported", slug, 3),
        ("system", "registration.erased", erased["id"], None),
        ("system", "certificate.revoked", erased_serial, None),
    ]
    assert records[1]["detail"] == {"status": "valid"} and records[2]["detail"]["issued"] == 3
    assert "Nguyễn" not in repr(records)  # the organiser's reason may name someone: it is not copied
    assert service.get(f"/api/v1/forums/{slug}/audit").status_code == 401
