"""Which session a scan is for, and the session rules around the decision (checkin.domain). The
session cases themselves are rows of the shared table (tests/checkin/scan_cases.py)."""
from datetime import timedelta

from checkin.domain.offline import judge_offline
from checkin.domain.scans import FirstCheckin, SessionScan, decide_scan, lost_to_another_door, read_scanned, session_for

from .scan_cases import DURING, FORUM, POINT, PROGRAMME, into, known, ticket


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
