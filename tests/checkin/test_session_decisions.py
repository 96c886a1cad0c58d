"""The scan decision when a scanner works in a session (checkin.domain.scans, steps 6 and 7).

The scanner page's offline decision (static/decide.js) does not know sessions yet: these cases
are the service's; an offline batch carrying sessions is judged by the service on upload."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from checkin.domain.offline import judge_offline
from checkin.domain.scans import (FirstCheckin, ForumView, ScanDecision, SessionScan, SessionView, decide_scan,
                                  lost_to_another_door, read_scanned, session_for)

from .scan_cases import DURING, FORUM, POINT, SLUG, known, ticket

PLENARY = SessionView("OPEN", DURING - timedelta(minutes=30), DURING + timedelta(minutes=30), None)
WORKSHOP = SessionView("W1", DURING + timedelta(hours=1), DURING + timedelta(hours=2), None, signup=True)
CLOSED = SessionView("W2", DURING + timedelta(hours=1), DURING + timedelta(hours=2), None, signup=True,
                     walk_in="refuse")
ELSEWHERE = SessionView("HP-ONLY", DURING - timedelta(hours=1), DURING + timedelta(hours=1), ("HP-01",))
PROGRAMME = {s.code: s for s in (PLENARY, WORKSHOP, CLOSED, ELSEWHERE)}
FORUM_WITH_SESSIONS = ForumView(SLUG, FORUM.starts_at, FORUM.public_keys, PROGRAMME)
ACCEPTED = ("accepted", "accepted")


@dataclass(frozen=True)
class SessionCase:
    name: str
    session: SessionScan | None
    expected: tuple[str, str]
    first: FirstCheckin | None = None
    not_signed_up: bool = False
    status: str = "confirmed"


def into(code: str, signed_up: bool = False) -> SessionScan:
    return SessionScan(code, PROGRAMME.get(code), signed_up)


SESSION_CASES = [
    SessionCase("a scan into a session is let in", into("OPEN"), ACCEPTED),
    SessionCase("a second scan into the same session is a duplicate of it", into("OPEN"),
                ("duplicate", "already_in_session"), first=FirstCheckin(POINT, DURING - timedelta(minutes=5))),
    SessionCase("a scan for no session keeps the rule of one admission", None, ("duplicate", "already_checked_in"),
                first=FirstCheckin(POINT, DURING - timedelta(minutes=5))),
    SessionCase("a session code not in the programme is refused", into("NOPE"), ("rejected", "unknown_session")),
    SessionCase("a session held at other points only is refused here", into("HP-ONLY"),
                ("rejected", "session_elsewhere")),
    SessionCase("a workshop the person signed up for is let in", into("W1", signed_up=True), ACCEPTED),
    SessionCase("a workshop that admits walk-ins lets in a person without a place, flagged", into("W1"), ACCEPTED,
                not_signed_up=True),
    SessionCase("a workshop that refuses walk-ins refuses a person without a place", into("W2"),
                ("rejected", "not_signed_up")),
    SessionCase("a workshop that refuses walk-ins lets in a person with a place", into("W2", signed_up=True),
                ACCEPTED),
    SessionCase("the ticket is decided before the session", into("NOPE"), ("rejected", "cancelled"),
                status="cancelled"),
]


def decide(case: SessionCase) -> ScanDecision:
    return decide_scan(read_scanned(ticket(), FORUM), known(status=case.status), forum=FORUM_WITH_SESSIONS,
                       device_point=POINT, now=DURING, first=case.first, session=case.session)


@pytest.mark.parametrize("case", SESSION_CASES, ids=[c.name for c in SESSION_CASES])
def test_each_session_case_gets_its_outcome_reason_and_flag(case):
    decision = decide(case)
    assert (decision.outcome, decision.reason, decision.not_signed_up) == (*case.expected, case.not_signed_up)
    assert decision.session == (case.session.code if case.session else None)


def test_without_a_named_session_the_one_running_at_the_point_is_the_scans():
    assert session_for(PROGRAMME, None, POINT, DURING).code == "OPEN"
    assert session_for(PROGRAMME, None, POINT, DURING + timedelta(hours=3)) is None  # nothing runs: no session


def test_without_a_named_session_two_running_at_once_leave_the_scan_for_no_session():
    # At HP-01 both the plenary and HP-ONLY run: which one the person came for cannot be told.
    assert session_for(PROGRAMME, None, "HP-01", DURING) is None
    assert session_for(PROGRAMME, None, POINT, DURING + timedelta(minutes=90)) is None  # W1 and W2 in parallel


def test_a_named_session_is_taken_as_named_even_when_not_in_the_programme():
    assert session_for(PROGRAMME, "NOPE", POINT, DURING) == SessionScan("NOPE", None)


def test_a_door_that_lost_the_race_into_a_session_answers_a_duplicate_of_that_session():
    won = FirstCheckin("HP-01", DURING)
    decision = lost_to_another_door(decide(SESSION_CASES[0]), won)
    assert (decision.outcome, decision.reason, decision.session, decision.first) == (
        "duplicate", "already_in_session", "OPEN", won)


def test_an_offline_door_that_let_in_a_person_the_workshop_refuses_forces_the_admission():
    decision = decide_scan(read_scanned(ticket(), FORUM), known(), forum=FORUM_WITH_SESSIONS, device_point=POINT,
                           now=DURING, first=None, session=into("W2"))
    judged = judge_offline(decision, admitted=True, first=None, device_point=POINT)
    assert (judged.decision.reason, judged.decision.session, judged.admits, judged.forced) == (
        "not_signed_up", "W2", True, True)
