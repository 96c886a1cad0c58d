"""The scan decision on its own (checkin.domain): every case of the table, every reason, offline
judgements. The scanner page's offline decision is checked on the same table in
tests/web/test_scan_decisions.py."""
from datetime import timedelta

import pytest

from checkin.domain.offline import judge_late, judge_offline
from checkin.domain.scans import (FirstCheckin, RegistrationView, ScanDecision, TicketReading, decide_scan,
                                  lost_to_another_door, read_scanned)
from checkin.reasons import SCAN_REASONS

from .scan_cases import ACCEPTED, CASES, DURING, FORUM, POINT, SLUG, Case, known, ticket


def found(reading: TicketReading, registration: RegistrationView | None) -> RegistrationView | None:
    """What check-in's lookup finds for the ticket: by the signed id, or by the typed code in this forum."""
    if registration is None:
        return None
    if reading.claims:
        return registration if registration.id == reading.claims.registration_id else None
    return registration if (registration.forum, registration.ticket_code) == (SLUG, reading.code) else None


def decide(case: Case, point: str = POINT) -> ScanDecision:
    reading = read_scanned(case.scanned, FORUM)
    return decide_scan(reading, found(reading, case.registration), forum=FORUM, device_point=point, now=case.now,
                       first=case.first, session=case.session, direction=case.direction)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_case_gets_its_outcome_and_reason(case):
    decision = decide(case)
    assert (decision.outcome, decision.reason, decision.not_signed_up) == (*case.expected, case.not_signed_up)
    assert decision.session == (case.session.code if case.session else None)
    assert (decision.direction, decision.admits) == (case.direction, case.expected == ACCEPTED)


def test_every_reason_in_the_list_is_given_by_some_case_and_none_is_missing():
    reasons = {case.expected[1] for case in CASES} | {"refused_at_door"}  # the offline door's own reason
    assert reasons == set(SCAN_REASONS)


def test_every_reason_has_vietnamese_and_english_text():
    assert all(reason.vi and reason.en and reason.vi != reason.en for reason in SCAN_REASONS.values())


def test_a_signed_ticket_decided_before_its_registration_event_says_so():
    [case] = [c for c in CASES if c.name == "a signed ticket is let in before its registration event arrives"]
    decision = decide(case)
    assert (decision.known_to_checkin, decision.registration_id) == (False, "r-1")


def test_a_duplicate_answers_where_and_when_the_first_admission_was():
    [case] = [c for c in CASES if c.name == "a second scan answers where and when the first was"]
    assert decide(case).first == case.first


def test_a_registration_of_another_forum_found_by_its_id_does_not_decide_here():
    """Check-in may hold another forum's registration under the same id: the ticket's claims decide."""
    reading = read_scanned(ticket(), FORUM)
    decision = decide_scan(reading, known(forum="dien-dan-khac", status="cancelled"), forum=FORUM,
                           device_point=POINT, now=DURING, first=None)
    assert (decision.outcome, decision.known_to_checkin) == ("accepted", False)


def test_a_door_that_lost_the_race_for_a_person_answers_duplicate_with_the_winner():
    won = FirstCheckin("HP-01", DURING)
    decision = lost_to_another_door(ScanDecision("accepted", "accepted", "r-1"), won)
    assert (decision.outcome, decision.reason, decision.first) == ("duplicate", "already_checked_in", won)


def offline(registration=None, *, admitted=True, point=POINT, first=None, scanned=None):
    reading = read_scanned(scanned or ticket(), FORUM)
    decision = decide_scan(reading, registration, forum=FORUM, device_point=point, now=DURING, first=first)
    return judge_offline(decision, admitted=admitted, first=first, device_point=point)


def test_an_offline_admission_the_service_would_accept_is_a_plain_check_in():
    judged = offline(known())
    assert (judged.decision.outcome, judged.admits, judged.forced, judged.conflict_with) == ("accepted", True, False, None)


def test_a_scan_the_door_turned_away_is_stored_as_refused_at_the_door():
    judged = offline(known(), admitted=False)
    assert (judged.decision.reason, judged.admits, judged.forced) == ("refused_at_door", False, False)


def test_an_offline_door_admitting_a_refused_ticket_forces_a_check_in_that_is_flagged():
    judged = offline(known(status="cancelled"))
    assert (judged.decision.reason, judged.admits, judged.forced) == ("cancelled", True, True)


def test_a_second_admission_at_another_point_is_a_conflict_and_no_second_check_in():
    first = FirstCheckin("HCM-02", DURING - timedelta(minutes=5))
    judged = offline(known(), first=first)
    assert (judged.decision.reason, judged.admits, judged.conflict_with) == ("already_checked_in", False, first)
    # Admitted at their own point first, then let in offline at another: forced and a conflict.
    elsewhere = offline(known(), point="HCM-02", first=FirstCheckin(POINT, DURING))
    assert (elsewhere.decision.reason, elsewhere.forced, elsewhere.admits) == ("wrong_point", True, False)
    assert elsewhere.conflict_with.point == POINT


def test_a_repeat_at_the_same_point_or_after_an_online_join_is_no_conflict():
    assert offline(known(), first=FirstCheckin(POINT, DURING)).conflict_with is None
    assert offline(known(), first=FirstCheckin(None, DURING)).conflict_with is None


def test_an_offline_admission_another_door_made_first_meanwhile_is_a_duplicate_and_a_conflict_elsewhere():
    won = FirstCheckin("HP-01", DURING)
    late = judge_late(offline(known()), won, device_point=POINT)
    assert (late.decision.outcome, late.decision.first, late.admits, late.conflict_with) == ("duplicate", won, False, won)
    here = judge_late(offline(known()), FirstCheckin(POINT, DURING), device_point=POINT)
    assert (here.decision.outcome, here.conflict_with) == ("duplicate", None)


def test_a_forced_admission_another_door_made_first_stays_refused_and_forced():
    late = judge_late(offline(known(status="cancelled")), FirstCheckin("HP-01", DURING), device_point=POINT)
    assert (late.decision.reason, late.forced, late.admits, late.conflict_with.point) == ("cancelled", True, False,
                                                                                           "HP-01")


@pytest.mark.parametrize("reason", ["malformed_ticket", "unknown_key", "invalid_signature", "unknown_ticket",
                                    "wrong_forum"])
def test_a_ticket_that_is_not_genuine_here_admits_no_one_even_when_the_door_let_it_through(reason):
    judged = judge_offline(ScanDecision("rejected", reason, known_to_checkin=False), admitted=True, first=None,
                           device_point=POINT)
    assert (judged.decision.reason, judged.admits, judged.forced) == (reason, False, False)
