"""What awards keeps to itself: one status per refusal of a caller on every authenticated path,
answers no cache keeps, and an OpenAPI document that describes every route."""
from awards.api.openapi import ROUTES

from ..support.callers import authenticated_calls, mismatches, refusals
from ..support.openapi_check import undescribed_routes
from .conftest import pdf_bytes
from .jury import full_scores, invite, juror_body, token_of

REFUSED = {"no token": (401, "unauthenticated"), "a wrong token": (401, "unauthenticated"),
           "another party's token": (403, "forbidden")}


def test_every_authenticated_path_refuses_a_missing_or_wrong_token_with_401_and_another_partys_with_403(api):
    slug = api.create_programme()
    api.open()
    mine, theirs = api.applied(slug, files=[("a.pdf", pdf_bytes())]), api.applied(slug)
    juror = invite(api, slug, juror_body("Đặng Thùy Trâm", "Bệnh viện Đức Phổ"))
    calls = authenticated_calls(ROUTES, {"slug": slug, "application_id": mine["id"], "juror_id": juror,
                                         "attachment_id": mine["attachments"][0]["id"]})
    assert {c.caller for c in calls} == {"admin", "holder", "reader", "juror"}
    bodies = {f"/applications/{mine['id']}": {"title": "Sửa"}, f"/programmes/{slug}": {"blind": False},
              "/jurors": juror_body("Tôn Thất Tùng", "Bệnh viện Việt Đức"), "/reviews/me": {"scores": full_scores()}}
    tokens = {"no token": None, "a wrong token": "x" * 43, "another party's token": theirs["manage_token"]}
    assert mismatches(refusals(api.client, calls, tokens, bodies), REFUSED) == []
    assert mismatches(refusals(api.client, calls, {"no token": None}), REFUSED) == []  # no body: the caller first
    holder_only = [c for c in calls if c.caller in ("holder", "juror")]  # an organiser is valid, not the holder nor a juror
    assert mismatches(refusals(api.client, holder_only, {"another party's token": api.admin["Authorization"][7:]},
                               bodies), REFUSED) == []
    not_a_jurors = [c for c in calls if c.caller in ("admin", "holder", "reader")]  # a juror of nothing here
    assert mismatches(refusals(api.client, not_a_jurors, {"another party's token": token_of(api, juror)}, bodies),
                      REFUSED) == []


def test_every_answer_with_a_token_or_personal_data_is_kept_out_of_caches(api):
    slug = api.create_programme()
    api.open()
    created = api.apply(slug, files=[("a.pdf", pdf_bytes())])
    holder = api.bearer(created.json["manage_token"])
    file_url = f"/api/v1/applications/{created.json['id']}/attachments/{created.json['attachments'][0]['id']}"
    answers = {"the submission (its manage token)": created,
               "the holder's view": api.client.get(f"/api/v1/applications/{created.json['id']}", headers=holder),
               "the list": api.client.get(f"/api/v1/programmes/{slug}/applications", headers=api.admin),
               "the programme": api.client.get(f"/api/v1/programmes/{slug}"),
               "a refusal": api.client.get(f"/api/v1/programmes/{slug}/applications")}
    for kind, answer in answers.items():
        assert answer.headers.get("Cache-Control") == "no-store", kind
        assert answer.headers.get("X-Content-Type-Options") == "nosniff", kind
    download = api.client.get(file_url, headers=holder)
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_the_openapi_document_describes_every_route(api):
    assert undescribed_routes(api.app) == []
    document = api.client.get("/api/v1/openapi.json").json
    apply = document["paths"]["/api/v1/programmes/{slug}/applications"]["post"]
    assert set(apply["requestBody"]["content"]) == {"multipart/form-data", "application/json"}
    assert "attachment_type_not_allowed" in apply["responses"]["422"]["description"]
