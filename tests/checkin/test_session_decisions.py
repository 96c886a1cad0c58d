"""Which session a scan is for, and the session rules around the decision (checkin.domain). The
session cases themselves are rows of the shared table (tests/checkin/scan_cases.py)."""
from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from checkin.domain.offline import judge_offline
from checkin.domain.scans import (FirstCheckin, SessionScan, SessionView, decide_scan, hours_settle_at,
                                  lost_to_another_door, read_scanned, session_for)

from .scan_cases import DURING, FORUM, PLENARY, POINT, PROGRAMME, WORKSHOP, into, known, ticket


def test_without_a_named_session_the_one_running_at_the_point_is_the_scans():
    assert session_for(PROGRAMME, None, POINT, DURING).code == "OPEN"
    assert session_for(PROGRAMME, None, POINT, DURING + timedelta(hours=3)) is None  # nothing runs: no session


def test_without_a_named_session_two_running_at_once_leave_the_scan_for_no_session():
    # At HP-01 both the plenary and HP-ONLY run: which one the person came for cannot be told.
    assert session_for(PROGRAMME, None, "HP-01", DURING) is None
    assert session_for(PROGRAMME, None, POINT, DURING + timedelta(minutes=90)) is None  # W1 and W2 in parallel


def test_a_named_session_is_taken_as_named_even_when_not_in_the_programme():
    assert session_for(PROGRAMME, "NOPE", POINT, DURING) == SessionScan("NOPE", None)


def decide(session, registration=None, first=None):
    return decide_scan(read_scanned(ticket(), FORUM), registration or known(), forum=FORUM, device_point=POINT,
                       now=DURING, first=first, session=session)


def test_a_door_that_lost_the_race_into_a_session_answers_a_duplicate_of_that_session():
    won = FirstCheckin("HP-01", DURING)
    decision = lost_to_another_door(decide(into("OPEN")), won)
    assert (decision.outcome, decision.reason, decision.session, decision.first) == (
        "duplicate", "already_in_session", "OPEN", won)


def test_an_offline_door_that_let_in_a_person_the_workshop_refuses_forces_the_admission():
    judged = judge_offline(decide(into("W2")), admitted=True, first=None, device_point=POINT)
    assert (judged.decision.reason, judged.decision.session, judged.admits, judged.forced) == (
        "not_signed_up", "W2", True, True)


def test_a_refusal_before_the_session_step_still_names_the_session_scanned_for():
    decision = decide(into("OPEN"), registration=known(status="cancelled"))
    assert (decision.reason, decision.session) == ("cancelled", "OPEN")


def test_an_admissions_hours_are_due_once_what_it_earns_is_attended():
    # DURING is 09:00 in Hà Nội; the workshops end at 11:00, HP-ONLY (held at HP-01 only) at 10:00.
    late = SessionView("LATE", DURING + timedelta(hours=15, minutes=30), DURING + timedelta(hours=16), None)
    forum = replace(FORUM, sessions={**PROGRAMME, "LATE": late}, zone=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert hours_settle_at(forum, "OPEN", POINT, DURING) == PLENARY.ends_at  # into a session: its end
    assert hours_settle_at(forum, "OPEN", POINT, DURING + timedelta(hours=5)) == PLENARY.ends_at  # late data: past
    # An arrival counts for every session held at its point, running or starting later that day:
    # the last of them to end (the workshops), not HP-ONLY, held elsewhere, nor LATE, which starts
    # at 00:30 the next day in Hà Nội (the same day in UTC).
    assert hours_settle_at(forum, None, POINT, DURING) == WORKSHOP.ends_at
    assert hours_settle_at(forum, None, "HP-01", DURING) == WORKSHOP.ends_at
    assert hours_settle_at(replace(forum, zone=ZoneInfo("UTC")), None, POINT, DURING) == late.ends_at
    after = DURING + timedelta(hours=3)
    assert hours_settle_at(forum, None, POINT, after) == after  # nothing left that day: at once
    assert hours_settle_at(forum, "NOPE", POINT, DURING) == DURING  # not in the programme: counts for nothing
