"""The rules of a forum's sessions on their own (registration.domain.sessions): no database, no app."""
from datetime import datetime

import pytest

from forumops_shared.refusals import Refusal
from registration.domain.sessions import Slot, check_choice, check_session, first_overlap, forum_window


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def slot(code, starts, ends, signup=True, points=None, online=False):
    return Slot(code, at(starts), at(ends), signup, points, online)


def reason_of(call, *args) -> str:
    with pytest.raises(Refusal) as refused:
        call(*args)
    return refused.value.reason


WINDOW = forum_window(at("2026-12-10T08:00:00+07:00"), at("2026-12-11T17:00:00+07:00"), "Asia/Ho_Chi_Minh")


def test_the_forum_window_runs_from_midnight_of_its_first_day_to_six_the_morning_after_its_last():
    assert WINDOW == (at("2026-12-10T00:00:00+07:00"), at("2026-12-12T06:00:00+07:00"))


def test_the_forum_window_follows_the_forums_zone_not_utc():
    # 06:00 in Hanoi on the 10th is still the 9th in UTC: the window starts on the 10th, Hanoi time.
    start, _ = forum_window(at("2026-12-09T23:00:00+00:00"), at("2026-12-10T10:00:00+00:00"), "Asia/Ho_Chi_Minh")
    assert start == at("2026-12-10T00:00:00+07:00")


def test_a_session_ends_after_it_starts():
    assert reason_of(check_session, at("2026-12-10T10:00:00+07:00"), at("2026-12-10T10:00:00+07:00"),
                     WINDOW, None, []) == "session_ends_before_start"


@pytest.mark.parametrize("starts, ends", [("2026-12-09T23:30:00+07:00", "2026-12-10T09:00:00+07:00"),
                                          ("2026-12-11T22:00:00+07:00", "2026-12-12T06:30:00+07:00")])
def test_a_session_lies_within_the_forums_days(starts, ends):
    assert reason_of(check_session, at(starts), at(ends), WINDOW, None, []) == "session_outside_forum"


def test_an_evening_may_run_past_midnight_after_the_last_day():
    check_session(at("2026-12-11T20:00:00+07:00"), at("2026-12-12T01:30:00+07:00"), WINDOW, None, [])


def test_a_session_is_held_at_points_the_forum_has():
    assert reason_of(check_session, at("2026-12-10T09:00:00+07:00"), at("2026-12-10T10:00:00+07:00"),
                     WINDOW, ["HN-01", "XX"], ["HN-01"]) == "unknown_point"


PROGRAMME = {"OPEN": slot("OPEN", "2026-12-10T08:00:00+07:00", "2026-12-10T09:00:00+07:00", signup=False),
             "W1": slot("W1", "2026-12-10T09:00:00+07:00", "2026-12-10T10:30:00+07:00", points=("HN-01",)),
             "W2": slot("W2", "2026-12-10T10:00:00+07:00", "2026-12-10T11:00:00+07:00", online=True),
             "W3": slot("W3", "2026-12-10T10:30:00+07:00", "2026-12-10T12:00:00+07:00")}


@pytest.mark.parametrize("chosen, attendance, point, reason", [
    (["NOPE"], "onsite", "HN-01", "unknown_session"),
    (["OPEN"], "onsite", "HN-01", "signup_not_offered"),
    (["W1"], "onsite", "DN-01", "session_not_available"),
    (["W1"], "online", None, "session_not_available"),
    (["W1", "W2"], "onsite", "HN-01", "sessions_overlap"),
])
def test_a_choice_of_sessions_is_refused_with_its_reason(chosen, attendance, point, reason):
    assert reason_of(check_choice, chosen, PROGRAMME, attendance, point) == reason


def test_sessions_that_touch_do_not_overlap():
    check_choice(["W1", "W3"], PROGRAMME, "onsite", "HN-01")
    check_choice(["W2"], PROGRAMME, "online", None)


def test_an_overlap_is_found_behind_a_long_session():
    long = slot("L", "2026-12-10T08:00:00+07:00", "2026-12-10T12:00:00+07:00")
    short = slot("S", "2026-12-10T08:30:00+07:00", "2026-12-10T09:00:00+07:00")
    late = slot("T", "2026-12-10T11:00:00+07:00", "2026-12-10T11:30:00+07:00")
    assert first_overlap([short, late, long]) == ("L", "S")
    assert first_overlap([short, late]) is None
