"""A programme's timetable as applicants, jurors and organisers meet it (awards.domain.phases)."""
from datetime import datetime, timedelta, timezone

import pytest

from awards.domain import phases
from awards.domain.phases import (ProgrammeDates, phase_at, require_may_apply, require_may_edit, require_may_publish,
                                  require_may_review, require_may_withdraw, require_results_public)
from awards.reasons import REASONS
from forumops_shared.refusals import Refusal

HANOI = timezone(timedelta(hours=7))
DATES = ProgrammeDates(applications_open=datetime(2027, 3, 1, 8, 0, tzinfo=HANOI),
                       applications_close=datetime(2027, 5, 1, 0, 0, tzinfo=HANOI),
                       review_closes=datetime(2027, 5, 31, 17, 0, tzinfo=HANOI),
                       results_published=datetime(2027, 6, 15, 9, 0, tzinfo=HANOI))
SECOND = timedelta(seconds=1)


def refusal(rule, now):
    with pytest.raises(Refusal) as refused:
        rule(DATES, now)
    return refused.value


@pytest.mark.parametrize("now, phase", [
    (DATES.applications_open - SECOND, "before"),
    (DATES.applications_open, "applications"),
    (DATES.applications_close - SECOND, "applications"),
    (DATES.applications_close, "review"),
    (DATES.review_closes, "deciding"),
    (DATES.results_published - SECOND, "deciding"),
    (DATES.results_published, "published"),
])
def test_each_phase_starts_at_its_date_and_lasts_until_the_next(now, phase):
    assert phase_at(DATES, now) == phase


def test_applications_close_at_midnight_in_the_programmes_zone_whatever_zone_the_clock_reads():
    assert phase_at(DATES, datetime(2027, 4, 30, 16, 59, 59, tzinfo=timezone.utc)) == "applications"
    assert phase_at(DATES, datetime(2027, 4, 30, 17, 0, tzinfo=timezone.utc)) == "review"


@pytest.mark.parametrize("field, moved_to", [
    ("applications_close", DATES.applications_open),
    ("review_closes", DATES.applications_close - timedelta(days=1)),
    ("results_published", DATES.review_closes - SECOND),
])
def test_dates_out_of_order_are_refused_naming_the_date_at_fault(field, moved_to):
    dates = {**DATES.__dict__, field: moved_to}
    with pytest.raises(Refusal) as refused:
        ProgrammeDates(**dates)
    assert refused.value.reason == "dates_out_of_order" and list(refused.value.errors) == [field]


def test_a_date_without_a_time_zone_is_refused_naming_it():
    with pytest.raises(Refusal) as refused:
        ProgrammeDates(**{**DATES.__dict__, "review_closes": datetime(2027, 5, 31, 17, 0)})
    assert refused.value.reason == "validation_failed" and list(refused.value.errors) == ["review_closes"]


@pytest.mark.parametrize("rule", [require_may_apply, require_may_edit])
def test_people_apply_and_edit_only_while_applications_are_open(rule):
    rule(DATES, DATES.applications_open)
    rule(DATES, DATES.applications_close - SECOND)
    early = refusal(rule, DATES.applications_open - SECOND)
    assert early.reason == "applications_not_open"
    assert early.detail == {"phase": "before", "applications_open": "2027-03-01T08:00:00+07:00"}
    for late in (DATES.applications_close, DATES.review_closes, DATES.results_published):
        assert refusal(rule, late).reason == "applications_closed"


def test_an_application_can_be_withdrawn_until_the_review_closes():
    require_may_withdraw(DATES, DATES.applications_close + timedelta(days=3))
    require_may_withdraw(DATES, DATES.review_closes - SECOND)
    assert refusal(require_may_withdraw, DATES.applications_open - SECOND).reason == "applications_not_open"
    assert refusal(require_may_withdraw, DATES.review_closes).reason == "withdrawal_closed"
    assert refusal(require_may_withdraw, DATES.results_published).reason == "withdrawal_closed"


def test_jurors_score_from_the_close_of_applications_until_the_review_closes():
    require_may_review(DATES, DATES.applications_close)
    require_may_review(DATES, DATES.review_closes - SECOND)
    assert refusal(require_may_review, DATES.applications_close - SECOND).reason == "review_not_open"
    late = refusal(require_may_review, DATES.review_closes)
    assert late.reason == "review_closed" and late.detail["review_closes"] == "2027-05-31T17:00:00+07:00"


def test_results_are_published_once_the_review_has_closed_and_may_be_republished_to_correct_them():
    require_may_publish(DATES, DATES.review_closes)
    require_may_publish(DATES, DATES.results_published + timedelta(days=30))
    for early in (DATES.applications_open, DATES.review_closes - SECOND):
        assert refusal(require_may_publish, early).reason == "review_not_closed"


def test_decisions_show_only_once_the_organiser_has_published_them():
    published_at = DATES.review_closes + timedelta(days=2)
    require_results_public(published_at, published_at)
    for when, now in ((None, DATES.results_published), (published_at, published_at - SECOND)):
        with pytest.raises(Refusal) as refused:
            require_results_public(when, now)
        assert refused.value.reason == "results_not_published"


def test_every_reason_the_timetable_gives_has_its_texts_in_both_languages():
    codes = {reason for refused in phases.REFUSED.values() for reason in refused.values()}
    codes |= {"dates_out_of_order", "results_not_published", "validation_failed"}
    for code in codes:
        assert REASONS[code].vi and REASONS[code].en
