"""Pure scan decisions: no Flask, Kafka or SQL.

The order, written down (keep it in step with decide_scan):
  1. the ticket: a QR payload must verify with a key published for *this* forum; a typed code
     must name a registration of this forum;
  2. the forum: a ticket of another forum is refused;
  3. what the registration service said last (when its event has arrived): cancelled,
     waiting, or an older ticket than the current one are refused;
  4. the place: online tickets and tickets of another point are refused;
  5. the time: before the doors open (a day before the start) it is too early;
  6. once per person: a second admission answers where and when the first happened.
A signed ticket is decided even when the registration's event has not arrived yet: the signature
carries forum, point, mode and version (`known_to_checkin` records that it was decided so).

An offline door decided by itself first; `judge_offline` weighs its word against this decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from forumops_shared.tickets import PREFIX, TicketClaims, TicketError, normalise_ticket_code, verify

DOORS_OPEN_BEFORE_START = timedelta(days=1)


@dataclass(frozen=True)
class ForumView:
    slug: str
    starts_at: datetime
    public_keys: dict[str, bytes]


@dataclass(frozen=True)
class RegistrationView:
    """What check-in knows of a registration from registration's events."""

    id: str
    forum: str
    status: str
    attendance: str
    point: str | None
    ticket_code: str
    ticket_version: int


@dataclass(frozen=True)
class FirstCheckin:
    point: str
    at: datetime


@dataclass(frozen=True)
class ScanDecision:
    outcome: str  # accepted | duplicate | rejected
    reason: str
    registration_id: str | None = None
    known_to_checkin: bool = True
    first: FirstCheckin | None = None


def read_scanned(scanned: str, forum: ForumView) -> tuple[TicketClaims | None, str | None, str | None]:
    """What the scanned text is, without a database: (claims of a QR that verifies, a typed code
    to look up, refusal reason)."""
    text = scanned.strip()
    if not text.startswith(PREFIX + "."):
        return None, normalise_ticket_code(text), None
    try:
        return verify(text, forum.public_keys), None, None
    except TicketError as exc:
        return None, None, exc.reason


def read_ticket(scanned: str, forum: ForumView, by_code) -> tuple[TicketClaims | None, RegistrationView | None, str | None]:
    """What the scanned text names: (claims, registration, refusal reason)."""
    claims, code, refusal = read_scanned(scanned, forum)
    if code is None:
        return claims, None, refusal
    registration = by_code(code)
    return (None, registration, None) if registration else (None, None, "unknown_ticket")


def decide_scan(*, claims: TicketClaims | None, registration: RegistrationView | None, forum: ForumView,
                device_point: str, now: datetime, first: FirstCheckin | None) -> ScanDecision:
    """Decide one scan at `device_point` of `forum` (see the order in the module docstring)."""
    ticket_forum = claims.forum if claims else registration.forum
    registration_id = claims.registration_id if claims else registration.id
    if ticket_forum != forum.slug:
        return ScanDecision("rejected", "wrong_forum", registration_id)
    if registration is not None:
        refusal = {"cancelled": "cancelled", "waitlisted": "waitlisted"}.get(registration.status)
        if refusal:
            return ScanDecision("rejected", refusal, registration_id)
        if claims and claims.version < registration.ticket_version:
            return ScanDecision("rejected", "ticket_replaced", registration_id)
    attendance = registration.attendance if registration else claims.attendance
    point = registration.point if registration else claims.point
    if attendance == "online":
        return ScanDecision("rejected", "online_ticket", registration_id)
    if point != device_point:
        return ScanDecision("rejected", "wrong_point", registration_id)
    if now < forum.starts_at - DOORS_OPEN_BEFORE_START:
        return ScanDecision("rejected", "not_yet_valid", registration_id)
    known = registration is not None
    if first is not None:
        return ScanDecision("duplicate", "already_checked_in", registration_id, known, first)
    return ScanDecision("accepted", "accepted", registration_id, known)


# What an offline door may have let through although the service refuses it: the ticket is
# genuine and names a registration of this forum. Forged or unreadable tickets admit no one.
FORCEABLE = frozenset({"cancelled", "waitlisted", "ticket_replaced", "wrong_point", "online_ticket", "not_yet_valid"})


@dataclass(frozen=True)
class OfflineJudgement:
    decision: ScanDecision  # what is stored for the scan
    admits: bool  # a check-in to record now
    forced: bool  # admitted although refused here
    conflict_with: FirstCheckin | None  # the admission at another point this one contradicts


def judge_offline(decision: ScanDecision, *, admitted: bool, first: FirstCheckin | None,
                  device_point: str) -> OfflineJudgement:
    """An offline scan: the service's `decision` (as of the scan's time) and the door's word.

    - accepted here and admitted there: a check-in, as online;
    - refused here for a reason in FORCEABLE but admitted there: a *forced* check-in (the person
      is inside), unless they were admitted before;
    - admitted there while already admitted at another point: a conflict for organisers;
    - turned away by the door: stored, never a check-in (`refused_at_door` when this service
      would have accepted)."""
    if not admitted:
        if decision.outcome == "accepted":
            decision = ScanDecision("rejected", "refused_at_door", decision.registration_id, decision.known_to_checkin)
        return OfflineJudgement(decision, False, False, None)
    if decision.outcome == "accepted":
        forced = False
    elif decision.outcome == "duplicate" or decision.reason in FORCEABLE:
        forced = decision.outcome == "rejected"
    else:
        return OfflineJudgement(decision, False, False, None)
    elsewhere = first if first is not None and first.point is not None and first.point != device_point else None
    return OfflineJudgement(decision, first is None, forced, elsewhere)
