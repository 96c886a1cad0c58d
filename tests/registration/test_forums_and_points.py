"""Organisers set up forums and connection points; each change is published."""
from datetime import datetime

from forumops_shared.events.registry import FORUM_PUBLISHED

POINTS_CSV = "code,name,province,capacity\n" + "\n".join(
    f"P{i:03d},Sở GD&ĐT điểm {i},Tỉnh {i % 63},{50 + i}" for i in range(600))
NO_HOURS_RULE = {"min_hours": None, "required_sessions": [], "hours_step_minutes": None}


def test_creating_a_forum_publishes_its_state_with_rule_and_ticket_keys(api):
    slug = api.create_forum()
    [event] = api.events(FORUM_PUBLISHED)
    assert event.subject == slug
    assert event.data["certificate_rule"] == {"onsite_checkin": True, "online_min_minutes": 60, **NO_HOURS_RULE}
    assert event.data["title"]["vi"] == "Diễn đàn Giáo dục 2026"
    [key] = event.data["ticket_keys"]
    assert key["alg"] == "Ed25519" and len(key["kid"]) == 16


def test_the_public_forum_view_shows_its_points(api):
    slug = api.create_forum()
    api.put_point(slug, "HN-01", capacity=30, name="Bộ Giáo dục và Đào tạo")
    response = api.client.get(f"/api/v1/forums/{slug}")
    assert response.status_code == 200
    assert response.json["points"] == [{"code": "HN-01", "name": "Bộ Giáo dục và Đào tạo",
                                        "province": "Hà Nội", "capacity": 30}]


def test_a_second_forum_with_the_same_slug_is_refused(api):
    slug = api.create_forum()
    response = api.client.post("/api/v1/forums", headers=api.admin, json={
        "slug": slug, "title": {"vi": "x"}, "starts_at": "2026-12-10T08:00:00+07:00",
        "ends_at": "2026-12-10T17:00:00+07:00", "timezone": "Asia/Ho_Chi_Minh",
        "certificate_rule": {"onsite_checkin": True, "online_min_minutes": 0}})
    assert response.status_code == 409 and response.json["reason"] == "forum_exists"


def test_forum_fields_are_validated_with_field_errors(api):
    response = api.client.post("/api/v1/forums", headers=api.admin, json={
        "slug": "Bad Slug!", "title": {"fr": "x"}, "starts_at": "2026-12-10T08:00:00",
        "ends_at": "2026-12-09T08:00:00+07:00", "timezone": "Mars/Olympus", "online_url": "ftp://x",
        "certificate_rule": {"onsite_checkin": "maybe", "online_min_minutes": -1}, "colour": "red"})
    assert response.status_code == 422 and response.json["reason"] == "validation_failed"
    errors = response.json["errors"]
    assert {"slug", "title", "starts_at", "timezone", "online_url", "certificate_rule", "colour"} <= set(errors)
    assert errors["colour"] == ["Unknown field."]


def test_a_title_sent_as_a_plain_string_is_the_title_in_the_forums_first_language(api):
    slug = api.create_forum(title="Diễn đàn Đổi mới Giáo dục 2026")
    assert api.client.get(f"/api/v1/forums/{slug}").json["title"] == {"vi": "Diễn đàn Đổi mới Giáo dục 2026"}
    english = api.create_forum(slug="education-forum-2026", title="Education Forum 2026", languages=["en", "vi"])
    assert api.client.get(f"/api/v1/forums/{english}").json["title"] == {"en": "Education Forum 2026"}
    changed = api.client.patch(f"/api/v1/forums/{english}", headers=api.admin, json={"title": "Education Forum"})
    assert changed.status_code == 200 and changed.json["title"] == {"en": "Education Forum"}
    assert api.events(FORUM_PUBLISHED)[-1].data["title"] == {"en": "Education Forum"}
    for wrong in ("", "x" * 301, 42, ["Diễn đàn"], {}):
        refused = api.client.patch(f"/api/v1/forums/{english}", headers=api.admin, json={"title": wrong})
        assert (refused.status_code, list(refused.json["errors"])) == (422, ["title"]), wrong


def test_changing_a_forum_publishes_the_new_state_and_keeps_other_fields(api):
    slug = api.create_forum()
    response = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin,
                                json={"certificate_rule": {"onsite_checkin": False, "online_min_minutes": 45}})
    assert response.status_code == 200
    assert response.json["online_url"] == "https://meet.example.vn/forum"
    assert response.json["languages"] == ["vi", "en"]
    published = api.events(FORUM_PUBLISHED)
    assert len(published) == 2 and published[-1].data["certificate_rule"]["online_min_minutes"] == 45


def test_a_change_may_name_one_part_of_the_certificate_rule(api):
    """Found by fuzzing: a rule with only its minutes once answered 500."""
    slug = api.create_forum()
    response = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin,
                                json={"certificate_rule": {"online_min_minutes": 30}})
    assert response.status_code == 200, response.json
    assert response.json["certificate_rule"] == {"onsite_checkin": True, "online_min_minutes": 30, **NO_HOURS_RULE}


def test_the_certificate_rule_may_ask_for_hours_and_sessions_and_a_change_keeps_the_rest(api):
    slug = api.create_forum(certificate_rule={"onsite_checkin": True, "online_min_minutes": 60, "min_hours": 7.5,
                                              "required_sessions": ["PLEN", "AWARDS"], "hours_step_minutes": 15})
    rule = {"onsite_checkin": True, "online_min_minutes": 60, "min_hours": 7.5,
            "required_sessions": ["PLEN", "AWARDS"], "hours_step_minutes": 15}
    assert api.client.get(f"/api/v1/forums/{slug}").json["certificate_rule"] == rule
    assert api.events(FORUM_PUBLISHED)[-1].data["certificate_rule"] == rule
    changed = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin, json={"certificate_rule": {"min_hours": 6}})
    assert changed.json["certificate_rule"] == {**rule, "min_hours": 6}
    cleared = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin,
                               json={"certificate_rule": {"min_hours": None, "required_sessions": []}})
    assert cleared.json["certificate_rule"] == {**rule, "min_hours": None, "required_sessions": []}


def test_an_hours_rule_out_of_its_bounds_is_refused_by_field(api):
    slug = api.create_forum()
    for wrong in ({"min_hours": -1}, {"min_hours": "6"}, {"min_hours": True}, {"hours_step_minutes": 7},
                  {"hours_step_minutes": 0}, {"required_sessions": ["PLEN", "PLEN"]},
                  {"required_sessions": ["không hợp lệ"]}, {"required_sessions": "PLEN"}):
        refused = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin, json={"certificate_rule": wrong})
        assert refused.status_code == 422, wrong
        assert list(refused.json["errors"]["certificate_rule"]) == list(wrong), wrong


def test_the_forum_answers_its_times_in_iso_8601_as_the_same_moments(api):
    """Found by fuzzing: the times once came back as HTTP dates ("Fri, 20 Nov 2026 01:00:00 GMT")."""
    slug = api.create_forum()
    forum = api.client.get(f"/api/v1/forums/{slug}").json
    starts, ends = (datetime.fromisoformat(forum[field]) for field in ("starts_at", "ends_at"))
    assert (starts, ends) == (datetime.fromisoformat("2026-12-10T08:00:00+07:00"),
                              datetime.fromisoformat("2026-12-10T17:00:00+07:00"))


def test_a_forum_cannot_end_before_it_starts_after_a_change(api):
    slug = api.create_forum()
    response = api.client.patch(f"/api/v1/forums/{slug}", headers=api.admin,
                                json={"ends_at": "2026-12-01T08:00:00+07:00"})
    assert response.status_code == 422 and "ends_at" in response.json["errors"]


def test_organiser_endpoints_need_the_admin_token(api):
    body = {"slug": "x-forum"}
    assert api.client.post("/api/v1/forums", json=body).json["reason"] == "unauthenticated"
    response = api.client.post("/api/v1/forums", json=body, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_a_participant_token_is_forbidden_on_organiser_endpoints(api):
    slug = api.create_forum()
    token = api.register(slug, api.person()).json["manage_token"]
    response = api.client.get(f"/api/v1/forums/{slug}/registrations", headers=api.as_holder(token))
    assert response.status_code == 403 and response.json["reason"] == "forbidden"


def test_six_hundred_points_import_in_one_request_with_a_report_per_row(api):
    slug = api.create_forum()
    response = api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                               data=POINTS_CSV.encode(), content_type="text/csv")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 600 and response.json["refused"] == 0
    assert len(api.client.get(f"/api/v1/forums/{slug}/points").json["points"]) == 600
    [_, published] = api.events(FORUM_PUBLISHED)  # one event for the whole import
    assert len(published.data["points"]) == 600


def test_reimporting_reports_unchanged_updated_and_refused_rows(api):
    slug = api.create_forum()
    api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                    data=POINTS_CSV.encode(), content_type="text/csv")
    csv = ("code,name,province,capacity\n"
           "P000,Sở GD&ĐT điểm 0,Tỉnh 0,50\n"       # same as before
           "P001,Sở GD&ĐT điểm 1,Tỉnh 1,500\n"      # capacity changed
           "P002,,Tỉnh 2,10\n"                     # no name
           "P003,Điểm 3,Tỉnh 3,-5\n"               # negative capacity
           "P001,again,Tỉnh 1,5\n")                # twice in one file
    rows = api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                           data=csv.encode(), content_type="text/csv").json["rows"]
    assert [(r["line"], r["outcome"]) for r in rows] == [
        (2, "unchanged"), (3, "updated"), (4, "refused"), (5, "refused"), (6, "refused")]
    assert "name" in rows[2]["errors"] and "capacity" in rows[3]["errors"] and "code" in rows[4]["errors"]


def test_a_csv_python_cannot_read_is_refused_with_its_reason_not_a_server_error(api):
    """Found by fuzzing: a carriage return inside the header once answered 500."""
    slug = api.create_forum()
    stray = api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                            data="code,na\rme,province,capacity\nA,B,C,1\n".encode(), content_type="text/csv")
    assert stray.status_code == 422 and stray.json["reason"] == "invalid_csv"
    huge = "code,name,province,capacity\nA,B,C,1\nB," + "x" * 200_000 + ",C,1\n"  # past the csv module's field limit
    refused = api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                              data=huge.encode(), content_type="text/csv")
    assert refused.status_code == 422 and refused.json["reason"] == "invalid_csv"
    assert "Line 3" in refused.json["errors"]["file"][0]
    assert api.client.get(f"/api/v1/forums/{slug}/points").json["points"] == []  # nothing of it was kept


def test_a_csv_without_the_required_columns_is_refused(api):
    slug = api.create_forum()
    response = api.client.post(f"/api/v1/forums/{slug}/points/import", headers=api.admin,
                               data=b"code,name\nA,B\n", content_type="text/csv")
    assert response.status_code == 422 and response.json["reason"] == "invalid_csv"


def test_points_list_capacity_confirmed_and_waitlisted_counts(api):
    slug = api.create_forum()
    api.put_point(slug, "HCM-1", capacity=1, province="TP. Hồ Chí Minh")
    api.register(slug, api.person("HCM-1"))
    api.register(slug, api.person("HCM-1"))
    [point] = api.client.get(f"/api/v1/forums/{slug}/points").json["points"]
    assert (point["capacity"], point["confirmed"], point["waitlisted"]) == (1, 1, 1)


def test_an_unknown_forum_is_a_404_with_a_reason(api):
    response = api.client.get("/api/v1/forums/khong-co")
    assert response.status_code == 404 and response.json["reason"] == "forum_not_found"
    assert response.json["message"] == "Không tìm thấy diễn đàn."
    english = api.client.get("/api/v1/forums/khong-co", headers={"Accept-Language": "en"})
    assert english.json["message"] == "Forum not found."


def test_a_point_added_a_moment_ago_can_be_chosen_at_once(api):
    slug = api.create_forum()
    api.put_point(slug, "A", capacity=5)
    assert api.register(slug, api.person("A")).status_code == 201  # forum and points now cached
    api.put_point(slug, "B", capacity=5)
    response = api.register(slug, api.person("B"))
    assert response.status_code == 201 and response.json["point"] == "B"
    assert api.register(slug, api.person("NOT-THERE")).json["reason"] == "unknown_point"
