"""The jury's assignment in the cases organisers and jurors meet (awards.domain.assignment);
the guarantees over random programmes are in test_assignment_properties.py."""
import unicodedata
from collections import Counter

import pytest

from awards.domain.assignment import Application, Juror, Review, assign, normalise_organisation
from awards.domain.balance import Placement, even_out

INNOVATION = "innovation"


def jurors(count, category=INNOVATION, organisation="Đại học Sư phạm {n}"):
    return [Juror(f"juror-{n:02d}", organisation.format(n=n), frozenset({category})) for n in range(count)]


def applications(count, category=INNOVATION, organisation="Trường THPT số {n}"):
    return [Application(f"app-{n:03d}", category, organisation.format(n=n), "Hà Nội") for n in range(count)]


def reviewers_of(result):
    found = {}
    for application, juror in result.pairs:
        found.setdefault(application, set()).add(juror)
    return found


def test_every_application_gets_three_reviews_from_distinct_jurors_and_loads_differ_by_one_at_most():
    result = assign(applications(20), jurors(7))
    assert all(len(found) == 3 for found in reviewers_of(result).values()) and len(result.pairs) == 60
    assert sorted(result.loads.values()) == [8, 8, 8, 9, 9, 9, 9] and result.short == ()


def test_nobody_reviews_an_application_of_their_own_organisation_however_it_is_written():
    written = unicodedata.normalize("NFD", "  trường THPT   CHU VĂN AN ")
    panel = [Juror("juror-own", written, frozenset({INNOVATION}))] + jurors(3)
    result = assign([Application("app-cva", INNOVATION, "Trường THPT Chu Văn An")], panel)
    assert reviewers_of(result)["app-cva"] == {"juror-00", "juror-01", "juror-02"}
    assert normalise_organisation(written) == normalise_organisation("Trường THPT Chu Văn An")


def test_an_applicant_without_an_organisation_shares_it_with_nobody():
    panel = [Juror("juror-none", "", frozenset({INNOVATION}))] + jurors(2)
    result = assign([Application("app-person", INNOVATION, " ")], panel)
    assert reviewers_of(result)["app-person"] == {"juror-none", "juror-00", "juror-01"}


def test_jurors_review_only_the_categories_they_were_invited_for():
    panel = jurors(3, "environment") + [Juror(f"juror-i{n}", f"Viện {n}", frozenset({INNOVATION})) for n in range(3)]
    result = assign(applications(4, "environment") + applications(0), panel)
    assert {j for _, j in result.pairs} == {"juror-00", "juror-01", "juror-02"}


def test_a_conflict_declared_after_assignment_hands_just_that_review_to_someone_else():
    apps, panel = applications(12), jurors(6)
    first = assign(apps, panel, seed="programme-1")
    application, juror = first.pairs[5]
    existing = [Review(a, j, "started") for a, j in first.pairs]
    again = assign(apps, panel, conflicts={(juror, application)}, existing=existing, seed="programme-1")
    (moved_to,) = [j for a, j in again.added if a == application]
    assert set(first.pairs) - set(again.pairs) == {(application, juror)}
    assert set(again.pairs) - set(first.pairs) == {(application, moved_to)} and moved_to != juror
    assert [(r.application, r.juror, r.reason) for r in again.released] == [(application, juror, "conflict")]


def test_a_submitted_review_is_never_moved_even_when_its_juror_declares_a_conflict_or_leaves():
    apps, panel = applications(6), jurors(4)
    first = assign(apps, panel)
    (a1, j1), (a2, j2) = first.pairs[0], first.pairs[-1]
    existing = [Review(a, j, "submitted" if (a, j) in {(a1, j1), (a2, j2)} else "assigned") for a, j in first.pairs]
    again = assign(apps, [j for j in panel if j.id != j2], conflicts={(j1, a1)}, existing=existing)
    assert (a1, j1) in again.pairs and (a2, j2) in again.pairs
    assert {r.reason for r in again.released} <= {"juror_gone"} and again.short == ()


def test_a_juror_who_leaves_hands_their_unsubmitted_reviews_to_the_others():
    apps, panel = applications(10), jurors(5)
    first = assign(apps, panel)
    leaving = "juror-03"
    again = assign(apps, [j for j in panel if j.id != leaving], existing=[Review(a, j) for a, j in first.pairs])
    assert {r.reason for r in again.released} == {"juror_gone"} and len(again.released) == first.loads[leaving]
    assert all(j != leaving for _, j in again.pairs) and len(again.pairs) == 30


def test_recomputing_an_unchanged_programme_changes_nothing():
    apps, panel = applications(30), jurors(8)
    first = assign(apps, panel, conflicts={("juror-01", "app-004")})
    again = assign(apps, panel, conflicts={("juror-01", "app-004")}, existing=[Review(a, j) for a, j in first.pairs])
    assert again.pairs == first.pairs and again.added == () and again.released == ()


def test_fewer_reviews_needed_releases_the_reviews_not_started_first():
    apps, panel = applications(1), jurors(3)
    states = {"juror-00": "assigned", "juror-01": "started", "juror-02": "submitted"}
    again = assign(apps, panel, reviews_per_application=2,
                   existing=[Review("app-000", j, state) for j, state in states.items()])
    assert [(r.juror, r.reason) for r in again.released] == [("juror-00", "surplus")]


def test_applications_short_of_jurors_are_reported_exactly_with_why():
    panel = jurors(3) + [Juror("juror-env", "Sở GD&ĐT Hải Phòng", frozenset({"environment"}))]
    apps = [Application("app-own", INNOVATION, "Đại học Sư phạm 0"), Application("app-conflict", INNOVATION, "Trường A"),
            Application("app-fine", INNOVATION, "Trường B"), Application("app-env", "environment", "Trường C")]
    result = assign(apps, panel, conflicts={("juror-02", "app-conflict")})
    short = {s.application: (s.needed, s.assigned, s.jurors_in_category, s.own_organisation, s.conflicts)
             for s in result.short}
    assert short == {"app-own": (3, 2, 3, 1, 0), "app-conflict": (3, 2, 3, 0, 1), "app-env": (3, 1, 1, 0, 0)}
    assert {s.reason for s in result.short} == {"not_enough_eligible_jurors"}
    assert len(reviewers_of(result)["app-fine"]) == 3


def test_the_same_programme_given_in_another_order_gets_the_same_assignment():
    apps, panel = applications(40), jurors(9)
    conflicts = [("juror-03", "app-010"), ("juror-05", "app-011")]
    first = assign(apps, panel, conflicts=conflicts, seed="p")
    again = assign(apps[::-1], panel[::-1], conflicts=set(conflicts[::-1]), seed="p")
    assert again == first


def test_a_juror_in_two_categories_counts_all_their_reviews_in_one_load():
    both = Juror("juror-both", "Viện KHGD", frozenset({INNOVATION, "environment"}))
    panel = [both] + jurors(3, INNOVATION) + [Juror(f"juror-e{n}", f"Sở {n}", frozenset({"environment"})) for n in range(3)]
    result = assign(applications(8, INNOVATION) + [Application(f"env-{n}", "environment", "Trường X") for n in range(8)],
                    panel)
    assert max(result.loads.values()) - min(result.loads.values()) <= 1, result.loads


def test_balancing_hands_a_review_along_a_chain_when_no_direct_hand_over_can_help():
    # a1..a3 may go to A or B, b1 to B or C: C, two lighter than A, can only be reached through B.
    eligible = {"a1": ["A", "B"], "a2": ["A", "B"], "a3": ["A", "B"], "b1": ["B", "C"]}
    placement = Placement({"A": 0, "B": 0, "C": 0}, {a: set() for a in eligible})
    for application in ("a1", "a2", "a3"):
        placement.add(application, "A")
    placement.add("b1", "B")
    even_out(placement, eligible)
    assert placement.loads == {"A": 2, "B": 1, "C": 1} and placement.reviewers["b1"] == {"C"}


def test_more_reviews_needed_than_jurors_gives_each_application_every_juror():
    result = assign(applications(3), jurors(2), reviews_per_application=3)
    assert Counter(j for _, j in result.pairs) == {"juror-00": 3, "juror-01": 3}
    assert [s.assigned for s in result.short] == [2, 2, 2]


def test_an_application_or_juror_given_twice_is_a_mistake_of_the_caller():
    with pytest.raises(ValueError):
        assign(applications(1) * 2, jurors(3))
