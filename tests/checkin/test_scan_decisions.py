"""The scan decision on its own: every reason, in its order, with really signed tickets."""
from datetime import datetime, timedelta, timezone

import pytest

from checkin.domain import FirstCheckin, ForumView, RegistrationView, ScanDecision, decide_scan, judge_offline, read_ticket
from checkin.reasons import SCAN_REASONS
from forumops_shared.tickets import SigningKey, TicketClaims, b64, unb64

KEY = SigningKey.generate()
START = datetime(2026, 12, 10, 1, 0, tzinfo=timezone.utc)
DURING = START + timedelta(hours=1)
FORUM = ForumView("dien-dan-2026", START, {KEY.kid: KEY.public_key})


def ticket(forum="dien-dan-2026", attendance="onsite", point="HN-01", version=1, key=KEY, rid="r-1"):
    return key.sign(TicketClaims(forum, rid, attendance, point, "ABCDE23456", version))


def known(status="confirmed", attendance="onsite", point="HN-01", version=1, rid="r-1"):
    return RegistrationView(rid, "dien-dan-2026", status, attendance, point, "ABCDE23456", version)


def scan(text, registration=None, *, point="HN-01", now=DURING, first=None, by_code=None):
    claims, by_code_registration, refusal = read_ticket(text, FORUM, by_code or (lambda code: None))
    if refusal:
        return refusal
    decision = decide_scan(claims=claims, registration=registration or by_code_registration, forum=FORUM,
                           device_point=point, now=now, first=first)
    return decision.reason


def tampered(qr: str) -> str:
    prefix, payload, signature = qr.split(".")
    raw = bytearray(unb64(signature))
    raw[3] ^= 0x10
    return f"{prefix}.{payload}.{b64(bytes(raw))}"


CASES = {
    "accepted": lambda: scan(ticket(), known()),
    "already_checked_in": lambda: scan(ticket(), known(), first=FirstCheckin("HN-01", DURING)),
    "malformed_ticket": lambda: scan("FO1.not-base64!.x"),
    "unknown_key": lambda: scan(ticket(key=SigningKey.generate())),
    "invalid_signature": lambda: scan(tampered(ticket())),
    "unknown_ticket": lambda: scan("ZZZZ-ZZZZ-ZZ"),
    "wrong_forum": lambda: scan(ticket(forum="dien-dan-khac")),
    "wrong_point": lambda: scan(ticket(point="HCM-02"), known(point="HCM-02")),
    "online_ticket": lambda: scan(ticket(attendance="online", point=None), known(attendance="online", point=None)),
    "cancelled": lambda: scan(ticket(), known(status="cancelled")),
    "waitlisted": lambda: scan(ticket(), known(status="waitlisted")),
    "ticket_replaced": lambda: scan(ticket(version=1), known(version=2)),
    "not_yet_valid": lambda: scan(ticket(), known(), now=START - timedelta(days=2)),
    "refused_at_door": lambda: offline(ticket(), known(), admitted=False).decision.reason,
}


def offline(text, registration=None, *, admitted=True, point="HN-01", first=None):
    claims, _, refusal = read_ticket(text, FORUM, lambda code: None)
    assert refusal is None
    decision = decide_scan(claims=claims, registration=registration, forum=FORUM, device_point=point, now=DURING,
                           first=first)
    return judge_offline(decision, admitted=admitted, first=first, device_point=point)


@pytest.mark.parametrize("reason", CASES)
def test_each_reason_is_given_where_it_applies(reason):
    assert CASES[reason]() == reason


def test_every_reason_in_the_list_is_reachable_and_none_is_missing():
    assert set(CASES) == set(SCAN_REASONS)


def test_a_signed_ticket_is_decided_before_its_registration_event_arrives():
    claims, _, _ = read_ticket(ticket(), FORUM, lambda code: None)
    decision = decide_scan(claims=claims, registration=None, forum=FORUM, device_point="HN-01", now=DURING, first=None)
    assert (decision.outcome, decision.known_to_checkin, decision.registration_id) == ("accepted", False, "r-1")


def test_a_typed_code_is_read_in_any_case_with_dashes_and_spaces():
    codes = []
    reason = scan(" abcde-234 56 ", by_code=lambda code: codes.append(code) or known())
    assert reason == "accepted" and codes == ["ABCDE23456"]


def test_the_point_registration_knows_wins_over_the_one_in_an_old_signature():
    # The person moved to HCM-02 and kept a printout of the old ticket (same version is impossible
    # after a move, but registration's latest word decides where they belong).
    assert scan(ticket(point="HN-01", version=2), known(point="HCM-02", version=2)) == "wrong_point"


def test_a_duplicate_answers_where_and_when_the_first_admission_was():
    first = FirstCheckin("HN-01", DURING - timedelta(minutes=7))
    claims, _, _ = read_ticket(ticket(), FORUM, lambda code: None)
    decision = decide_scan(claims=claims, registration=known(), forum=FORUM, device_point="HN-01",
                           now=DURING, first=first)
    assert (decision.outcome, decision.first) == ("duplicate", first)


def test_every_reason_has_vietnamese_and_english_text():
    assert all(reason.vi and reason.en and reason.vi != reason.en for reason in SCAN_REASONS.values())


def test_an_offline_admission_the_service_would_accept_is_a_plain_check_in():
    judged = offline(ticket(), known())
    assert (judged.decision.outcome, judged.admits, judged.forced, judged.conflict_with) == ("accepted", True, False, None)


def test_an_offline_door_admitting_a_refused_ticket_forces_a_check_in_that_is_flagged():
    judged = offline(ticket(), known(status="cancelled"))
    assert (judged.decision.reason, judged.admits, judged.forced) == ("cancelled", True, True)


def test_a_second_admission_at_another_point_is_a_conflict_and_no_second_check_in():
    first = FirstCheckin("HCM-02", DURING - timedelta(minutes=5))
    judged = offline(ticket(), known(), first=first)
    assert (judged.decision.reason, judged.admits, judged.conflict_with) == ("already_checked_in", False, first)
    # Admitted at their own point first, then let in offline at another: forced and a conflict.
    elsewhere = offline(ticket(), known(), point="HCM-02", first=FirstCheckin("HN-01", DURING))
    assert (elsewhere.decision.reason, elsewhere.forced, elsewhere.admits) == ("wrong_point", True, False)
    assert elsewhere.conflict_with.point == "HN-01"


def test_a_repeat_at_the_same_point_or_after_an_online_join_is_no_conflict():
    assert offline(ticket(), known(), first=FirstCheckin("HN-01", DURING)).conflict_with is None
    assert offline(ticket(), known(), first=FirstCheckin(None, DURING)).conflict_with is None


@pytest.mark.parametrize("reason", ["malformed_ticket", "unknown_key", "invalid_signature", "unknown_ticket",
                                    "wrong_forum"])
def test_a_ticket_that_is_not_genuine_here_admits_no_one_even_when_the_door_let_it_through(reason):
    judged = judge_offline(ScanDecision("rejected", reason, known_to_checkin=False), admitted=True, first=None,
                           device_point="HN-01")
    assert (judged.decision.reason, judged.admits, judged.forced) == (reason, False, False)
