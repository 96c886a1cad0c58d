"""The organisers' ranking over HTTP: weighted means and medians from the submitted reviews, the
jurors' disagreement, the proposed winners by the category's awards, a tie at the cut left to
the organiser, and applications nobody has scored yet listed apart."""
from __future__ import annotations

from sqlalchemy import select

from forumops_shared.audit import audit_records

from .conftest import programme_body
from .jury import REVIEW_CLOSES, close_applications, compute, full_scores, school
from .test_jury_api import jury_of_four, reviewers


def scored_programme(api):
    """Four schools in "doi-moi" (two awards): 90; 70 with its jurors far apart; 70; and one unscored."""
    body = programme_body()
    body["categories"][1]["awards"] = 2  # "doi-moi": two awards
    slug = api.create_programme(categories=body["categories"])
    api.open()
    jury = jury_of_four(api, slug)
    ids = {name: api.applied(slug, school(name))["id"] for name in (
        "Trường Tiểu học Hoa Mai", "Trường THCS Lê Lợi", "Trường THPT Nguyễn Du", "Trường Mầm non Sen Hồng")}
    close_applications(api)
    by_app = reviewers(compute(api, slug))
    token_of = {jury["_ids"][name]: token for name, token in jury.items() if name != "_ids"}
    given = {"Trường Tiểu học Hoa Mai": [9, 9, 9],  # 90
             "Trường THCS Lê Lợi": [4, 7, 10],  # 70, its jurors far apart
             "Trường THPT Nguyễn Du": [7, 7, 7]}  # 70: tied with Lê Lợi at the cut
    for name, values in given.items():
        for juror, value in zip(by_app[ids[name]], values):
            answer = api.client.put(f"/api/v1/applications/{ids[name]}/reviews/me", json={"scores": full_scores(value)},
                                    headers=api.bearer(token_of[juror]))
            assert answer.status_code == 200, answer.json

    return slug, ids, jury


def test_the_ranking_proposes_winners_by_quota_and_leaves_a_tie_at_the_cut_to_the_organiser(api):
    slug, ids, jury = scored_programme(api)

    answer = api.client.get(f"/api/v1/programmes/{slug}/ranking", headers=api.admin)

    assert answer.status_code == 200
    [category] = [c for c in answer.json["categories"] if c["code"] == "doi-moi"]
    assert category["awards"] == 2 and category["places_to_fill"] == 1
    ranked = {a["applicant"]: a for a in category["applications"]}
    places = [(a["applicant"], a["rank"], a["outcome"]) for a in category["applications"]]
    assert places[0] == ("Trường Tiểu học Hoa Mai", 1, "proposed")
    assert sorted(places[1:]) == [("Trường THCS Lê Lợi", 2, "tied"), ("Trường THPT Nguyễn Du", 2, "tied")]
    assert (ranked["Trường Tiểu học Hoa Mai"]["mean"], ranked["Trường THCS Lê Lợi"]["mean"]) == (90.0, 70.0)
    assert ranked["Trường THCS Lê Lợi"]["median"] == 70.0 and ranked["Trường THCS Lê Lợi"]["jurors_disagree"]
    assert not ranked["Trường THPT Nguyễn Du"]["jurors_disagree"]
    assert ranked["Trường THPT Nguyễn Du"]["reviews_done"] == ranked["Trường THPT Nguyễn Du"]["reviews_needed"] == 3
    assert [a["applicant"] for a in category["incomplete"]] == ["Trường Mầm non Sen Hồng"]
    # Organisers only.
    assert api.client.get(f"/api/v1/programmes/{slug}/ranking").status_code == 401
    assert api.client.get(f"/api/v1/programmes/{slug}/ranking",
                          headers=api.bearer(jury["Lê Thị Hoa"])).status_code == 403


def _decide(api, slug, winners, reason=None):
    body = {"winners": {"doi-moi": winners}, **({"reason": reason} if reason else {})}
    return api.client.put(f"/api/v1/programmes/{slug}/decisions", json=body, headers=api.admin)


def test_a_decision_departing_from_the_proposal_needs_a_reason_and_every_version_is_kept(api):
    slug, ids, _ = scored_programme(api)
    hoa_mai, le_loi, nguyen_du, sen_hong = (ids[n] for n in (
        "Trường Tiểu học Hoa Mai", "Trường THCS Lê Lợi", "Trường THPT Nguyễn Du", "Trường Mầm non Sen Hồng"))
    early = _decide(api, slug, [hoa_mai, le_loi])
    assert (early.status_code, early.json["reason"]) == (409, "review_not_closed")
    api.clock._now = REVIEW_CLOSES

    tie_chosen = _decide(api, slug, [hoa_mai, le_loi])  # choosing among the tied: no reason needed
    assert tie_chosen.status_code == 200 and tie_chosen.json["current"]["departures"] == {}
    too_many = _decide(api, slug, [hoa_mai, le_loi, nguyen_du])
    assert too_many.status_code == 422 and "doi-moi" in too_many.json["errors"]["winners"]
    unscored = _decide(api, slug, [sen_hong])
    assert unscored.status_code == 422
    against = _decide(api, slug, [le_loi, nguyen_du])  # Hoa Mai, proposed, left out
    assert (against.status_code, against.json["reason"]) == (422, "reason_required")
    assert against.json["detail"]["departures"]["doi-moi"]["left_out"] == [hoa_mai]
    changed = _decide(api, slug, [le_loi, nguyen_du], reason="Hồ sơ Hoa Mai trùng với giải năm trước.")
    assert changed.status_code == 200

    kept = api.client.get(f"/api/v1/programmes/{slug}/decisions", headers=api.admin).json
    assert [v["version"] for v in kept["history"]] == [2, 1]
    assert kept["current"]["winners"] == {"doi-moi": [le_loi, nguyen_du]}
    assert kept["current"]["reason"] == "Hồ sơ Hoa Mai trùng với giải năm trước."
    with api.engine.connect() as conn:
        audited = [r for r in conn.execute(select(audit_records)).all() if r.action == "decisions.changed"]
    assert len(audited) == 2 and all("Hoa Mai" not in (r.detail or "") for r in audited)
