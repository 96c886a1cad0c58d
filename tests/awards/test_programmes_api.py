"""Programmes over HTTP: organisers create and change them, anyone reads them."""
from __future__ import annotations

from datetime import timedelta

from forumops_shared.audit import audit_records
from sqlalchemy import select

from .conftest import OPENS, application_body, programme_body


def test_an_organiser_creates_a_programme_with_six_weighted_criteria_and_anyone_reads_it(api):
    created = api.client.post("/api/v1/programmes", json=programme_body(), headers=api.admin)
    assert created.status_code == 201, created.json
    assert created.json["reviews_per_application"] == 3 and created.json["applications"] == {"submitted": 0, "withdrawn": 0}

    public = api.client.get("/api/v1/programmes/giai-thuong-giao-duc-2027")
    assert public.status_code == 200
    shown = public.json
    assert shown["title"] == {"vi": "Giải thưởng Giáo dục 2027", "en": "Education Awards 2027"}
    assert [c["code"] for c in shown["criteria"]] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert [c["awards"] for c in shown["categories"]] == [30, 31, 30]
    assert shown["phase"] == "before" and shown["blind"] is True and shown["applicants"] == "both"
    assert "reviews_per_application" not in shown and "applications" not in shown  # organisers only
    assert shown["applications_close_at"] == (OPENS + timedelta(days=60)).isoformat()


def test_defaults_three_reviews_and_a_results_date_a_week_after_review_close(api):
    body = programme_body()
    for name in ("results_at", "reviews_per_application", "blind", "applicants", "forum"):
        del body[name]
    shown = api.client.post("/api/v1/programmes", json=body, headers=api.admin).json
    assert shown["reviews_per_application"] == 3 and shown["blind"] is False and shown["applicants"] == "both"
    assert shown["results_at"] == (OPENS + timedelta(days=97)).isoformat() and shown["forum"] is None


def test_a_programme_is_refused_with_reasons(api):
    def refused(**overrides):
        response = api.client.post("/api/v1/programmes", json=programme_body(**overrides), headers=api.admin)
        return response.status_code, response.json["reason"], response.json.get("errors")

    status, reason, errors = refused(review_close_at=OPENS.isoformat())
    assert (status, reason) == (422, "dates_out_of_order") and "review_close_at" in errors
    assert refused(applications_open_at="2027-03-01T08:00:00")[1] == "validation_failed"  # no offset
    twice = [{"code": "c1", "name": {"vi": "A", "en": "A"}, "weight": 1, "max": 10}] * 2
    assert refused(criteria=twice)[:2] == (422, "criteria_invalid")
    assert refused(criteria=[{"code": "c1", "name": {"vi": "A", "en": "A"}, "weight": 1, "min": 5, "max": 5}])[1] == "criteria_invalid"
    assert refused(criteria=[{"code": "c1", "name": {"vi": "A", "en": "A"}, "weight": 0, "max": 10}])[1] == "validation_failed"
    cat = {"code": "x", "name": {"vi": "X", "en": "X"}, "awards": 1}
    assert refused(categories=[cat, cat])[:2] == (422, "categories_invalid")
    assert refused(applicants="everyone")[1] == "validation_failed"
    assert refused(title={"vi": "Chỉ tiếng Việt"})[1] == "validation_failed"
    assert refused(colour="blue")[1] == "validation_failed"
    api.create_programme()
    assert refused()[:2] == (409, "programme_exists")


def test_only_organisers_create_and_change(api):
    body = programme_body()
    assert api.client.post("/api/v1/programmes", json=body).status_code == 401
    assert api.client.post("/api/v1/programmes", json=body, headers=api.bearer("guess")).json["reason"] == "unauthenticated"
    slug = api.create_programme()
    api.open()
    holder = api.applied(slug)["manage_token"]
    answer = api.client.patch(f"/api/v1/programmes/{slug}", json={"blind": False}, headers=api.bearer(holder))
    assert (answer.status_code, answer.json["reason"]) == (403, "forbidden")  # a valid token, not an organiser's
    assert api.client.get(f"/api/v1/programmes/{slug}", headers=api.bearer(holder)).json.get("applications") is None


def test_changes_are_audited_and_may_not_break_accepted_applications(api):
    slug = api.create_programme()
    api.open()
    api.applied(slug, application_body(category="doi-moi"))
    person = application_body(applicant={"kind": "person", "name": "Nguyễn Văn Bình", "email": "binh@example.vn"},
                              category="moi-truong")
    api.applied(slug, person)

    def change(**fields):
        return api.client.patch(f"/api/v1/programmes/{slug}", json=fields, headers=api.admin)

    changed = change(title={"vi": "Giải thưởng Giáo dục Việt Nam 2027", "en": "Vietnam Education Awards 2027"},
                     applications_close_at=(OPENS + timedelta(days=70)).isoformat())
    assert changed.status_code == 200, changed.json
    assert changed.json["title"]["vi"] == "Giải thưởng Giáo dục Việt Nam 2027"
    assert changed.json["categories"][0]["code"] == "moi-truong"  # untouched fields stay

    categories = programme_body()["categories"]
    assert (change(categories=categories[:1]).json["reason"]) == "category_in_use"  # doi-moi has an application
    assert change(categories=categories[:2]).status_code == 200  # anh-huong had none
    refused = change(applicants="unit")
    assert (refused.status_code, refused.json["reason"]) == (409, "applicant_kind_in_use")
    assert change(applications_close_at=(OPENS - timedelta(days=1)).isoformat()).json["reason"] == "dates_out_of_order"
    assert change(slug="other").json["reason"] == "validation_failed"

    api.clock.advance(80 * 86400)  # applications closed: the jury scores on the criteria
    assert change(criteria=programme_body()["criteria"][:5]).json["reason"] == "criteria_locked"
    assert change(blind=False).status_code == 200

    with api.engine.connect() as conn:
        records = conn.execute(select(audit_records.c.action, audit_records.c.object_id, audit_records.c.detail)
                               .order_by(audit_records.c.id)).all()
    assert [(r.action, r.object_id) for r in records] == [("programme.created", slug)] + [("programme.changed", slug)] * 3
    assert "applications_close_at" in records[1].detail and "title" in records[1].detail
    assert "blind" in records[3].detail


def test_an_unknown_programme_is_not_found(api):
    assert api.client.get("/api/v1/programmes/khong-co").json["reason"] == "programme_not_found"
