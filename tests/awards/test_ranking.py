"""Scores, standings and the proposed winners as jurors and organisers see them (awards.domain.ranking)."""
from decimal import Decimal
from fractions import Fraction

import pytest

from awards.domain.ranking import Criterion, propose_winners, require_valid_criteria, review_score, standing
from awards.reasons import REASONS
from forumops_shared.refusals import Refusal

# Like the showcase schools' published criteria: six, unequally weighted, each scored 0–10.
SHOWCASE = [Criterion("leadership", 20), Criterion("teaching", 20), Criterion("digital", 15),
            Criterion("environment", 15), Criterion("community", 15), Criterion("results", 15)]
TWO = [Criterion("innovation", 1), Criterion("impact", 2)]


def refused(criteria, scores):
    with pytest.raises(Refusal) as refusal:
        review_score(criteria, scores)
    assert refusal.value.reason in REASONS
    return refusal.value


def reviews_of(*weighted):
    """Reviews of TWO (innovation weight 1, impact weight 2) worth these points each, 0–100."""
    return [{"innovation": points / 10, "impact": points / 10} for points in weighted]


def ranked(means_by_application, quota, category="innovation"):
    standings = [standing(a, category, reviews_of(*points), TWO) for a, points in means_by_application.items()]
    return propose_winners(standings, {category: quota})[category]


def test_a_review_weighs_each_criterion_by_its_weight_on_a_0_to_100_scale():
    assert review_score(TWO, {"innovation": 10, "impact": 4}) == Fraction(2 * 100 * (1 + 2 * Fraction(4, 10)), 6)
    assert review_score(TWO, {"innovation": 0, "impact": 10}) == Fraction(200, 3)
    five_point = [Criterion("quality", 1, lowest=1, highest=5), Criterion("reach", 3)]
    assert review_score(five_point, {"quality": 3, "reach": 10}) == Fraction(100 * (Fraction(1, 2) + 3), 4)


def test_six_showcase_school_criteria_fit_and_score_from_0_to_100():
    require_valid_criteria(SHOWCASE)
    assert review_score(SHOWCASE, {c.code: 10 for c in SHOWCASE}) == 100
    assert review_score(SHOWCASE, {c.code: 0 for c in SHOWCASE}) == 0
    scores = {"leadership": 9, "teaching": 8, "digital": 7.5, "environment": Decimal("6"), "community": 10, "results": 5}
    assert review_score(SHOWCASE, scores) == Fraction(20 * 9 + 20 * 8 + Fraction(15 * 15, 2) + 15 * 6 + 150 + 75, 10)


def test_a_score_outside_its_scale_is_refused_naming_the_criterion():
    refusal = refused(TWO, {"innovation": 11, "impact": -1})
    assert refusal.reason == "score_out_of_range"
    assert refusal.errors == {"scores": {"innovation": ["Must be a number from 0 to 10."],
                                         "impact": ["Must be a number from 0 to 10."]}}
    for not_a_score in (True, "8", float("nan"), float("inf")):
        assert refused(TWO, {"innovation": not_a_score, "impact": 5}).errors["scores"].keys() == {"innovation"}


def test_a_review_must_score_every_criterion_and_only_the_programmes():
    missing = refused(SHOWCASE, {"leadership": 5})
    assert missing.reason == "criterion_not_scored" and len(missing.errors["scores"]) == 5
    assert refused(TWO, {"innovation": 5, "impact": None}).errors == {"scores": {"impact": ["Not scored."]}}
    unknown = refused(TWO, {"innovation": 5, "impact": 5, "beauty": 9})
    assert unknown.reason == "unknown_criterion" and list(unknown.errors["scores"]) == ["beauty"]


@pytest.mark.parametrize("criteria, field", [
    ([], None), ([Criterion("a"), Criterion("a")], "a"), ([Criterion("a", weight=0)], "a"),
    ([Criterion("a", lowest=10, highest=10)], "a"), ([Criterion("a", weight=float("nan"))], "a"),
])
def test_criteria_need_distinct_codes_positive_weights_and_a_scale(criteria, field):
    with pytest.raises(Refusal) as refusal:
        require_valid_criteria(criteria)
    assert refusal.value.reason == "criteria_invalid"
    assert field is None or list(refusal.value.errors["criteria"]) == [field]


def test_an_application_shows_the_mean_and_median_of_its_submitted_reviews_and_how_many_are_done():
    s = standing("app-1", "innovation", reviews_of(90, 60, 70, 80), TWO, needed=5)
    assert (s.mean, s.median, s.done, s.needed) == (75, 75, 4, 5)
    odd = standing("app-2", "innovation", reviews_of(90, 60, 61), TWO)
    assert (odd.mean, odd.median) == (Fraction(211, 3), 61)


def test_jurors_disagree_when_their_scores_spread_wider_than_the_threshold():
    assert not standing("a", "innovation", reviews_of(50, 75), TWO).jurors_disagree  # 25 points: not above
    assert standing("a", "innovation", reviews_of(50, 75.1), TWO).jurors_disagree
    assert standing("a", "innovation", reviews_of(50, 61), TWO, disagreement=10).jurors_disagree
    assert not standing("a", "innovation", reviews_of(50), TWO).jurors_disagree


def test_winners_are_proposed_by_mean_up_to_the_categorys_quota():
    proposal = ranked({"a": [90], "b": [70, 80], "c": [60], "d": [95, 57]}, quota=2)
    assert [(p.application, p.rank, p.outcome) for p in proposal.places] == [
        ("a", 1, "proposed"), ("d", 2, "proposed"), ("b", 3, "not_proposed"), ("c", 4, "not_proposed")]
    assert proposal.places_to_fill == 0 and proposal.with_outcome("tied") == ()


def test_applications_tied_at_the_cut_are_all_left_to_the_organiser_with_the_places_remaining():
    proposal = ranked({"a": [90], "b": [85], "c": [80], "d": [70, 90], "e": [80], "f": [70]}, quota=3)
    assert proposal.with_outcome("proposed") == ("a", "b")
    assert set(proposal.with_outcome("tied")) == {"c", "d", "e"} and proposal.places_to_fill == 1
    assert {p.rank for p in proposal.places if p.outcome == "tied"} == {3}
    assert proposal.with_outcome("not_proposed") == ("f",)


def test_a_tie_that_the_quota_takes_whole_needs_no_decision():
    proposal = ranked({"a": [90], "b": [80], "c": [80], "d": [70]}, quota=3)
    assert proposal.with_outcome("proposed") == ("a", "b", "c") and proposal.places_to_fill == 0
    assert [p.rank for p in proposal.places] == [1, 2, 2, 4]


def test_equal_means_tie_exactly_even_where_floating_point_sums_would_differ():
    # Both average 470/9; summed in floating point they come out 52.22222222222222 and …223.
    first = [{"innovation": 0, "impact": 3}, {"innovation": 9, "impact": 7}, {"innovation": 10, "impact": 4}]
    second = [{"innovation": 2, "impact": 7}, {"innovation": 8, "impact": 4}, {"innovation": 9, "impact": 3}]
    standings = [standing("first", "innovation", first, TWO), standing("second", "innovation", second, TWO),
                 standing("third", "innovation", reviews_of(10), TWO)]
    proposal = propose_winners(standings, {"innovation": 1})["innovation"]
    assert proposal.with_outcome("tied") == ("first", "second") and proposal.places_to_fill == 1


def test_an_application_without_a_submitted_review_is_listed_as_incomplete_not_ranked():
    standings = [standing("reviewed", "influence", reviews_of(40), TWO), standing("waiting", "influence", [], TWO)]
    proposal = propose_winners(standings, {"influence": 2, "environment": 1})
    assert [p.application for p in proposal["influence"].places] == ["reviewed"]
    assert proposal["influence"].incomplete == ("waiting",) and proposal["environment"].places == ()


def test_a_quota_of_none_proposes_nobody_and_one_larger_than_the_field_proposes_everyone():
    assert ranked({"a": [90], "b": [90]}, quota=0).with_outcome("not_proposed") == ("a", "b")
    assert ranked({"a": [90], "b": [90], "c": [10]}, quota=5).with_outcome("proposed") == ("a", "b", "c")


def test_a_category_without_a_quota_is_a_mistake_of_the_caller():
    with pytest.raises(ValueError):
        propose_winners([standing("a", "innovation", reviews_of(50), TWO)], {"environment": 1})


def test_equal_means_share_a_rank_listed_by_median_then_reviews_done_which_decides_nothing():
    proposal = ranked({"steady": [70, 70], "split": [60, 60, 90], "even": [70, 70, 70], "top": [99]}, quota=2)
    assert [(p.application, p.rank, p.outcome) for p in proposal.places] == [
        ("top", 1, "proposed"), ("even", 2, "tied"), ("steady", 2, "tied"), ("split", 2, "tied")]
