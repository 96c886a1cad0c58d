"""Applying over HTTP: the window, the refusals, idempotency, the holder's edits, attachments."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta

from sqlalchemy import select

from awards.app import create_app
from awards.tables import applications
from forumops_shared.db import make_engine
from forumops_shared.service_app import close_service_app

from .conftest import OPENS, Api, application_body, image_bytes, pdf_bytes


def test_an_application_with_three_attachments_is_received_and_its_holder_reads_it(api):
    slug = api.create_programme()
    api.open()
    pdf, png, jpeg = pdf_bytes(), image_bytes("PNG"), image_bytes("JPEG")
    created = api.apply(slug, application_body(title="Trường học hạnh phúc"),
                        files=[("Báo cáo tổng kết năm học.pdf", pdf, "application/pdf"), ("ảnh lớp học.png", png),
                               ("hoạt động.jpg", jpeg)])
    assert created.status_code == 201, created.json
    body = created.json
    assert re.fullmatch(r"[0-9a-f]{24}", body["id"]) and len(body["manage_token"]) >= 40
    assert [(a["file_name"], a["content_type"], a["size"]) for a in body["attachments"]] == [
        ("Báo cáo tổng kết năm học.pdf", "application/pdf", len(pdf)), ("ảnh lớp học.png", "image/png", len(png)),
        ("hoạt động.jpg", "image/jpeg", len(jpeg))]
    seen = api.client.get(f"/api/v1/applications/{body['id']}", headers=api.bearer(body["manage_token"]))
    assert seen.status_code == 200 and seen.json["title"] == "Trường học hạnh phúc" and "manage_token" not in seen.json
    with api.engine.connect() as conn:  # the token is kept only as its hash
        stored = conn.execute(select(applications)).one()
    assert body["manage_token"] not in json.dumps([str(v) for v in stored])

    first = body["attachments"][0]
    download = api.client.get(f"/api/v1/applications/{body['id']}/attachments/{first['id']}",
                              headers=api.bearer(body["manage_token"]))
    assert download.status_code == 200 and download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%E1%BB%95ng%20k%E1%BA%BFt" in download.headers["Content-Disposition"]
    # kept outside the database, never under the uploaded name
    files = [p for p in (api.context.config.files_dir).rglob("*") if p.is_file()]
    assert len(files) == 3 and not any("Báo cáo" in str(p) for p in files)
    assert {p.read_bytes() for p in files} == {pdf, png, jpeg}


def test_ids_are_random_not_sequential(api):
    slug = api.create_programme()
    api.open()
    ids = [api.applied(slug)["id"] for _ in range(3)]
    assert all(re.fullmatch(r"[0-9a-f]{24}", i) for i in ids) and len(set(ids)) == 3
    numbers = [int(i, 16) for i in ids]
    assert {b - a for a, b in zip(numbers, numbers[1:])} != {1}  # no neighbour to guess from


def test_applying_outside_the_window_is_refused_with_the_date(api):
    slug = api.create_programme()
    early = api.apply(slug)
    assert (early.status_code, early.json["reason"]) == (409, "applications_not_open")
    assert early.json["detail"]["applications_open"] == OPENS.isoformat()
    api.clock._now = OPENS  # the window holds its start
    assert api.apply(slug).status_code == 201
    api.clock._now = OPENS + timedelta(days=60)  # ...not its end
    late = api.apply(slug)
    assert (late.status_code, late.json["reason"]) == (409, "applications_closed")
    assert late.json["detail"]["applications_close"] == (OPENS + timedelta(days=60)).isoformat()


def test_each_bad_submission_is_refused_with_its_reason(api):
    slug = api.create_programme(applicants="unit")
    api.open()

    def reason(body=None, files=(), **kwargs):
        answer = api.apply(slug, body, files, **kwargs)
        return answer.status_code, answer.json["reason"]

    assert reason(application_body(category="the-thao")) == (422, "unknown_category")
    person = {"kind": "person", "name": "Lê Thị Hoa", "email": "hoa@example.vn"}
    assert reason(application_body(applicant=person)) == (422, "applicant_kind_not_allowed")
    assert reason(application_body(consent=False)) == (422, "consent_required")
    assert reason(application_body(consent="yes")) == (422, "validation_failed")
    assert reason(application_body(language="fr")) == (422, "validation_failed")
    assert reason(raw_part="{not json") == (400, "malformed_json")
    six = [(f"trang-{n}.pdf", pdf_bytes()) for n in range(6)]
    assert reason(files=six) == (422, "too_many_attachments")
    html = b"<!doctype html><script>alert(1)</script>"
    assert reason(files=[("ho-so.pdf", html, "application/pdf")]) == (422, "attachment_type_not_allowed")
    assert reason(files=[("tai-lieu.docx", b"PK\x03\x04 a word file")]) == (422, "attachment_type_not_allowed")
    assert reason(files=[("rong.pdf", b"")]) == (422, "attachment_empty")
    unit = application_body(applicant={"kind": "unit", "name": "Trường A", "email": "a@example.vn"})
    assert reason(unit) == (422, "validation_failed")  # a unit names its organisation
    no_part = api.client.post(f"/api/v1/programmes/{slug}/applications", data={"other": "x"},
                              content_type="multipart/form-data")
    assert no_part.json["reason"] == "validation_failed" and "application" in no_part.json["errors"]
    assert api.client.post(f"/api/v1/programmes/{slug}/applications", data="x",
                           content_type="text/plain").json["reason"] == "unsupported_media_type"
    with api.engine.connect() as conn:  # nothing refused was stored
        assert conn.execute(select(applications.c.id)).all() == []


def test_an_attachment_over_the_limit_is_refused(awards_settings, clock):
    settings = awards_settings(AWARDS_ATTACHMENT_LIMIT="2000")
    api = Api(create_app(settings, clock=clock), make_engine(settings.database_url), clock)
    slug = api.create_programme()
    api.open()
    big = pdf_bytes() + b"%" * 2000
    answer = api.apply(slug, files=[("lon.pdf", big)])
    assert (answer.status_code, answer.json["reason"]) == (413, "attachment_too_large")
    assert answer.json["detail"]["limit"] == 2000
    assert api.apply(slug, files=[("nho.png", image_bytes())]).status_code == 201
    # a body beyond five attachments at their limit is cut off before it is read
    far_too_big = api.apply(slug, files=[("x.pdf", b"%PDF-" + b"0" * 40_000)] * 5)
    assert (far_too_big.status_code, far_too_big.json["reason"]) == (413, "body_too_large")
    close_service_app(api.app)
    api.engine.dispose()


def test_the_type_comes_from_the_content_not_the_name_or_declared_type(api):
    slug = api.create_programme()
    api.open()
    png = image_bytes("PNG")
    created = api.applied(slug, files=[("ban-scan.pdf", png, "application/pdf")])
    [kept] = created["attachments"]
    assert (kept["file_name"], kept["content_type"]) == ("ban-scan.pdf", "image/png")  # accepted as what it is
    download = api.client.get(f"/api/v1/applications/{created['id']}/attachments/{kept['id']}", headers=api.admin)
    assert download.headers["Content-Type"] == "image/png" and download.data == png
    jpeg_named_png = api.applied(slug, files=[("anh.png", image_bytes("JPEG"), "image/png")])
    assert jpeg_named_png["attachments"][0]["content_type"] == "image/jpeg"


def test_the_same_applicant_category_and_title_twice_is_a_duplicate_until_withdrawn(api):
    slug = api.create_programme()
    api.open()
    body = application_body(title="Thư viện xanh")
    first = api.applied(slug, body)
    again = {**body, "applicant": {**body["applicant"], "email": body["applicant"]["email"].upper()},
             "title": "  THƯ VIỆN   xanh "}
    twice = api.apply(slug, again)
    assert (twice.status_code, twice.json["reason"]) == (409, "duplicate_application")
    assert api.apply(slug, {**body, "category": "moi-truong"}).status_code == 201  # another category: another application
    api.client.post(f"/api/v1/applications/{first['id']}/withdraw", headers=api.bearer(first["manage_token"]))
    assert api.apply(slug, body).status_code == 201  # withdrawn: may apply again


def test_the_same_idempotency_key_and_body_get_the_same_answer(api):
    slug = api.create_programme()
    api.open()
    body, files = application_body(), [("bao-cao.pdf", pdf_bytes())]
    key = {"Idempotency-Key": "c0ffee-1"}
    first = api.apply(slug, body, files, headers=key)
    again = api.apply(slug, body, files, headers=key)
    assert first.status_code == again.status_code == 201 and first.json == again.json
    api.clock._now = OPENS + timedelta(days=61)  # applications closed: a retry still gets its answer
    late_retry = api.apply(slug, body, files, headers=key)
    assert late_retry.status_code == 201 and late_retry.json["id"] == first.json["id"]
    api.open()
    other = api.apply(slug, {**body, "title": "Khác"}, files, headers=key)
    assert (other.status_code, other.json["reason"]) == (422, "idempotency_key_reused")
    other_file = api.apply(slug, body, [("bao-cao.pdf", pdf_bytes("khác"))], headers=key)
    assert other_file.json["reason"] == "idempotency_key_reused"
    with api.engine.connect() as conn:
        assert len(conn.execute(select(applications.c.id)).all()) == 1
    # without a key, the same body again is a duplicate
    assert api.apply(slug, body, files).json["reason"] == "duplicate_application"


def test_the_holder_edits_until_applications_close(api):
    slug = api.create_programme()
    api.open()
    created = api.applied(slug, files=[("bao-cao.pdf", pdf_bytes())])
    holder, url = api.bearer(created["manage_token"]), f"/api/v1/applications/{created['id']}"
    edited = api.client.patch(url, json={"title": "Lớp học đảo ngược (bản sửa)", "category": "anh-huong"}, headers=holder)
    assert edited.status_code == 200, edited.json
    assert (edited.json["title"], edited.json["category"]) == ("Lớp học đảo ngược (bản sửa)", "anh-huong")
    assert edited.json["summary"] == created["summary"]
    assert api.client.patch(url, json={"category": "khong-co"}, headers=holder).json["reason"] == "unknown_category"
    assert api.client.patch(url, json={"consent": False}, headers=holder).json["reason"] == "validation_failed"

    added = api.client.post(f"{url}/attachments", headers=holder, content_type="multipart/form-data",
                            data={"files": [(io.BytesIO(image_bytes()), "ảnh.png")]})
    assert added.status_code == 201 and added.json["attachments"][0]["content_type"] == "image/png"
    first = created["attachments"][0]["id"]
    assert api.client.delete(f"{url}/attachments/{first}", headers=holder).status_code == 204
    shown = api.client.get(url, headers=holder).json
    assert [a["file_name"] for a in shown["attachments"]] == ["ảnh.png"]
    assert api.client.get(f"{url}/attachments/{first}", headers=holder).json["reason"] == "attachment_not_found"
    five_more = [(io.BytesIO(pdf_bytes(str(n))), f"{n}.pdf") for n in range(5)]
    too_many = api.client.post(f"{url}/attachments", headers=holder, content_type="multipart/form-data",
                               data={"files": five_more})
    assert too_many.json["reason"] == "too_many_attachments"

    api.clock._now = OPENS + timedelta(days=60)
    late = api.client.patch(url, json={"title": "Muộn"}, headers=holder)
    assert (late.status_code, late.json["reason"]) == (409, "applications_closed")
    assert api.client.delete(f"{url}/attachments/{shown['attachments'][0]['id']}",
                             headers=holder).json["reason"] == "applications_closed"


def test_the_holder_withdraws_until_the_review_closes(api):
    slug = api.create_programme()
    api.open()
    early, late = api.applied(slug), api.applied(slug)
    withdrawn = api.client.post(f"/api/v1/applications/{early['id']}/withdraw", headers=api.bearer(early["manage_token"]))
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn" and withdrawn.json["withdrawn_at"]
    again = api.client.post(f"/api/v1/applications/{early['id']}/withdraw", headers=api.bearer(early["manage_token"]))
    assert again.json["reason"] == "application_withdrawn"
    assert api.client.patch(f"/api/v1/applications/{early['id']}", json={"title": "x"},
                            headers=api.bearer(early["manage_token"])).json["reason"] == "application_withdrawn"
    api.clock._now = OPENS + timedelta(days=75)  # in review: still possible
    assert api.client.post(f"/api/v1/applications/{late['id']}/withdraw",
                           headers=api.bearer(late["manage_token"])).status_code == 200
    last = api.client.get(f"/api/v1/programmes/{slug}", headers=api.admin).json["applications"]
    assert last == {"submitted": 0, "withdrawn": 2}
    api.clock._now = OPENS + timedelta(days=90)  # review closed
    third = api.client.post(f"/api/v1/applications/{early['id']}/withdraw", headers=api.bearer(early["manage_token"]))
    assert third.json["reason"] == "application_withdrawn"


def test_only_the_holder_and_organisers_reach_an_application_and_its_files(api):
    slug = api.create_programme()
    api.open()
    mine = api.applied(slug, files=[("bao-cao.pdf", pdf_bytes())])
    theirs = api.applied(slug)
    url = f"/api/v1/applications/{mine['id']}"
    file_url = f"{url}/attachments/{mine['attachments'][0]['id']}"
    for path in (url, file_url):
        assert api.client.get(path).status_code == 401
        assert api.client.get(path, headers=api.bearer("not-a-token")).json["reason"] == "unauthenticated"
        other = api.client.get(path, headers=api.bearer(theirs["manage_token"]))
        assert (other.status_code, other.json["reason"]) == (403, "forbidden")
        assert api.client.get(path, headers=api.admin).status_code == 200
        assert api.client.get(path, headers=api.bearer(mine["manage_token"])).status_code == 200
    # the holder only edits and withdraws: an organiser's token is valid, not the holder's
    assert api.client.patch(url, json={"title": "x"}, headers=api.admin).status_code == 403
    assert api.client.post(f"{url}/withdraw", headers=api.admin).status_code == 403
    assert api.client.post(f"{url}/withdraw", headers=api.bearer(theirs["manage_token"])).status_code == 403
    # an unknown application: the same as someone else's for a holder, not found for organisers
    assert api.client.get("/api/v1/applications/ffffffffffffffffffffffff", headers=api.bearer(theirs["manage_token"])).status_code == 403
    assert api.client.get("/api/v1/applications/ffffffffffffffffffffffff", headers=api.admin).json["reason"] == "application_not_found"
    # someone else's attachment id under my application is not found
    assert api.client.get(f"/api/v1/applications/{theirs['id']}/attachments/{mine['attachments'][0]['id']}",
                          headers=api.admin).json["reason"] == "attachment_not_found"


def test_organisers_list_a_programmes_applications_a_page_at_a_time(api):
    slug = api.create_programme()
    api.open()
    ids = [api.applied(slug, application_body(category="doi-moi" if n % 2 else "moi-truong"))["id"] for n in range(5)]
    url = f"/api/v1/programmes/{slug}/applications"
    assert api.client.get(url).status_code == 401
    first = api.client.get(url, query_string={"limit": 2}, headers=api.admin).json
    assert [a["id"] for a in first["applications"]] == ids[:2] and first["next_after"]
    rest = api.client.get(url, query_string={"limit": 10, "after": first["next_after"]}, headers=api.admin).json
    assert [a["id"] for a in rest["applications"]] == ids[2:] and rest["next_after"] is None
    innovation = api.client.get(url, query_string={"category": "doi-moi"}, headers=api.admin).json
    assert [a["id"] for a in innovation["applications"]] == ids[1::2]
    assert "manage_token" not in json.dumps(first)


def test_files_are_owner_only_and_leave_the_disk_with_their_attachment_or_a_refusal(api):
    slug = api.create_programme()
    api.open()
    root = api.context.config.files_dir

    def on_disk():
        return sorted(p for p in root.rglob("*") if p.is_file())

    body = application_body()
    created = api.applied(slug, body, files=[("a.pdf", pdf_bytes()), ("b.png", image_bytes())])
    kept = on_disk()
    assert len(kept) == 2 and all(p.stat().st_mode & 0o777 == 0o600 for p in kept)
    assert root.stat().st_mode & 0o777 == 0o700 and all(p.parent.stat().st_mode & 0o777 == 0o700 for p in kept)
    assert api.apply(slug, body, files=[("c.pdf", pdf_bytes("c"))]).json["reason"] == "duplicate_application"
    assert on_disk() == kept  # the refused submission's file is gone again
    holder = api.bearer(created["manage_token"])
    api.client.delete(f"/api/v1/applications/{created['id']}/attachments/{created['attachments'][0]['id']}",
                      headers=holder)
    assert len(on_disk()) == 1 and on_disk()[0].read_bytes() == image_bytes()


def test_the_public_may_apply_only_so_often_from_one_address(awards_settings, clock):
    settings = awards_settings(AWARDS_APPLY_RATE_LIMIT="2/minute")
    api = Api(create_app(settings, clock=clock), make_engine(settings.database_url), clock)
    slug = api.create_programme()
    api.open()
    assert [api.apply(slug).status_code for _ in range(3)] == [201, 201, 429]
    close_service_app(api.app)
    api.engine.dispose()


def test_an_application_without_files_may_come_as_plain_json(api):
    slug = api.create_programme()
    api.open()
    answer = api.client.post(f"/api/v1/programmes/{slug}/applications", json=application_body())
    assert answer.status_code == 201 and answer.json["attachments"] == [] and answer.json["manage_token"]


def test_an_edit_is_held_to_the_programmes_rules(api):
    slug = api.create_programme(applicants="unit")
    api.open()
    first, second = api.applied(slug), api.applied(slug)
    holder, url = api.bearer(second["manage_token"]), f"/api/v1/applications/{second['id']}"
    person = {"kind": "person", "name": "Lê Thị Hoa", "email": "hoa@example.vn"}
    assert api.client.patch(url, json={"applicant": person}, headers=holder).json["reason"] == "applicant_kind_not_allowed"
    same = {"applicant": first["applicant"], "title": first["title"].upper()}
    assert api.client.patch(url, json=same, headers=holder).json["reason"] == "duplicate_application"
    assert api.client.patch(url, json={"title": second["title"].upper()}, headers=holder).status_code == 200  # itself
