"""How a scan is decided: the one place every outcome and reason comes from.

The order, written down (keep it in step with decide_scan; static/decide.js follows it offline):
  1. the ticket: a QR payload must verify with a key published for *this* forum; a typed code
     must name a registration of this forum (`unknown_ticket` otherwise);
  2. the forum: a ticket of another forum is refused;
  3. what the registration service said last (when its event has arrived): cancelled,
     waiting, or an older ticket than the current one are refused;
  4. the place: online tickets and tickets of another point are refused;
  5. the time: before the doors open (a day before the start) it is too early;
  6. the session, when the scan is for one (named by the scanner, else the one session held at
     this point running at the scan's time; none when none or several run): a code not in the
     programme is refused (`unknown_session`), as is a session not held at this point
     (`session_elsewhere`); a session with sign-up that the person holds no place in follows its
     `walk_in`: "refuse" refuses (`not_signed_up`), "admit" admits with `not_signed_up` set;
  7. once per person and session (`already_in_session`), or, for a scan for no session, once per
     person (`already_checked_in`, today's rule): a second admission answers where and when the
     first happened.
A check-out (direction "out": the person leaves, where the forum counts hours by them) passes
steps 1 to 5 and, when the scanner names a session, step 6's `unknown_session` and
`session_elsewhere`; then it is accepted (`checked_out`), never a duplicate, whether or not the
person was let in: who was present when is the hours' rule (domain/hours.py), which takes a
check-out while absent as nothing. A check-out is for the session the scanner names, or for none
(they left the venue): never the one running, since leaving the building mid-session ends the
day, not only that session.
A person whose registration's event has not arrived holds no sign-up as far as check-in knows.
A signed ticket is decided even when the registration's event has not arrived yet: the signature
carries forum, point, mode and version (`known_to_checkin` records that it was decided so).

Two doors may admit one person at the same instant: the database lets exactly one admission
through, and the other scan is then restated by `lost_to_another_door` (a duplicate).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from forumops_shared.tickets import PREFIX, TicketClaims, TicketError, normalise_ticket_code, verify

from .hours import counts_arrival

DOORS_OPEN_BEFORE_START = timedelta(days=1)
OUTCOMES = ("accepted", "duplicate", "rejected")
DIRECTIONS = ("in", "out")  # a check-in (the default) or a check-out


@dataclass(frozen=True)
class SessionView:
    """A session of the programme as the door needs it."""

    code: str
    starts_at: datetime
    ends_at: datetime
    points: tuple[str, ...] | None  # None: every point
    signup: bool = False
    walk_in: str = "admit"  # admit | refuse

    def held_at(self, point: str) -> bool:
        return self.points is None or point in self.points


@dataclass(frozen=True)
class ForumView:
    slug: str
    starts_at: datetime
    public_keys: dict[str, bytes]
    sessions: dict[str, SessionView] = field(default_factory=dict)  # the programme, by code
    zone: ZoneInfo = ZoneInfo("UTC")  # the forum's timezone: its days


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
    point: str | None  # None: online
    at: datetime


@dataclass(frozen=True)
class SessionScan:
    """The session a scan is for: `session` None when `code` is not in the programme."""

    code: str
    session: SessionView | None
    signed_up: bool = False


def session_for(programme: dict[str, SessionView], named: str | None, point: str, at: datetime,
                direction: str = "in") -> SessionScan | None:
    """The session a scan at `point` at `at` is for: the one named, else, for a check-in, the only
    session held at `point` running at `at` (None when none or several are: a scan for no session)."""
    if named is not None:
        return SessionScan(named, programme.get(named))
    if direction == "out":
        return None
    running = [s for s in programme.values() if s.held_at(point) and s.starts_at <= at < s.ends_at]
    return SessionScan(running[0].code, running[0]) if len(running) == 1 else None


def hours_settle_at(forum: ForumView, session: str | None, point: str, at: datetime) -> datetime:
    """When the time an admission at `point` at `at` earns stops growing by itself (domain/hours.py,
    rules 2 and 3: presence runs on to a session's end): the end of the session it let the person
    into; for an arrival (a scan for no session), the last end of the sessions it counts for
    (`counts_arrival`), the day taken in the forum's timezone. `at` when there is none. Hours
    worked out then state time attended, not time to come."""
    if session is not None:
        found = forum.sessions.get(session)
        return found.ends_at if found else at
    day = at.astimezone(forum.zone).date()
    return max((s.ends_at for s in forum.sessions.values()
                if counts_arrival(s, point, at, s.starts_at.astimezone(forum.zone).date() == day)), default=at)


@dataclass(frozen=True)
class TicketReading:
    """What the scanned text is, read without a database: the claims of a QR that verifies with
    this forum's keys, a typed code to look up, or the reason it cannot be read."""

    claims: TicketClaims | None = None
    code: str | None = None
    refusal: str | None = None


@dataclass(frozen=True)
class ScanDecision:
    outcome: str  # one of OUTCOMES
    reason: str
    registration_id: str | None = None
    known_to_checkin: bool = True
    first: FirstCheckin | None = None
    session: str | None = None
    not_signed_up: bool = False  # admitted into a sign-up session without a place (walk_in "admit")
    direction: str = "in"

    @property
    def admits(self) -> bool:
        return self.outcome == "accepted" and self.direction == "in"


def read_scanned(scanned: str, forum: ForumView) -> TicketReading:
    text = scanned.strip()
    if not text.startswith(PREFIX + "."):
        return TicketReading(code=normalise_ticket_code(text))
    try:
        return TicketReading(claims=verify(text, forum.public_keys))
    except TicketError as exc:
        return TicketReading(refusal=exc.reason)


def decide_scan(reading: TicketReading, registration: RegistrationView | None, *, forum: ForumView,
                device_point: str, now: datetime, first: FirstCheckin | None,
                session: SessionScan | None = None, direction: str = "in") -> ScanDecision:
    """Decide one scan at `device_point` of `forum` (see the order in the module docstring).

    `registration` is what check-in holds for the ticket (by the claims' id, or by the typed
    code within this forum), None when nothing; `session` the session the scan is for
    (session_for), None for none; `first` the person's first check-in (into that session when
    there is one), if any; `direction` "out" for a check-out."""
    if direction == "out":
        decision = _decide_out(reading, registration, forum=forum, device_point=device_point, now=now,
                               session=session)
    else:
        decision = _decide(reading, registration, forum=forum, device_point=device_point, now=now, first=first,
                           session=session)
    return decision if session is None else replace(decision, session=session.code)


def _decide_out(reading: TicketReading, registration: RegistrationView | None, *, forum: ForumView,
                device_point: str, now: datetime, session: SessionScan | None) -> ScanDecision:
    # Steps 1 to 6 as a check-in's, leaving needing no place in the session, and step 7 not at all.
    checked = _decide(reading, registration, forum=forum, device_point=device_point, now=now, first=None,
                      session=session and replace(session, signed_up=True))
    if checked.outcome == "accepted":
        checked = ScanDecision("accepted", "checked_out", checked.registration_id, checked.known_to_checkin)
    return replace(checked, direction="out")


def _decide(reading: TicketReading, registration: RegistrationView | None, *, forum: ForumView,
            device_point: str, now: datetime, first: FirstCheckin | None,
            session: SessionScan | None) -> ScanDecision:
    if reading.refusal:
        return ScanDecision("rejected", reading.refusal, known_to_checkin=False)
    claims = reading.claims
    if registration is not None and registration.forum != forum.slug:
        registration = None  # another forum's registration: the ticket's claims decide (wrong_forum)
    if claims is None and registration is None:
        return ScanDecision("rejected", "unknown_ticket", known_to_checkin=False)
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
    walk_in = False
    if session is not None:
        if session.session is None:
            return ScanDecision("rejected", "unknown_session", registration_id)
        if not session.session.held_at(device_point):
            return ScanDecision("rejected", "session_elsewhere", registration_id)
        walk_in = session.session.signup and not session.signed_up
        if walk_in and session.session.walk_in == "refuse":
            return ScanDecision("rejected", "not_signed_up", registration_id)
    if first is not None:
        reason = "already_checked_in" if session is None else "already_in_session"
        return ScanDecision("duplicate", reason, registration_id, known, first)
    return ScanDecision("accepted", "accepted", registration_id, known, not_signed_up=walk_in)


def lost_to_another_door(decision: ScanDecision, first: FirstCheckin) -> ScanDecision:
    """An accepted scan whose person another door admitted first (the same instant, or earlier
    in the same batch): a duplicate, with where and when that admission was."""
    reason = "already_checked_in" if decision.session is None else "already_in_session"
    return ScanDecision("duplicate", reason, decision.registration_id, decision.known_to_checkin, first,
                        decision.session)


def shows_person(outcome: str) -> bool:
    """Whether the door sees the person's name: only when they are let in (or were before)."""
    return outcome in ("accepted", "duplicate")
