"""The organisers' ranking over HTTP: weighted means and medians from the submitted reviews, the
jurors' disagreement, the proposed winners by the category's awards, a tie at the cut left to
the organiser, and applications nobody has scored yet listed apart."""
from __future__ import annotations

from .conftest import programme_body
from .jury import close_applications, compute, full_scores, school
from .test_jury_api import jury_of_four, reviewers


def test_the_ranking_proposes_winners_by_quota_and_leaves_a_tie_at_the_cut_to_the_organiser(api):
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
