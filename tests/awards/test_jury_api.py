"""The jury over HTTP: the assignment computed and stored, conflicts handed over, reviews scored
and changed until the review closes, and what a juror may read."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from forumops_shared.audit import audit_records

from .conftest import pdf_bytes
from .jury import (REVIEW_CLOSES, close_applications, compute, full_scores, invite, juror_body, queue, school,
                   token_of)

CVA = "Trường THPT Chu Văn An"


def jury_of_four(api, slug, categories=("doi-moi",)) -> dict[str, str]:
    """Four jurors of `categories` (one from Chu Văn An): their tokens by name."""
    names = {"Nguyễn Văn Bình": CVA, "Lê Thị Hoa": "Sở GD&ĐT Huế", "Phạm Quốc Anh": "Đại học Sư phạm",
             "Vũ Minh Tâm": "Viện Khoa học Giáo dục"}
    ids = {name: invite(api, slug, juror_body(name, organisation, categories)) for name, organisation in names.items()}
    return {name: token_of(api, juror_id) for name, juror_id in ids.items()} | {"_ids": ids}


def reviewers(assignment: dict) -> dict[str, list[str]]:
    return {a["application"]: [r["juror"] for r in a["reviewers"]] for a in assignment["assignments"]}


def test_the_assignment_gives_each_application_its_reviews_balanced_and_never_to_its_own_organisation(api):
    slug = api.create_programme()
    api.open()
    jury = jury_of_four(api, slug)
    lone = invite(api, slug, juror_body("Đỗ Hải Yến", "Báo Giáo dục", ("anh-huong",)))
    own = [api.applied(slug, school(CVA, title=f"Sân trường xanh {i}"))["id"] for i in range(2)]
    others = [api.applied(slug, school(f"Trường Tiểu học số {i}"))["id"] for i in range(4)]
    influence = api.applied(slug, school("Trường Mầm non Hoa Sen", category="anh-huong"))["id"]
    gone = api.applied(slug, school("Trường THCS Rút Lui"))
    api.client.post(f"/api/v1/applications/{gone['id']}/withdraw", headers=api.bearer(gone["manage_token"]))

    early = api.client.post(f"/api/v1/programmes/{slug}/assignments", headers=api.admin)
    assert early.status_code == 409 and early.json["reason"] == "assignment_not_open"
    close_applications(api)
    computed = compute(api, slug)

    assert computed["applications"] == 7 and computed["reviews"] == 6 * 3 + 1 and computed["added"] == 19
    by_app = reviewers(computed)
    assert gone["id"] not in by_app  # withdrawn: dropped out
    assert all(len(set(by_app[a])) == 3 for a in own + others)
    cva_juror = jury["_ids"]["Nguyễn Văn Bình"]
    assert not any(cva_juror in by_app[a] for a in own)
    loads = {entry["juror"]: entry["load"] for entry in computed["loads"]}
    doi_moi = [loads[j] for j in jury["_ids"].values()]
    assert sum(doi_moi) == 18 and max(doi_moi) - min(doi_moi) <= 1 and loads[lone] == 1
    assert computed["short"] == [{"application": influence, "category": "anh-huong", "needed": 3, "assigned": 1,
                                  "jurors_in_category": 1, "own_organisation": 0, "conflicts": 0,
                                  "reason": "not_enough_eligible_jurors"}]

    again = compute(api, slug)  # nothing moves on a recomputation
    assert again["added"] == 0 and again["released"] == [] and reviewers(again) == by_app
    listed = api.client.get(f"/api/v1/programmes/{slug}/assignments", headers=api.admin).json
    assert reviewers(listed) == by_app and listed["short"][0]["application"] == influence
    jurors = api.client.get(f"/api/v1/programmes/{slug}/jurors", headers=api.admin).json["jurors"]
    assert {j["id"]: j["load"] for j in jurors} == loads
    assert Counter(len(queue(api, jury[name])["assignments"]) for name in jury if name != "_ids") == Counter(doi_moi)


def test_a_declared_conflict_hands_the_review_to_another_juror_at_once(api):
    slug = api.create_programme()
    api.open()
    jury = jury_of_four(api, slug)
    application = api.applied(slug, school("Trường THCS Nguyễn Du"))["id"]
    close_applications(api)
    before = reviewers(compute(api, slug))[application]
    ids = jury["_ids"]
    conflicted = next(name for name in ids if ids[name] in before)
    outsider = next(name for name in ids if ids[name] not in before)

    declared = api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(jury[conflicted]),
                              json={"conflict": True, "reason": "Tôi từng là giáo viên của trường."})
    assert declared.status_code == 200, declared.json
    assert declared.json["state"] == "conflict" and declared.json["replaced"] is True
    after = reviewers(api.client.get(f"/api/v1/programmes/{slug}/assignments", headers=api.admin).json)[application]
    assert sorted(after) == sorted(set(before) - {ids[conflicted]} | {ids[outsider]})
    assert queue(api, jury[conflicted])["assignments"] == []
    assert [a["id"] for a in queue(api, jury[outsider])["assignments"]] == [application]
    assert api.client.get(f"/api/v1/applications/{application}", headers=api.bearer(jury[conflicted])).status_code == 403
    assert ids[conflicted] not in reviewers(compute(api, slug))[application]  # the conflict stays declared

    scorer = next(name for name in ids if ids[name] in after and name != outsider)
    api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(jury[scorer]),
                   json={"scores": full_scores()})
    late = api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(jury[scorer]),
                          json={"conflict": True, "reason": "Nhớ ra muộn."})
    assert late.status_code == 409 and late.json["reason"] == "review_already_submitted"


def test_scores_are_checked_against_the_criteria_and_can_change_until_the_review_closes(api):
    slug = api.create_programme()
    api.open()
    jury = jury_of_four(api, slug)
    application = api.applied(slug, school("Trường THPT Lê Quý Đôn"))["id"]
    close_applications(api)
    assigned = reviewers(compute(api, slug))[application]
    token = next(jury[name] for name, juror_id in jury["_ids"].items() if juror_id in assigned)
    url, me = f"/api/v1/applications/{application}/reviews/me", api.bearer(token)

    def refused(scores):
        answer = api.client.put(url, headers=me, json={"scores": scores})
        return answer.status_code, answer.json["reason"], sorted(answer.json["errors"]["scores"])
    assert refused({**full_scores(), "c7": 5}) == (422, "unknown_criterion", ["c7"])
    assert refused({k: v for k, v in full_scores().items() if k != "c3"}) == (422, "criterion_not_scored", ["c3"])
    assert refused({**full_scores(), "c2": 11, "c5": -1}) == (422, "score_out_of_range", ["c2", "c5"])
    assert refused({**full_scores(), "c2": "9"}) == (422, "score_out_of_range", ["c2"])
    assert api.client.get(url, headers=me).json["state"] == "assigned"

    first = api.client.put(url, headers=me, json={"scores": full_scores(10), "comment": "Mô hình tốt."})
    assert first.status_code == 200 and first.json["state"] == "submitted" and first.json["score"] == 100
    api.clock._now = REVIEW_CLOSES - timedelta(minutes=1)
    changed = api.client.put(url, headers=me, json={"scores": {**full_scores(10), "c1": 4}})
    assert changed.status_code == 200 and changed.json["scores"]["c1"] == 4 and changed.json["comment"] is None
    assert changed.json["score"] == 82.0  # c1 weighs 3 of 10: 100 - 30 · 6/10
    api.clock._now = REVIEW_CLOSES
    closed = api.client.put(url, headers=me, json={"scores": full_scores(1)})
    assert closed.status_code == 409 and closed.json["reason"] == "review_closed"
    mine = api.client.get(url, headers=me).json
    assert mine["scores"] == {**full_scores(10), "c1": 4} and mine["state"] == "submitted"
    item = queue(api, token)["assignments"][0]
    assert item["review"]["scores"]["c1"] == 4 and item["review"]["state"] == "submitted"


def test_a_juror_reads_only_what_is_assigned_to_them_and_only_their_own_review(api):
    slug = api.create_programme()
    api.open()
    jury = jury_of_four(api, slug, categories=("doi-moi",))
    stranger = token_of(api, invite(api, slug, juror_body("Đỗ Hải Yến", "Báo Giáo dục", ("anh-huong",))))
    applied = api.applied(slug, school("Trường THPT Trần Phú"), files=[("ke-hoach.pdf", pdf_bytes())])
    application, file_id = applied["id"], applied["attachments"][0]["id"]
    close_applications(api)
    assigned = reviewers(compute(api, slug))[application]
    reviewer = next(jury[name] for name, juror_id in jury["_ids"].items() if juror_id in assigned)
    api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(reviewer),
                   json={"scores": full_scores(9), "comment": "Rất thuyết phục."})

    urls = [f"/api/v1/applications/{application}", f"/api/v1/applications/{application}/attachments/{file_id}",
            f"/api/v1/applications/{application}/reviews/me"]
    for url in urls:
        assert api.client.get(url, headers=api.bearer(reviewer)).status_code == 200, url
        answer = api.client.get(url, headers=api.bearer(stranger))
        assert (answer.status_code, answer.json["reason"]) == (403, "forbidden"), url
        assert api.client.get(url, headers=api.bearer("j" * 43)).status_code == 401
    put = api.client.put(urls[2], headers=api.bearer(stranger), json={"scores": full_scores()})
    assert put.status_code == 403
    assert queue(api, stranger)["assignments"] == []
    # a fellow reviewer of the same application sees their own (empty) review, never the other's scores
    fellow = next(jury[name] for name, juror_id in jury["_ids"].items() if juror_id in assigned and jury[name] != reviewer)
    theirs = api.client.get(urls[2], headers=api.bearer(fellow)).json
    assert theirs["state"] == "assigned" and theirs["scores"] is None and theirs["comment"] is None
    assert "Rất thuyết phục" not in str(queue(api, fellow))
    # a manage token is no juror's
    holder = api.client.get("/api/v1/jurors/me/assignments", headers=api.bearer(applied["manage_token"]))
    assert holder.status_code == 403


def test_an_application_withdrawn_during_the_review_leaves_the_jurors_queues(api):
    slug = api.create_programme(reviews_per_application=2)
    api.open()
    jury = jury_of_four(api, slug)
    kept = api.applied(slug, school("Trường THPT Phan Bội Châu"))["id"]
    leaving = api.applied(slug, school("Trường THPT Huỳnh Thúc Kháng"))
    close_applications(api)
    assigned = reviewers(compute(api, slug))[leaving["id"]]
    token = next(jury[name] for name, juror_id in jury["_ids"].items() if juror_id in assigned)
    withdrawn = api.client.post(f"/api/v1/applications/{leaving['id']}/withdraw", headers=api.bearer(leaving["manage_token"]))
    assert withdrawn.status_code == 200

    assert leaving["id"] not in [a["id"] for a in queue(api, token)["assignments"]]
    assert api.client.get(f"/api/v1/applications/{leaving['id']}", headers=api.bearer(token)).status_code == 403
    again = compute(api, slug)
    assert {(r["application"], r["reason"]) for r in again["released"]} == {(leaving["id"], "application_gone")}
    assert list(reviewers(again)) == [kept] and again["reviews"] == 2


def test_organiser_acts_are_audited_without_names_or_scores(api):
    slug = api.create_programme()
    api.open()
    jury = jury_of_four(api, slug)
    application = api.applied(slug, school("Trường THPT Nguyễn Huệ"))["id"]
    close_applications(api)
    assigned = reviewers(compute(api, slug))[application]
    token = next(jury[name] for name, juror_id in jury["_ids"].items() if juror_id in assigned)
    api.client.put(f"/api/v1/applications/{application}/reviews/me", headers=api.bearer(token),
                   json={"scores": full_scores(8), "comment": "Rất hay"})
    api.client.post(f"/api/v1/programmes/{slug}/jurors/{jury['_ids']['Lê Thị Hoa']}/invitation", headers=api.admin)
    with api.engine.connect() as conn:
        rows = conn.execute(select(audit_records)).mappings().all()
    assert Counter(r["action"] for r in rows) >= Counter({"juror.invited": 4, "juror.reinvited": 1, "assignment.computed": 1})
    computed = next(r for r in rows if r["action"] == "assignment.computed")
    assert computed["object_id"] == slug and computed["count"] == 3
    recorded = json.dumps([dict(r) for r in rows], default=str, ensure_ascii=False)
    assert not [word for word in ("Lê Thị Hoa", "hoidong.example.vn", "Rất hay", "Nguyễn Huệ", '"c1"') if word in recorded]
