"""The scan decision on its own: every reason, in its order, with really signed tickets."""
from datetime import datetime, timedelta, timezone

import pytest

from checkin.domain import FirstCheckin, ForumView, RegistrationView, decide_scan, read_ticket
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
}


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
