"""The certificate rule with hours (certificates.domain.rules), worked by hand: the arithmetic is in the comments.

The programme is that of tests/checkin/test_hours.py: PLEN 210 minutes, WS-A and WS-B 90 each
(parallel), AWARDS 90. A required session is attended from 4/5 of its length: PLEN from 168
minutes (210 × 4/5), the others from 72 (90 × 4/5).
"""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from certificates.domain.rules import (ATTENDED_SHARE, NOT_EARNED, Attendance, Decision, Rule, SessionMinutes,
                                       decide, earned_mode, lengths_of, printed_hours)

CHECKED_IN = datetime(2026, 11, 23, 1, 20, tzinfo=timezone.utc)
PROGRAMME = [
    {"code": "PLEN", "starts_at": "2026-11-23T08:00:00+07:00", "ends_at": "2026-11-23T11:30:00+07:00"},
    {"code": "WS-A", "starts_at": "2026-11-23T13:30:00+07:00", "ends_at": "2026-11-23T15:00:00+07:00"},
    {"code": "WS-B", "starts_at": "2026-11-23T13:30:00+07:00", "ends_at": "2026-11-23T15:00:00+07:00"},
    {"code": "AWARDS", "starts_at": "2026-11-24T09:00:00+07:00", "ends_at": "2026-11-24T10:30:00+07:00"}]
LENGTHS = lengths_of(PROGRAMME)
SIMPLE = Rule(onsite_checkin=True, online_min_minutes=60)


def seen(onsite=True, online_minutes=0, **sessions):
    """Attendance with each session's minutes (WS_A for WS-A) and their total."""
    minutes = tuple(SessionMinutes(code.replace("_", "-"), m) for code, m in sessions.items())
    return Attendance(CHECKED_IN if onsite else None, online_minutes, minutes, sum(m.minutes for m in minutes))


def hours_rule(**parts):
    return Rule(onsite_checkin=True, online_min_minutes=60, **parts)


def test_lengths_are_read_from_the_published_programme_in_whole_minutes():
    assert LENGTHS == {"PLEN": 210, "WS-A": 90, "WS-B": 90, "AWARDS": 90}
    assert lengths_of([{"code": "X", "starts_at": "2026-11-23T08:00:00+07:00",
                        "ends_at": "2026-11-23T09:30:59+07:00"}]) == {"X": 90}  # 90 min 59 s


def test_the_simple_rule_decides_as_before_when_no_hours_are_asked():
    assert earned_mode(SIMPLE, True, False, seen(onsite=True)) == "onsite"
    assert earned_mode(SIMPLE, True, False, seen(onsite=False, online_minutes=60)) == "online"
    assert decide(SIMPLE, True, False, seen(onsite=False, online_minutes=59)).reason == "too_few_online_minutes"
    assert decide(SIMPLE, True, False, seen(onsite=False)).reason == "not_attended"
    # on site does not count when the rule says so, and 0 minutes still need one
    assert decide(Rule(False, 0), True, False, seen(onsite=True)).reason == "too_few_online_minutes"
    assert earned_mode(Rule(False, 0), True, False, seen(onsite=True, online_minutes=1)) == "online"
    # a simple rule ignores the session time, but the certificate still prints it: 340 → 330 = 5.5
    decision = decide(SIMPLE, True, False, seen(PLEN=160, WS_A=90, AWARDS=90), LENGTHS)
    assert (decision.mode, decision.hours, decision.attended) == ("onsite", Decimal("5.5"), ("WS-A", "AWARDS"))


def test_nothing_is_decided_before_the_forum_and_the_person_are_known():
    rule = hours_rule(min_hours=1)
    assert decide(None, True, False, seen(PLEN=210)).reason == "forum_unknown"
    assert decide(rule, False, False, seen(PLEN=210)).reason == "person_unknown"
    assert decide(rule, True, True, seen(PLEN=210)).reason == "erased"
    assert decide(rule, True, False, None).reason == "not_attended"
    assert set(NOT_EARNED) >= {decide(rule, True, False, None).reason, "too_few_hours", "required_session_missed"}


def test_a_minimum_of_hours_is_met_on_the_exact_minutes():
    rule = hours_rule(min_hours=5.5)  # 330 minutes
    lan = seen(PLEN=160, WS_A=90, AWARDS=90)  # 340 minutes
    assert decide(rule, True, False, lan, LENGTHS) == Decision("onsite", None, (), Decimal("5.5"), ("WS-A", "AWARDS"))
    short = seen(PLEN=149, WS_A=90, AWARDS=90)  # 329 < 330
    assert decide(rule, True, False, short, LENGTHS) == Decision(None, "too_few_hours", (), Decimal("5"),
                                                                 ("WS-A", "AWARDS"))
    # online only, with the same session time: the mode says online
    assert earned_mode(rule, True, False, seen(onsite=False, PLEN=160, WS_A=90, AWARDS=90), LENGTHS) == "online"


def test_hours_given_as_a_float_compare_without_float_error():
    # 0.1 × 60 is 6.000000000000001 in floats; the rule reads 0.1 hour as 6 minutes
    assert earned_mode(hours_rule(min_hours=0.1), True, False, seen(PLEN=6), LENGTHS) == "onsite"
    assert decide(hours_rule(min_hours=0.1), True, False, seen(PLEN=5), LENGTHS).reason == "too_few_hours"


def test_an_hours_rule_needs_one_minute_even_at_zero_hours():
    assert decide(hours_rule(min_hours=0), True, False, seen(), LENGTHS).reason == "not_attended"
    assert earned_mode(hours_rule(min_hours=0), True, False, seen(PLEN=1), LENGTHS) == "onsite"


def test_a_required_session_is_attended_from_four_fifths_of_its_length():
    assert ATTENDED_SHARE * 210 == 168 and ATTENDED_SHARE * 90 == 72
    rule = hours_rule(required_sessions=("PLEN", "AWARDS"))
    assert earned_mode(rule, True, False, seen(PLEN=168, AWARDS=72), LENGTHS) == "onsite"
    late = decide(rule, True, False, seen(PLEN=167, AWARDS=71, WS_B=90), LENGTHS)
    assert (late.mode, late.reason, late.missed, late.attended) == (
        None, "required_session_missed", ("PLEN", "AWARDS"), ("WS-B",))
    assert decide(rule, True, False, seen(PLEN=210), LENGTHS).missed == ("AWARDS",)


def test_a_required_session_missing_from_the_programme_cannot_be_attended():
    rule = hours_rule(required_sessions=("PLEN", "GONE"))
    decision = decide(rule, True, False, seen(PLEN=210, GONE=60), LENGTHS)
    assert (decision.reason, decision.missed) == ("required_session_missed", ("GONE",))
    assert decide(rule, True, False, seen(PLEN=210)).missed == ("PLEN", "GONE")  # no lengths given: none known


def test_required_sessions_come_before_the_minimum_of_hours():
    rule = hours_rule(min_hours=6, required_sessions=("AWARDS",))
    # 210 + 90 = 300 minutes < 360, and AWARDS missed: the sessions are named first
    assert decide(rule, True, False, seen(PLEN=210, WS_A=90), LENGTHS).reason == "required_session_missed"
    # 180 + 90 = 270 < 360 with AWARDS attended: too few hours
    assert decide(rule, True, False, seen(PLEN=180, AWARDS=90), LENGTHS).reason == "too_few_hours"
    # 210 + 90 + 90 = 390 ≥ 360 with AWARDS: earned, printed 6.5
    decision = decide(rule, True, False, seen(PLEN=210, WS_B=90, AWARDS=90), LENGTHS)
    assert (decision.mode, decision.hours) == ("onsite", Decimal("6.5"))


@pytest.mark.parametrize("minutes, step, printed", [
    (340, 30, "5.5"),  # 340 → 330 = 5 h 30
    (359, 30, "5.5"),  # 359 → 330
    (360, 30, "6"),
    (340, 15, "5.5"),  # 340 → 330 (345 is over)
    (350, 15, "5.75"),  # 350 → 345
    (340, 20, "5.66"),  # 340 = 17 × 20: 5.666… printed rounded down
    (340, 60, "5"),
    (340, 1, "5.66"),
    (600, 30, "10"),
    (29, 30, None),  # under one step: nothing to print
    (0, 30, None),
])
def test_the_printed_hours_are_rounded_down_to_the_step(minutes, step, printed):
    hours = printed_hours(minutes, step)
    assert (None if hours is None else str(hours)) == printed  # as a certificate would print it


def test_the_printed_hours_follow_the_rules_step_and_default_to_half_hours():
    lan = seen(PLEN=160, WS_A=90, AWARDS=90)  # 340
    assert decide(hours_rule(min_hours=1, hours_step_minutes=60), True, False, lan).hours == Decimal("5")
    assert decide(hours_rule(min_hours=1, hours_step_minutes=None), True, False, lan).hours == Decimal("5.5")
    assert decide(hours_rule(min_hours=1), True, False, lan).hours == Decimal("5.5")
    assert str(decide(hours_rule(min_hours=1), True, False, lan).hours) == "5.5"
    with pytest.raises(ValueError):
        printed_hours(340, 0)
