"""Every endpoint that takes JSON, given every kind of body it cannot use, answers 4xx with a
reason in the services' error format: never 500. And the values no page, ticket or PDF could
carry as meant (bidirectional and invisible characters, names without a letter, odd point codes,
1.5 places, "true" as consent) are refused field by field, the same way at every door."""
from __future__ import annotations

import unicodedata

import pytest

from .checkin.conftest import ADMIN, door  # noqa: F401 - fixtures shared with these tests
from .support.attendance_reports import zoom_report
from .certificates.conftest import office, service  # noqa: F401
from .registration.conftest import api, reg_settings  # noqa: F401

JSON = "application/json"

# (shape, raw body, content type) -> (status, reason)
SHAPES = {
    "lone surrogate in a value": (b'{"full_name": "\\ud800"}', JSON, (400, "invalid_characters")),
    "lone surrogate in a key": (b'{"\\udfff": "x"}', JSON, (400, "invalid_characters")),
    "lone surrogate deep inside": (b'{"recipients": [{"name": "Anh\\udc00"}], "scans": [{"ticket": "\\ud800"}]}',
                                   JSON, (400, "invalid_characters")),
    "arrays 20,000 deep": (b"[" * 20_000 + b"]" * 20_000, JSON, (400, "json_too_deep")),
    "objects 12,000 deep": (b'{"":' * 12_000 + b"1" + b"}" * 12_000, JSON, (400, "json_too_deep")),  # under 64 KB
    "1e400": (b'{"capacity": 1e400}', JSON, (400, "number_out_of_range")),
    "an integer of 5,000 digits": (b'{"capacity": ' + b"7" * 5000 + b"}", JSON, (400, "number_out_of_range")),
    "NaN": (b'{"capacity": NaN}', JSON, (400, "malformed_json")),
    "invalid UTF-8": (b'{"full_name": "Nguy\xe1\xbb n"}', JSON, (400, "malformed_json")),
    "UTF-16": ('{"full_name": "Anh"}'.encode("utf-16"), JSON + "; charset=utf-16", (400, "malformed_json")),
    "cut short": (b'{"full_name": "Anh', JSON, (400, "malformed_json")),
    "empty": (b"", JSON, (400, "malformed_json")),
    "an array": (b"[]", JSON, (422, "validation_failed")),
    "a string": (b'"consent"', JSON, (422, "validation_failed")),
    "null": (b"null", JSON, (422, "validation_failed")),
    "text/plain": (b'{"full_name": "Anh"}', "text/plain", (415, "unsupported_media_type")),
    "a form": (b"full_name=Anh", "application/x-www-form-urlencoded", (415, "unsupported_media_type")),
}


@pytest.fixture
def doors(door, service):
    """Each JSON endpoint of the three services, with real identifiers and the caller's token."""
    api, slug = door.api, door.slug
    person = api.register(slug, api.person("HN-01")).json
    door.deliver()
    device = door.device("HN-01")
    holder = {"Authorization": f"Bearer {person['manage_token']}"}
    at_door = {"Authorization": f"Bearer {device['token']}"}
    return {
        "create a forum": (api.client, "POST", "/api/v1/forums", ADMIN),
        "change a forum": (api.client, "PATCH", f"/api/v1/forums/{slug}", ADMIN),
        "put a point": (api.client, "PUT", f"/api/v1/forums/{slug}/points/HN-02", ADMIN),
        "register": (api.client, "POST", f"/api/v1/forums/{slug}/registrations", {}),
        "change a registration": (api.client, "PATCH", f"/api/v1/registrations/{person['id']}", holder),
        "enrol a device": (door.client, "POST", f"/api/v1/forums/{slug}/points/HN-01/devices", ADMIN),
        "scan": (door.client, "POST", f"/api/v1/forums/{slug}/points/HN-01/checkins", at_door),
        "upload offline scans": (door.client, "POST", f"/api/v1/forums/{slug}/points/HN-01/checkins/batch", at_door),
        "issue awards": (service, "POST", f"/api/v1/forums/{slug}/awards", ADMIN),
        "revoke a certificate": (service, "POST", "/api/v1/certificates/ABCD-EFGH-JKMN/revoke", ADMIN),
    }


def test_every_json_endpoint_refuses_every_unusable_body_with_its_reason(doors):
    answers, expected = {}, {}
    for endpoint, (client, method, path, headers) in doors.items():
        for shape, (raw, content_type, outcome) in SHAPES.items():
            response = client.open(path, method=method, data=raw, headers={**headers, "Content-Type": content_type})
            body = response.get_json(silent=True) or {}
            answers[endpoint, shape] = (response.status_code, body.get("reason"), body.get("status"))
            expected[endpoint, shape] = (*outcome, "error")
    assert answers == expected


def test_a_refusal_names_the_field_and_answers_in_the_readers_language(service):
    response = service.post("/api/v1/forums/dien-dan/awards", headers={**ADMIN, "Accept-Language": "en"},
                           data=b'{"category": {"vi": "Gi\\u1ea3i nh\\u1ea5t"}, "recipients": [{"name": "\\ud800"}]}',
                           content_type=JSON)
    assert response.status_code == 400
    assert response.json == {"status": "error", "reason": "invalid_characters",
                             "message": "The request holds characters that are not text.",
                             "errors": {"recipients.0.name": ["Holds a lone UTF-16 surrogate, which is not text."]}}


def test_a_json_body_over_the_limit_is_refused_and_the_connection_is_to_close(api):
    slug = api.create_forum()
    response = api.register(slug, {"full_name": "x" * 100_000})
    assert (response.status_code, response.json["reason"]) == (413, "body_too_large")
    assert response.headers["Connection"] == "close"


# -- values no page or PDF could carry as meant ------------------------------------------------

BAD_TEXT = {"right-to-left override": "\u202eNguyễn Văn Anh", "isolate": "Nguyễn \u2067Văn\u2069 Anh",
            "zero-width only": "\u200b\u200c\u200d", "zero-width inside": "Nguyễn\u200bVăn Anh",
            "control character": "Nguyễn Văn\x07 Anh", "line break": "Nguyễn\nVăn Anh",
            "invisible letters only": "\u3164\u3164", "no letter at all": "...  --"}


def test_a_name_organisation_or_role_a_page_would_not_show_as_written_is_refused(api):
    slug = api.create_forum()
    answers = {(field, kind): _refused_fields(api.register(slug, api.person(**{field: text})))
               for field in ("full_name", "organisation", "role") for kind, text in BAD_TEXT.items()
               if not (field == "role" and kind == "no letter at all")}  # a role needs no letter: "—"
    assert answers == {key: (422, "validation_failed", [key[0]]) for key in answers}


def _refused_fields(response) -> tuple:
    body = response.json
    return response.status_code, body.get("reason"), list(body.get("errors") or {})


def test_a_vietnamese_name_typed_in_decomposed_form_is_kept_exactly_in_nfc(api):
    slug = api.create_forum()
    typed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    response = api.register(slug, api.person(full_name=f"  {typed} ", role="Giáo viên"))
    assert response.status_code == 201, response.json
    assert response.json["full_name"] == "Nguyễn Thị Ánh Tuyết" == unicodedata.normalize("NFC", typed)


def test_consent_is_given_only_by_json_true(api):
    slug = api.create_forum()
    answers = {repr(consent): _refused_fields(api.register(slug, api.person(consent=consent)))
               for consent in ("true", 1, "1", "yes", None)}
    assert answers == {key: (422, "validation_failed", ["consent"]) for key in answers}


def test_a_capacity_is_a_json_integer_not_something_rounded_to_one(api):
    slug = api.create_forum()
    answers = {repr(capacity): _refused_fields(api.client.put(
                   f"/api/v1/forums/{slug}/points/HN-01", headers=api.admin,
                   json={"name": "Điểm cầu Hà Nội", "province": "Hà Nội", "capacity": capacity}))
               for capacity in (1.5, 100.0, "100", True)}
    assert answers == {key: (422, "validation_failed", ["capacity"]) for key in answers}


def test_a_forums_certificate_rule_takes_only_a_boolean_and_an_integer(api):
    response = api.client.post("/api/v1/forums", headers=api.admin, json={
        "slug": "quy-tac", "title": "Diễn đàn", "starts_at": "2026-12-10T08:00:00+07:00",
        "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh",
        "certificate_rule": {"onsite_checkin": "true", "online_min_minutes": 59.5}})
    assert response.status_code == 422
    assert set(response.json["errors"]["certificate_rule"]) == {"onsite_checkin", "online_min_minutes"}


def test_a_forum_title_with_a_direction_override_is_refused_on_change(api):
    slug = api.create_forum()
    response = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin, json={"title": {"vi": "\u202eDiễn đàn"}})
    assert (response.status_code, list(response.json["errors"])) == (422, ["title"])


def test_a_point_put_under_a_code_outside_the_rule_is_refused_not_failed(api):
    slug = api.create_forum()
    answers = {code: _refused_fields(api.client.put(f"/api/v1/forums/{slug}/points/{code}", headers=api.admin,
                                                    json={"name": "Điểm cầu", "province": "Hà Nội", "capacity": 10}))
               for code in ("x" * 500, "A B", "Hà-Nội", "a.b", "-" * 65)}
    assert answers == {key: (422, "validation_failed", ["code"]) for key in answers}


def test_the_points_import_refuses_codes_outside_the_rule_and_takes_the_rest(api):
    slug = api.create_forum()
    text = ("code,name,province,capacity\nA/B,Điểm A,Hà Nội,10\n../x,Điểm X,Hà Nội,10\n"
            "HN-09,Điểm cầu Hà Nội,Hà Nội,10\nHP-01,Điểm Hải Phòng,Hải Phòng,1.5\n")
    response = api.client.post(f"/api/v1/forums/{slug}/points/import", headers={**api.admin, "Content-Type": "text/csv"},
                               data=text.encode())
    assert response.status_code == 200, response.json
    assert [(r["code"], r["outcome"], list(r.get("errors") or {})) for r in response.json["rows"]] == [
        ("A/B", "refused", ["code"]), ("../x", "refused", ["code"]), ("HN-09", "created", []),
        ("HP-01", "refused", ["capacity"])]
    assert [p["code"] for p in api.client.get(f"/api/v1/forums/{slug}/points").json["points"]] == ["HN-09"]


def test_registering_for_a_point_code_outside_the_rule_is_refused_as_a_field(api):
    slug = api.create_forum()
    answers = {point: _refused_fields(api.register(slug, api.person(point=point))) for point in ("A/B", "../x", "x" * 65)}
    assert answers == {key: (422, "validation_failed", ["point"]) for key in answers}


def test_an_offline_door_admitted_only_with_json_true_or_false(door):
    door.deliver()
    device = door.device("HN-01")
    scans = [{"ticket": "FO1.a.b", "scan_id": f"s-{i}", "scanned_at": "2026-11-23T09:00:00+07:00", "admitted": value}
             for i, value in enumerate(["true", 1, 0])]
    response = door.batch(device, scans)
    assert response.status_code == 422
    assert sorted(response.json["errors"]["scans"]) == ["0", "1", "2"]


def test_a_device_label_with_a_direction_override_is_refused(door):
    door.deliver()
    response = door.client.post(f"/api/v1/forums/{door.slug}/points/HN-01/devices", headers=ADMIN,
                                json={"label": "Cửa \u202eA"})
    assert (response.status_code, list(response.json["errors"])) == (422, ["label"])


def test_an_award_recipient_a_pdf_would_not_show_as_written_is_refused(service):
    cases = {"invisible letter": ({"name": "\u3164"}, "name"), "zero width": ({"name": "Trường\u200b THPT"}, "name"),
             "override": ({"name": "Trường THPT", "organisation": "\u202eSở GD&ĐT"}, "organisation")}
    answers = {}
    for case, (recipient, _field) in cases.items():
        response = service.post("/api/v1/forums/dien-dan/awards", headers=ADMIN,
                                json={"category": {"vi": "Giải nhất"}, "recipients": [recipient]})
        answers[case] = (response.status_code, list(response.json["errors"]["recipients"]["0"]))
    assert answers == {case: (422, [field]) for case, (_recipient, field) in cases.items()}


# Found by an outside probe: dates a forum cannot have overflowed where they were moved to a
# timezone, and came back 500 (or, accepted, made the home page fail for everyone).
EDGE_OF_TIME = ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+23:59", "9999-12-31T20:00:00+00:00",
                "1999-12-31T23:59:59+00:00", "2101-01-01T00:00:00+00:00"]


def _forum(**overrides) -> dict:
    return {"slug": "thoi-gian", "title": "Diễn đàn", "starts_at": "2026-12-10T08:00:00+07:00",
            "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Pacific/Kiritimati",
            "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 60}, **overrides}


def test_dates_no_forum_can_have_are_refused_at_every_door_and_the_pages_still_answer(doors, door, api):
    answers, expected = {}, {}
    scan_client, _, scan_path, at_door = doors["scan"]
    for moment in EDGE_OF_TIME:
        create = api.client.post("/api/v1/forums", json=_forum(starts_at=moment, ends_at=moment), headers=api.admin)
        change = api.client.patch(f"/api/v1/forums/{door.slug}", json={"ends_at": moment}, headers=api.admin)
        scan = scan_client.post(scan_path, json={"ticket": "ZZZZZZZZZZ", "scan_id": f"s-{moment}",
                                                 "scanned_at": moment}, headers=at_door)
        for name, response, fields in (("create", create, ["ends_at", "starts_at"]), ("change", change, ["ends_at"]),
                                       ("scan", scan, ["scanned_at"])):
            status, reason, refused = _refused_fields(response)
            answers[(name, moment)] = (status, reason, sorted(refused))
            expected[(name, moment)] = (422, "validation_failed", fields)
    assert answers == expected
    assert api.client.get("/").status_code == 200
    assert api.client.get(f"/forums/{door.slug}").status_code == 200


def test_a_time_zone_is_an_iana_name_not_the_hosts_setting(api):
    assert _refused_fields(api.client.post("/api/v1/forums", json=_forum(timezone="localtime"), headers=api.admin)) == (
        422, "validation_failed", ["timezone"])


def test_an_attendance_row_dated_outside_any_forum_is_set_aside_not_failed(door):
    door.deliver()
    report = zoom_report([("Phạm Thu", "thu@example.vn", "01/01/0001 12:00:00 AM", "01/01/0001 11:59:59 PM"),
                          ("Lê Hà", "ha@example.vn", "12/31/9999 10:00:00 PM", "12/31/9999 11:00:00 PM")])
    response = door.client.post(f"/api/v1/forums/{door.slug}/online/attendance/import", data=report,
                                headers={**ADMIN, "Content-Type": "text/csv"})
    assert response.status_code == 200, response.json
    assert response.json["matched_rows"] == 0
